// "Notes": decision notes for elected officials. The list by status and meeting date, a new
// note from actions, needs or actors, the editor (header, nine sections, options), status
// changes, refresh of the generated sections (the user chooses for the ones they edited),
// versions and export.
import { h, replace, newId } from "../../core/dom.js";
import { t, label, formatDate, formatMoney, formatNumber, compare, language } from "../../core/i18n.js";
import { formDialog, confirmDialog, toast, showError, errorMessage } from "../../core/dialogs.js";
import * as ipc from "../../core/ipc.js";
import { actorChoice } from "../../core/picker.js";
import { historyButton } from "../history/history.js";
import { virtualTable, PAGE } from "../../core/virtual.js";
import { setLeaveGuard } from "../../core/router.js";
import { Addressee as ADDRESSEES, NoteStatus as STATUSES } from "../../../bindings/codes.js";

/** @typedef {import("../../core/ipc.js").DecisionNote} DecisionNote */
/** @typedef {import("../../core/ipc.js").NoteSummary} NoteSummary */

const GENERATED = ["contexte", "acteurs", "financement", "calendrier"];

/** @type {HTMLElement|null} */ let root = null;
const view = { /** @type {number|null} */ open: null, /** status shown in the list, "" for all */ status: "" };

/** Draws the notes section; `openId` opens one note. */
export async function renderNotes(container, openId = null) {
  root = container;
  view.open = openId;
  await draw();
}

/**
 * Starts a new note about one action (from the action's page); `onCreated` opens it.
 * @param {number} actionId @param {(noteId: number) => void} onCreated
 */
export function newNoteForAction(actionId, onCreated) {
  newNoteForm([{ kind: "action", record_id: actionId }], onCreated);
}

/** A file name from the note's subject: letters, digits and dashes. @param {string} subject */
function fileStem(subject) {
  const stem = subject.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[^A-Za-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60);
  return stem || "note";
}

// An undo from a history: the list or the open note read again.
document.addEventListener("catalyse:undone", () => { if (root?.isConnected) draw().catch(showError); });

async function draw() {
  if (!root) return;
  if (view.open !== null) {
    const note = await ipc.getNote(view.open);
    replace(root, editor(note));
    return;
  }
  const logo = await ipc.noteLogo();
  replace(root, h("div", { class: "stack" }, listSection(), logoPanel(logo)));
}

// ----- The list (virtualised: Rust pages, filters and counts) -------------------------------

const list = {
  /** @type {ReturnType<typeof virtualTable<NoteSummary>>|null} */ table: null,
  /** @type {HTMLElement|null} */ count: null,
  /** @type {HTMLElement|null} */ empty: null,
  /** @type {HTMLSelectElement|null} */ status: null,
  filter: "",
  seq: 0,
};

/** @returns {import("../../core/ipc.js").NoteListQuery} */
const query = (offset, limit, count) => ({
  filter: list.filter.trim(), status: /** @type {any} */ (view.status || null), offset, limit, count,
});

async function loadList() {
  const mine = ++list.seq;
  const page = await ipc.notePage(query(0, PAGE, true));
  if (mine !== list.seq || !list.table || !list.count || !list.empty || !list.status) return;
  const total = page.total ?? 0;
  const matched = page.matched ?? 0;
  // The status filter shows how many notes each status holds.
  const options = list.status.options;
  options[0].text = t("notes.filter_all", { count: formatNumber(total) });
  STATUSES.forEach((st, i) => { options[i + 1].text = `${label("note_status", st)} (${formatNumber(page.status_counts[i] ?? 0)})`; });
  list.count.textContent = matched === total
    ? t("notes.count", { count: formatNumber(total) })
    : t("notes.count_filtered", { shown: formatNumber(matched), total: formatNumber(total) });
  list.table.element.hidden = matched === 0;
  list.empty.hidden = matched > 0;
  if (total === 0) replace(list.empty, h("p", { text: t("notes.empty") }));
  else if (matched === 0) replace(list.empty, h("p", { text: list.filter.trim() ? t("notes.no_match", { filter: list.filter.trim() }) : t("notes.filter_none") }));
  list.table.setCount(matched, page.rows);
  list.table.table.dataset.loaded = String(mine);
}

function listSection() {
  const status = /** @type {HTMLSelectElement} */ (h("select", { id: "notes-status-filter" },
    h("option", { value: "", text: t("notes.filter_all", { count: "…" }) }),
    STATUSES.map((st) => h("option", { value: st, text: label("note_status", st) }))));
  status.value = view.status;
  status.addEventListener("change", () => { view.status = status.value; loadList().catch(showError); });
  const filter = /** @type {HTMLInputElement} */ (h("input", {
    type: "search", id: "notes-filter", value: list.filter, placeholder: t("notes.filter_placeholder"), autocomplete: "off",
  }));
  filter.addEventListener("input", () => { list.filter = filter.value; loadList().catch(showError); });
  filter.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && filter.value) { ev.stopPropagation(); filter.value = ""; list.filter = ""; loadList().catch(showError); }
  });
  const head = h("tr", {}, ["meeting_date", "title", "addressee", "status"].map((k) => h("th", { scope: "col", class: `col-${k}`, text: t(`notes.col.${k}`) })));
  list.table = virtualTable({
    id: "notes-table", caption: t("notes.heading"), label: t("notes.list_label"), head,
    columns: 4, loadingText: t("list.loading"),
    fetch: async (offset, limit) => (await ipc.notePage(query(offset, limit, false))).rows,
    renderRow: (n) => h("tr", { attrs: { "data-note-id": n.id } },
      h("td", { class: "nowrap", text: n.meeting_date ? formatDate(n.meeting_date) : t("notes.no_date") }),
      h("th", { scope: "row", title: n.title }, h("button", { type: "button", class: "link", text: n.title, on: { click: () => { view.open = n.id; draw().catch(showError); } } })),
      h("td", { text: label("addressee", n.addressee) }),
      h("td", {}, h("span", { class: `nstatus nstatus-${n.status}`, text: label("note_status", n.status) }))),
  });
  list.table.element.hidden = true;
  list.count = h("p", { class: "muted count", id: "notes-count", attrs: { "aria-live": "polite" } });
  list.empty = h("div", { class: "empty", id: "notes-empty", hidden: true });
  list.status = status;
  loadList().catch(showError);
  return h("section", { class: "card", id: "notes", attrs: { "aria-labelledby": "notes-title" } },
    h("div", { class: "section-head" },
      h("h2", { id: "notes-title", text: t("notes.heading") }),
      h("div", { class: "toolbar" },
        h("label", { class: "visually-hidden", htmlFor: "notes-filter", text: t("notes.filter_text") }), filter,
        h("label", { htmlFor: "notes-status-filter", text: t("notes.filter") }), status,
        h("button", { type: "button", class: "btn primary", id: "add-note", text: t("notes.add"), on: { click: () => newNoteForm([]) } }))),
    list.count, list.empty, list.table.element);
}

/** The letterhead logo: what is set, choose another, remove it. @param {import("../../core/ipc.js").LogoInfo|null} logo */
function logoPanel(logo) {
  const pick = async () => {
    try {
      const info = await ipc.pickNoteLogo(t("notes.logo_pick_title"));
      if (info) { toast(t("notes.logo_saved")); await draw(); }
    } catch (e) { showError(e); }
  };
  const remove = async () => {
    const ok = await confirmDialog({ title: t("notes.logo_remove_title"), message: t("notes.logo_remove_message"), confirmLabel: t("notes.logo_remove") });
    if (!ok) return;
    try { await ipc.removeNoteLogo(); toast(t("notes.logo_removed")); await draw(); } catch (e) { showError(e); }
  };
  return h("section", { class: "card", id: "note-logo", attrs: { "aria-labelledby": "note-logo-title" } },
    h("h2", { id: "note-logo-title", class: "small-heading", text: t("notes.logo_heading") }),
    h("p", { id: "note-logo-status", text: logo ? t("notes.logo_current", { name: logo.file_name, width: logo.width, height: logo.height }) : t("notes.logo_none") }),
    h("div", { class: "toolbar" },
      h("button", { type: "button", class: "btn", id: "note-logo-pick", text: t(logo ? "notes.logo_change" : "notes.logo_pick"), on: { click: pick } }),
      logo ? h("button", { type: "button", class: "btn", id: "note-logo-remove", text: t("notes.logo_remove"), on: { click: remove } }) : null));
}

/**
 * @param {Array<{kind: string, record_id: number}>} records
 * @param {((noteId: number) => void)|null} [onCreated]
 */
async function newNoteForm(records, onCreated = null) {
  let choices, header;
  try { [choices, header] = await Promise.all([recordChoices(records), ipc.getHeader()]); } catch (e) { showError(e); return; }
  const first = records.length === 1 && records[0].kind === "action" ? choices.actions.find((a) => a.id === records[0].record_id) : null;
  formDialog({
    id: "note-dialog",
    title: t("notes.new_title"),
    submitLabel: t("form.create"),
    fields: [
      { name: "subject", label: t("notes.subject"), required: true, value: first?.title ?? "" },
      { name: "addressee", label: t("notes.addressee"), type: "select", value: "bureau", half: true,
        options: ADDRESSEES.map((a) => ({ value: a, label: label("addressee", a) })) },
      { name: "meeting_date", label: t("notes.meeting_date"), type: "date", half: true, hint: t("project.date_hint") },
      { name: "body_name", label: t("notes.body_name"), value: header.territory_name, half: true },
      { name: "author", label: t("notes.author"), half: true },
      ...recordFields(choices, records),
    ],
    onSubmit: async (v) => {
      const note = await ipc.createNote({
        subject: v.subject, addressee: v.addressee, meeting_date: v.meeting_date || null,
        body_name: v.body_name, author: v.author,
        records: pickedRecords(v),
        sections: [], options: [],
      });
      toast(t("notes.created"));
      if (onCreated) { onCreated(note.id); return; }
      view.open = note.id;
      await draw();
    },
  });
}

/**
 * What a note can be about: the project's needs, and the actions and actors it already names
 * (others are found with the pickers).
 * @param {Array<{kind: string, record_id: number}>} records
 */
async function recordChoices(records) {
  const [actions, needs, actors] = await Promise.all([
    ipc.actionChoices(records.filter((r) => r.kind === "action").map((r) => r.record_id)), ipc.listNeeds(),
    ipc.actorChoices(records.filter((r) => r.kind === "actor").map((r) => r.record_id))]);
  return { actions, needs, actors };
}

/**
 * Checkbox lists for the records a note is about.
 * @param {Awaited<ReturnType<typeof recordChoices>>} c
 * @param {Array<{kind: string, record_id: number}>} records
 * @returns {import("../../core/dialogs.js").FieldSpec[]}
 */
function recordFields(c, records) {
  const checked = (/** @type {string} */ kind) => records.filter((r) => r.kind === kind).map((r) => String(r.record_id));
  /** @param {Array<{id: number}>} list @param {(x: any) => string} name */
  const options = (list, name) => [...list].sort((a, b) => compare(name(a), name(b))).map((x) => ({ value: String(x.id), label: name(x) }));
  return [
    { name: "actions", label: t("notes.actions"), type: "actors", search: searchActions,
      choices: c.actions.map((a) => ({ value: String(a.id), label: a.title })) },
    { name: "needs", label: t("notes.needs"), type: "checkboxes", filterable: c.needs.length > 8,
      options: options(c.needs, (x) => x.title), values: checked("need") },
    { name: "actors", label: t("notes.actors"), type: "actors",
      choices: c.actors.filter((a) => checked("actor").includes(String(a.id))).map(actorChoice) },
  ];
}

/** Actions for a picker. @param {string} typed */
async function searchActions(typed) {
  return (await ipc.findActions(typed, 20)).map((a) => ({ value: String(a.id), label: a.title }));
}

/** The records ticked in a form built with recordFields. @param {Record<string, any>} v */
function pickedRecords(v) {
  return [
    ...v.actions.map((/** @type {string} */ id) => ({ kind: "action", record_id: Number(id) })),
    ...v.needs.map((/** @type {string} */ id) => ({ kind: "need", record_id: Number(id) })),
    ...v.actors.map((/** @type {string} */ id) => ({ kind: "actor", record_id: Number(id) })),
  ];
}

/**
 * A text that may scroll, reachable from the keyboard (a focusable region named `name`).
 * @param {string} text @param {string} name
 */
function scrollText(text, name) {
  // The note's text is French whatever the interface's language (WCAG 3.1.2).
  return h("pre", { class: "diff-text", text, tabIndex: 0, lang: "fr", attrs: { role: "region", "aria-label": name } });
}

/** The note's editor: its header fields, its sections and options, status, refresh, export. @param {DecisionNote} n */
function editor(n) {
  const form = noteForm(n);
  const { frozen } = form;
  const field = (id, text, input) => h("div", { class: "field" }, h("label", { htmlFor: id, text }), input);
  /** Whether the user may leave the note: asked if what they typed is not saved. */
  const mayLeave = async () => !form.dirty || confirmDialog({ title: t("notes.leave_title"), message: t("notes.leave_message"), confirmLabel: t("notes.leave_confirm") });
  const el = h("div", { class: "stack", id: "note-editor", attrs: { "data-note-id": n.id } },
    h("div", {}, h("button", { type: "button", class: "btn small", id: "note-back", text: t("notes.back"), on: { click: async () => {
      if (!(await mayLeave())) return;
      view.open = null; draw().catch(showError);
    } } })),
    h("section", { class: "card" },
      h("div", { class: "section-head" },
        h("div", {},
          h("p", { class: "eyebrow", text: t("notes.eyebrow", { version: n.version }) }),
          h("h1", { id: "note-title", text: n.subject })),
        h("div", { class: "toolbar" },
          h("label", { htmlFor: "note-status", text: t("notes.status") }), statusSelect(n),
          h("button", { type: "button", class: "btn", id: "note-refresh", disabled: frozen, text: t("notes.refresh"), on: { click: async () => { if (await form.ensureSaved()) await refresh(n); } } }),
          h("button", { type: "button", class: "btn", id: "note-versions", text: t("notes.versions"), on: { click: async () => { if (await form.ensureSaved()) await versions(n); } } }),
          historyButton("decision_note", n.id, n.subject, "note-history"),
          h("button", { type: "button", class: "btn", id: "note-export-pdf", text: t("notes.export_pdf"), on: { click: () => exportAs(n, form, "pdf") } }),
          h("button", { type: "button", class: "btn", id: "note-export", text: t("notes.export"), title: t("notes.export_hint"), on: { click: () => exportAs(n, form, "docx") } }))),
      language() === "fr" ? null : h("p", { class: "muted small", id: "note-export-language", text: t("notes.export_french") }),
      frozen ? h("p", { class: "impact", id: "note-frozen", text: t("notes.frozen") }) : null,
      form.summary,
      h("div", { class: "fields two" },
        field(form.subject.id, t("notes.subject"), form.subject),
        field(form.addressee.id, t("notes.addressee"), form.addressee),
        field(form.meeting.id, t("notes.meeting_date"), form.meeting),
        field(form.bodyName.id, t("notes.body_name"), form.bodyName),
        field(form.author.id, t("notes.author"), form.author)),
      h("div", { class: "toolbar records-line" },
        h("p", { class: "muted", id: "note-about", text: n.records.length ? t("notes.about", { list: n.records.map((r) => r.label).join(", ") }) : t("notes.about_none") }),
        frozen ? null : h("button", { type: "button", class: "btn small", id: "note-records", text: t("notes.records"), on: { click: () => editRecords(n, form) } }))),
    form.areas.map((a, i) => sectionCard(n, form, a, i)),
    frozen ? null : h("div", { class: "form-buttons sticky" },
      h("button", { type: "button", class: "btn primary", id: "note-save", text: t("notes.save"), on: { click: () => form.save() } })));
  // Opening another workspace asks too, while this editor is on screen.
  setLeaveGuard(async () => !el.isConnected || mayLeave());
  return el;
}

/** @typedef {ReturnType<typeof noteForm>} NoteForm */

/**
 * The note's fields as the editor edits them, what it collects to save, and whether the user
 * changed something since the last save.
 * @param {DecisionNote} n
 */
function noteForm(n) {
  const frozen = n.status === "validated" || n.status === "presented";
  const input = (name, value) => /** @type {HTMLInputElement} */ (h("input", { type: "text", id: newId(name), name, value: value ?? "", disabled: frozen }));
  const meeting = input("meeting_date", n.meeting_date ?? "");
  meeting.placeholder = t("date.placeholder");
  const addressee = /** @type {HTMLSelectElement} */ (h("select", { id: newId("addressee"), disabled: frozen },
    ADDRESSEES.map((a) => h("option", { value: a, text: label("addressee", a) }))));
  addressee.value = n.addressee;
  const form = {
    frozen,
    subject: input("subject", n.subject),
    bodyName: input("body_name", n.body_name),
    author: input("author", n.author),
    meeting,
    addressee,
    areas: n.sections.map((s) => {
      const id = newId(`section-${s.key}`);
      const area = /** @type {HTMLTextAreaElement} */ (h("textarea", { id, name: s.key, rows: s.key === "financement" ? 10 : 5, disabled: frozen }));
      area.value = s.content;
      return { key: s.key, area, id };
    }),
    summary: h("div", { class: "form-summary", id: "note-error", hidden: true, attrs: { role: "alert" } }),
    /** Options as the form edits them (amounts typed in French). */
    options: n.options.map((o) => ({
      title: o.title, description: o.description, pros: o.pros, cons: o.cons, risks: o.risks, recommended: o.recommended,
      cost: o.cost_cents === null ? "" : (o.cost_cents / 100).toFixed(2).replace(".", ","),
    })),
    dirty: false,
    /** The note as typed, ready to save. */
    collect() {
      return {
        subject: form.subject.value, body_name: form.bodyName.value, author: form.author.value,
        meeting_date: form.meeting.value.trim() || null, addressee: form.addressee.value,
        records: n.records.map((r) => ({ kind: r.kind, record_id: r.record_id })),
        sections: form.areas.map((a) => ({ key: a.key, content: a.area.value })),
        options: form.options,
      };
    },
    /** Shows why a save was refused, at the top of the form. @param {unknown} e */
    refused(e) {
      form.summary.textContent = errorMessage(/** @type {any} */ (e));
      form.summary.hidden = false;
      form.summary.scrollIntoView({ block: "center" });
    },
    /** Saves the note (the button), then shows it again. */
    async save() {
      form.summary.hidden = true;
      try {
        await ipc.updateNote(n.id, /** @type {any} */ (form.collect()));
        form.dirty = false;
        toast(t("notes.saved"));
        await draw();
      } catch (e) { form.refused(e); }
    },
    /** Saves what the user typed before an action that reads the stored note; false if that failed. */
    async ensureSaved() {
      if (!form.dirty || frozen) return true;
      form.summary.hidden = true;
      try {
        await ipc.updateNote(n.id, /** @type {any} */ (form.collect()));
        form.dirty = false;
        toast(t("notes.saved"));
        return true;
      } catch (e) {
        form.refused(e);
        return false;
      }
    },
  };
  for (const el of [form.subject, form.bodyName, form.author, meeting, addressee, ...form.areas.map((a) => a.area)]) {
    el.addEventListener("input", () => { form.dirty = true; });
    el.addEventListener("change", () => { form.dirty = true; });
  }
  return form;
}

/** The sections a map of the territory may be inserted in, and the measures offered. */
const MAP_SECTIONS = ["contexte", "enjeux", "acteurs", "annexes"];
const MAP_MEASURES = ["actors", "actions", "funding", "meetings", "hours", "links", "never_met"];

/**
 * The territory's map inserted in a section's text, where the cursor is, as a picture whose
 * address is `carte:` and the measure: the exports draw it there (issue 27).
 * @param {HTMLTextAreaElement} area @param {string} key
 */
function mapInserter(area, key) {
  const id = `note-map-measure-${key}`;
  const select = /** @type {HTMLSelectElement} */ (h("select", { id },
    MAP_MEASURES.map((m) => h("option", { value: m, text: t(`map.measure.${m}`) }))));
  const insert = () => {
    const m = select.value;
    const line = `![${t("notes.map_caption", { measure: t(`map.measure.${m}`) })}](carte:${m})`;
    const at = area.selectionEnd ?? area.value.length;
    const before = area.value.slice(0, at);
    const after = area.value.slice(at);
    const lead = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    area.value = `${before}${lead}${line}\n${after.startsWith("\n") ? "" : "\n"}${after}`;
    area.dispatchEvent(new Event("input", { bubbles: true }));
    area.focus();
    toast(t("notes.map_inserted"));
  };
  return h("div", { class: "note-map-insert" },
    h("label", { attrs: { for: id }, text: t("notes.map_measure") }), select,
    h("button", { type: "button", class: "btn small", id: `note-map-insert-${key}`, text: t("notes.map_insert"), on: { click: insert } }));
}

/** One section of the note: its text, and for « Options » the list of options. @param {DecisionNote} n @param {NoteForm} form @param {NoteForm["areas"][number]} a @param {number} i */
function sectionCard(n, form, a, i) {
  const { frozen } = form;
  return h("section", { class: "card note-section", id: `note-section-${a.key}` },
    h("h2", {}, `${i + 1}. ${label("section", a.key)}`,
      GENERATED.includes(a.key) ? h("span", { class: "badge", text: t("notes.generated") }) : null),
    h("label", { class: "visually-hidden", htmlFor: a.id, text: label("section", a.key) }),
    h("p", { class: "hint", text: t("notes.markdown_hint") }),
    a.area,
    frozen || !MAP_SECTIONS.includes(a.key) ? null : mapInserter(a.area, a.key),
    a.key === "options" ? h("div", { class: "note-options", id: "note-options" },
      h("h3", { class: "small-heading", text: t("notes.options_heading") }),
      n.options.length === 0 ? h("p", { class: "muted", text: t("notes.options_empty") }) :
        h("ul", { class: "plain-list" }, n.options.map((o, k) => h("li", { class: "option-line", attrs: { "data-option": k + 1 } },
          h("strong", {}, t("notes.option", { n: k + 1, title: "" }), h("span", { lang: "fr", text: o.title })),
          o.recommended ? h("span", { class: "badge", text: t("notes.recommended") }) : null,
          h("span", { class: "muted", text: o.cost_cents === null ? "" : ` — ${formatMoney(o.cost_cents)}` }),
          frozen ? null : h("button", { type: "button", class: "btn small", text: t("notes.option_edit_short"), attrs: { "aria-label": t("notes.option_edit", { n: k + 1 }) }, on: { click: () => editOption(n, form, k) } }),
          frozen ? null : h("button", { type: "button", class: "btn small danger", text: t("notes.option_remove_short"), attrs: { "aria-label": t("notes.option_remove_n", { n: k + 1 }) }, on: { click: () => removeOption(n, form, k) } })))),
      frozen ? null : h("button", { type: "button", class: "btn small", id: "note-add-option", text: t("notes.option_add"), on: { click: () => editOption(n, form, null) } })) : null);
}

/** The status of the note, changed after a confirmation (validating freezes it). @param {DecisionNote} n */
function statusSelect(n) {
  const select = /** @type {HTMLSelectElement} */ (h("select", { id: "note-status" }, STATUSES.map((s) => h("option", { value: s, text: label("note_status", s) }))));
  select.value = n.status;
  select.addEventListener("change", async () => {
    // One of the options, all written from the enum's codes.
    const next = /** @type {import("../../core/ipc.js").NoteStatus} */ (select.value);
    const ok = await confirmDialog({ title: t("notes.status_title"), message: t(next === "validated" ? "notes.status_validate" : "notes.status_change", { status: label("note_status", next) }), confirmLabel: t("notes.status_confirm") });
    if (!ok) { select.value = n.status; return; }
    try { await ipc.setNoteStatus(n.id, next); toast(t("notes.status_done", { status: label("note_status", next) })); await draw(); } catch (e) { showError(e); }
  });
  return select;
}

/** Opens the option form; `index` null adds one. Saving the option saves the note. @param {DecisionNote} n @param {NoteForm} form @param {number|null} index */
function editOption(n, form, index) {
  const { options } = form;
  const o = index === null ? { title: "", description: "", pros: "", cons: "", cost: "", risks: "", recommended: false } : options[index];
  formDialog({
    id: "option-dialog",
    title: index === null ? t("notes.option_add") : t("notes.option_edit", { n: index + 1 }),
    submitLabel: t("form.save"),
    fields: [
      { name: "title", label: t("notes.option_title"), required: true, value: o.title },
      { name: "description", label: t("notes.option_description"), type: "textarea", value: o.description },
      { name: "pros", label: t("notes.option_pros"), type: "textarea", value: o.pros, half: true },
      { name: "cons", label: t("notes.option_cons"), type: "textarea", value: o.cons, half: true },
      { name: "cost", label: t("notes.option_cost"), value: o.cost, half: true, hint: t("notes.option_cost_hint") },
      { name: "risks", label: t("notes.option_risks"), type: "textarea", value: o.risks, half: true },
      { name: "recommended", label: t("notes.option_recommendation"), type: "checkboxes",
        options: [{ value: "yes", label: t("notes.option_recommended") }], values: o.recommended ? ["yes"] : [] },
    ],
    onSubmit: async (v) => {
      const next = { title: v.title, description: v.description, pros: v.pros, cons: v.cons, cost: v.cost, risks: v.risks, recommended: v.recommended.includes("yes") };
      const all = index === null ? [...options, next] : options.map((x, k) => (k === index ? next : x));
      if (next.recommended) all.forEach((x) => { if (x !== next) x.recommended = false; });
      await ipc.updateNote(n.id, /** @type {any} */ ({ ...form.collect(), options: all }));
      form.dirty = false;
      toast(t("notes.saved"));
      await draw();
    },
  });
}

/** Removes an option after a confirmation. @param {DecisionNote} n @param {NoteForm} form @param {number} index */
async function removeOption(n, form, index) {
  const ok = await confirmDialog({ title: t("notes.option_remove_title"), message: t("notes.option_remove_message", { title: form.options[index].title }), confirmLabel: t("notes.option_remove") });
  if (!ok) return;
  try {
    await ipc.updateNote(n.id, /** @type {any} */ ({ ...form.collect(), options: form.options.filter((_, k) => k !== index) }));
    form.dirty = false;
    toast(t("notes.option_removed"));
    await draw();
  } catch (e) { showError(e); }
}

/** Changes what the note is about; saving it saves the note, then a refresh follows the data. @param {DecisionNote} n @param {NoteForm} form */
async function editRecords(n, form) {
  if (!(await form.ensureSaved())) return;
  let choices;
  try { choices = await recordChoices(n.records); } catch (e) { showError(e); return; }
  formDialog({
    id: "records-dialog",
    wide: true,
    title: t("notes.records_title"),
    submitLabel: t("form.save"),
    fields: recordFields(choices, n.records),
    onSubmit: async (v) => {
      await ipc.updateNote(n.id, /** @type {any} */ ({ ...form.collect(), records: pickedRecords(v) }));
      form.dirty = false;
      toast(t("notes.records_saved"));
      await draw();
    },
  });
}

/** Exports the note (saved first), as PDF or DOCX. @param {DecisionNote} n @param {NoteForm} form @param {string} ext */
async function exportAs(n, form, ext) {
  const saving = form.dirty;
  if (!(await form.ensureSaved())) return;
  try {
    const done = await ipc.exportNote(n.id, t("notes.export_title"), `${fileStem(n.subject)}.${ext}`);
    if (done) toast(t("notes.exported", { name: done.name }));
  } catch (e) { showError(e); }
  if (saving) await draw(); // shows the new version number
}

/** Shows what a refresh would change; unedited sections follow the data, the user decides for the others. @param {DecisionNote} n */
async function refresh(n) {
  let changes;
  try { changes = await ipc.refreshPreview(n.id); } catch (e) { showError(e); return; }
  if (changes.length === 0) { toast(t("notes.refresh_none")); return; }
  const edited = changes.filter((c) => c.edited);
  if (edited.length === 0) {
    try { await ipc.applyRefresh(n.id, []); toast(t("notes.refreshed", { count: changes.length })); await draw(); } catch (e) { showError(e); }
    return;
  }
  formDialog({
    id: "refresh-dialog",
    wide: true,
    title: t("notes.refresh_title"),
    submitLabel: t("notes.refresh_apply"),
    fields: [
      { name: "take", label: t("notes.refresh_choose", { auto: changes.length - edited.length }), type: "checkboxes",
        options: edited.map((c) => ({ value: c.key, label: `${label("section", c.key)} — ${t("notes.refresh_take")}` })), values: [] },
    ],
    onSubmit: async (v) => {
      await ipc.applyRefresh(n.id, v.take);
      toast(t("notes.refreshed", { count: changes.length }));
      await draw();
    },
  });
  const dialog = document.getElementById("refresh-dialog");
  dialog?.querySelector(".fields")?.append(...edited.map((c) => h("div", { class: "diff" },
    h("h3", { class: "small-heading", text: label("section", c.key) }),
    h("div", { class: "diff-cols" },
      h("div", {}, h("p", { class: "small-heading", text: t("notes.yours") }), scrollText(c.current, `${label("section", c.key)} — ${t("notes.yours")}`)),
      h("div", {}, h("p", { class: "small-heading", text: t("notes.fresh") }), scrollText(c.generated, `${label("section", c.key)} — ${t("notes.fresh")}`))))));
}

/** @param {DecisionNote} n */
async function versions(n) {
  let list;
  try { list = await ipc.noteVersions(n.id); } catch (e) { showError(e); return; }
  const frozen = n.status === "validated" || n.status === "presented";
  formDialog({
    id: "versions-dialog",
    title: t("notes.versions_title"),
    submitLabel: t("notes.restore"),
    fields: [
      { name: "number", label: t("notes.versions_pick"), type: "select", value: String(list[0]?.number ?? ""),
        options: list.map((v) => ({ value: String(v.number), label: t("notes.version_line", { n: v.number, date: formatDate(v.saved_at.slice(0, 10)), status: label("note_status", v.status) }) + (v.frozen ? ` — ${t("notes.frozen_version")}` : "") })) },
    ],
    onSubmit: async (v) => {
      if (frozen) throw { kind: "validation", message: t("notes.frozen") };
      await ipc.restoreNoteVersion(n.id, Number(v.number));
      toast(t("notes.restored", { n: v.number }));
      await draw();
    },
  });
  // What the chosen version says, before restoring it.
  const dialog = document.getElementById("versions-dialog");
  const select = /** @type {HTMLSelectElement|null} */ (dialog?.querySelector("select[name=number]") ?? null);
  const preview = h("div", { class: "version-preview", id: "version-preview", lang: "fr", attrs: { "aria-live": "polite" } });
  dialog?.querySelector(".fields")?.append(preview);
  const show = async () => {
    if (!select?.value) return;
    try {
      const old = await ipc.noteVersion(n.id, Number(select.value));
      replace(preview,
        h("h3", { class: "small-heading", text: old.subject }),
        old.sections.filter((sec) => sec.content.trim()).map((sec) => h("div", { class: "diff" },
          h("p", { class: "small-heading", text: label("section", sec.key) }),
          scrollText(sec.content, label("section", sec.key)))));
    } catch (e) { showError(e); }
  };
  select?.addEventListener("change", show);
  await show();
}
