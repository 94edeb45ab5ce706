// The operations console: login with a party's token, then the site plan, the twin in detail, the work orders, the
// incidents, residents' feedback, polls, satisfaction and welfare checks, kept live by the stream. Only what the party may
// see is shown: the page asks /api/session what it may do. A resident gets its home, its feedback and its polls.
import { Api, ApiError } from './api.js';
import { h, replace, throttle } from './dom.js';
import { SitePlan } from './siteplan.js';
import { TwinPanel } from './twinpanel.js';
import { WorkOrderBoard } from './workorders.js';
import { IncidentDesk } from './incidents.js';
import { FeedbackDesk } from './feedback.js';
import { PollDesk } from './polls.js';
import { SatisfactionView } from './satisfaction.js';
import { WelfareDesk } from './welfare.js';

const tokenKey = 'twin.token';
const placedKinds = ['building', 'gate', 'lamp', 'bin', 'camera'];
const app = document.getElementById('app');

start();

async function start() {
  const token = sessionStorage.getItem(tokenKey);
  if (!token) return login();
  const api = new Api(token);
  try {
    const session = await api.get('/api/session');
    await run(api, session);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) sessionStorage.removeItem(tokenKey);
    login(error.message);
  }
}

function login(message) {
  const token = h('input', { id: 'login-token', type: 'password', autocomplete: 'current-password', placeholder: 'party token', required: true, autofocus: true });
  replace(app, h('main', { class: 'login' },
    h('h1', {}, 'Twin'),
    h('p', { class: 'muted' }, 'Operations console. Sign in with your party\'s token (the admin token is printed by the silo at start).'),
    h('form', {
      onsubmit: event => {
        event.preventDefault();
        sessionStorage.setItem(tokenKey, token.value.trim());
        start();
      },
    }, token, h('button', { id: 'login-submit', type: 'submit', class: 'primary' }, 'Sign in')),
    message ? h('p', { id: 'login-error', class: 'error', role: 'alert' }, message) : null));
  token.focus();
}

async function run(api, session) {
  const may = new Set(session.may);
  const party = session.party;
  const kinds = new Map((await api.get('/api/kinds')).map(k => [k.kind, k]));
  const twins = new Map();
  const abort = new AbortController();

  const toast = h('div', { id: 'toast', role: 'status', 'aria-live': 'polite' });
  const notify = (text, level = 'info') => {
    const item = h('p', { class: `toast-${level}` }, text);
    toast.append(item);
    setTimeout(() => item.remove(), level === 'error' ? 8000 : 4000);
  };

  const community = h('span', { id: 'community', class: 'community' }, session.community ?? '');
  const live = h('span', { id: 'live', class: 'live', 'data-state': 'connecting' }, 'connecting…');
  const counts = h('span', { id: 'counts', class: 'counts' });
  const banner = h('div', { id: 'incident-banner', class: 'incident-banner', hidden: true });
  const planSvg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  planSvg.id = 'site-plan';
  planSvg.setAttribute('role', 'img');
  planSvg.setAttribute('aria-label', 'Site plan of the community');

  const twinView = h('div', { id: 'twin-panel', class: 'pane' }, h('p', { class: 'muted' }, 'Click a building or a device on the plan.'));
  const boardView = h('div', { id: 'workorders', class: 'pane' });
  const incidentList = h('div', { id: 'incidents', class: 'pane-part' });
  const incidentView = h('div', { id: 'incident', class: 'pane-part' });
  const feedbackView = h('div', { id: 'feedback', class: 'pane' });
  const pollView = h('div', { id: 'polls', class: 'pane' });
  const satisfactionView = h('div', { id: 'satisfaction', class: 'pane' });
  const welfareView = h('div', { id: 'welfare', class: 'pane' });

  // A resident sees its own household and nothing of the rest of the community.
  const homeOnly = !may.has('twins.list');
  const twinTab = { id: 'twin', name: homeOnly ? 'Home' : 'Twin', body: twinView };
  const tabs = [
    homeOnly && twinTab,
    may.has('incidents.list') && { id: 'incident', name: 'Incidents', body: h('div', { class: 'pane' }, incidentList, incidentView) },
    may.has('workorders.list') && { id: 'workorders', name: 'Work orders', body: boardView },
    may.has('feedback.list') && { id: 'feedback', name: homeOnly ? 'My feedback' : 'Feedback', body: feedbackView },
    // Everyone may read polls and notices; the tab is for those who open polls or vote in them.
    (may.has('polls.open') || may.has('polls.vote')) && { id: 'polls', name: 'Polls', body: pollView },
    may.has('feedback.answer') && { id: 'satisfaction', name: 'Satisfaction', body: satisfactionView, onOpen: () => satisfaction.refresh() },
    may.has('welfare.list') && { id: 'welfare', name: 'Welfare', body: welfareView },
    !homeOnly && twinTab,
  ].filter(Boolean);
  const tabBar = h('nav', { class: 'tabs', role: 'tablist' });
  const tabBody = h('div', { class: 'tab-body' });
  let shownTab = null;
  const openTab = id => {
    for (const tab of tabs) {
      tab.button.setAttribute('aria-selected', String(tab.id === id));
      tab.body.hidden = tab.id !== id;
    }
    if (shownTab !== id) tabs.find(t => t.id === id)?.onOpen?.();
    shownTab = id;
  };
  for (const tab of tabs) {
    tab.badge = h('span', { class: 'tab-badge', hidden: true });
    tab.button = h('button', { role: 'tab', 'data-tab': tab.id, onclick: () => openTab(tab.id) }, tab.name, tab.badge);
    tabBar.append(tab.button);
    tabBody.append(tab.body);
  }
  /** A number on a tab: what waits there (open feedback, open checks, polls to vote in). */
  const badge = (id, count, level) => {
    const tab = tabs.find(t => t.id === id);
    if (!tab) return;
    tab.badge.hidden = !count;
    tab.badge.textContent = String(count);
    tab.badge.dataset.level = level ?? '';
  };

  const context = {
    api, may, party, kinds, notify, badge,
    community: session.community,
    select: address => select(address),
    open: openTab,
    workOrdersChanged: () => (may.has('workorders.list') ? board.refresh() : null),
    twins: () => [...twins.values()],
    buildings: () => [...twins.values()].filter(t => t.kind === 'building').sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true })),
  };
  const has = id => tabs.some(t => t.id === id);
  const sitePlan = new SitePlan(planSvg, address => select(address));
  const panel = new TwinPanel(twinView, context);
  const board = new WorkOrderBoard(boardView, context);
  const desk = new IncidentDesk(incidentList, incidentView, banner, context);
  const feedback = has('feedback') ? new FeedbackDesk(feedbackView, context) : null;
  const polls = has('polls') ? new PollDesk(pollView, context) : null;
  const satisfaction = has('satisfaction') ? new SatisfactionView(satisfactionView, context) : null;
  const welfare = has('welfare') ? new WelfareDesk(welfareView, context) : null;
  const refreshParticipation = () => Promise.all([feedback, polls, welfare].filter(Boolean).map(d => d.refresh()));
  // The overview is a sum of many changes: read it again a moment after they come, while it is on screen.
  const refreshSatisfaction = throttle(() => { if (shownTab === 'satisfaction') satisfaction.refresh(); }, 1500);
  const refreshIncidents = async () => {
    await desk.refresh();
    sitePlan.showIncidents(desk.active);
  };

  function select(address) {
    sitePlan.select(address);
    openTab('twin');
    panel.show(address);
  }

  replace(app,
    h('header', { class: 'top' },
      h('h1', {}, 'Twin'),
      community,
      counts, live,
      h('span', { id: 'who', class: 'who' }, `${party.name} · ${party.role}`),
      h('button', { id: 'logout', class: 'small', onclick: () => { abort.abort(); sessionStorage.removeItem(tokenKey); login(); } }, 'Sign out')),
    banner,
    h('main', { class: homeOnly ? 'layout home-only' : 'layout' },
      homeOnly ? null : h('section', { class: 'plan' }, planSvg, legend()),
      h('aside', { class: 'side' }, tabBar, tabBody)),
    toast);
  openTab(tabs[0].id);

  const overview = async () => {
    try {
      const o = await api.get(`/api/communities/${session.community}`);
      community.textContent = o.name;
      community.title = `${o.households} households, ${o.occupiedHouseholds} occupied · ${o.openWorkOrders} open work orders · ${o.activeIncidents} active incidents`;
    } catch { /* the header keeps the id */ }
  };
  if (session.community && may.has('communities.get')) overview();

  // Every five seconds: work orders (they have no stream of their own), the open banners' clocks, and deadlines passing.
  const tick = setInterval(() => {
    if (abort.signal.aborted) {
      clearInterval(tick);
      return;
    }
    if (may.has('workorders.list') && !document.hidden) board.refresh();
    desk.renderBanner();
    feedback?.render();
    welfare?.render();
    if (satisfaction && !document.hidden) refreshSatisfaction();
  }, 5000);

  const listen = onTwin => api.stream((event, data) => {
    if (event === 'twin') onTwin(data);
    else if (event === 'incident') {
      desk.changed(data);
      sitePlan.showIncidents(desk.active);
    } else if (event === 'feedback') {
      feedback?.changed(data);
      if (satisfaction) refreshSatisfaction();
    } else if (event === 'poll') {
      polls?.changed(data);
      if (satisfaction) refreshSatisfaction();
    } else if (event === 'notice') {
      polls?.noticed(data);
    } else if (event === 'welfare') {
      welfare?.changed(data);
      if (satisfaction) refreshSatisfaction();
    }
  }, state => {
    live.dataset.state = state;
    live.textContent = state === 'live' ? 'live' : state === 'denied' ? 'no live stream for this party' : 'reconnecting…';
    // After a gap, what changed meanwhile is fetched again.
    if (state === 'live') {
      if (may.has('incidents.list')) refreshIncidents();
      refreshParticipation();
    }
  }, abort.signal);

  if (homeOnly) {
    if (party.household) panel.show(`household/${party.household}`);
    await refreshParticipation();
    if (may.has('stream')) {
      listen(data => panel.changed(data));
    } else {
      const poll = setInterval(() => (abort.signal.aborted ? clearInterval(poll) : panel.show(panel.address)), 10000);
      live.remove();
    }
    return;
  }

  const placeName = t => t.name ?? t.profile?.name;
  const remember = view => {
    const address = `${view.kind}/${view.id}`;
    const known = twins.get(address) ?? {};
    // A change that came on the stream while the page was loading may be older than what the load returned.
    if (known.version !== undefined && view.version !== undefined && view.version < known.version) return known;
    const position = view.position ?? (view.profile?.x !== undefined ? { x: view.profile.x, y: view.profile.y } : known.position);
    const merged = { ...known, ...view, position, name: placeName(view) ?? known.name };
    twins.set(address, merged);
    return merged;
  };

  const showCounts = () => {
    const byStatus = {};
    for (const t of twins.values()) if (t.kind !== 'building' && t.position) byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
    replace(counts, ['alarm', 'fault', 'offline', 'warning', 'ok'].filter(s => byStatus[s]).map(s =>
      h('span', { class: `count status-${s}`, 'data-count': s }, `${byStatus[s]} ${s}`)));
  };

  // The stream opens before the first load, so a change made while the page loads is not lost: twin events wait until
  // the plan is drawn, then are applied (a view older than the one loaded is ignored).
  const recount = throttle(showCounts, 500);
  const applyTwin = data => {
    const twin = remember(data);
    sitePlan.update(twin);
    panel.changed(data);
    recount();
    if (data.kind === 'gate' && desk.current) desk.renderView();
  };
  const early = [];
  let planDrawn = false;
  listen(data => (planDrawn ? applyTwin(data) : early.push(data)));

  // First the twins with a position, then the buildings in full (their name and rollup), then the plan.
  try {
    const lists = await Promise.all(placedKinds.map(kind => api.get(`/api/twins?kind=${kind}`)));
    for (const item of lists.flatMap(l => l.items)) remember(item);
    const full = await Promise.all([...twins.values()].map(t => api.get(`/api/twins/${t.kind}/${t.id}`).catch(() => null)));
    for (const view of full.filter(Boolean)) remember(view);
  } catch (error) {
    notify(error.message, 'error');
  }
  sitePlan.draw([...twins.values()]);
  showCounts();
  planDrawn = true;
  for (const data of early.splice(0)) applyTwin(data);

  if (may.has('incidents.list')) await refreshIncidents();
  if (may.has('workorders.list')) await board.refresh();
  await refreshParticipation();
}

function legend() {
  const item = (cls, text) => h('span', { class: `legend-item ${cls}` }, h('i', {}), text);
  return h('p', { class: 'legend' },
    item('status-ok', 'ok'), item('status-warning', 'warning'), item('status-alarm', 'alarm'), item('status-fault', 'fault'),
    item('status-offline', 'offline'), item('lit', 'lamp lit'), item('unlit', 'lamp off'),
    h('span', { class: 'muted' }, ' ■ building ◆ gate ● lamp ▪ bin ▲ camera'));
}
