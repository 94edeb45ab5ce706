// The operations console: login with a party's token, then the site plan, the twin in detail, the work orders and the
// incidents, kept live by the stream. Only what the party may see is shown: the page asks /api/session what it may do.
import { Api, ApiError } from './api.js';
import { h, replace, throttle } from './dom.js';
import { SitePlan } from './siteplan.js';
import { TwinPanel } from './twinpanel.js';
import { WorkOrderBoard } from './workorders.js';
import { IncidentDesk } from './incidents.js';

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

  const tabs = [
    may.has('incidents.list') && { id: 'incident', name: 'Incidents', body: h('div', { class: 'pane' }, incidentList, incidentView) },
    may.has('workorders.list') && { id: 'workorders', name: 'Work orders', body: boardView },
    { id: 'twin', name: 'Twin', body: twinView },
  ].filter(Boolean);
  const tabBar = h('nav', { class: 'tabs', role: 'tablist' });
  const tabBody = h('div', { class: 'tab-body' });
  const openTab = id => {
    for (const tab of tabs) {
      tab.button.setAttribute('aria-selected', String(tab.id === id));
      tab.body.hidden = tab.id !== id;
    }
  };
  for (const tab of tabs) {
    tab.button = h('button', { role: 'tab', 'data-tab': tab.id, onclick: () => openTab(tab.id) }, tab.name);
    tabBar.append(tab.button);
    tabBody.append(tab.body);
  }

  const context = {
    api, may, party, kinds, notify,
    select: address => select(address),
    open: openTab,
    twins: () => [...twins.values()],
    buildings: () => [...twins.values()].filter(t => t.kind === 'building').sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true })),
  };
  const sitePlan = new SitePlan(planSvg, address => select(address));
  const panel = new TwinPanel(twinView, context);
  const board = new WorkOrderBoard(boardView, context);
  const desk = new IncidentDesk(incidentList, incidentView, banner, context);

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
    h('main', { class: 'layout' },
      may.has('twins.list') ? h('section', { class: 'plan' }, planSvg, legend()) : null,
      h('aside', { class: 'side' }, tabBar, tabBody)),
    toast);
  openTab(tabs[0].id);

  // A resident sees its own household and nothing of the rest of the community.
  if (!may.has('twins.list')) {
    if (party.household) panel.show(`household/${party.household}`);
    const poll = setInterval(() => (abort.signal.aborted ? clearInterval(poll) : panel.show(panel.address)), 10000);
    live.remove();
    return;
  }

  const placeName = t => t.name ?? t.profile?.name;
  const remember = view => {
    const address = `${view.kind}/${view.id}`;
    const known = twins.get(address) ?? {};
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
  const overview = async () => {
    try {
      const o = await api.get(`/api/communities/${session.community}`);
      community.textContent = o.name;
      community.title = `${o.households} households, ${o.occupiedHouseholds} occupied · ${o.openWorkOrders} open work orders · ${o.activeIncidents} active incidents`;
    } catch { /* the header keeps the id */ }
  };
  if (session.community) overview();
  showCounts();

  const refreshIncidents = async () => {
    await desk.refresh();
    sitePlan.showIncidents(desk.active);
  };
  if (may.has('incidents.list')) await refreshIncidents();
  if (may.has('workorders.list')) await board.refresh();
  const recount = throttle(showCounts, 500);

  api.stream((event, data) => {
    if (event === 'twin') {
      const twin = remember(data);
      sitePlan.update(twin);
      panel.changed(data);
      recount();
      if (data.kind === 'gate' && desk.current) desk.renderView();
    } else if (event === 'incident') {
      desk.changed(data);
      sitePlan.showIncidents(desk.active);
    }
  }, state => {
    live.dataset.state = state;
    live.textContent = state === 'live' ? 'live' : state === 'denied' ? 'no live stream for this party' : 'reconnecting…';
    // After a gap, what changed meanwhile is fetched again.
    if (state === 'live' && may.has('incidents.list')) refreshIncidents();
  }, abort.signal);

  // Work orders have no stream of their own; the open banners' clocks tick too.
  const tick = setInterval(() => {
    if (abort.signal.aborted) {
      clearInterval(tick);
      return;
    }
    if (may.has('workorders.list') && !document.hidden) board.refresh();
    desk.renderBanner();
  }, 5000);
}

function legend() {
  const item = (cls, text) => h('span', { class: `legend-item ${cls}` }, h('i', {}), text);
  return h('p', { class: 'legend' },
    item('status-ok', 'ok'), item('status-warning', 'warning'), item('status-alarm', 'alarm'), item('status-fault', 'fault'),
    item('status-offline', 'offline'), item('lit', 'lamp lit'), item('unlit', 'lamp off'),
    h('span', { class: 'muted' }, ' ■ building ◆ gate ● lamp ▪ bin ▲ camera'));
}
