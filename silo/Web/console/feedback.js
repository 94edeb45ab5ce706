// Residents' feedback. A household files a report or a suggestion and follows it to the end: the answer, or the work
// order made of it step by step, then its rating of the finished work. The staff work through the backlog, what waits
// for a response first (overdue and escalated marked), and answer it or make a work order of it.
import { h, clock, dateTime, title, stars, Keyed, sync } from './dom.js';

const categories = ['repair', 'environment', 'safety', 'suggestion', 'complaint'];
const workSteps = [['open', 'work order opened'], ['assigned', 'assigned'], ['in_progress', 'in progress'], ['done', 'done']];
const statusText = { open: 'waiting for a response', answered: 'answered', in_work: 'in work', done: 'done' };
const settledShown = 20;

export class FeedbackDesk {
  constructor(container, context) {
    this.context = context; // { api, may, party, notify, select, badge, workOrdersChanged }
    this.items = new Map();
    // What someone is typing or has opened in a card, kept when the card is built again.
    this.drafts = new Map();
    // The answer form of each open item, moved into its card when the card is built again (an escalation, say), so
    // an answer being written is not lost.
    this.forms = new Map();
    this.resident = context.may.has('feedback.file');
    this.error = h('p', { class: 'error', hidden: true });
    const mark = f => `${f.version}:${isOverdue(f)}:${f.rating?.stars ?? ''}`;
    this.cards = new Keyed(f => (this.resident ? this.residentCard(f) : this.staffCard(f)), mark);
    if (this.resident) {
      this.mine = h('div', { class: 'feedback-list', 'data-testid': 'my-feedback' });
      this.none = h('p', { class: 'muted' }, 'Nothing filed yet.');
      container.replaceChildren(this.fileForm(), this.error, h('h3', {}, 'My feedback'), this.none, this.mine);
    } else {
      this.sections = {
        waiting: section('waiting', 'Waiting for a response', 'Nothing waits for a response.'),
        work: section('work', 'In work', null),
        settled: section('settled', 'Answered and done', null),
      };
      container.replaceChildren(this.error, ...Object.values(this.sections).map(s => s.element));
    }
  }

  async refresh() {
    try {
      const list = await this.context.api.get('/api/feedback');
      // What the stream brought meanwhile may be newer than the list.
      for (const f of list.items) if (!(this.items.get(f.id)?.version > f.version)) this.items.set(f.id, f);
      this.error.hidden = true;
    } catch (error) {
      this.error.textContent = error.message;
      this.error.hidden = false;
    }
    this.render();
  }

  /** A piece of feedback changed on the stream, or in the answer to this page's own request. */
  changed(feedback) {
    const known = this.items.get(feedback.id);
    if (known && known.version > feedback.version) return;
    if (this.resident && feedback.household !== this.context.party.household) return;
    this.items.set(feedback.id, known && !feedback.rating && known.version === feedback.version ? { ...feedback, rating: known.rating } : feedback);
    this.render();
  }

  render() {
    const all = [...this.items.values()];
    if (this.resident) {
      const mine = all.sort((a, b) => b.filedAt.localeCompare(a.filedAt));
      this.none.hidden = mine.length > 0;
      sync(this.mine, mine.map(f => this.cards.node(f)));
      this.cards.keep(new Set(mine.map(f => f.id)));
      this.context.badge('feedback', mine.filter(f => this.mayRate(f)).length);
      return;
    }
    const waiting = all.filter(f => f.status === 'open').sort((a, b) => a.respondBy.localeCompare(b.respondBy));
    const work = all.filter(f => f.status === 'in_work').sort((a, b) => b.filedAt.localeCompare(a.filedAt));
    const settled = all.filter(f => f.status === 'answered' || f.status === 'done').sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    const shown = [];
    for (const [part, items] of [['waiting', waiting], ['work', work], ['settled', settled.slice(0, settledShown)]]) {
      const s = this.sections[part];
      s.count.textContent = String(part === 'settled' ? settled.length : items.length);
      s.element.hidden = !items.length && !s.empty;
      if (s.empty) s.empty.hidden = items.length > 0;
      sync(s.list, items.map(f => this.cards.node(f)));
      shown.push(...items);
    }
    this.cards.keep(new Set(shown.map(f => f.id)));
    for (const id of [...this.forms.keys()]) if (this.items.get(id)?.status !== 'open') this.forms.delete(id);
    const overdue = waiting.filter(isOverdue).length;
    this.context.badge('feedback', waiting.length, overdue ? 'alarm' : null);
  }

  fileForm() {
    const category = h('select', { id: 'feedback-category', 'aria-label': 'Category' }, categories.map(c => h('option', { value: c }, title(c))));
    const twin = h('input', { id: 'feedback-twin', placeholder: 'about (optional), e.g. lamp/L-07', maxlength: 128, 'aria-label': 'What it is about' });
    const text = h('textarea', { id: 'feedback-text', rows: 3, maxlength: 2000, required: true, placeholder: 'What is wrong, or what you suggest', 'aria-label': 'Your feedback' });
    return h('form', {
      class: 'feedback-form',
      onsubmit: async event => {
        event.preventDefault();
        try {
          const filed = await this.context.api.post('/api/feedback', { category: category.value, text: text.value, twin: twin.value.trim() || undefined });
          text.value = '';
          twin.value = '';
          this.context.notify('Thank you: your feedback is filed. You will see every step here.');
          this.changed(filed);
        } catch (error) {
          this.context.notify(error.message, 'error');
        }
      },
    }, h('h3', {}, 'Report a problem or suggest something'), h('div', { class: 'row' }, category, twin), text,
    h('button', { type: 'submit', id: 'feedback-submit', class: 'primary' }, 'Send'));
  }

  mayRate(f) {
    return f.status === 'done' && f.workOrder && !f.rating && this.context.may.has('workorders.rating');
  }

  residentCard(f) {
    return h('article', attributes(f),
      head(f),
      h('p', { class: 'feedback-text' }, f.text),
      f.status === 'open' ? h('p', { class: 'muted' }, isOverdue(f)
        ? `No response in the time promised yet: passed on to ${f.escalatedTo?.join(', ') || 'the committee'}.`
        : `A response is due by ${dateTime(f.respondBy)}.`) : null,
      answer(f),
      f.workOrder ? progress(f) : null,
      f.rating ? ratingView(f.rating) : this.mayRate(f) ? this.ratingForm(f) : null,
      this.timeline(f, true));
  }

  staffCard(f) {
    const overdue = isOverdue(f);
    const about = f.twin && this.context.may.has('twins.list')
      ? h('a', { href: '#', onclick: e => { e.preventDefault(); this.context.select(f.twin); } }, f.twin) : f.twin;
    return h('article', attributes(f, overdue),
      head(f),
      h('p', { class: 'muted' }, `household ${f.household}`, f.building ? ` · building ${f.building}` : '', about ? [' · about ', about] : ''),
      h('p', { class: 'feedback-text' }, f.text),
      f.status === 'open' ? h('p', { class: overdue ? 'error' : 'muted', 'data-testid': 'respond-by' },
        overdue ? 'Overdue: no response in time' : `Respond by ${dateTime(f.respondBy)}`,
        f.escalatedTo?.length ? h('span', { class: 'escalated-to' }, ` · escalated to ${f.escalatedTo.join(' → ')}`) : '',
        // An escalation gives the next party a deadline of its own.
        overdue && Date.parse(f.respondBy) > Date.now() ? ` · next escalation ${clock(f.respondBy)}` : '') : null,
      answer(f),
      f.workOrder ? progress(f) : null,
      f.rating ? ratingView(f.rating) : null,
      f.status === 'open' ? this.actionsOf(f) : null,
      this.timeline(f, false));
  }

  actionsOf(f) {
    if (!this.forms.has(f.id)) this.forms.set(f.id, this.actions(f));
    return this.forms.get(f.id);
  }

  actions(f) {
    const may = this.context.may;
    const text = h('textarea', { rows: 2, maxlength: 2000, required: true, 'data-field': 'answer', placeholder: 'Your answer to the household', 'aria-label': 'Answer' });
    const form = h('form', {
      class: 'answer-form', hidden: true,
      onsubmit: async event => {
        event.preventDefault();
        try {
          const answered = await this.context.api.post(`/api/feedback/${f.id}/answer`, { text: text.value });
          this.context.notify(`Feedback of household ${f.household} answered`);
          this.changed(answered);
        } catch (error) {
          this.context.notify(error.message, 'error');
        }
      },
    }, text, h('button', { type: 'submit', class: 'small primary', 'data-action': 'send-answer' }, 'Send answer'));
    const toggle = () => {
      form.hidden = !form.hidden;
      if (!form.hidden) text.focus();
    };
    return h('div', { class: 'actions' },
      may.has('feedback.answer') ? h('button', { class: 'small', 'data-action': 'answer', onclick: toggle }, 'Answer') : null,
      may.has('feedback.workorder') ? h('button', { class: 'small', 'data-action': 'workorder', onclick: () => this.makeWorkOrder(f) }, 'Make work order') : null,
      form);
  }

  async makeWorkOrder(f) {
    try {
      const inWork = await this.context.api.post(`/api/feedback/${f.id}/workorder`, {});
      this.context.notify(`Work order ${inWork.workOrder} opened for the feedback of household ${f.household}`);
      this.changed(inWork);
      this.context.workOrdersChanged();
    } catch (error) {
      this.context.notify(error.message, 'error');
    }
  }

  ratingForm(f) {
    const key = `rating:${f.id}`;
    const draft = this.drafts.get(key) ?? { stars: 0, comment: '' };
    const paint = () => buttons.forEach((b, i) => b.setAttribute('aria-pressed', String(i < draft.stars)));
    const buttons = [1, 2, 3, 4, 5].map(n => h('button', {
      type: 'button', class: 'star', 'data-stars': n, 'aria-label': `${n} star${n > 1 ? 's' : ''}`,
      onclick: () => { draft.stars = n; this.drafts.set(key, draft); paint(); },
    }, '★'));
    paint();
    const comment = h('input', { 'data-field': 'rating-comment', maxlength: 1000, placeholder: 'comment (optional)', 'aria-label': 'Comment',
      oninput: () => { draft.comment = comment.value; this.drafts.set(key, draft); } });
    comment.value = draft.comment;
    return h('form', {
      class: 'rating-form',
      onsubmit: async event => {
        event.preventDefault();
        if (!draft.stars) {
          this.context.notify('Choose from 1 star (poor) to 5 (excellent).', 'error');
          return;
        }
        try {
          const order = await this.context.api.post(`/api/workorders/${f.workOrder}/rating`, { stars: draft.stars, comment: draft.comment || undefined });
          this.drafts.delete(key);
          this.context.notify('Thank you for rating the work.');
          // The feedback learns of the rating a moment later, on the stream; show it now.
          this.changed({ ...this.items.get(f.id), rating: order.rating });
        } catch (error) {
          this.context.notify(error.message, 'error');
        }
      },
    }, h('span', {}, 'How was the work? '), h('span', { class: 'stars-input', role: 'group', 'aria-label': 'Stars' }, buttons), comment,
    h('button', { type: 'submit', class: 'small primary', 'data-action': 'rate' }, 'Rate'));
  }

  timeline(f, openByDefault) {
    const key = `timeline:${f.id}`;
    const details = h('details', { class: 'timeline', open: this.drafts.get(key) ?? openByDefault },
      h('summary', {}, `Timeline (${f.timeline.length})`),
      h('ol', {}, [...f.timeline].reverse().map(e =>
        h('li', {}, h('span', { class: 'time' }, dateTime(e.at)), ' ', h('span', { class: 'who' }, e.who), ' ', e.what))));
    details.addEventListener('toggle', () => this.drafts.set(key, details.open));
    return details;
  }
}

function section(part, name, emptyText) {
  const count = h('span', { class: 'count' }, '0');
  const list = h('div', { class: 'feedback-list' });
  const empty = emptyText ? h('p', { class: 'muted' }, emptyText) : null;
  return { element: h('section', { 'data-section': part }, h('h3', {}, name, count), empty, list), list, count, empty };
}

/** Not responded to in time: past its deadline, or already escalated (each escalation sets a new deadline). */
function isOverdue(f) {
  return f.status === 'open' && (f.escalatedTo?.length > 0 || Date.parse(f.respondBy) <= Date.now());
}

function attributes(f, overdue = false) {
  return {
    class: `feedback status-${f.status}${overdue ? ' overdue' : ''}`,
    'data-feedback': f.id, 'data-status': f.status, 'data-overdue': overdue ? 'true' : null,
    'data-linked-workorder': f.workOrder, 'data-workorder-status': f.workOrderStatus,
  };
}

function head(f) {
  return h('div', { class: 'feedback-head' },
    h('span', { class: `pill feedback-${f.status}`, 'data-testid': 'feedback-status' }, statusText[f.status] ?? f.status),
    h('strong', {}, title(f.category)),
    f.twin ? h('span', { class: 'muted' }, `about ${f.twin}`) : null,
    h('span', { class: 'muted time' }, `filed ${dateTime(f.filedAt)}`));
}

function answer(f) {
  if (!f.answer) return null;
  return h('blockquote', { class: 'answer', 'data-testid': 'answer' },
    h('span', { class: 'muted' }, `${f.respondedBy} answered at ${clock(f.respondedAt)}: `), f.answer);
}

/** The work order's way from opened to done, with the step it has reached. */
function progress(f) {
  const reached = workSteps.findIndex(([status]) => status === f.workOrderStatus);
  return h('ol', { class: 'progress', 'data-testid': 'progress', 'aria-label': `Work order ${f.workOrder}: ${title(f.workOrderStatus ?? 'open')}` },
    workSteps.map(([status, name], i) => h('li', { class: i <= reached ? 'reached' : null, 'data-step': status }, name)));
}

function ratingView(r) {
  return h('p', { class: 'rating', 'data-testid': 'rating', 'data-stars': r.stars },
    h('span', { class: 'stars', 'aria-label': `${r.stars} of 5 stars` }, stars(r.stars)), r.comment ? ` “${r.comment}”` : '');
}
