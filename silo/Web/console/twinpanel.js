// One twin in detail: live state, alarms, pending commands, recent history, and the commands its kind accepts.
import { h, replace, clock, dateTime, title } from './dom.js';

export class TwinPanel {
  constructor(container, context) {
    this.container = container;
    this.context = context; // { api, may, kinds, notify }
    this.address = null;
    this.twin = null;
    this.history = null;
  }

  async show(address) {
    this.address = address;
    this.twin = null;
    this.history = null;
    replace(this.container, h('p', { class: 'muted' }, `Loading ${address}…`));
    try {
      this.twin = await this.context.api.get(`/api/twins/${address}`);
    } catch (error) {
      if (this.address === address) replace(this.container, h('p', { class: 'error' }, error.message));
      return;
    }
    if (this.address !== address) return;
    this.render();
    this.loadHistory();
  }

  async loadHistory() {
    if (!this.context.may.has('twins.history')) return;
    const address = this.address;
    try {
      const page = await this.context.api.get(`/api/twins/${address}/history?limit=15`);
      if (this.address !== address) return;
      this.history = page;
      this.render();
    } catch { /* the history is a nice-to-have here */ }
  }

  /** A twin changed on the stream: redraw if it is the one shown; its history gets the new entry. */
  changed(view) {
    if (!this.twin || `${view.kind}/${view.id}` !== this.address || view.version <= this.twin.version) return;
    // The stream carries no personal data; keep what the panel was allowed to read.
    this.twin = { ...view, members: this.twin.members };
    this.render();
    this.loadHistory();
  }

  render() {
    const t = this.twin;
    const kind = this.context.kinds.get(t.kind);
    const reported = Object.entries(t.reported ?? {});
    const order = new Map((kind?.telemetry ?? []).map((f, i) => [f.name, i]));
    reported.sort(([a], [b]) => (order.get(a) ?? 99) - (order.get(b) ?? 99) || a.localeCompare(b));
    const settings = Object.entries(t.desired ?? {}).filter(([k]) => k !== 'pending');
    const pending = t.desired?.pending ?? [];

    replace(this.container,
      h('div', { class: 'panel-head' },
        h('h2', {}, `${title(t.kind)} ${t.profile?.name ?? t.id}`),
        h('span', { class: `badge status-${t.status}`, 'data-testid': 'twin-status' }, t.status)),
      h('p', { class: 'muted' }, [
        t.building ? `building ${t.building} · ` : '',
        t.covers?.length ? `covers ${t.covers.join(', ')} · ` : '',
        `v${t.version} · updated ${clock(t.updatedAt)}`,
        t.lastSeq !== undefined && t.lastSeq !== null ? ` · seq ${t.lastSeq}` : '',
      ]),
      t.alarms?.length ? h('section', { class: 'alarms' }, h('h3', {}, 'Alarms'),
        h('ul', {}, t.alarms.map(a => h('li', { class: 'alarm' }, h('strong', {}, a.code), ` ${a.message ?? ''} `, h('span', { class: 'muted' }, `since ${clock(a.since)}`))))) : null,
      h('section', {}, h('h3', {}, 'Reported'),
        reported.length
          ? h('table', { class: 'fields', 'data-testid': 'reported' }, reported.map(([name, value]) =>
            h('tr', { 'data-field': name }, h('th', {}, name), h('td', {}, format(value)))))
          : h('p', { class: 'muted' }, 'Nothing reported yet.')),
      settings.length || pending.length ? h('section', {}, h('h3', {}, 'Desired'),
        settings.length ? h('table', { class: 'fields' }, settings.map(([name, value]) => h('tr', {}, h('th', {}, name), h('td', {}, format(value))))) : null,
        pending.length ? h('ul', { class: 'pending' }, pending.map(p => h('li', {},
          h('strong', {}, p.command), ` ${Object.entries(p.args ?? {}).map(([k, v]) => `${k}=${v}`).join(' ')} `,
          h('span', { class: 'muted' }, `pending, attempt ${p.attempts}, until ${clock(p.deadline)} — ${p.reason}`)))) : null) : null,
      t.members?.length ? h('section', {}, h('h3', {}, 'Residents'), h('ul', {}, t.members.map(m =>
        h('li', {}, `${m.name} · ${m.phone ?? ''} `, (m.vulnerability ?? []).map(v => h('span', { class: 'tag vulnerable' }, v.replaceAll('_', ' '))))))) : null,
      t.rollup ? h('section', {}, h('h3', {}, 'In this building'), rollup(t.rollup)) : null,
      this.context.may.has('twins.command') && kind ? this.commandForm(kind) : null,
      this.history ? h('section', {}, h('h3', {}, 'Recent history'),
        this.history.items.length
          ? h('ol', { class: 'history' }, this.history.items.map(entry => h('li', {},
            h('span', { class: 'time' }, dateTime(entry.at)), ' ', describeHistory(entry))))
          : h('p', { class: 'muted' }, 'No history yet.')) : null);
  }

  commandForm(kind) {
    const commands = kind.commands;
    const select = h('select', { name: 'command', 'aria-label': 'Command' }, commands.map(c => h('option', { value: c.name }, c.name)));
    const args = h('div', { class: 'args' });
    const reason = h('input', { name: 'reason', placeholder: 'reason (optional)', maxlength: 256 });
    const drawArgs = () => {
      const command = commands.find(c => c.name === select.value);
      replace(args, command.args.map(arg => h('label', {}, arg.name, ' ', argInput(arg))));
      select.title = command.description;
    };
    select.addEventListener('change', drawArgs);
    const form = h('form', {
      class: 'command', onsubmit: async event => {
        event.preventDefault();
        const body = { command: select.value, args: {}, reason: reason.value || undefined };
        for (const input of args.querySelectorAll('[data-arg]')) {
          if (input.value === '') continue;
          body.args[input.dataset.arg] = input.dataset.type === 'number' || input.dataset.type === 'integer' ? Number(input.value)
            : input.dataset.type === 'bool' ? input.value === 'true' : input.value;
        }
        try {
          const accepted = await this.context.api.post(`/api/twins/${this.address}/commands`, body);
          this.context.notify(`${body.command} ${accepted.status ?? 'accepted'} for ${this.address}`);
        } catch (error) {
          this.context.notify(error.message, 'error');
        }
      },
    }, select, args, reason, h('button', { type: 'submit' }, 'Send'));
    drawArgs();
    return h('section', {}, h('h3', {}, 'Send a command'), form);
  }
}

function argInput(arg) {
  const common = { 'data-arg': arg.name, 'data-type': arg.type, required: arg.required };
  if (arg.type === 'choice') return h('select', common, arg.choices.map(c => h('option', { value: c }, c)));
  if (arg.type === 'bool') return h('select', common, h('option', { value: 'true' }, 'true'), h('option', { value: 'false' }, 'false'));
  if (arg.type === 'number' || arg.type === 'integer')
    return h('input', { ...common, type: 'number', min: arg.min, max: arg.max, step: arg.type === 'integer' ? 1 : 'any' });
  return h('input', { ...common, maxlength: 256 });
}

function rollup(r) {
  const rows = Object.entries(r.countsByKindAndStatus ?? {}).map(([kind, counts]) =>
    h('tr', {}, h('th', {}, kind), h('td', {}, Object.entries(counts).map(([status, n]) => h('span', { class: `count status-${status}` }, `${n} ${status}`)))));
  return h('table', { class: 'fields' }, rows,
    h('tr', {}, h('th', {}, 'households'), h('td', {}, `${r.occupiedHouseholds} of ${r.households} occupied`)),
    h('tr', {}, h('th', {}, 'alarms · incidents'), h('td', {}, `${r.activeAlarms} · ${r.activeIncidents}`)));
}

function format(value) {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(2);
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

function describeHistory(entry) {
  const text = typeof entry.body === 'string' ? entry.body : JSON.stringify(entry.body ?? {});
  return `${entry.kind}${entry.seq ? ` #${entry.seq}` : ''} ${text.length > 140 ? `${text.slice(0, 140)}…` : text}`;
}
