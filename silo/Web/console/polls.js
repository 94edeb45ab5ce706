// Committee polls and the notices residents get. The committee opens a poll for the community or one building, watches
// the counts come in and closes it (or lets its closing time do so); a household votes, sees its own vote and may
// change it until the poll closes; the result comes back as a notice.
import { h, s, dateTime, Keyed, sync } from './dom.js';

const closedShown = 10;
const noticesShown = 10;
const defaultDays = 7;

export class PollDesk {
  constructor(container, context) {
    this.context = context; // { api, may, party, notify, buildings, badge }
    this.polls = new Map();
    this.notices = new Map();
    this.voter = context.may.has('polls.vote');
    this.cards = new Keyed(p => this.card(p), p => `${p.version}:${p.yourVote ?? ''}`);
    this.noticeCards = new Keyed(n => notice(n));
    this.openList = h('div', { class: 'poll-list', 'data-testid': 'open-polls' });
    this.closedList = h('div', { class: 'poll-list', 'data-testid': 'closed-polls' });
    this.noticeList = h('div', { id: 'notices', class: 'notice-list' });
    this.noOpen = h('p', { class: 'muted' }, 'No poll is open.');
    this.noNotice = h('p', { class: 'muted' }, 'No notices.');
    this.closedSection = h('section', { hidden: true }, h('h3', {}, 'Closed'), this.closedList);
    const notices = h('section', { class: 'notices' }, h('h3', {}, 'Notices'), this.noNotice, this.noticeList);
    // A resident reads the news first; the committee works on its polls first.
    container.replaceChildren(...[
      this.voter ? notices : null,
      context.may.has('polls.open') ? this.openForm() : null,
      h('section', {}, h('h3', {}, 'Open polls'), this.noOpen, this.openList),
      this.closedSection,
      this.voter ? null : notices,
    ].filter(Boolean));
  }

  async refresh() {
    try {
      const [polls, notices] = await Promise.all([
        this.context.api.get('/api/polls'),
        this.context.api.get('/api/notices'),
      ]);
      // A household's own vote is in each poll's answer to it, not in the list.
      const votes = this.voter ? await Promise.all(polls.items.filter(p => p.status === 'open').map(p => this.context.api.get(`/api/polls/${p.id}`).catch(() => p))) : [];
      // What the stream brought meanwhile may be newer than the lists.
      for (const p of [...polls.items, ...votes]) this.merge(p);
      for (const n of notices.items) this.notices.set(n.id, n);
    } catch (error) {
      this.context.notify(error.message, 'error');
    }
    this.render();
  }

  /** A poll changed on the stream (no household's vote in it), or in the answer to this page's own request. */
  changed(poll) {
    this.merge(poll);
    this.render();
  }

  merge(poll) {
    const known = this.polls.get(poll.id);
    if (known && known.version > poll.version) return;
    this.polls.set(poll.id, { ...poll, yourVote: poll.yourVote ?? known?.yourVote });
  }

  noticed(n) {
    this.notices.set(n.id, n);
    this.render();
  }

  render() {
    const all = [...this.polls.values()];
    const open = all.filter(p => p.status === 'open').sort((a, b) => a.closesAt.localeCompare(b.closesAt));
    const closed = all.filter(p => p.status !== 'open').sort((a, b) => (b.closedAt ?? '').localeCompare(a.closedAt ?? '')).slice(0, closedShown);
    this.noOpen.hidden = open.length > 0;
    this.closedSection.hidden = closed.length === 0;
    sync(this.openList, open.map(p => this.cards.node(p)));
    sync(this.closedList, closed.map(p => this.cards.node(p)));
    this.cards.keep(new Set([...open, ...closed].map(p => p.id)));
    const notices = [...this.notices.values()].sort((a, b) => b.at.localeCompare(a.at)).slice(0, noticesShown);
    this.noNotice.hidden = notices.length > 0;
    sync(this.noticeList, notices.map(n => this.noticeCards.node(n)));
    this.noticeCards.keep(new Set(notices.map(n => n.id)));
    this.context.badge('polls', this.voter ? open.filter(p => !p.yourVote).length : open.length);
  }

  openForm() {
    const question = h('input', { id: 'poll-question', required: true, maxlength: 512, placeholder: 'The question', 'aria-label': 'Question' });
    const options = h('textarea', { id: 'poll-options', rows: 3, required: true, placeholder: 'One option per line', 'aria-label': 'Options, one per line' });
    const building = h('select', { id: 'poll-building', 'aria-label': 'Who votes' }, h('option', { value: '' }, 'The whole community'));
    const closes = h('input', { id: 'poll-closes', type: 'datetime-local', required: true, 'aria-label': 'Closes at' });
    closes.value = localInput(new Date(Date.now() + defaultDays * 86400000));
    // The buildings are known once the plan has loaded: fill the choice when the form is opened.
    const fill = () => {
      if (building.options.length > 1) return;
      building.append(...this.context.buildings().map(b => h('option', { value: b.id }, `Households of ${b.name ?? b.id}`)));
    };
    return h('details', { class: 'poll-form', ontoggle: fill }, h('summary', {}, 'Open a poll'),
      h('form', {
        onsubmit: async event => {
          event.preventDefault();
          const body = {
            question: question.value,
            options: options.value.split('\n').map(o => o.trim()).filter(Boolean),
            building: building.value || undefined,
            closesAt: new Date(closes.value).toISOString(),
          };
          try {
            const opened = await this.context.api.post('/api/polls', body);
            question.value = '';
            options.value = '';
            this.context.notify(`Poll opened for ${opened.eligible} households`);
            this.changed(opened);
          } catch (error) {
            this.context.notify(error.message, 'error');
          }
        },
      }, question, options,
      h('label', {}, 'Who votes ', building), h('label', {}, 'Closes ', closes),
      h('button', { type: 'submit', id: 'poll-submit', class: 'primary' }, 'Open the poll')));
  }

  card(p) {
    const open = p.status === 'open';
    const mayVote = open && this.voter;
    const most = Math.max(0, ...p.counts);
    return h('article', { class: `poll status-${p.status}`, 'data-poll': p.id, 'data-status': p.status, 'data-votes': p.votes, 'data-your-vote': p.yourVote },
      h('h4', {}, p.question),
      h('p', { class: 'muted' },
        p.building ? `households of building ${p.building}` : 'the whole community',
        open ? ` · closes ${dateTime(p.closesAt)}` : ` · closed ${dateTime(p.closedAt)}`,
        ` · ${p.votes} of ${p.eligible} households voted`, p.changedVotes ? `, ${p.changedVotes} changed their vote` : ''),
      h('ul', { class: 'options' }, p.options.map((option, i) => {
        const count = p.counts[i] ?? 0;
        const share = p.votes ? Math.round(count / p.votes * 100) : 0;
        const mine = p.yourVote === option;
        return h('li', { class: `option${mine ? ' mine' : ''}${!open && count === most && count > 0 ? ' leading' : ''}`, 'data-option': option, 'data-count': count },
          h('span', { class: 'option-name' }, option),
          bar(share),
          h('span', { class: 'option-count' }, `${count} (${share} %)`),
          h('span', { class: 'option-act' },
            mine ? h('span', { class: 'pill mine' }, 'your vote') : null,
            mayVote && !mine ? h('button', { class: 'small', 'data-action': 'vote', onclick: () => this.vote(p, option) }, p.yourVote ? 'Change to this' : 'Vote') : null));
      })),
      p.result ? h('p', { class: 'result', 'data-testid': 'poll-result' }, h('strong', {}, 'Result: '), p.result) : null,
      open && this.context.may.has('polls.close')
        ? h('div', { class: 'actions' }, h('button', { class: 'small', 'data-action': 'close-poll', onclick: () => this.close(p) }, 'Close now')) : null);
  }

  async vote(p, option) {
    try {
      this.changed(await this.context.api.post(`/api/polls/${p.id}/votes`, { option }));
    } catch (error) {
      this.context.notify(error.message, 'error');
    }
  }

  async close(p) {
    if (!confirm(`Close the poll “${p.question}” now? No more votes can be cast, and the result goes out as a notice.`)) return;
    try {
      this.changed(await this.context.api.post(`/api/polls/${p.id}/close`));
    } catch (error) {
      this.context.notify(error.message, 'error');
    }
  }
}

/** A share from 0 to 100 as a bar; SVG, since the page's policy allows no inline style. */
function bar(share) {
  return s('svg', { class: 'bar', viewBox: '0 0 100 8', preserveAspectRatio: 'none', 'aria-hidden': 'true' },
    s('rect', { class: 'track', width: 100, height: 8, rx: 2 }),
    s('rect', { class: 'fill', width: share, height: 8, rx: 2 }));
}

function notice(n) {
  return h('article', { class: 'notice', 'data-notice': n.id },
    h('h4', {}, n.title),
    h('p', {}, n.text),
    h('p', { class: 'muted' }, `${dateTime(n.at)}${n.building ? ` · building ${n.building}` : ''}`));
}

/** The value a datetime-local input shows for this moment, in the browser's time zone. */
function localInput(date) {
  return new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}
