// The site plan: every placed twin drawn where the topology puts it, coloured by its status, updated live.
import { s, replace, title } from './dom.js';

// How each kind is drawn. A kind missing here is drawn as a plain dot, so a new kind still shows up.
const shapes = {
  building: (size) => s('rect', { class: 'body', x: -size.building / 2, y: -size.building * 0.3, width: size.building, height: size.building * 0.6, rx: 2 }),
  gate: (size) => s('rect', { class: 'body', x: -size.device * 1.3, y: -size.device * 1.3, width: size.device * 2.6, height: size.device * 2.6, transform: 'rotate(45)' }),
  lamp: (size) => [s('circle', { class: 'glow', r: size.device * 2.2 }), s('circle', { class: 'body', r: size.device })],
  bin: (size) => s('rect', { class: 'body', x: -size.device * 0.9, y: -size.device * 0.9, width: size.device * 1.8, height: size.device * 1.8, rx: 1 }),
  camera: (size) => s('path', { class: 'body', d: `M0,${-size.device * 1.3} L${size.device * 1.2},${size.device} L${-size.device * 1.2},${size.device} Z` }),
};

const dot = (size) => s('circle', { class: 'body', r: size.device });

export class SitePlan {
  constructor(container, onSelect) {
    this.container = container;
    this.onSelect = onSelect;
    this.nodes = new Map();
    this.burning = new Map();
    this.selected = null;
  }

  /** Draws the plan from the twins that have a position. */
  draw(twins) {
    const placed = twins.filter(t => t.position);
    if (!placed.length) {
      replace(this.container, s('text', { x: 10, y: 20, class: 'empty' }, 'No twin of this community has a position on the site plan.'));
      return;
    }
    const xs = placed.map(t => t.position.x), ys = placed.map(t => t.position.y);
    const extent = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys), 100);
    this.size = { building: extent * 0.11, device: extent * 0.0105, font: extent * 0.026 };
    const pad = this.size.building;
    const box = [Math.min(...xs) - pad, Math.min(...ys) - pad, Math.max(...xs) - Math.min(...xs) + 2 * pad, Math.max(...ys) - Math.min(...ys) + 2 * pad];
    this.container.setAttribute('viewBox', box.map(n => n.toFixed(1)).join(' '));
    this.container.style.setProperty('--font', `${this.size.font}px`);

    // Buildings first, so devices are drawn on top of them.
    const order = t => (t.kind === 'building' ? 0 : 1);
    const layer = s('g', { class: 'twins' });
    this.nodes.clear();
    for (const twin of [...placed].sort((a, b) => order(a) - order(b))) {
      const node = this.node(twin);
      this.nodes.set(`${twin.kind}/${twin.id}`, node);
      layer.append(node);
      this.update(twin);
    }
    replace(this.container, s('rect', { class: 'ground', x: box[0], y: box[1], width: box[2], height: box[3] }), layer);
    this.refreshIncidents();
  }

  node(twin) {
    const address = `${twin.kind}/${twin.id}`;
    const shape = (shapes[twin.kind] ?? dot)(this.size);
    const label = twin.kind === 'building' || twin.kind === 'gate'
      ? s('text', { class: 'label', y: twin.kind === 'building' ? this.size.font * 0.35 : -this.size.device * 2.4 }, twin.name ?? twin.id)
      : null;
    const node = s('g', {
      class: `twin ${twin.kind}`, 'data-twin': address, tabindex: 0, role: 'button',
      transform: `translate(${twin.position.x} ${twin.position.y})`,
      onclick: () => this.onSelect(address),
      onkeydown: e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); this.onSelect(address); } },
    }, s('title'), shape, label);
    if (twin.kind === 'building')
      node.append(s('text', { class: 'sublabel', y: this.size.building * 0.3 + this.size.font * 1.1 }));
    if (twin.kind === 'gate')
      node.append(s('text', { class: 'mode', y: this.size.device * 2.6 + this.size.font }));
    return node;
  }

  /** A twin changed: recolour it, and for a lamp show how bright it shines. */
  update(twin) {
    const node = this.nodes.get(`${twin.kind}/${twin.id}`);
    if (!node) return false;
    node.dataset.status = twin.status;
    node.dataset.alarms = String(twin.alarms?.length ?? 0);
    const facts = [title(twin.status)];
    if (twin.kind === 'lamp' && twin.reported) {
      const brightness = lampBrightness(twin.reported);
      node.dataset.lit = brightness > 0 ? 'on' : 'off';
      node.dataset.brightness = String(brightness);
      // Warm white, brighter with the brightness; an unlit lamp is dark.
      // Inline, so it wins over the status colour of the stylesheet; the status shows as the lamp's ring.
      node.querySelector('.body').style.fill = brightness > 0 ? `hsl(48 100% ${80 - brightness * 0.3}%)` : '#2b3340';
      node.querySelector('.glow').setAttribute('opacity', (brightness / 100 * 0.55).toFixed(2));
      facts.push(brightness > 0 ? `${brightness} %` : 'off');
    }
    if (twin.kind === 'gate' && twin.desired) {
      node.dataset.mode = twin.desired.mode ?? 'normal';
      node.querySelector('.mode').textContent = node.dataset.mode === 'normal' ? '' : node.dataset.mode.toUpperCase();
      facts.push(`mode ${twin.desired.mode ?? 'normal'}`);
    }
    if (twin.kind === 'bin' && twin.reported?.fillPercent !== undefined) facts.push(`${Math.round(twin.reported.fillPercent)} % full`);
    if (twin.kind === 'building' && twin.rollup) {
      const r = twin.rollup;
      node.querySelector('.sublabel').textContent = `${r.households} homes${r.activeAlarms ? ` · ${r.activeAlarms} alarm${r.activeAlarms > 1 ? 's' : ''}` : ''}`;
    }
    for (const alarm of twin.alarms ?? []) facts.push(`alarm: ${alarm.code ?? alarm}`);
    node.querySelector('title').textContent = `${title(twin.kind)} ${twin.name ?? twin.id}: ${facts.join(', ')}`;
    return true;
  }

  select(address) {
    this.nodes.get(this.selected)?.classList.remove('selected');
    this.selected = address;
    this.nodes.get(address)?.classList.add('selected');
  }

  /** Buildings with an active incident burn (or flash) on the plan, with the incident's type written on them. */
  showIncidents(incidents) {
    this.burning = new Map();
    for (const incident of incidents)
      if (incident.status === 'active' && incident.building) this.burning.set(`building/${incident.building}`, incident);
    this.refreshIncidents();
  }

  refreshIncidents() {
    for (const [address, node] of this.nodes) {
      if (!address.startsWith('building/')) continue;
      const incident = this.burning.get(address);
      node.classList.toggle('incident', Boolean(incident));
      node.dataset.incident = incident ? incident.type : '';
      node.querySelector('.flag')?.remove();
      if (incident)
        node.append(s('text', { class: 'flag', y: -this.size.building * 0.3 - this.size.font * 0.5 },
          `${incident.type.replaceAll('_', ' ').toUpperCase()}${incident.drill ? ' (DRILL)' : ''}`));
    }
  }
}

export function lampBrightness(reported) {
  if (reported.on === false) return 0;
  if (typeof reported.brightness === 'number') return Math.round(reported.brightness);
  return reported.on === true ? 100 : 0;
}
