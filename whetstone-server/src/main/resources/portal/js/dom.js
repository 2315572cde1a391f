// Small DOM helpers: every page builds its elements with h(), so text from the API is always set as text,
// never parsed as HTML.

/** h('a', {href: '#/files', class: 'x', onclick: fn}, 'text', child, [more]) → element. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name === 'for') el.htmlFor = value;
    else if (name in el && typeof value !== 'string') el[name] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A table with a caption, column headers and rows of cells (strings or nodes); empty text when no rows. */
export function table(caption, headers, rows, empty) {
  if (rows.length === 0) return h('p', {class: 'empty'}, empty);
  return h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map(t => h('th', {scope: 'col'}, t)))),
    h('tbody', {}, rows));
}

/** A labelled form field: label, control and an optional hint bound by aria-describedby. */
export function field(label, control, hint) {
  const hintId = hint ? control.id + '-hint' : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h('div', {class: 'field'},
    h('label', {for: control.id}, label),
    control,
    hint ? h('small', {id: hintId, class: 'hint'}, hint) : null);
}

/** A description list from [term, value] pairs; null values are left out. */
export function details(pairs) {
  return h('dl', {class: 'facts'}, pairs.filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export function time(unix) {
  if (unix === null || unix === undefined) return '';
  const d = new Date(unix * 1000);
  return h('time', {datetime: d.toISOString()}, d.toLocaleString());
}

export function bytes(n) {
  if (n === null || n === undefined) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function number(v, digits = 4) {
  return v === null || v === undefined || Number.isNaN(v) ? '–' : Number(v).toPrecision(digits);
}

/** A status word styled by its value (succeeded, failed, running, …). */
export function badge(status) {
  return h('span', {class: `badge badge-${String(status).toLowerCase()}`, 'data-status': status}, status);
}

/** An error box for a failed call: the API's message, exactly as it came. */
export function errorBox(err) {
  return h('div', {class: 'error', role: 'alert'}, err?.message ?? String(err));
}
