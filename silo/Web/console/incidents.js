// Incidents: the banner every page shows while one is active, the list, the raise form, and the incident view a duty
// officer reads in an emergency — what is burning, who has acknowledged, who is still inside, whether the gates are open.
import { h, replace, clock, since, span, title } from './dom.js';

const types = ['fire', 'gas_leak', 'medical', 'intrusion', 'flood', 'power_outage'];
const tasksShownPerParty = 6;

export class IncidentDesk {
  constructor(container, view, banner, context) {
    this.list = h('div', { class: 'incident-lists' });
    // Built once: a list redrawn on every incident change must not wipe what someone is typing.
    container.replaceChildren(context.may.has('incidents.raise') ? this.raiseForm(context) : '', this.list);
    this.view = view;
    this.banner = banner;
    this.context = context; // { api, may, party, notify, select, twins, buildings, open }
    this.incidents = new Map();
    this.current = null; // the incident shown in full
    this.chosenHousehold = null;
    this.report = null;
  }

  get active() {
    return [...this.incidents.values()].filter(i => i.status === 'active').sort((a, b) => b.openedAt.localeCompare(a.openedAt));
  }

  async refresh() {
    try {
      const [active, recent] = await Promise.all([
        this.context.api.get('/api/incidents?status=active'),
        this.context.api.get('/api/incidents?status=closed'),
      ]);
      this.incidents = new Map([...recent.items.slice(0, 10), ...active.items].map(i => [i.id, i]));
    } catch (error) {
      this.context.notify(error.message, 'error');
    }
    this.renderList();
    this.renderBanner();
  }

  /** An incident changed on the stream. */
  changed(incident) {
    this.incidents.set(incident.id, incident);
    if (this.current?.id === incident.id && incident.version >= this.current.version) {
      this.current = incident;
      this.renderView();
    }
    this.renderList();
    this.renderBanner();
  }

  async open(id) {
    this.report = null;
    this.chosenHousehold = null;
    try {
      this.current = await this.context.api.get(`/api/incidents/${id}`);
      this.incidents.set(id, this.current);
    } catch (error) {
      this.context.notify(error.message, 'error');
      return;
    }
    this.renderView();
    this.context.open('incident');
  }

  renderBanner() {
    const active = this.active;
    this.banner.hidden = active.length === 0;
    replace(this.banner, active.map(i => {
      const acked = i.tasks.filter(t => t.status !== 'pending').length;
      return h('button', { class: `banner-item type-${i.type}`, 'data-incident': i.id, onclick: () => this.open(i.id) },
        h('strong', {}, `${i.type.replaceAll('_', ' ').toUpperCase()}${i.drill ? ' DRILL' : ''}`),
        ` ${place(i)} · open ${since(i.openedAt)} · ${acked} of ${i.tasks.length} tasks acknowledged`,
        i.households.total ? ` · ${i.households.unaccounted} households unaccounted, ${i.households.needHelp} need help` : '');
    }));
  }

  renderList() {
    const active = this.active;
    const closed = [...this.incidents.values()].filter(i => i.status !== 'active').sort((a, b) => b.openedAt.localeCompare(a.openedAt));
    replace(this.list,
      h('h3', {}, 'Active'),
      active.length ? h('ul', { class: 'incident-list' }, active.map(i => this.row(i))) : h('p', { class: 'muted' }, 'No active incident.'),
      closed.length ? [h('h3', {}, 'Recently closed'), h('ul', { class: 'incident-list' }, closed.map(i => this.row(i)))] : null);
  }

  row(i) {
    return h('li', {}, h('button', { class: `link type-${i.type}`, 'data-incident': i.id, onclick: () => this.open(i.id) },
      h('strong', {}, `${title(i.type)}${i.drill ? ' drill' : ''}`), ` · ${place(i)} · ${i.status === 'active' ? `open ${since(i.openedAt)}` : `closed ${clock(i.closedAt)}`}`));
  }

  raiseForm(context) {
    const type = h('select', { id: 'raise-type', 'aria-label': 'Incident type' }, types.map(t => h('option', { value: t }, title(t))));
    const building = h('select', { id: 'raise-building', 'aria-label': 'Building' });
    // The buildings are known only once the plan has loaded: fill the choice when the form is opened.
    const fillBuildings = () => {
      if (building.options.length) return;
      building.append(...context.buildings().map(b => h('option', { value: b.id }, b.name ?? b.id)));
    };
    const description = h('input', { id: 'raise-description', placeholder: 'What is happening, where', maxlength: 512, required: true });
    const drill = h('input', { id: 'raise-drill', type: 'checkbox', checked: true });
    return h('details', { class: 'raise', ontoggle: fillBuildings }, h('summary', {}, 'Raise an incident'),
      h('form', {
        onsubmit: async event => {
          event.preventDefault();
          try {
            const raised = await context.api.post('/api/incidents',
              { type: type.value, building: building.value, description: description.value, drill: drill.checked });
            description.value = '';
            context.notify(`${title(raised.type)}${raised.drill ? ' drill' : ''} raised in ${place(raised)}`);
            this.changed(raised);
            await this.open(raised.id);
          } catch (error) {
            context.notify(error.message, 'error');
          }
        },
      }, type, building, description, h('label', {}, drill, ' drill (a rehearsal, marked as such everywhere)'),
      h('button', { type: 'submit', id: 'raise-submit', class: 'danger' }, 'Raise')));
  }

  renderView() {
    const i = this.current;
    if (!i) {
      replace(this.view, h('p', { class: 'muted' }, 'Choose an incident.'));
      return;
    }
    const mayClose = i.status === 'active' && this.context.may.has('incidents.close');
    const open = new Set([...this.view.querySelectorAll('details[open][data-key]')].map(d => d.dataset.key));
    replace(this.view, h('article', { class: `incident type-${i.type}`, 'data-incident': i.id, 'data-status': i.status },
      h('div', { class: 'panel-head' },
        h('h2', {}, `${title(i.type)}${i.drill ? ' drill' : ''} · ${place(i)}`),
        h('span', { class: `badge incident-${i.status}`, 'data-testid': 'incident-status' }, i.status)),
      h('p', { class: 'muted' }, `${i.description} · opened ${clock(i.openedAt)} (${since(i.openedAt)} ago)`,
        i.closedAt ? ` · closed ${clock(i.closedAt)}` : ''),
      h('div', { class: 'actions' },
        mayClose ? h('button', { id: 'incident-close', class: 'danger', onclick: () => this.close(i) }, 'Close incident') : null,
        this.context.may.has('incidents.report') ? h('button', { id: 'incident-report', onclick: () => this.showReport(i) }, 'After-action report') : null),
      this.report ? reportView(this.report) : null,
      households(i, this),
      this.tasks(i),
      gates(i, this.context.twins()),
      deviceActions(i),
      timeline(i)));
    for (const details of this.view.querySelectorAll('details[data-key]')) details.open = open.has(details.dataset.key);
  }

  tasks(i) {
    const me = this.context.party;
    const byRole = Map.groupBy(i.tasks, t => t.role);
    return h('section', { class: 'tasks' }, h('h3', {}, 'Tasks'),
      [...byRole].map(([role, tasks]) => {
        const pending = tasks.filter(t => t.status === 'pending').length;
        const done = tasks.filter(t => t.status === 'done').length;
        const rows = tasks.map(t => this.task(i, t, me));
        return h('div', { class: 'party', 'data-role': role },
          h('h4', {}, title(role), h('span', { class: 'muted' },
            ` ${[...new Set(tasks.flatMap(t => t.parties))].join(', ')} · ${tasks.length - pending} of ${tasks.length} acknowledged${done ? `, ${done} done` : ''}`)),
          h('ul', {}, rows.slice(0, tasksShownPerParty)),
          rows.length > tasksShownPerParty
            ? h('details', { 'data-key': `tasks-${role}` }, h('summary', {}, `${rows.length - tasksShownPerParty} more ${role} tasks`), h('ul', {}, rows.slice(tasksShownPerParty)))
            : null);
      }));
  }

  task(i, t, me) {
    const mayAct = i.status === 'active' && this.context.may.has('incidents.task')
      && (me.role === 'admin' || t.parties.includes(me.id) || t.escalatedTo.includes(me.id) || (t.parties.length === 0 && t.role === me.role));
    const overdue = t.status === 'pending' && new Date(t.deadline) < Date.now();
    const when = t.status === 'pending'
      ? (overdue ? `overdue by ${since(t.deadline)}` : `acknowledge within ${span(new Date(t.deadline) - Date.now())}`)
      : t.status === 'acknowledged' ? `acknowledged by ${t.acknowledgedBy} at ${clock(t.acknowledgedAt)}` : `done by ${t.doneBy} at ${clock(t.doneAt)}`;
    return h('li', { class: `task task-${t.status}${overdue ? ' overdue' : ''}`, 'data-task': t.id, 'data-task-status': t.status },
      h('span', { class: `pill task-${t.status}` }, t.status),
      h('span', { class: 'task-title' }, t.title),
      h('span', { class: 'muted' }, ` ${when}`,
        t.escalatedTo.length ? ` · escalated to ${t.escalatedTo.join(' → ')}` : '',
        t.missedDeadlines ? ` · ${t.missedDeadlines} deadline${t.missedDeadlines > 1 ? 's' : ''} missed` : ''),
      mayAct && t.status === 'pending' ? h('button', { class: 'small', 'data-action': 'ack', onclick: () => this.step(i, t, 'ack') }, 'Acknowledge') : null,
      mayAct && t.status !== 'done' ? h('button', { class: 'small', 'data-action': 'complete', onclick: () => this.step(i, t, 'complete') }, 'Complete') : null);
  }

  async step(i, t, step) {
    try {
      this.changed(await this.context.api.post(`/api/incidents/${i.id}/tasks/${t.id}/${step}`));
    } catch (error) {
      this.context.notify(error.message, 'error');
    }
  }

  async account(i, household, status) {
    try {
      this.changed(await this.context.api.post(`/api/incidents/${i.id}/households/${household}`, { status }));
      this.chosenHousehold = null;
      this.renderView();
    } catch (error) {
      this.context.notify(error.message, 'error');
    }
  }

  async close(i) {
    if (!confirm(`Close the ${i.type.replaceAll('_', ' ')}${i.drill ? ' drill' : ''} in ${place(i)}? Gates go back to normal and lamps to auto.`)) return;
    try {
      this.changed(await this.context.api.post(`/api/incidents/${i.id}/close`));
      this.context.notify(`${title(i.type)} in ${place(i)} closed`);
      await this.showReport(this.current);
    } catch (error) {
      this.context.notify(error.message, 'error');
    }
  }

  async showReport(i) {
    try {
      this.report = await this.context.api.get(`/api/incidents/${i.id}/report`);
      this.renderView();
    } catch (error) {
      this.context.notify(error.message, 'error');
    }
  }
}

function place(i) {
  return i.building ? `building ${i.building}` : i.twin ?? i.community;
}

/** Households safe / need help / unaccounted, floor by floor, top floor first, as a fire officer reads a building. */
function households(i, desk) {
  if (!i.households.total) return null;
  const c = i.households;
  const floors = Map.groupBy(i.householdDetails ?? [], a => a.floor ?? 0);
  const mayAccount = i.status === 'active' && desk.context.may.has('incidents.household');
  const chosen = desk.chosenHousehold;
  return h('section', { class: 'households' },
    h('h3', {}, 'Households'),
    h('div', { class: 'tally' },
      h('span', { class: 'tally-item account-unaccounted', 'data-testid': 'unaccounted' }, h('b', {}, String(c.unaccounted)), ' unaccounted'),
      h('span', { class: 'tally-item account-need_help', 'data-testid': 'need-help' }, h('b', {}, String(c.needHelp)), ' need help'),
      h('span', { class: 'tally-item account-safe', 'data-testid': 'safe' }, h('b', {}, String(c.safe)), ' safe'),
      h('span', { class: 'muted' }, ` of ${c.total}`)),
    floors.size ? h('table', { class: 'floors' }, [...floors].sort(([a], [b]) => b - a).map(([floor, homes]) =>
      h('tr', {}, h('th', {}, `F${floor}`), h('td', {}, homes.sort((a, b) => a.household.localeCompare(b.household)).map(a =>
        h('button', {
          class: `home account-${a.status}${a.vulnerable ? ' vulnerable' : ''}${chosen === a.household ? ' chosen' : ''}`,
          'data-household': a.household, 'data-account': a.status,
          title: `${a.household}: ${a.status.replace('_', ' ')}${a.vulnerable ? ', vulnerable resident' : ''}${a.by ? ` (by ${a.by} at ${clock(a.at)})` : ''}`,
          onclick: () => { desk.chosenHousehold = chosen === a.household ? null : a.household; desk.renderView(); },
        }, shortHome(a.household), a.vulnerable ? '!' : '')))))) : null,
    chosen ? h('div', { class: 'chosen-home' }, h('strong', {}, chosen), ' ',
      h('button', { class: 'small', onclick: () => desk.context.select(`household/${chosen}`) }, 'Open twin'),
      mayAccount ? [' ', h('button', { class: 'small ok', 'data-mark': 'safe', onclick: () => desk.account(i, chosen, 'safe') }, 'Mark safe'), ' ',
        h('button', { class: 'small danger', 'data-mark': 'need_help', onclick: () => desk.account(i, chosen, 'need_help') }, 'Needs help')] : null) : null,
    h('p', { class: 'legend muted' }, h('span', { class: 'home account-safe' }, 'safe'), h('span', { class: 'home account-need_help' }, 'need help'),
      h('span', { class: 'home account-unaccounted' }, 'unaccounted'), h('span', { class: 'home vulnerable' }, 'vulnerable!')));
}

function shortHome(id) {
  const parts = id.split('-');
  return parts.length > 2 ? parts.slice(1).join('-') : id;
}

/** Every gate of the community: what the incident asked of it and what the gate reports. */
function gates(i, twins) {
  const asked = new Map(i.actions.filter(a => a.twin.startsWith('gate/')).map(a => [a.twin, a]));
  const all = twins.filter(t => t.kind === 'gate');
  if (!all.length && !asked.size) return null;
  return h('section', { class: 'gates' }, h('h3', {}, 'Gates'),
    h('table', { class: 'fields' }, all.map(g => {
      const address = `gate/${g.id}`;
      const action = asked.get(address);
      const mode = g.desired?.mode ?? 'normal';
      const reported = g.reported ?? {};
      const state = reported.open === undefined ? 'not reported' : `${reported.open ? 'open' : 'closed'}, ${reported.locked ? 'locked' : 'unlocked'}`;
      return h('tr', { 'data-gate': g.id, 'data-mode': mode },
        h('th', {}, g.name ?? g.id),
        h('td', {}, h('span', { class: `pill mode-${mode}` }, mode), ` ${state}`),
        h('td', {}, action ? h('span', { class: `pill action-${action.status}` }, action.status) : h('span', { class: 'muted' }, 'not asked')));
    })));
}

function deviceActions(i) {
  const other = i.actions.filter(a => !a.twin.startsWith('gate/'));
  if (!other.length) return null;
  const byKind = Map.groupBy(other, a => a.twin.split('/')[0]);
  const failed = other.filter(a => a.status === 'failed');
  return h('section', { class: 'device-actions' }, h('h3', {}, 'Device actions'),
    h('ul', {}, [...byKind].map(([kind, actions]) => {
      const count = s => actions.filter(a => a.status === s).length;
      return h('li', {}, h('strong', {}, `${kind}s`), ` ${count('confirmed')} confirmed · ${count('pending')} pending`,
        count('failed') ? h('span', { class: 'error' }, ` · ${count('failed')} failed`) : '');
    })),
    failed.length ? h('details', { 'data-key': 'failed' }, h('summary', {}, `${failed.length} failed`), h('ul', {}, failed.map(a => h('li', {}, `${a.twin}: ${a.command} — ${a.detail ?? 'no confirmation'}`)))) : null);
}

function timeline(i) {
  const entries = [...i.timeline].reverse();
  const row = e => h('li', {}, h('span', { class: 'time' }, clock(e.at)), ' ', h('span', { class: 'who' }, e.who), ' ', e.what);
  return h('section', { class: 'timeline' }, h('h3', {}, 'Timeline'),
    h('ol', {}, entries.slice(0, 30).map(row)),
    entries.length > 30 ? h('details', { 'data-key': 'timeline' }, h('summary', {}, `${entries.length - 30} earlier entries`), h('ol', {}, entries.slice(30).map(row))) : null);
}

function reportView(r) {
  const firstAcks = Object.entries(r.secondsToFirstAckByRole ?? {});
  return h('section', { class: 'report', 'data-testid': 'report' }, h('h3', {}, 'After-action report'),
    h('table', { class: 'fields' },
      h('tr', {}, h('th', {}, 'duration'), h('td', {}, span(r.durationSeconds * 1000))),
      h('tr', {}, h('th', {}, 'first acknowledgement'), h('td', {}, firstAcks.length ? firstAcks.map(([role, s]) => `${role} ${span(s * 1000)}`).join(' · ') : 'none')),
      h('tr', {}, h('th', {}, 'never acknowledged'), h('td', {}, r.rolesThatNeverAcknowledged?.join(', ') || 'none')),
      h('tr', {}, h('th', {}, 'all households accounted'), h('td', {}, r.secondsUntilAllHouseholdsAccounted == null ? 'never' : `after ${span(r.secondsUntilAllHouseholdsAccounted * 1000)}`)),
      h('tr', {}, h('th', {}, 'never accounted'), h('td', {}, r.householdsNeverAccounted?.length ? r.householdsNeverAccounted.join(', ') : 'none')),
      h('tr', {}, h('th', {}, 'missed deadlines'), h('td', {}, String(r.missedDeadlines?.length ?? 0))),
      h('tr', {}, h('th', {}, 'failed device actions'), h('td', {}, String(r.failedDeviceActions?.length ?? 0)))));
}
