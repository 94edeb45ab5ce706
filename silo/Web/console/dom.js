// Small helpers to build the page without a framework. Text always goes in as text, never as HTML.

const SVG = 'http://www.w3.org/2000/svg';

function build(element, attrs, children) {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'text') element.textContent = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** An HTML element: h('button', { class: 'primary', onclick }, 'Close'). */
export const h = (tag, attrs, ...children) => build(document.createElement(tag), attrs, children);

/** An SVG element. */
export const s = (tag, attrs, ...children) => build(document.createElementNS(SVG, tag), attrs, children);

export function replace(container, ...children) {
  container.replaceChildren();
  return build(container, {}, children);
}

export function clock(iso) {
  return iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '—';
}

export function dateTime(iso) {
  return iso ? new Date(iso).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }) : '—';
}

/** 75 000 → "1 min 15 s". */
export function span(ms) {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export const since = iso => span(Date.now() - new Date(iso).getTime());

export function title(text) {
  return String(text ?? '').replaceAll('_', ' ').replace(/^./, c => c.toUpperCase());
}

/** Calls fn at most once per `ms`, with the latest arguments. */
export function throttle(fn, ms) {
  let timer = null, pending = null;
  return (...args) => {
    pending = args;
    if (timer) return;
    timer = setTimeout(() => { timer = null; fn(...pending); }, ms);
  };
}

/**
 * One element per item, built again only when the item's stamp (by default its version) changes, so a list redrawn on
 * every change on the stream keeps the elements of the items that did not change, and what is typed in them.
 */
export class Keyed {
  constructor(build, stamp = item => item.version, key = item => item.id) {
    this.build = build;
    this.stamp = stamp;
    this.key = key;
    this.cache = new Map();
  }

  node(item) {
    const key = this.key(item);
    const stamp = this.stamp(item);
    const known = this.cache.get(key);
    if (known && known.stamp === stamp) return known.node;
    const node = this.build(item);
    this.cache.set(key, { stamp, node });
    return node;
  }

  /** Drops the elements of items no longer shown. */
  keep(keys) {
    for (const key of [...this.cache.keys()]) if (!keys.has(key)) this.cache.delete(key);
  }
}

/** Puts these nodes in the container, touching it only when they differ from what is there (focus stays where it is). */
export function sync(container, nodes) {
  const current = container.children;
  if (nodes.length === current.length && nodes.every((node, i) => current[i] === node)) return;
  container.replaceChildren(...nodes);
}

/** 4 → "★★★★☆". */
export const stars = n => '★'.repeat(n) + '☆'.repeat(5 - n);
