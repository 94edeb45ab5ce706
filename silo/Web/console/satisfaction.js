// How residents' feedback is handled, from the community overview: the counts at a glance, then per asset kind, per
// building and per responding party the median rating, the median time to a first response and to the work done.
// The chart is SVG built here: no library, no inline style.
import { h, s, replace, span } from './dom.js';

const groups = [
  ['byKind', 'Per asset kind'],
  ['byBuilding', 'Per building'],
  ['byParty', 'Per responding party'],
];
// The chart's columns, in viewBox units.
const width = 680;
const rowHeight = 26;
const headHeight = 22;
const columns = {
  label: { x: 0 },
  rating: { x: 150, width: 170, name: 'median rating' },
  response: { x: 340, width: 160, name: 'to first response' },
  done: { x: 515, width: 160, name: 'to done' },
};

export class SatisfactionView {
  constructor(container, context) {
    this.container = container;
    this.context = context; // { api, may, community }
    this.overview = null;
    this.error = null;
  }

  async refresh() {
    if (!this.context.community) return;
    try {
      this.overview = await this.context.api.get(`/api/communities/${this.context.community}`);
      this.error = null;
    } catch (error) {
      this.error = error.message;
    }
    this.render();
  }

  render() {
    const o = this.overview;
    if (!o) {
      replace(this.container, h('p', { class: this.error ? 'error' : 'muted' }, this.error ?? 'Loading…'));
      return;
    }
    const p = o.participation;
    const w = o.welfare;
    const all = o.satisfaction.overall;
    replace(this.container,
      this.error ? h('p', { class: 'error' }, this.error) : null,
      h('h3', {}, 'Residents'),
      h('div', { class: 'tiles', 'data-testid': 'participation' },
        tile('feedbackOpen', p.feedbackOpen, 'feedback waiting', p.feedbackOverdue ? 'alarm' : null),
        tile('feedbackOverdue', p.feedbackOverdue, 'overdue', p.feedbackOverdue ? 'alarm' : null),
        tile('feedbackInWork', p.feedbackInWork, 'in work'),
        tile('pollsOpen', p.pollsOpen, 'polls open')),
      w && this.context.may.has('welfare.list') ? [
        h('h3', {}, 'Welfare checks'),
        h('div', { class: 'tiles', 'data-testid': 'welfare-counts' },
          tile('watched', w.watched, 'vulnerable households watched'),
          tile('openChecks', w.openChecks, 'checks open', w.openChecks ? 'warning' : null),
          tile('unacknowledged', w.unacknowledged, 'not acknowledged', w.unacknowledged ? 'warning' : null),
          tile('escalated', w.escalated, 'escalated', w.escalated ? 'alarm' : null)),
      ] : null,
      h('h3', {}, 'Satisfaction'),
      h('p', { 'data-testid': 'satisfaction-overall' }, `${all.feedback} feedback, ${all.unanswered} unanswered, ${all.rated} rated`,
        all.medianRating != null ? ` · median rating ${all.medianRating.toFixed(1)} ★` : '',
        all.medianSecondsToFirstResponse != null ? ` · first response after ${span(all.medianSecondsToFirstResponse * 1000)}` : '',
        all.medianSecondsToDone != null ? ` · done after ${span(all.medianSecondsToDone * 1000)}` : ''),
      h('p', { class: 'muted' }, 'Medians, so one outlier does not hide the rest. Rating 1 (poor) to 5 (excellent); times from filing.'),
      groups.map(([group, name]) => h('section', { class: 'chart-group', 'data-group': group },
        h('h4', {}, name), chart(group, o.satisfaction[group] ?? {}))));
  }
}

function tile(key, value, name, level) {
  return h('span', { class: `tile${level ? ` tile-${level}` : ''}`, 'data-count': key }, h('b', {}, String(value)), ` ${name}`);
}

/** One row per group: a bar for the median rating (out of 5) and bars for the two median times (against the longest). */
function chart(group, figures) {
  const rows = Object.entries(figures);
  if (!rows.length) return h('p', { class: 'muted' }, 'No feedback yet.');
  const longest = key => Math.max(1, ...rows.map(([, f]) => f[key] ?? 0));
  const longestResponse = longest('medianSecondsToFirstResponse');
  const longestDone = longest('medianSecondsToDone');
  const height = headHeight + rows.length * rowHeight;
  return s('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `Satisfaction ${group}` },
    s('g', { class: 'chart-head' },
      ['rating', 'response', 'done'].map(c => s('text', { x: columns[c].x, y: 14 }, columns[c].name))),
    rows.map(([key, f], i) => {
      const y = headHeight + i * rowHeight;
      return s('g', {
        class: 'chart-row', 'data-group': group, 'data-key': key, transform: `translate(0 ${y})`,
        'data-rating': f.medianRating ?? '', 'data-rated': f.rated, 'data-feedback': f.feedback,
      },
      s('title', {}, `${key}: ${f.feedback} feedback, ${f.unanswered} unanswered, ${f.rated} rated`),
      s('text', { class: 'chart-label', x: columns.label.x, y: 16 }, key, s('tspan', { class: 'chart-n' }, ` ${f.feedback}`)),
      measure(columns.rating, f.medianRating, 5, 'rating', f.medianRating == null ? 'not rated' : `${f.medianRating.toFixed(1)} ★ (${f.rated})`),
      measure(columns.response, f.medianSecondsToFirstResponse, longestResponse, 'response',
        f.medianSecondsToFirstResponse == null ? 'none yet' : span(f.medianSecondsToFirstResponse * 1000)),
      measure(columns.done, f.medianSecondsToDone, longestDone, 'done', f.medianSecondsToDone == null ? 'none yet' : span(f.medianSecondsToDone * 1000)));
    }));
}

function measure(column, value, most, kind, text) {
  const length = value == null ? 0 : Math.max(2, value / most * (column.width - 60));
  return s('g', { class: `measure measure-${kind}`, transform: `translate(${column.x} 0)` },
    s('rect', { class: 'track', x: 0, y: 5, width: column.width - 60, height: 14, rx: 2 }),
    s('rect', { class: 'fill', x: 0, y: 5, width: length.toFixed(1), height: 14, rx: 2 }),
    s('text', { x: column.width - 56, y: 16 }, text));
}
