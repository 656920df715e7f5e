// "Compétences": the 8-competence grid. A member's self-assessment (levels, targets, evidence
// from the workspace, drafts finished later), their radar and progress, the team heatmap with
// its gaps, and the development plan. Every chart has a table beside it.
import { h, replace, newId, svg } from "../../core/dom.js";
import { t, language, formatDate, compare } from "../../core/i18n.js";
import { toast, showError, confirmDialog, errorMessage } from "../../core/dialogs.js";
import * as ipc from "../../core/ipc.js";

/** @typedef {import("../../core/ipc.js").Assessment} Assessment */
/** @typedef {import("../../core/ipc.js").GridReference} GridReference */
/** @typedef {import("../../../bindings/Competence").Competence} Competence */

const TABS = /** @type {const} */ (["assess", "radar", "progress", "team", "plan"]);
const AXES = ["management", "relations", "strategy"];

const data = {
  /** @type {GridReference|null} */ ref: null,
  /** @type {import("../../core/ipc.js").Member[]} */ members: [],
  /** @type {Assessment[]} */ history: [],
  /** @type {import("../../core/ipc.js").EvidenceSuggestion[]} */ suggestions: [],
};
const view = {
  /** @type {typeof TABS[number]} */ tab: "assess",
  /** @type {number|null} */ memberId: null,
  /** @type {number|null} */ compareId: null,
  /** @type {Assessment|"new"|null} */ editing: null,
  /** @type {number|null} */ viewing: null,
};
/** @type {HTMLElement|null} */ let root = null;

const en = () => language() !== "fr";
/** @param {Competence} c */
const title = (c) => (en() ? c.title_en : c.title_fr);
const shortTitle = (c) => title(c).split(" (")[0];
const axisLabel = (c) => (en() ? c.axis_en : c.axis_fr);
const levelLabel = (n) => {
  const l = data.ref?.levels.find((x) => x.level === n);
  return l ? (en() ? l.label_en : l.label_fr) : String(n);
};
const levelDescriptor = (n) => {
  const l = data.ref?.levels.find((x) => x.level === n);
  return l ? (en() ? l.descriptor_en : l.descriptor_fr) : "";
};
const finished = () => data.history.filter((a) => a.status === "finished");
const latest = () => finished().at(-1) ?? null;

/** Loads and draws the section. */
export async function renderCompetences(container) {
  root = container;
  [data.ref, data.members] = await Promise.all([ipc.gridReference(), ipc.listMembers()]);
  if (view.memberId === null || !data.members.some((m) => m.id === view.memberId)) {
    view.memberId = (data.members.find((m) => m.is_user) ?? data.members[0])?.id ?? null;
  }
  await loadMember();
  draw();
}

async function loadMember() {
  if (view.memberId === null) { data.history = []; data.suggestions = []; return; }
  [data.history, data.suggestions] = await Promise.all([ipc.listAssessments(view.memberId), ipc.suggestEvidence(view.memberId)]);
  if (view.compareId !== null && !finished().some((a) => a.id === view.compareId)) view.compareId = null;
}

function draw() {
  if (!root) return;
  if (data.members.length === 0) {
    replace(root, h("section", { class: "card", id: "competences" },
      h("h2", { text: t("grid.heading") }),
      h("div", { class: "empty", id: "grid-empty" }, h("p", { text: t("grid.no_members") }))));
    return;
  }
  const memberSelect = /** @type {HTMLSelectElement} */ (h("select", { id: "grid-member" },
    [...data.members].sort((a, b) => compare(a.name, b.name)).map((m) => h("option", { value: String(m.id), text: m.name }))));
  memberSelect.value = String(view.memberId);
  memberSelect.addEventListener("change", async () => {
    view.memberId = Number(memberSelect.value);
    view.editing = null;
    view.viewing = null;
    view.compareId = null;
    try { await loadMember(); draw(); document.getElementById("grid-member")?.focus(); } catch (e) { showError(e); }
  });
  const tabs = h("div", { class: "tabs", attrs: { role: "tablist", "aria-label": t("grid.heading") } },
    TABS.map((key) => h("button", {
      type: "button", class: "tab", id: `grid-tab-${key}`, text: t(`grid.tab.${key}`),
      attrs: { role: "tab", "aria-selected": view.tab === key ? "true" : "false" },
      on: { click: () => { view.tab = key; draw(); document.getElementById(`grid-tab-${key}`)?.focus(); } },
    })));
  const body = h("div", { attrs: { role: "tabpanel" } });
  replace(root, h("div", { class: "stack", id: "competences" },
    h("div", { class: "section-head" },
      tabs,
      view.tab === "team" ? null : h("div", { class: "filter inline" },
        h("label", { htmlFor: "grid-member", text: t("grid.member") }), memberSelect)),
    body));
  if (view.tab === "assess") replace(body, assessTab());
  else if (view.tab === "radar") replace(body, radarTab());
  else if (view.tab === "progress") replace(body, progressTab());
  else if (view.tab === "team") teamTab(body).catch(showError);
  else planTab(body).catch(showError);
}

// ----- Self-assessment ------------------------------------------------------------------------

function assessTab() {
  if (view.editing) return assessmentForm(view.editing);
  const draft = data.history.find((a) => a.status === "draft");
  const shown = data.history.find((a) => a.id === view.viewing);
  return h("div", { class: "stack" },
    h("section", { class: "card", id: "grid-history", attrs: { "aria-labelledby": "grid-history-title" } },
      h("div", { class: "section-head" },
        h("h2", { id: "grid-history-title", text: t("grid.history") }),
        h("div", { class: "toolbar" },
          draft ? h("button", { type: "button", class: "btn", id: "grid-resume", text: t("grid.resume"), on: { click: () => { view.editing = draft; draw(); } } }) : null,
          h("button", { type: "button", class: "btn primary", id: "grid-new", text: t("grid.new"), on: { click: () => { view.editing = "new"; draw(); } } }))),
      data.history.length === 0 ? h("p", { class: "muted", id: "grid-history-empty", text: t("grid.history_empty") }) :
        h("table", { class: "data compact", id: "grid-history-table" },
          h("thead", {}, h("tr", {},
            h("th", { scope: "col", text: t("grid.date") }),
            h("th", { scope: "col", text: t("grid.status") }),
            ...(data.ref?.competences ?? []).map((c) => h("th", { scope: "col", class: "num", text: String(c.number), attrs: { title: title(c) } })),
            h("th", { scope: "col", class: "col-actions" }, h("span", { class: "visually-hidden", text: t("actors.col.actions") })))),
          h("tbody", {}, [...data.history].reverse().map((a) => h("tr", { attrs: { "data-assessment-id": a.id } },
            h("th", { scope: "row", text: formatDate(a.assessed_on) }),
            h("td", {}, h("span", { class: `badge ${a.status === "draft" ? "warn" : ""}`, text: t(`grid.status.${a.status}`) })),
            ...(data.ref?.competences ?? []).map((c) => {
              const r = a.ratings.find((x) => x.competence === c.number);
              return h("td", { class: `num lvl lvl-${r ? r.level : "none"}`, text: r ? String(r.level) : "–" });
            }),
            h("td", { class: "col-actions" },
              a.status === "draft"
                ? h("button", { type: "button", class: "btn small", text: t("grid.resume_short"), on: { click: () => { view.editing = a; draw(); } } })
                : h("button", { type: "button", class: "btn small", text: t("grid.view"), attrs: { "aria-label": t("grid.view_named", { date: formatDate(a.assessed_on) }) },
                  on: { click: () => { view.viewing = a.id; draw(); document.getElementById("grid-view")?.scrollIntoView({ block: "start" }); } } }),
              h("button", { type: "button", class: "btn small danger-outline", text: t("actors.delete"),
                attrs: { "aria-label": t("grid.delete_named", { date: formatDate(a.assessed_on) }) }, on: { click: () => removeAssessment(a) } }))))))),
    shown ? assessmentView(shown) : null);
}

/** @param {Assessment} a */
function assessmentView(a) {
  return h("section", { class: "card", id: "grid-view", attrs: { "aria-labelledby": "grid-view-title" } },
    h("div", { class: "section-head" },
      h("h2", { id: "grid-view-title", text: t("grid.view_title", { date: formatDate(a.assessed_on) }) }),
      h("button", { type: "button", class: "btn", id: "grid-from", text: t("grid.new_from"), on: { click: () => { view.editing = { ...a, id: -1, status: "draft" }; draw(); } } })),
    a.notes ? h("p", { class: "pre", text: a.notes }) : null,
    AXES.map((axis) => {
      const comps = (data.ref?.competences ?? []).filter((c) => c.axis === axis);
      return h("div", { class: "grid-axis" },
        h("h3", { class: "small-heading", text: comps[0] ? axisLabel(comps[0]) : axis }),
        h("ul", { class: "plain-list" }, comps.map((c) => {
          const r = a.ratings.find((x) => x.competence === c.number);
          return h("li", {},
            h("strong", { text: `${c.number}. ${title(c)}` }),
            h("div", {}, r ? `${t("grid.level")} : ${r.level} — ${levelLabel(r.level)}` : t("grid.not_rated"),
              r?.target != null ? h("span", { class: "muted", text: ` · ${t("grid.target")} : ${r.target}` }) : null),
            r?.evidence_note ? h("p", { class: "muted small pre", text: r.evidence_note }) : null,
            r?.evidence.length ? h("ul", { class: "evidence" }, r.evidence.map((e) => h("li", { class: e.exists ? "" : "gone" },
              h("span", { class: "badge", text: t(`evidence.${e.kind}`) }), " ", e.label,
              e.exists ? null : h("span", { class: "muted small", text: ` (${t("grid.evidence_gone")})` })))) : null);
        })));
    }));
}

/** @param {Assessment|"new"} start */
function assessmentForm(start) {
  const editingId = start !== "new" && start.id > 0 && start.status === "draft" ? start.id : null;
  const base = start === "new" ? latest() : start;
  const today = new Date().toISOString().slice(0, 10);
  const dateId = newId("date");
  const date = /** @type {HTMLInputElement} */ (h("input", { type: "text", id: dateId, name: "assessed_on",
    value: editingId ? /** @type {Assessment} */ (start).assessed_on : today, attrs: { inputmode: "numeric", "aria-describedby": `${dateId}-hint` } }));
  const notesId = newId("notes");
  const notes = /** @type {HTMLTextAreaElement} */ (h("textarea", { id: notesId, rows: 2 }));
  notes.value = editingId ? /** @type {Assessment} */ (start).notes : "";
  const summary = h("div", { class: "form-summary", id: "grid-form-error", hidden: true, attrs: { role: "alert" } });
  /** @type {Array<() => any>} */
  const readers = [];
  const blocks = AXES.map((axis) => {
    const comps = (data.ref?.competences ?? []).filter((c) => c.axis === axis);
    return h("section", { class: "grid-axis" },
      h("h3", { class: "axis-heading", text: comps[0] ? axisLabel(comps[0]) : axis }),
      comps.map((c) => {
        const prev = base && typeof base === "object" ? base.ratings.find((r) => r.competence === c.number) : undefined;
        const keepEvidence = editingId !== null || (start !== "new" && start.id === -1);
        const current = keepEvidence ? prev?.evidence ?? [] : [];
        const radios = (data.ref?.levels ?? []).map((l) => {
          const id = newId(`c${c.number}-l${l.level}`);
          const input = /** @type {HTMLInputElement} */ (h("input", { type: "radio", name: `level-${c.number}`, id, value: String(l.level),
            checked: prev ? prev.level === l.level : false }));
          return { input, el: h("div", { class: "level-choice" }, input,
            h("label", { htmlFor: id, attrs: { title: en() ? l.descriptor_en : l.descriptor_fr } },
              h("span", { class: `lvl-dot lvl-${l.level}`, text: String(l.level) }), ` ${en() ? l.label_en : l.label_fr}`)) };
        });
        const targetId = newId(`target-${c.number}`);
        const target = /** @type {HTMLSelectElement} */ (h("select", { id: targetId, name: `target-${c.number}` },
          h("option", { value: "", text: t("grid.no_target") }),
          (data.ref?.levels ?? []).filter((l) => l.level > 0).map((l) => h("option", { value: String(l.level), text: `${l.level} — ${en() ? l.label_en : l.label_fr}` }))));
        target.value = prev?.target == null ? "" : String(prev.target);
        const noteId = newId(`note-${c.number}`);
        const note = /** @type {HTMLTextAreaElement} */ (h("textarea", { id: noteId, rows: 2, name: `note-${c.number}` }));
        note.value = keepEvidence ? prev?.evidence_note ?? "" : "";
        const sugg = data.suggestions.filter((s) => s.competence === c.number);
        const options = [
          ...current.map((e) => ({ kind: e.kind, record_id: e.record_id, label: e.label, reason: e.exists ? "" : t("grid.evidence_gone"), checked: true, exists: e.exists })),
          ...sugg.filter((s) => !current.some((e) => e.kind === s.kind && e.record_id === s.record_id))
            .map((s) => ({ kind: s.kind, record_id: s.record_id, label: s.label, reason: s.reason, checked: false, exists: true })),
        ];
        const boxes = options.map((o) => {
          const id = newId("ev");
          const box = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", id, checked: o.checked, disabled: !o.exists }));
          return { o, box, el: h("div", { class: "check" }, box, h("label", { htmlFor: id },
            h("span", { class: "badge", text: t(`evidence.${o.kind}`) }), ` ${o.label}`,
            o.reason ? h("span", { class: "muted small", text: ` — ${o.reason}` }) : null)) };
        });
        readers.push(() => {
          const chosen = radios.find((r) => r.input.checked);
          if (!chosen) return null;
          return {
            competence: c.number,
            level: Number(chosen.input.value),
            target: target.value === "" ? null : Number(target.value),
            evidence_note: note.value,
            evidence: boxes.filter((b) => b.box.checked && b.o.exists).map((b) => ({ kind: b.o.kind, record_id: b.o.record_id })),
          };
        });
        return h("fieldset", { class: "competence", id: `competence-${c.number}` },
          h("legend", {}, h("span", { class: "competence-number", text: `${c.number}.` }), ` ${title(c)}`),
          h("div", { class: "levels", attrs: { role: "radiogroup", "aria-label": t("grid.level_of", { n: c.number }) } }, radios.map((r) => r.el)),
          h("div", { class: "competence-extra" },
            h("div", { class: "field" }, h("label", { htmlFor: targetId, text: t("grid.target") }), target),
            h("div", { class: "field grow" }, h("label", { htmlFor: noteId, text: t("grid.evidence_note") }), note)),
          h("div", { class: "evidence-choices" },
            h("p", { class: "small-heading", text: t("grid.evidence") }),
            boxes.length ? boxes.map((b) => b.el) : h("p", { class: "muted small", text: t("grid.no_suggestion") })));
      }));
  });
  const save = async (finish) => {
    summary.hidden = true;
    const ratings = readers.map((r) => r()).filter(Boolean);
    const input = { member_id: /** @type {number} */ (view.memberId), assessed_on: date.value.trim(), notes: notes.value, ratings, finish };
    if (finish) {
      const ok = await confirmDialog({ title: t("grid.finish_title"), message: t("grid.finish_message"), confirmLabel: t("grid.finish") });
      if (!ok) return;
    }
    try {
      const saved = editingId ? await ipc.updateAssessment(editingId, /** @type {any} */ (input)) : await ipc.createAssessment(/** @type {any} */ (input));
      await loadMember();
      view.editing = null;
      view.viewing = saved.status === "finished" ? saved.id : null;
      draw();
      toast(t(finish ? "grid.finished_toast" : "grid.draft_toast"));
    } catch (e) {
      summary.textContent = errorMessage(/** @type {any} */ (e));
      summary.hidden = false;
      summary.scrollIntoView({ block: "center" });
    }
  };
  return h("form", { class: "card grid-form", id: "grid-form", noValidate: true, on: { submit: (ev) => { ev.preventDefault(); save(true); } } },
    h("h2", { text: editingId ? t("grid.form_resume") : t("grid.form_new") }),
    h("p", { class: "muted", text: t("grid.form_lead") }),
    h("div", { class: "fields two" },
      h("div", { class: "field" }, h("label", { htmlFor: dateId, text: t("grid.date") }), h("p", { class: "hint", id: `${dateId}-hint`, text: t("project.date_hint") }), date),
      h("div", { class: "field" }, h("label", { htmlFor: notesId, text: t("grid.notes") }), notes)),
    h("details", { class: "table-alt" }, h("summary", { text: t("grid.scale") }),
      h("dl", { class: "scale" }, (data.ref?.levels ?? []).map((l) => [h("dt", { text: `${l.level} — ${levelLabel(l.level)}` }), h("dd", { text: levelDescriptor(l.level) })]))),
    summary,
    blocks,
    h("div", { class: "form-buttons sticky" },
      h("button", { type: "button", class: "btn", id: "grid-cancel", text: t("form.cancel"), on: { click: () => { view.editing = null; draw(); } } }),
      h("button", { type: "button", class: "btn", id: "grid-save-draft", text: t("grid.save_draft"), on: { click: () => save(false) } }),
      h("button", { type: "submit", class: "btn primary", id: "grid-finish", text: t("grid.finish") })));
}

/** @param {Assessment} a */
async function removeAssessment(a) {
  const ok = await confirmDialog({
    title: t("grid.delete_title"),
    message: t(a.status === "finished" ? "grid.delete_finished" : "grid.delete_draft", { date: formatDate(a.assessed_on) }),
    confirmLabel: t("confirm.delete"),
  });
  if (!ok) return;
  try { await ipc.deleteAssessment(a.id); await loadMember(); view.viewing = null; draw(); toast(t("grid.deleted")); } catch (e) { showError(e); }
}

// ----- Radar ----------------------------------------------------------------------------------

function radarTab() {
  const last = latest();
  if (!last) return h("section", { class: "card" }, h("p", { class: "empty", id: "radar-empty", text: t("grid.no_finished") }));
  const earlier = finished().filter((a) => a.id !== last.id);
  const compare = earlier.find((a) => a.id === view.compareId) ?? null;
  const comps = data.ref?.competences ?? [];
  const size = 420;
  const cx = size / 2;
  const cy = size / 2;
  const rMax = 150;
  const point = (i, v) => {
    const angle = -Math.PI / 2 + (i * 2 * Math.PI) / comps.length;
    return [cx + Math.cos(angle) * (rMax * v) / 4, cy + Math.sin(angle) * (rMax * v) / 4];
  };
  const poly = (values, cls) => svg("polygon", { class: cls, points: values.map((v, i) => point(i, v).join(",")).join(" ") });
  const levelsOf = (a) => comps.map((c) => a.ratings.find((r) => r.competence === c.number)?.level ?? 0);
  const targets = comps.map((c, i) => last.ratings.find((r) => r.competence === c.number)?.target ?? levelsOf(last)[i]);
  const chart = svg("svg", { viewBox: `0 0 ${size} ${size}`, class: "radar", id: "radar-chart", role: "img", "aria-labelledby": "radar-title" },
    [1, 2, 3, 4].map((ring) => poly(comps.map(() => ring), "radar-ring")),
    comps.map((c, i) => {
      const [x, y] = point(i, 4);
      const [lx, ly] = point(i, 4.75);
      return [svg("line", { x1: cx, y1: cy, x2: x, y2: y, class: "radar-spoke" }),
        svg("text", { x: lx, y: ly, class: "radar-label", "text-anchor": "middle", "dominant-baseline": "middle" },
          svg("title", {}, title(c)), String(c.number))];
    }),
    compare ? poly(levelsOf(compare), "radar-compare") : null,
    poly(targets, "radar-target"),
    poly(levelsOf(last), "radar-latest"));
  const select = /** @type {HTMLSelectElement} */ (h("select", { id: "radar-compare" },
    h("option", { value: "", text: t("grid.compare_none") }),
    earlier.map((a) => h("option", { value: String(a.id), text: formatDate(a.assessed_on) }))));
  select.value = compare ? String(compare.id) : "";
  select.addEventListener("change", () => { view.compareId = select.value ? Number(select.value) : null; draw(); document.getElementById("radar-compare")?.focus(); });
  return h("section", { class: "card", id: "radar", attrs: { "aria-labelledby": "radar-title" } },
    h("div", { class: "section-head" },
      h("h2", { id: "radar-title", text: t("grid.radar_title", { date: formatDate(last.assessed_on) }) }),
      h("div", { class: "toolbar no-print" },
        h("div", { class: "filter inline" }, h("label", { htmlFor: "radar-compare", text: t("grid.compare_with") }), select),
        h("button", { type: "button", class: "btn", id: "radar-print", text: t("grid.print_sheet"), on: { click: () => window.print() } }))),
    h("p", { class: "print-only", text: data.members.find((m) => m.id === view.memberId)?.name ?? "" }),
    h("div", { class: "radar-layout" },
      chart,
      h("div", {},
        h("ul", { class: "radar-legend" },
          h("li", {}, h("span", { class: "key key-latest" }), t("grid.legend_latest", { date: formatDate(last.assessed_on) })),
          h("li", {}, h("span", { class: "key key-target" }), t("grid.legend_target")),
          compare ? h("li", {}, h("span", { class: "key key-compare" }), t("grid.legend_compare", { date: formatDate(compare.assessed_on) })) : null),
        h("table", { class: "data compact", id: "radar-table" },
          h("caption", { class: "table-caption", text: t("grid.radar_table") }),
          h("thead", {}, h("tr", {},
            h("th", { scope: "col", text: t("grid.competence") }),
            h("th", { scope: "col", class: "num", text: formatDate(last.assessed_on) }),
            h("th", { scope: "col", class: "num", text: t("grid.target") }),
            compare ? h("th", { scope: "col", class: "num", text: formatDate(compare.assessed_on) }) : null)),
          h("tbody", {}, comps.map((c, i) => h("tr", {},
            h("th", { scope: "row", text: `${c.number}. ${shortTitle(c)}` }),
            h("td", { class: "num", text: String(levelsOf(last)[i]) }),
            h("td", { class: "num", text: last.ratings.find((r) => r.competence === c.number)?.target?.toString() ?? "–" }),
            compare ? h("td", { class: "num", text: String(levelsOf(compare)[i]) }) : null)))))));
}

// ----- Progress -------------------------------------------------------------------------------

function progressTab() {
  const done = finished();
  if (done.length === 0) return h("section", { class: "card" }, h("p", { class: "empty", text: t("grid.no_finished") }));
  const comps = data.ref?.competences ?? [];
  return h("section", { class: "card", id: "progress", attrs: { "aria-labelledby": "progress-title" } },
    h("h2", { id: "progress-title", text: t("grid.progress_title") }),
    h("p", { class: "muted", text: t("grid.progress_lead") }),
    h("table", { class: "data compact heat", id: "progress-table" },
      h("caption", { class: "visually-hidden", text: t("grid.progress_title") }),
      h("thead", {}, h("tr", {},
        h("th", { scope: "col", text: t("grid.competence") }),
        done.map((a) => h("th", { scope: "col", class: "num", text: formatDate(a.assessed_on) })),
        h("th", { scope: "col", class: "num", text: t("grid.change") }),
        h("th", { scope: "col", attrs: { "aria-hidden": "true" } }))),
      h("tbody", {}, comps.map((c) => {
        const values = done.map((a) => a.ratings.find((r) => r.competence === c.number)?.level ?? 0);
        const diff = values.at(-1) - values[0];
        return h("tr", {},
          h("th", { scope: "row", text: `${c.number}. ${shortTitle(c)}` }),
          values.map((v) => h("td", { class: `num lvl lvl-${v}`, text: String(v) })),
          h("td", { class: `num change ${diff > 0 ? "up" : diff < 0 ? "down" : ""}`, text: diff > 0 ? `+${diff}` : String(diff) }),
          h("td", { attrs: { "aria-hidden": "true" } }, sparkline(values)));
      }))));
}

function sparkline(values) {
  const w = 90;
  const hgt = 24;
  const step = values.length > 1 ? w / (values.length - 1) : 0;
  const pts = values.map((v, i) => `${(i * step).toFixed(1)},${(hgt - 2 - (v / 4) * (hgt - 4)).toFixed(1)}`).join(" ");
  return svg("svg", { viewBox: `-3 -3 ${w + 6} ${hgt + 6}`, class: "spark" },
    svg("polyline", { points: pts, class: "spark-line" }),
    values.map((v, i) => svg("circle", { cx: (i * step).toFixed(1), cy: (hgt - 2 - (v / 4) * (hgt - 4)).toFixed(1), r: 2.5, class: "spark-dot" })));
}

// ----- Team -----------------------------------------------------------------------------------

/** @param {HTMLElement} body */
async function teamTab(body) {
  const team = await ipc.teamGrid();
  const comps = data.ref?.competences ?? [];
  const gapCount = team.competences.filter((c) => c.gap).length;
  replace(body, h("div", { class: "stack" },
    h("section", { class: "card", id: "team-grid", attrs: { "aria-labelledby": "team-grid-title" } },
      h("div", { class: "section-head" },
        h("h2", { id: "team-grid-title", text: t("grid.team_title") }),
        h("div", { class: "toolbar no-print" },
          h("button", { type: "button", class: "btn", id: "team-export", text: t("grid.export"), on: { click: async () => {
            try {
              const done = await ipc.exportTeamGrid(t("grid.export_title"), t("grid.export_file"));
              if (done) toast(t("grid.exported", { name: done.name }));
            } catch (e) { showError(e); }
          } } }),
          h("button", { type: "button", class: "btn", text: t("report.print"), on: { click: () => window.print() } }))),
      h("p", { id: "team-summary", class: "summary", text: teamSummary(team) }),
      h("div", { class: "table-scroll" },
        h("table", { class: "data heat", id: "team-heatmap" },
          h("caption", { class: "table-caption", text: t("grid.heatmap_caption", { gaps: gapCount }) }),
          h("thead", {}, h("tr", {},
            h("th", { scope: "col", text: t("team.name") }),
            comps.map((c) => h("th", { scope: "col", class: "num comp-head", attrs: { title: title(c) } },
              h("span", { text: String(c.number) }), h("span", { class: "comp-short", text: shortTitle(c) }))))),
          h("tbody", {}, team.members.map((m) => h("tr", { attrs: { "data-member-id": m.id } },
            h("th", { scope: "row" }, m.name, h("span", { class: "muted small block", text: m.assessed_on ? formatDate(m.assessed_on) : t("grid.never") })),
            comps.map((c) => {
              const v = m.levels[String(c.number)];
              return h("td", { class: `num lvl lvl-${v ?? "none"}`, text: v === undefined ? "–" : String(v),
                attrs: { "aria-label": v === undefined ? t("grid.not_assessed_cell") : `${v} — ${levelLabel(v)}` } });
            })))),
          h("tfoot", {},
            h("tr", {}, h("th", { scope: "row", text: t("grid.best") }), team.competences.map((c) => h("td", { class: "num", text: String(c.best) }))),
            h("tr", {}, h("th", { scope: "row", text: t("grid.doers") }), team.competences.map((c) => h("td", { class: "num", text: String(c.doers), attrs: { title: c.doer_names.join(", ") } }))),
            h("tr", { id: "team-gaps" }, h("th", { scope: "row", text: t("grid.gap") }), team.competences.map((c) => h("td", { class: `num ${c.gap ? "gap" : "ok"}`,
              text: c.gap ? t("grid.gap_yes") : t("grid.gap_no") })))))),
      h("p", { class: "muted small", text: t("grid.rule") })),
    h("section", { class: "card", id: "team-axes", attrs: { "aria-labelledby": "team-axes-title" } },
      h("h2", { id: "team-axes-title", text: t("grid.axes_title") }),
      h("dl", { class: "plan-figures" }, team.axes.map((a) => {
        const c = comps.find((x) => x.axis === a.axis);
        return h("div", { class: a.gaps ? "plan-gap" : "" },
          h("dt", { text: c ? axisLabel(c) : a.label }),
          h("dd", { text: t("grid.axis_value", { covered: a.covered, total: a.competences, best: (a.best_mean_tenths / 10).toLocaleString(language()) }) }));
      })))));
}

// ----- Development plan ----------------------------------------------------------------------

/** @param {HTMLElement} body */
async function planTab(body) {
  const plan = await ipc.developmentPlan(/** @type {number} */ (view.memberId));
  const last = latest();
  const comps = data.ref?.competences ?? [];
  const growth = last ? last.ratings.filter((r) => r.target !== null && r.target > r.level) : [];
  const planId = newId("plan");
  const dateId = newId("reassess");
  const text = /** @type {HTMLTextAreaElement} */ (h("textarea", { id: planId, rows: 6 }));
  text.value = plan.plan;
  const date = /** @type {HTMLInputElement} */ (h("input", { type: "text", id: dateId, value: plan.reassess_on ?? "", placeholder: t("date.placeholder"), attrs: { inputmode: "numeric" } }));
  const error = h("p", { class: "form-summary", hidden: true, attrs: { role: "alert" } });
  replace(body, h("form", { class: "card", id: "dev-plan", noValidate: true, on: { submit: async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    try {
      await ipc.saveDevelopmentPlan({ member_id: /** @type {number} */ (view.memberId), plan: text.value, reassess_on: date.value.trim() || null });
      toast(t("grid.plan_saved"));
    } catch (e) { error.textContent = errorMessage(/** @type {any} */ (e)); error.hidden = false; }
  } } },
    h("div", { class: "section-head" },
      h("h2", { text: t("grid.plan_title") }),
      h("button", { type: "button", class: "btn no-print", id: "sheet-export", text: t("grid.sheet_export"), on: { click: async () => {
        try {
          const m = data.members.find((x) => x.id === view.memberId);
          const done = await ipc.exportMemberSheet(/** @type {number} */ (view.memberId), t("grid.sheet_export_title"), `${t("grid.sheet_file")}-${(m?.name ?? "").toLowerCase().replace(/\s+/g, "-")}.csv`);
          if (done) toast(t("grid.exported", { name: done.name }));
        } catch (e) { showError(e); }
      } } })),
    !last ? h("p", { class: "muted", text: t("grid.no_finished") }) :
      growth.length === 0 ? h("p", { class: "muted", id: "plan-growth-empty", text: t("grid.plan_no_growth") }) :
        h("ul", { class: "plain-list", id: "plan-growth" }, growth.map((r) => {
          const c = comps.find((x) => x.number === r.competence);
          return h("li", {}, h("strong", { text: c ? `${c.number}. ${title(c)}` : String(r.competence) }),
            h("span", { class: "muted", text: ` — ${t("grid.plan_from_to", { level: r.level, target: /** @type {number} */ (r.target) })}` }));
        })),
    error,
    h("div", { class: "field" }, h("label", { htmlFor: planId, text: t("grid.plan_text") }), text),
    h("div", { class: "field" }, h("label", { htmlFor: dateId, text: t("grid.reassess_on") }), date),
    h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "btn primary", id: "plan-save", text: t("form.save") }))));
}

/**
 * The team's coverage in a few sentences: written by the core in French; in English, from the
 * same figures here.
 * @param {import("../../core/ipc.js").TeamGrid} team
 */
function teamSummary(team) {
  if (language() === "fr") return team.summary;
  const assessed = team.members.filter((m) => Object.keys(m.levels).length > 0).length;
  if (assessed === 0) return t("grid.summary_none");
  const strong = team.competences.filter((c) => !c.gap).map((c) => t("grid.summary_strong_item", { n: c.number, doers: c.doers }));
  const gaps = team.competences.filter((c) => c.gap).map((c) => (c.doers === 0
    ? t("grid.summary_gap_nobody", { n: c.number })
    : t("grid.summary_gap_one", { n: c.number, names: c.doer_names.join(", ") })));
  return [
    t("grid.summary_assessed", { assessed, total: team.members.length }),
    strong.length ? t("grid.summary_strong", { list: strong.join("; ") }) : t("grid.summary_no_strong"),
    gaps.length ? t("grid.summary_gaps", { list: gaps.join("; ") }) : t("grid.summary_no_gap"),
    t("grid.summary_axes", { list: team.axes.map((a) => {
      const c = (data.ref?.competences ?? []).find((x) => x.axis === a.axis);
      return t("grid.summary_axis", { axis: c ? axisLabel(c) : a.label, covered: a.covered, total: a.competences });
    }).join(", ") }),
  ].join(" ");
}
