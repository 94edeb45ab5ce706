// Welfare checks: a vulnerable household silent for too long, for the grid workers of its building. Open checks first,
// with whom to ask for at the door (names and phones: the read is audited), how long the household has been silent, the
// deadline to acknowledge or where the check escalated; Acknowledge, and Visited with a note once someone has been.
import { h, replace, clock, dateTime, Keyed, sync, throttle } from './dom.js';

const closedShown = 10;

export class WelfareDesk {
  constructor(container, context) {
    this.context = context; // { api, may, party, notify, badge }
    this.items = new Map();
    // The actions of each open check, moved into its card when the card is built again (an escalation, say), so a
    // note being typed is not lost.
    this.forms = new Map();
    this.cards = new Keyed(w => this.card(w), w => `${w.version}:${isOverdue(w)}`, w => w.household);
    this.error = h('p', { class: 'error', hidden: true });
    this.openList = h('div', { class: 'welfare-list', 'data-testid': 'open-checks' });
    this.closedList = h('div', { class: 'welfare-list', 'data-testid': 'closed-checks' });
    this.noOpen = h('p', { class: 'muted' }, 'No open welfare check.');
    this.closedSection = h('section', { hidden: true }, h('h3', {}, 'Recently closed'), this.closedList);
    this.watched = h('section', { class: 'watched' });
    container.replaceChildren(this.error, h('section', {}, h('h3', {}, 'Open welfare checks'), this.noOpen, this.openList), this.closedSection, this.watched);
    // A household not yet listed: read the list again (the stream carries no names or phones).
    this.refreshSoon = throttle(() => this.refresh(), 1000);
  }

  async refresh() {
    try {
      const list = await this.context.api.get('/api/welfare');
      // What the stream brought meanwhile may be newer than the list.
      for (const w of list.items) if (!(this.items.get(w.household)?.version > w.version)) this.items.set(w.household, w);
      this.error.hidden = true;
    } catch (error) {
      this.error.textContent = error.message;
      this.error.hidden = false;
    }
    this.render();
  }

  /** A watch changed on the stream (without residents), or in the answer to this page's own request. */
  changed(view) {
    const known = this.items.get(view.household);
    if (!known) {
      this.refreshSoon();
      return;
    }
    if (known.version > view.version) return;
    this.items.set(view.household, { ...view, residents: view.residents ?? known.residents });
    this.render();
  }

  render() {
    const all = [...this.items.values()].filter(w => w.watching);
    const open = all.filter(w => w.check?.status === 'open').sort((a, b) => a.check.openedAt.localeCompare(b.check.openedAt));
    const closed = all.filter(w => w.check && w.check.status !== 'open').sort((a, b) => b.check.closedAt.localeCompare(a.check.closedAt)).slice(0, closedShown);
    this.noOpen.hidden = open.length > 0;
    this.closedSection.hidden = closed.length === 0;
    sync(this.openList, open.map(w => this.cards.node(w)));
    sync(this.closedList, closed.map(w => this.cards.node(w)));
    this.cards.keep(new Set([...open, ...closed].map(w => w.household)));
    const openChecks = new Set(open.map(w => w.check.id));
    for (const id of [...this.forms.keys()]) if (!openChecks.has(id)) this.forms.delete(id);
    const quiet = all.filter(w => w.check?.status !== 'open').sort((a, b) => a.household.localeCompare(b.household, undefined, { numeric: true }));
    replace(this.watched,
      h('h3', {}, 'Watched'),
      h('p', { class: 'muted' }, `${all.length} vulnerable household${all.length === 1 ? '' : 's'} watched, ${quiet.length} without an open check.`),
      quiet.length ? h('details', {}, h('summary', {}, 'Show them'), h('ul', { class: 'plain' }, quiet.map(w =>
        h('li', {}, h('strong', {}, w.household), ` building ${w.building ?? '—'}${w.floor != null ? `, floor ${w.floor}` : ''} · `,
          (w.residents ?? []).map(r => `${r.name} (${r.vulnerability.map(v => v.replaceAll('_', ' ')).join(', ')})`).join('; '))))) : null);
    this.context.badge('welfare', open.length, open.some(w => w.check.task.missedDeadlines > 0) ? 'alarm' : null);
  }

  mayAct(task) {
    const me = this.context.party;
    return this.context.may.has('welfare.step')
      && (me.role === 'admin' || task.parties.includes(me.id) || task.escalatedTo.includes(me.id) || (task.parties.length === 0 && task.role === me.role));
  }

  card(w) {
    const c = w.check;
    const t = c.task;
    const open = c.status === 'open';
    const overdue = isOverdue(w);
    return h('article', {
      class: `welfare status-${c.status}${overdue ? ' overdue' : ''}${t.escalatedTo.length && open ? ' escalated' : ''}`,
      'data-welfare': w.household, 'data-check': c.id, 'data-status': c.status, 'data-task-status': t.status,
    },
    h('div', { class: 'feedback-head' },
      h('span', { class: `pill task-${t.status}` }, open ? t.status : 'closed'),
      h('strong', {}, `Household ${w.household}`),
      h('span', { class: 'muted' }, `building ${w.building ?? '—'}${w.floor != null ? ` · floor ${w.floor}` : ''}`)),
    w.residents?.length ? h('ul', { class: 'residents plain', 'data-testid': 'residents' }, w.residents.map(r => h('li', {},
      h('strong', {}, r.name), r.phone ? [' · ', h('a', { href: `tel:${r.phone.replaceAll(' ', '')}` }, r.phone)] : '',
      r.vulnerability.map(v => h('span', { class: 'tag vulnerable' }, v.replaceAll('_', ' ')))))) : null,
    h('p', { 'data-testid': 'silent' }, `Silent since ${dateTime(c.silentSince)}`, h('span', { class: 'muted' }, ` (last: ${c.lastActivity}) · check opened ${clock(c.openedAt)}`)),
    open ? h('p', { class: overdue ? 'error' : 'muted', 'data-testid': 'deadline' },
      t.status === 'pending'
        ? (overdue ? 'Not acknowledged in time' : `Acknowledge by ${clock(t.deadline)}`)
        : `Acknowledged by ${t.acknowledgedBy} at ${clock(t.acknowledgedAt)}`,
      t.escalatedTo.length ? h('span', { class: 'escalated-to', 'data-testid': 'escalated' }, ` · escalated to ${t.escalatedTo.join(' → ')}`) : '',
      t.missedDeadlines ? ` · ${t.missedDeadlines} deadline${t.missedDeadlines > 1 ? 's' : ''} missed` : '',
      // An escalation gives the next party a deadline of its own.
      overdue && Date.parse(t.deadline) > Date.now() ? ` · next escalation ${clock(t.deadline)}` : '') : null,
    !open ? h('p', { class: 'muted', 'data-testid': 'closed-how' }, `Closed ${dateTime(c.closedAt)}: ${c.closedHow}`) : null,
    open && this.mayAct(t) ? this.actionsOf(w) : null,
    h('details', { class: 'timeline' }, h('summary', {}, `Timeline (${c.timeline.length})`),
      h('ol', {}, [...c.timeline].reverse().map(e => h('li', {}, h('span', { class: 'time' }, dateTime(e.at)), ' ', h('span', { class: 'who' }, e.who), ' ', e.what)))));
  }

  actionsOf(w) {
    const id = w.check.id;
    if (!this.forms.has(id)) {
      const note = h('input', { 'data-field': 'note', maxlength: 1000, placeholder: 'note (optional): what you found', 'aria-label': 'Note' });
      const ack = h('button', { class: 'small', 'data-action': 'ack', onclick: () => this.step(w.household, 'ack', note) }, 'Acknowledge');
      const visited = h('button', { class: 'small ok', 'data-action': 'visited', onclick: () => this.step(w.household, 'complete', note) }, 'Visited');
      this.forms.set(id, { element: h('div', { class: 'actions' }, note, ack, visited), ack });
    }
    const form = this.forms.get(id);
    form.ack.hidden = w.check.task.status !== 'pending';
    return form.element;
  }

  async step(household, action, note) {
    const sent = note.value.trim();
    try {
      const view = await this.context.api.post(`/api/welfare/${household}/${action}`, { note: sent || undefined });
      // Only what was sent is cleared: a note typed while this was on its way (the live stream may show the step first) is the next step's.
      if (note.value.trim() === sent) note.value = '';
      this.context.notify(action === 'ack' ? `Welfare check of ${household} acknowledged` : `Visit to ${household} recorded; the check is closed`);
      this.changed(view);
    } catch (error) {
      this.context.notify(error.message, 'error');
    }
  }
}

/** Not acknowledged in time: past its deadline, or already escalated (each escalation sets a new deadline). */
function isOverdue(w) {
  const c = w.check;
  return c?.status === 'open' && c.task.status === 'pending' && (c.task.escalatedTo.length > 0 || Date.parse(c.task.deadline) <= Date.now());
}
