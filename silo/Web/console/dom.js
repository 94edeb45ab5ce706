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
