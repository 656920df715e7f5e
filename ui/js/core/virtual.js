// A table for lists that can hold a whole country: it knows how many rows there are, asks
// Rust for the pages in view (sorted and filtered there), and keeps only the rows in view,
// plus a margin, in the DOM. Rows share one height, measured once drawn; screen readers get
// the full count from aria-rowcount and each row's place from aria-rowindex.
import { h } from "./dom.js";

/** Rows fetched per request. */
export const PAGE = 100;
/** Rows kept above and below the ones in view. */
const MARGIN = 8;
/** Pages kept in memory (about 5,000 rows). */
const KEEP_PAGES = 50;

/**
 * @template T
 * @typedef {Object} VirtualTableOptions
 * @property {string} id the table's id
 * @property {string} caption for screen readers
 * @property {string} label accessible name of the scrolling region
 * @property {HTMLTableRowElement} head the header row
 * @property {number} columns number of columns (for placeholder rows)
 * @property {(offset: number, limit: number) => Promise<T[]>} fetch one page of rows
 * @property {(row: T, index: number) => HTMLTableRowElement} renderRow
 * @property {(index: number) => HTMLTableRowElement} [renderPlaceholder] a row not loaded yet
 * @property {string} [loadingText] text of a row not loaded yet
 */

/**
 * A virtualised table. `setCount(n, firstPage)` starts a new list (a new filter or sort);
 * the first page, when the caller already has it, is shown at once.
 * @template T
 * @param {VirtualTableOptions<T>} opts
 */
export function virtualTable(opts) {
  const top = h("td", { attrs: { colspan: opts.columns } });
  const bottom = h("td", { attrs: { colspan: opts.columns } });
  const topRow = h("tr", { class: "spacer", attrs: { "aria-hidden": "true" } }, top);
  const bottomRow = h("tr", { class: "spacer", attrs: { "aria-hidden": "true" } }, bottom);
  const body = h("tbody", {}, topRow, bottomRow);
  const table = h("table", { class: "data virtual", id: opts.id },
    h("caption", { class: "visually-hidden", text: opts.caption }),
    h("thead", {}, opts.head),
    body);
  const scroller = h("div", {
    class: "vscroll", id: `${opts.id}-scroll`, tabIndex: 0,
    attrs: { role: "region", "aria-label": opts.label },
  }, table);

  let count = 0;
  let rowHeight = 0;
  let generation = 0;
  /** @type {Map<number, T[]>} */
  const pages = new Map();
  /** @type {Map<number, Promise<void>>} */
  const loading = new Map();
  /** @type {Map<number, HTMLTableRowElement>} rows in the DOM, by index */
  const shown = new Map();
  let first = 0;
  let last = 0; // exclusive
  let frame = 0;

  const rowOf = (index) => pages.get(Math.floor(index / PAGE))?.[index % PAGE];

  const placeholder = (index) => opts.renderPlaceholder?.(index)
    ?? h("tr", { class: "placeholder" }, h("td", { attrs: { colspan: opts.columns }, text: opts.loadingText ?? "…" }));

  const build = (index) => {
    const row = rowOf(index);
    const tr = row === undefined ? placeholder(index) : opts.renderRow(row, index);
    tr.setAttribute("aria-rowindex", String(index + 2));
    if (row === undefined) tr.dataset.placeholder = "1";
    return tr;
  };

  const measure = () => {
    if (rowHeight) return;
    const sample = [...shown.values()].find((tr) => !tr.dataset.placeholder) ?? shown.values().next().value;
    if (sample && sample.offsetHeight) rowHeight = sample.offsetHeight;
  };

  const load = (page) => {
    if (pages.has(page) || loading.has(page) || page * PAGE >= count) return;
    const gen = generation;
    const p = opts.fetch(page * PAGE, PAGE).then((rows) => {
      loading.delete(page);
      if (gen !== generation) return;
      pages.set(page, rows);
      if (pages.size > KEEP_PAGES) {
        // Forget the pages furthest from the view.
        const here = Math.floor(first / PAGE);
        const far = [...pages.keys()].sort((a, b) => Math.abs(b - here) - Math.abs(a - here));
        for (const k of far.slice(0, pages.size - KEEP_PAGES)) pages.delete(k);
      }
      // Fill in the placeholders of that page.
      for (const [index, tr] of shown) {
        if (tr.dataset.placeholder && Math.floor(index / PAGE) === page) {
          const fresh = build(index);
          tr.replaceWith(fresh);
          shown.set(index, fresh);
        }
      }
      measure();
      schedule();
    }, (e) => { loading.delete(page); throw e; });
    loading.set(page, p);
  };

  /** Draws the rows in view; keeps rows already drawn (and the focus within them). */
  const update = () => {
    frame = 0;
    const height = rowHeight || 40;
    const viewTop = scroller.scrollTop;
    const viewRows = Math.ceil((scroller.clientHeight || 600) / height);
    const from = Math.max(0, Math.min(count, Math.floor(viewTop / height) - MARGIN));
    const to = Math.min(count, from + viewRows + 2 * MARGIN);
    // Remove what left the window.
    for (const [index, tr] of shown) {
      if (index < from || index >= to) { tr.remove(); shown.delete(index); }
    }
    // Add what entered, above then below what is kept, in order.
    const anchor = shown.size ? Math.min(...shown.keys()) : to;
    const above = [];
    for (let i = from; i < Math.min(anchor, to); i += 1) above.push(build(i));
    const firstKept = shown.get(anchor);
    for (let i = from; i < Math.min(anchor, to); i += 1) shown.set(i, above[i - from]);
    if (above.length) (firstKept ?? bottomRow).before(...above);
    const below = [];
    const lastKept = shown.size ? Math.max(...shown.keys()) : from - 1;
    for (let i = Math.max(lastKept + 1, from); i < to; i += 1) {
      const tr = build(i);
      shown.set(i, tr);
      below.push(tr);
    }
    if (below.length) bottomRow.before(...below);
    first = from;
    last = to;
    measure();
    const h2 = rowHeight || height;
    top.style.height = `${from * h2}px`;
    bottom.style.height = `${Math.max(0, count - to) * h2}px`;
    topRow.hidden = from === 0;
    bottomRow.hidden = to >= count;
    for (let p = Math.floor(from / PAGE); p * PAGE < to; p += 1) load(p);
  };

  const schedule = () => { if (!frame) frame = requestAnimationFrame(update); };
  scroller.addEventListener("scroll", schedule, { passive: true });
  if (typeof ResizeObserver !== "undefined") {
    // Let go once the list has left the page (a removed element reports its new, empty size).
    const watch = new ResizeObserver(() => { if (scroller.isConnected) schedule(); else watch.disconnect(); });
    watch.observe(scroller);
  }
  /** The list takes the height left in the window, so that only the list scrolls. */
  const fit = () => {
    if (!scroller.isConnected) { window.removeEventListener("resize", fit); return; }
    const topEdge = scroller.getBoundingClientRect().top + window.scrollY;
    scroller.style.maxHeight = `${Math.max(192, window.innerHeight - topEdge - 40)}px`;
  };
  window.addEventListener("resize", fit);

  return {
    /** The element to put on the page. */
    element: scroller,
    table,
    /**
     * Starts a new list of `n` rows; `firstPage` (rows from offset 0) is shown at once.
     * @param {number} n @param {T[]} [firstPage] @param {{keepScroll?: boolean}} [o]
     */
    setCount(n, firstPage, o = {}) {
      generation += 1;
      count = n;
      pages.clear();
      loading.clear();
      for (const tr of shown.values()) tr.remove();
      shown.clear();
      if (firstPage) pages.set(0, firstPage);
      table.setAttribute("aria-rowcount", String(n + 1));
      if (!o.keepScroll) scroller.scrollTop = 0;
      if (frame) { cancelAnimationFrame(frame); frame = 0; }
      fit();
      update();
    },
    /**
     * Changes the length of the list without reloading what is shown (the counts came after
     * the first page). @param {number} n
     */
    resize(n) {
      if (n === count) return;
      count = n;
      table.setAttribute("aria-rowcount", String(n + 1));
      for (const [index, tr] of shown) {
        if (index >= n) { tr.remove(); shown.delete(index); }
      }
      schedule();
    },
    /** The length of the list. */
    count: () => count,
    /** Reloads the rows in view (after a change), keeping the place in the list. */
    refresh(n = count) { this.setCount(n, undefined, { keepScroll: true }); },
    /** The row at `index`, if loaded. */
    row: rowOf,
    /** How many rows are in the DOM (for tests and measurements). */
    domRows: () => shown.size,
  };
}
