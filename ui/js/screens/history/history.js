// The history of changes: a record's history (a dialog opened from its page), the Journal
// screen (every change set, filtered and paged in SQL), each change told in a sentence, and
// undo with the changes that stand in its way.
import { h, replace, newId, restoreFocus } from "../../core/dom.js";
import { t, has, catalogues, language, formatMoney, formatDate, formatDateTime, formatNumber } from "../../core/i18n.js";
import { confirmDialog, showError, toast } from "../../core/dialogs.js";
import { register } from "../../core/router.js";
import * as ipc from "../../core/ipc.js";
import { KINDS } from "../../../bindings/kinds.js";

/** @typedef {import("../../../bindings/ChangeSetSummary").ChangeSetSummary} ChangeSetSummary */
/** @typedef {import("../../../bindings/ChangeSetDetail").ChangeSetDetail} ChangeSetDetail */
/** @typedef {import("../../../bindings/ChangeView").ChangeView} ChangeView */
/** @typedef {import("../../../bindings/HistoryQuery").HistoryQuery} HistoryQuery */
/** @typedef {import("../../../bindings/ChangeLabel").ChangeLabel} ChangeLabel */

/** Change sets per page. */
const PAGE = 50;
/** Changes of a change set told at most (the core's `DETAIL_MAX`). */
const DETAIL_MAX = 500;
/** Catalogue prefixes of the code lists whose name is not their snake case. */
const CODE_PREFIX = { EvidenceKind: "evidence", AssessmentStatus: "grid.status", SectionKey: "section" };
/** Texts longer than this are shown as what changed in them. */
const LONG = 80;


/** A catalogue entry as written, its `{placeholders}` unfilled. @param {string} key */
function template(key) {
  const lang = /** @type {"fr"|"en"} */ (language());
  return /** @type {Record<string, string>} */ (catalogues[lang])[key] ?? key;
}

/**
 * A catalogue template filled with nodes: the workspace's own words (names, texts) stay
 * marked as French inside an English sentence.
 * @param {string} tpl @param {Record<string, string|Node|null|undefined>} vars
 * @returns {Array<string|Node>}
 */
function fillNodes(tpl, vars) {
  return tpl.split(/(\{\w+\})/).filter((p) => p !== "").map((p) => {
    const m = p.match(/^\{(\w+)\}$/);
    if (!m) return p;
    const v = vars[m[1]];
    return v === null || v === undefined ? "" : v;
  });
}

/** Text of the workspace (a name, a value), marked French for assistive technologies. @param {string} text */
const data = (text) => h("span", { attrs: { lang: "fr" }, text });

/** The template naming a record after « de » / « of ». @param {string} table */
function ofTemplate(table) {
  const key = `history.of.${table}`;
  return has(key) ? template(key) : template("history.of");
}

/** The same, naming the record itself (« la ligne… », « the funding line… »). @param {string} table */
function theTemplate(table) {
  const of = ofTemplate(table);
  if (of.startsWith("du ")) return `le ${of.slice(3)}`;
  if (of.startsWith("de ")) return of.slice(3);
  if (of.startsWith("d'")) return of.slice(2);
  if (of.startsWith("of ")) return of.slice(3);
  return of;
}

const ofNodes = (table, name) => h("span", {}, fillNodes(ofTemplate(table), { name: data(name) }));
const theNodes = (table, name) => h("span", {}, fillNodes(theTemplate(table), { name: data(name) }));

/** What a change set did, as nodes (names marked). @param {ChangeLabel} l */
function labelNodes(l) {
  const a = l.args;
  if (l.code === "import") {
    return fillNodes(template("history.label.import"), { count: a.count ?? "", kind: t(`history.import.${a.kind}`), file: data(a.file ?? "") });
  }
  const key = `history.label.${l.code}`;
  if (!has(key)) return [l.code];
  return fillNodes(template(key), { ...a, of: a.kind ? ofNodes(a.kind, a.name ?? "") : "", count: a.count ?? "" });
}

/** What a change set did, as text (a confirmation, a refusal). @param {ChangeLabel} l */
export function labelText(l) {
  return h("span", {}, labelNodes(l)).textContent ?? "";
}

/** « de la ligne de financement « LEADER » », as text (a button's name). */
const ofRecord = (table, name) => ofNodes(table, name).textContent ?? "";

/** The shortest part of `before` and `after` that differs, with a little context. */
function shortDiff(before, after) {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start
    && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  const cut = (s) => {
    const part = s.slice(Math.max(0, start - 15), s.length - end + 15);
    const text = part.length > LONG ? `${part.slice(0, LONG)}…` : part;
    return `${start > 15 ? "…" : ""}${text}${s.length - end + 15 < s.length ? "…" : ""}`;
  };
  return [cut(before), cut(after)];
}

/** A value as the app shows it. @param {ChangeView} c @param {"before"|"after"} side @returns {string|Node} */
function shown(c, side) {
  const v = c[side];
  if (v === null || v === undefined || v === "") return t("history.empty_value");
  if (c.kind === "binary") return t("history.binary");
  if (c.kind === "money") return formatMoney(Number(v));
  if (c.kind === "date") return formatDate(String(v));
  if (c.kind === "flag") return t(v ? "history.yes" : "history.no");
  if (c.kind === "number") return formatNumber(Number(v));
  if (c.kind.startsWith("ref:")) return data((side === "before" ? c.before_name : c.after_name) || `#${v}`);
  if (c.kind.startsWith("code:")) {
    const list = c.kind.slice(5);
    const prefix = CODE_PREFIX[list] ?? list.replace(/(?<!^)([A-Z])/g, "_$1").toLowerCase();
    const key = `${prefix}.${v}`;
    return has(key) ? t(key) : String(v);
  }
  return quoted(String(v));
}

/** A text of the workspace between quotation marks. @param {string} text */
const quoted = (text) => h("span", {}, fillNodes(template("history.quoted"), { text: data(text) }));

/** A change told in a sentence, as nodes. @param {ChangeSetSummary} set @param {ChangeView} c */
export function sentence(set, c) {
  const who = set.author;
  const when = formatDateTime(set.at);
  if (c.op !== "update") {
    return fillNodes(template(c.op === "insert" ? "history.sentence.insert" : "history.sentence.delete"),
      { who, what: theNodes(c.table, c.name), when });
  }
  // The column's own label, or the one of every column of that name.
  const fieldKey = [`history.field.${c.table}.${c.field}`, `history.field.any.${c.field}`].find(has);
  const field = fieldKey ? t(fieldKey) : t("history.field", { field: c.field ?? "" });
  let before = shown(c, "before");
  let after = shown(c, "after");
  if (c.kind === "text" && typeof c.before === "string" && typeof c.after === "string"
    && (c.before.length > LONG || c.after.length > LONG)) {
    const [b, a] = shortDiff(c.before, c.after);
    before = quoted(b);
    after = quoted(a);
  }
  return fillNodes(template("history.sentence.update"), { who, field, of: ofNodes(c.table, c.name), before, after, when });
}

/**
 * Undoes a change set after confirmation; names the changes in the way when it cannot be.
 * @param {ChangeSetSummary} set @param {() => void} done called once undone
 */
async function undo(set, done) {
  const ok = await confirmDialog({
    title: t("history.undo.confirm_title"),
    message: t("history.undo.confirm", { label: labelText(set.label), who: set.author, when: formatDateTime(set.at) }),
    confirmLabel: t("history.undo.confirm_yes"),
  });
  if (!ok) return;
  if (await undoSet(set.id)) {
    toast(t("history.undo.done"));
    done();
  }
}

/**
 * Undoes change set `id` through the journal (the Journal's undo, and the « Annuler » of a
 * message that follows a change): the sections showing records are told (`catalyse:undone`);
 * when later changes stand in the way, they are named and nothing changes.
 * @param {number} id @returns {Promise<boolean>} true when undone
 */
export async function undoSet(id) {
  try {
    const outcome = await ipc.undoChangeSet(id);
    if (outcome.outcome === "done") {
      document.dispatchEvent(new CustomEvent("catalyse:undone"));
      return true;
    }
    blockedDialog(outcome.blockers);
  } catch (e) { showError(e); }
  return false;
}

/** Why an undo was refused: the later change sets in the way. @param {ChangeSetSummary[]} blockers */
function blockedDialog(blockers) {
  const opener = /** @type {HTMLElement|null} */ (document.activeElement);
  const titleId = newId("blocked-title");
  const close = h("button", { type: "button", class: "btn primary", id: "blocked-close", text: t("history.close") });
  const dialog = /** @type {HTMLDialogElement} */ (h("dialog", {
    class: "modal", id: "undo-blocked", attrs: { role: "alertdialog", "aria-labelledby": titleId },
  },
    h("h2", { id: titleId, text: t("history.undo.blocked_title") }),
    h("p", { text: t("history.undo.blocked") }),
    h("ul", { id: "undo-blockers" }, blockers.map((b) => h("li", {
      text: t("history.undo.blocker", { id: b.id, label: labelText(b.label), who: b.author, when: formatDateTime(b.at) }),
    }))),
    h("div", { class: "dialog-buttons" }, close)));
  const end = () => { dialog.close(); dialog.remove(); restoreFocus(opener); };
  close.addEventListener("click", end);
  dialog.addEventListener("cancel", (ev) => { ev.preventDefault(); end(); });
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
}

/**
 * One change set: when, who, what, its sentences (those the page came with: a record's
 * changes, or the Journal's first ones with a button for all), and the undo button.
 * @param {ChangeSetDetail} detail @param {boolean} ofRecord the page is a record's history
 * @param {() => void} refresh
 */
function setItem(detail, ofRecord, refresh) {
  const set = detail.summary;
  const sentences = h("ul", { class: "history-changes" });
  const item = h("li", { class: "history-set", attrs: { "data-set": String(set.id), value: String(set.id) } },
    h("p", { class: "history-label" },
      h("strong", {}, labelNodes(set.label)),
      h("span", { class: "muted small", text: ` — ${set.author}, ${formatDateTime(set.at)}` })),
    sentences,
    set.undone_by !== null
      ? h("p", { class: "muted small", text: t("history.undone", { by: set.undone_by }) })
      : h("button", { type: "button", class: "btn small history-undo", text: t("history.undo"),
        on: { click: () => undo(set, refresh) } }));
  /** @param {ChangeSetDetail} shown @param {boolean} all every change asked for */
  const tell = (shown, all) => {
    const rest = !ofRecord && !all && shown.more > 0
      ? h("li", { class: "history-all-item" }, h("button", {
        type: "button", class: "btn small history-all",
        text: t("history.show_all", { count: formatNumber(set.changes) }),
        on: { click: showAll },
      }))
      : shown.more > 0 ? h("li", { class: "muted small", text: t("history.more_changes", { count: formatNumber(shown.more) }) }) : null;
    replace(sentences, shown.changes.map((c) => h("li", { class: "history-sentence", attrs: { tabindex: "-1" } }, sentence(set, c))), rest);
  };
  // Focus goes to the first change that was not shown, where the button was.
  const showAll = () => ipc.changeSetDetail(set.id, DETAIL_MAX).then((all) => {
    const first = detail.changes.length;
    tell(all, true);
    /** @type {HTMLElement|undefined} */ (sentences.children[first])?.focus();
  }).catch(showError);
  tell(detail, false);
  return item;
}

/**
 * A list of change sets, a page at a time, newest first.
 * @param {(q: HistoryQuery) => Promise<import("../../../bindings/HistoryPage").HistoryPage>} load
 * @param {HistoryQuery} query @param {boolean} onlyRecord tell only the changes of the record
 * the pages are the history of
 */
function historyList(load, query, onlyRecord) {
  // Numbered by change set: the number an undo or a refusal names.
  const list = h("ol", { class: "history-list", id: "history-list" });
  const status = h("p", { class: "muted small history-status", attrs: { "aria-live": "polite" } });
  const more = /** @type {HTMLButtonElement} */ (h("button", { type: "button", class: "btn", id: "history-more", text: t("history.more"), hidden: true }));
  let last = /** @type {number|null} */ (null);
  let count = 0;
  let loading = false;
  let pages = 0;
  // Scrolling down to the button loads the next page; the button stays for the keyboard.
  const watch = new IntersectionObserver((seen) => {
    if (!more.isConnected) watch.disconnect();
    else if (seen.some((e) => e.isIntersecting) && !more.hidden) page();
  }, { rootMargin: "200px" });
  const refresh = () => { replace(list); last = null; count = 0; page(); };
  const page = async () => {
    if (loading) return;
    loading = true;
    try {
      const p = await load({ ...query, before_id: last, limit: PAGE });
      list.append(...p.sets.map((s) => setItem(s, onlyRecord, refresh)));
      count += p.sets.length;
      last = p.sets.length ? p.sets[p.sets.length - 1].summary.id : last;
      more.hidden = !p.more;
      status.textContent = count === 0 ? t("history.none") : t("journal.shown", { count: formatNumber(count) });
    } catch (e) { showError(e); } finally {
      loading = false;
      // Pages loaded so far, for whoever waits for the next one.
      list.dataset.loaded = String(++pages);
      // Watched again: told at once whether the button is still in view (then the next
      // page comes too), not only when it next enters it.
      watch.unobserve(more);
      if (!more.hidden) watch.observe(more);
    }
  };
  more.addEventListener("click", page);
  page();
  return h("div", { class: "history" }, list, status, more);
}

/**
 * Opens the history of one record (`table`, `id`) in a dialog.
 * @param {string} table @param {number} id @param {string} name
 */
export function openRecordHistory(table, id, name) {
  const opener = /** @type {HTMLElement|null} */ (document.activeElement);
  const titleId = newId("history-title");
  const close = h("button", { type: "button", class: "btn", id: "history-close", text: t("history.close") });
  const dialog = /** @type {HTMLDialogElement} */ (h("dialog", {
    class: "modal wide", id: "history-dialog", attrs: { "aria-labelledby": titleId },
  },
    h("h2", { id: titleId }, fillNodes(template("history.record_title"), { of: ofNodes(table, name) })),
    historyList((q) => ipc.recordHistory(table, id, q), emptyQuery(), true),
    h("div", { class: "dialog-buttons" }, close)));
  const end = () => { dialog.close(); dialog.remove(); restoreFocus(opener); };
  close.addEventListener("click", end);
  dialog.addEventListener("cancel", (ev) => { ev.preventDefault(); end(); });
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
}

/** No filter. @returns {HistoryQuery} */
function emptyQuery() {
  return { author: null, table: null, record: null, since: null, until: null, text: null, before_id: null, limit: PAGE };
}

/** A button opening a record's history. @param {string} table @param {number} id @param {string} name @param {string} [elementId] */
export function historyButton(table, id, name, elementId) {
  return h("button", {
    type: "button", class: "btn small", id: elementId, text: t("history.show"),
    attrs: { "aria-label": t("history.show_of", { of: ofRecord(table, name) }) },
    on: { click: () => openRecordHistory(table, id, name) },
  });
}

/** The Journal screen: filters, then the change sets. @param {HTMLElement} content */
async function renderJournal(content) {
  const authors = await ipc.historyAuthors().catch(() => /** @type {string[]} */ ([]));
  const id = (k) => `journal-${k}`;
  const author = h("select", { id: id("author") },
    h("option", { value: "", text: t("journal.filter.author_all") }),
    authors.map((a) => h("option", { value: a, text: a })));
  const kind = h("select", { id: id("kind") },
    h("option", { value: "", text: t("journal.filter.kind_all") }),
    KINDS.map((k) => h("option", { value: k, text: t(`history.kind.${k}`) })));
  const since = h("input", { type: "date", id: id("since") });
  const until = h("input", { type: "date", id: id("until") });
  const text = h("input", { type: "search", id: id("text") });
  const holder = h("div", {});
  const labelled = (input, key) => h("div", { class: "filter" },
    h("label", { htmlFor: input.id, text: t(key) }), input);
  const show = () => {
    const v = (el) => /** @type {HTMLInputElement} */ (el).value.trim() || null;
    replace(holder, historyList(ipc.history, {
      author: v(author), table: v(kind), record: null, since: v(since), until: v(until), text: v(text),
      before_id: null, limit: PAGE,
    }, false));
  };
  let timer = 0;
  for (const el of [author, kind, since, until]) el.addEventListener("change", show);
  text.addEventListener("input", () => { clearTimeout(timer); timer = window.setTimeout(show, 250); });
  replace(content, h("section", { class: "card", id: "journal", attrs: { "aria-labelledby": "journal-title" } },
    h("h1", { id: "journal-title", text: t("journal.heading") }),
    h("p", { class: "muted", text: t("journal.intro") }),
    h("div", { class: "filters", id: "journal-filters" },
      labelled(author, "journal.filter.author"), labelled(kind, "journal.filter.kind"),
      labelled(since, "journal.filter.since"), labelled(until, "journal.filter.until"),
      labelled(text, "journal.filter.text")),
    holder));
  show();
}

register("journal", (content) => renderJournal(content));
