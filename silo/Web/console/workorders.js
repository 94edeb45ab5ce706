// The work-order board: open → assigned → in progress → done, with the next step as a button for those who may take it.
import { h, replace, since, dateTime, title } from './dom.js';

const columns = [
  { status: 'open', name: 'Open', step: 'assign', label: 'Assign' },
  { status: 'assigned', name: 'Assigned', step: 'start', label: 'Start' },
  { status: 'in_progress', name: 'In progress', step: 'complete', label: 'Complete' },
  { status: 'done', name: 'Done', step: null },
];
const doneShown = 12;

export class WorkOrderBoard {
  constructor(container, context) {
    this.container = container;
    this.context = context; // { api, may, party, notify, select }
    this.items = [];
    this.error = null;
  }

  async refresh() {
    try {
      const list = await this.context.api.get('/api/workorders?limit=500');
      this.items = list.items;
      this.error = null;
    } catch (error) {
      this.error = error.message;
    }
    this.render();
  }

  get openCount() {
    return this.items.filter(w => w.status !== 'done').length;
  }

  render() {
    const mayStep = this.context.may.has('workorders.step');
    replace(this.container,
      this.error ? h('p', { class: 'error' }, this.error) : null,
      h('div', { class: 'board', 'data-testid': 'workorder-board' }, columns.map(column => {
        let items = this.items.filter(w => w.status === column.status);
        const total = items.length;
        if (column.status === 'done') items = items.slice(0, doneShown);
        return h('section', { class: 'column', 'data-column': column.status },
          h('h3', {}, column.name, h('span', { class: 'count' }, String(total))),
          items.map(w => this.card(w, mayStep ? column : null)),
          total > items.length ? h('p', { class: 'muted' }, `and ${total - items.length} older`) : null);
      })));
  }

  card(w, column) {
    return h('article', { class: `card topic-${w.topic}`, 'data-workorder': w.id },
      h('p', { class: 'summary' }, w.summary),
      h('p', { class: 'muted' },
        h('a', { href: '#', onclick: e => { e.preventDefault(); this.context.select(w.twin); } }, w.twin),
        w.building ? ` · ${w.building}` : '', ` · ${title(w.topic)} · ${w.status === 'done' ? `done ${dateTime(w.updatedAt)}` : `${since(w.createdAt)} old`}`),
      w.assignee ? h('p', { class: 'muted' }, `assigned to ${w.assignee}`) : null,
      column?.step ? h('button', { class: 'small', 'data-step': column.step, onclick: () => this.step(w, column.step) }, column.label) : null);
  }

  async step(w, step) {
    const body = step === 'assign' ? { assignee: this.context.party.id, note: 'assigned from the console' } : { note: 'from the console' };
    try {
      await this.context.api.post(`/api/workorders/${w.id}/${step}`, body);
      await this.refresh();
    } catch (error) {
      this.context.notify(error.message, 'error');
    }
  }
}
