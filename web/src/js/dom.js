// A tiny element builder. Data from the API only ever becomes text nodes or attribute values,
// never HTML, so a transcript line cannot inject markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') el.className = value;
    else if (name === 'text') el.textContent = value;
    else if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name in el && typeof value !== 'string') el[name] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/** A <dl> of label/value pairs, skipping empty values. */
export function facts(pairs, cls = 'facts') {
  const dl = h('dl', { class: cls });
  for (const [label, value] of pairs) {
    if (value === null || value === undefined || value === '') continue;
    dl.append(h('dt', {}, label), h('dd', {}, value));
  }
  return dl;
}

export function pre(value) {
  return h('pre', { class: 'json' }, JSON.stringify(value, null, 2));
}

let idCounter = 0;
export function uid(prefix = 'id') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** A labelled form field: returns [wrapper, input]. */
export function field(label, attrs = {}, hint = null) {
  const id = attrs.id || uid('f');
  const hintId = hint ? `${id}-hint` : null;
  const input = h(attrs.tag || 'input', { ...attrs, tag: null, id, 'aria-describedby': hintId });
  const wrap = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    input,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
  );
  return [wrap, input];
}
