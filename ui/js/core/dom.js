// Building DOM nodes from data without ever parsing HTML: user text always becomes text nodes.

/**
 * Creates an element.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any>} [props] `class`, `text`, `on` (event → handler), `attrs`
 *   (set with setAttribute), any other key is assigned as a DOM property (id, type, value...).
 * @param {...(Node|string|number|null|undefined|false|Array<any>)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = String(value);
    else if (key === "on") for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
    else if (key === "attrs") for (const [a, v] of Object.entries(value)) {
      if (v !== undefined && v !== null && v !== false) el.setAttribute(a, String(v));
    }
    else el[key] = value;
  }
  append(el, children);
  return el;
}

/** Appends children (nodes or text; arrays are flattened; empty values skipped). */
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces all children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** Lower case without accents, for accent- and case-insensitive matching. */
export function fold(s) {
  return String(s ?? "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

let uid = 0;
/** A unique id for label/field associations. */
export function newId(prefix = "f") {
  uid += 1;
  return `${prefix}-${uid}`;
}

const SVG_NS = "http://www.w3.org/2000/svg";
/**
 * Creates an SVG element; attributes are set with setAttribute, children as with `h`.
 * @param {string} tag @param {Record<string, string|number|null|undefined>} [attrs]
 * @param {...(Node|string|number|null|undefined|false|Array<any>)} children
 * @returns {SVGElement}
 */
export function svg(tag, attrs = {}, ...children) {
  const el = /** @type {SVGElement} */ (document.createElementNS(SVG_NS, tag));
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  }
  return /** @type {SVGElement} */ (append(el, children));
}

/**
 * Gives the focus back to the control that opened a dialog; when the page was redrawn while
 * the dialog was open, to the control with the same id, or else to the main content, so that
 * the focus is never lost.
 * @param {HTMLElement|null} opener
 */
export function restoreFocus(opener) {
  const back = opener?.isConnected ? opener : (opener?.id ? document.getElementById(opener.id) : null);
  (back ?? /** @type {HTMLElement|null} */ (document.getElementById("main")))?.focus?.();
}
