// Team sharing: share the workspace through a folder the team already syncs, the state of the
// exchanges and of each laptop, and the conflict inbox with its resolutions (each one a
// change that travels, so the inbox empties on every laptop), followed by the invariants a
// merge broke (invariants.js).
import { h, replace } from "../../core/dom.js";
import { t, has, language, formatDateTime } from "../../core/i18n.js";
import { showError, toast, confirmDialog, errorMessage } from "../../core/dialogs.js";
import { register } from "../../core/router.js";
import * as ipc from "../../core/ipc.js";
import { KIND_LABELS } from "../../../bindings/kinds.js";
import { syncView, syncSoon, onSync, startSync } from "./sync.js";
import { invariantSection } from "./invariants.js";
import { serverForm, partsOf } from "./server.js";

/** @typedef {import("../../core/ipc.js").Conflict} Conflict */
/** @typedef {import("../../core/ipc.js").ShareState} ShareState */

/** Inbox entries shown at once. */
const PAGE = 100;

/** A value as the inbox holds it (JSON text), shown as text. @param {string} json */
export function shownValue(json) {
  if (json === "") return t("share.value.none");
  let v;
  try { v = JSON.parse(json); } catch { return json; }
  if (v === null || v === "") return t("share.value.empty");
  if (typeof v === "object") return String(v.name ?? v.title ?? v.tag ?? t("share.value.record"));
  return String(v);
}

/** The kind of record, in the interface's language. @param {string} table */
function kindLabel(table) {
  const labels = /** @type {Record<string, string>} */ (KIND_LABELS[/** @type {"fr"|"en"} */ (language())]);
  return labels[table] ?? table;
}

/** A field's name, in the interface's language when the catalogue has it. @param {string} field */
function fieldLabel(field) {
  return has(`share.field.${field}`) ? t(`share.field.${field}`) : field;
}

/** One entry of the inbox, with its choices. @param {Conflict} c @param {() => void} redraw */
function entry(c, redraw) {
  const resolve = async (/** @type {import("../../core/ipc.js").Resolution} */ how) => {
    if (how === "dismiss" && !(await confirmDialog({
      title: t("share.dismiss.title"), message: t("share.dismiss.message", { name: c.record_name }), confirmLabel: t("share.dismiss"),
    }))) return;
    try {
      await ipc.resolveConflict(Number(c.id), how);
      toast(t("share.resolved"));
      redraw();
    } catch (e) { showError(e); }
  };
  const what = c.field ? t("share.entry.field", { kind: kindLabel(c.table), name: c.record_name, field: fieldLabel(c.field) })
    : t("share.entry.record", { kind: kindLabel(c.table), name: c.record_name });
  const buttons = c.kind === "concurrent"
    ? [h("button", { type: "button", class: "btn small primary keep", text: t("share.keep"), on: { click: () => resolve("keep") } }),
      h("button", { type: "button", class: "btn small take", text: t("share.take"), on: { click: () => resolve("take") } })]
    : [h("button", { type: "button", class: "btn small primary restore", text: t("share.restore"), on: { click: () => resolve("restore") } }),
      h("button", { type: "button", class: "btn small dismiss", text: t("share.dismiss"), on: { click: () => resolve("dismiss") } })];
  return h("li", { class: `conflict ${c.kind}`, attrs: { "data-id": String(c.id) } },
    h("p", { class: "conflict-what" }, h("strong", { text: t(`share.kind.${c.kind}`) }), " — ", what),
    h("dl", { class: "conflict-values" },
      c.kind === "concurrent" ? [
        h("dt", { text: t("share.current") }),
        h("dd", { class: "current", text: t("share.value.by", { value: shownValue(c.current), who: c.current_author, when: formatDateTime(c.current_at) }) }),
      ] : [
        h("dt", { text: t("share.deleted_at") }),
        h("dd", { text: c.current_at ? formatDateTime(c.current_at) : "—" }),
      ],
      h("dt", { text: t("share.other") }),
      h("dd", { class: "other", text: t("share.value.by_on", { value: shownValue(c.value), who: c.author, device: c.device_name, when: formatDateTime(c.at) }) })),
    h("div", { class: "conflict-buttons" }, buttons));
}

/** Whether the workspace shown is shared through the organisation's server (else a folder). */
let hubShared = false;

/** The state of the last exchange, in a sentence. */
export function statusText() {
  const v = syncView();
  if (v.running && !v.report) return t("share.status.running");
  if (v.error) return t("share.status.error", { message: v.error.message });
  const r = v.report;
  if (!r) return t(hubShared ? "hub.status.never" : "share.status.never");
  if (r.unreachable) return t(hubShared ? "hub.status.unreachable" : "share.status.unreachable");
  const when = v.at ? formatDateTime(v.at.toISOString()) : "";
  return t("share.status.done", { when, sent: r.sent, applied: r.applied });
}

/** Days after which a laptop that sent nothing is shown as silent. */
const SILENT_DAYS = 30;

/** Whole days since an ISO time. @param {string} iso */
function daysSince(iso) {
  return Math.floor((Date.now() - new Date(iso).getTime()) / 86_400_000);
}

/** What the last tidying of the folder did (kept across the screen's redraws). */
let compactResult = "";

/** Folds what every laptop has received into a new snapshot, and says what it did. @param {() => void} redraw */
async function compact(redraw) {
  const button = /** @type {HTMLButtonElement|null} */ (document.getElementById("share-compact"));
  if (button) button.disabled = true;
  try {
    const r = await ipc.shareCompact();
    const lines = [t("share.compact.done", { removed: r.removed_files, before: Math.ceil(Number(r.bytes_before) / 1024), after: Math.ceil(Number(r.bytes_after) / 1024) })];
    if (r.holding_back.length) lines.push(t("share.compact.holding_back", { names: r.holding_back.join(", ") }));
    if (r.held_for_joiners) lines.push(t("share.compact.held", { count: r.held_for_joiners }));
    compactResult = lines.join(" ");
    toast(lines[0]);
  } catch (e) { showError(e); } finally {
    if (button) button.disabled = false;
  }
  redraw();
}

/** Drops a silent laptop from the team, after a confirmation. @param {import("../../core/ipc.js").DeviceState} d @param {() => void} redraw */
async function drop(d, redraw) {
  if (!(await confirmDialog({
    title: t("share.drop.title"), message: t("share.drop.message", { name: d.name }), confirmLabel: t("share.drop"),
  }))) return;
  try {
    await ipc.shareDropDevice(d.device);
    toast(t("share.drop.done", { name: d.name }));
    redraw();
  } catch (e) { showError(e); }
}

/** How the workspace is shared, chosen by the person: a folder, or the organisation's server. */
let way = "folder";
/** The laptop's name as typed (kept when the choice above draws the screen again). */
let typedName = "";

/** The screen of a workspace not shared yet: « un dossier partagé » or « un serveur de l'organisation ». @param {() => void} redraw */
function notShared(redraw) {
  const name = h("input", { id: "share-name", type: "text", maxLength: 80, value: typedName || t("share.default_name"), autocomplete: "off",
    on: { input: () => { typedName = /** @type {HTMLInputElement} */ (name).value; } } });
  const deviceName = () => /** @type {HTMLInputElement} */ (name).value;
  const choice = (/** @type {string} */ value) => h("label", { class: "choice" },
    h("input", { type: "radio", name: "share-way", id: `share-way-${value}`, value, checked: way === value,
      on: { change: () => { way = value; redraw(); } } }),
    " ", t(`share.way.${value}`));
  const folderPart = () => [
    h("p", { class: "hint", text: t("share.intro.folder") }),
    h("button", { type: "button", class: "btn primary", id: "share-init", text: t("share.init"), on: { click: async () => {
      try {
        const space = await ipc.shareInit(t("share.pick_title"), deviceName());
        if (!space) return;
        toast(t("share.init.done"));
        startSync(true);
        redraw();
      } catch (e) { showError(e); }
    } } })];
  const serverPart = () => {
    const form = serverForm("share-server");
    const start = h("button", { type: "button", class: "btn primary", id: "share-init-server", text: t("hub.share"), on: { click: async () => {
      start.disabled = true;
      form.show(t("hub.sharing"), false);
      try {
        await ipc.shareInitServer(form.value(), deviceName());
        toast(t("hub.shared"));
        startSync(true);
        redraw();
      } catch (e) {
        form.show(t("hub.test.failed", { message: errorMessage(/** @type {any} */ (e)) }), true);
      } finally { start.disabled = false; }
    } } });
    return [h("p", { class: "hint", text: t("share.intro.server") }), form.element, start];
  };
  return h("section", { class: "sharing" },
    h("h2", { tabIndex: -1, text: t("share.title") }),
    h("p", { text: t("share.intro") }),
    h("div", { class: "field" }, h("label", { htmlFor: "share-name", text: t("share.device_name") }), name),
    h("fieldset", { class: "share-way" }, h("legend", { text: t("share.way") }), choice("folder"), choice("server")),
    way === "server" ? serverPart() : folderPart());
}

/** For a workspace shared through a folder: its team moved to the organisation's server (by this laptop, or followed). @param {import("../../core/ipc.js").Moved|null} moved @param {() => void} redraw */
function moveSection(moved, redraw) {
  // The server the team went to, as the folder says; the user is each person's own.
  const form = serverForm("share-move", moved ? { ...partsOf(moved.server), user: "" } : {});
  const go = h("button", { type: "button", class: "btn primary", id: "share-move", text: moved ? t("hub.follow") : t("hub.move"), on: { click: async () => {
    if (!moved && !(await confirmDialog({ title: t("hub.move.title"), message: t("hub.move.message"), confirmLabel: t("hub.move") }))) return;
    go.disabled = true;
    form.show(t("hub.moving"), false);
    try {
      const r = await ipc.shareMoveServer(form.value());
      toast(r.followed ? t("hub.followed", { pushed: r.pushed, pulled: r.pulled }) : t("hub.moved", { pushed: r.pushed }));
      // What the folder said is over: this laptop is on the server now.
      const last = syncView().report;
      if (last) last.moved = null;
      syncSoon(0);
      redraw();
    } catch (e) {
      form.show(t("hub.test.failed", { message: errorMessage(/** @type {any} */ (e)) }), true);
    } finally { go.disabled = false; }
  } } });
  return h("details", { class: "share-move", id: "share-move-details", open: Boolean(moved) },
    h("summary", { text: moved ? t("hub.follow.summary") : t("hub.move.summary") }),
    h("p", { class: "hint", text: t("hub.move.hint") }),
    form.element, go);
}

/** When the server asks for the password (none in the keyring, or a changed one): a field to give it. @param {() => void} redraw */
function passwordSection(redraw) {
  const input = h("input", { id: "hub-password-again", type: "password", autocomplete: "current-password" });
  const result = h("p", { id: "hub-password-result", attrs: { role: "status" } });
  const save = h("button", { type: "button", class: "btn primary", id: "hub-password-save", text: t("hub.password.save"), on: { click: async () => {
    save.disabled = true;
    try {
      await ipc.hubRememberPassword(/** @type {HTMLInputElement} */ (input).value);
      toast(t("hub.password.saved"));
      syncSoon(0);
      redraw();
    } catch (e) {
      result.textContent = errorMessage(/** @type {any} */ (e));
      result.setAttribute("role", "alert");
    } finally { save.disabled = false; }
  } } });
  return h("div", { class: "hub-password notice", id: "hub-password" },
    h("label", { htmlFor: "hub-password-again", text: t("hub.password.again") }), input, " ", save, result);
}

/** @param {HTMLElement} container */
async function renderSharing(container) {
  const redraw = () => renderSharing(container).catch(showError);
  const s = await ipc.shareState();
  hubShared = Boolean(s.hub);
  if (!s.space) {
    replace(container, notShared(redraw));
    return;
  }
  const list = await ipc.conflicts(0, PAGE);
  const anomalies = await ipc.invariants(0, PAGE);
  const v = syncView();
  const r = v.report;
  replace(container, h("section", { class: "sharing" },
    h("h2", { tabIndex: -1, text: t("share.title") }),
    s.hub ? h("p", { id: "share-where", text: t("hub.where", { server: s.hub.server, team: s.hub.team }) })
      : h("p", { id: "share-where", text: t("share.folder", { folder: String(s.space.folder) }) }),
    h("p", { id: "share-status", attrs: { role: "status" }, text: statusText() }),
    s.hub && ["hub_no_password", "hub_authentication"].includes(v.error?.kind ?? "") ? passwordSection(redraw) : null,
    r?.moved ? h("p", { class: "notice", id: "share-moved", attrs: { role: "alert" }, text: t("hub.moved_notice", { server: r.moved.server, by: r.moved.by }) }) : null,
    r && r.waiting.length ? h("ul", { class: "share-waiting" }, r.waiting.map((w) => h("li", { text: t("share.waiting", { name: w.name || t("share.someone"), seq: w.seq, why: w.why }) }))) : null,
    r && r.refused.length ? h("ul", { class: "share-refused" }, r.refused.map((x) => h("li", { text: t("share.refused", { path: x.path, why: x.why }) }))) : null,
    r && r.from_copies.length ? h("ul", { class: "share-copies" }, r.from_copies.map((p) => h("li", { text: t("share.from_copy", { path: p }) }))) : null,
    r && r.skewed.length ? h("p", { class: "notice", text: t("share.skewed", { names: r.skewed.join(", ") }) }) : null,
    r && r.dropped ? h("p", { class: "notice", id: "share-dropped", attrs: { role: "alert" }, text: t("share.dropped") }) : null,
    r && r.erased.length ? h("p", { class: "notice", text: t("share.erased", { count: r.erased.length }) }) : null,
    h("button", { type: "button", class: "btn", id: "sync-now", text: t("share.sync_now"), on: { click: () => syncSoon(0) } }),
    h("h3", { text: t("share.devices") }),
    h("table", { class: "data", id: "share-devices" },
      h("thead", {}, h("tr", {}, ["share.device", "share.last_file", "share.last_seen", "share.device_state"].map((k) => h("th", { scope: "col", text: t(k) })))),
      h("tbody", {}, s.devices.map((d, i) => {
        const dropped = s.dropped.includes(d.device);
        const days = d.seen ? daysSince(d.seen) : null;
        const silent = i > 0 && !dropped && (days === null || days >= SILENT_DAYS);
        const state = dropped ? h("span", { text: t("share.device.dropped") })
          : silent ? [h("span", { class: "warning-text", text: days === null ? t("share.device.never_heard") : t("share.device.silent", { days }) }), " ",
            h("button", { type: "button", class: "btn small drop", text: t("share.drop"), attrs: { "aria-label": t("share.drop.label", { name: d.name }) }, on: { click: () => drop(d, redraw) } })]
          : h("span", { text: t("share.device.active") });
        return h("tr", { attrs: { "data-device": d.device } },
          h("td", { text: i === 0 ? t("share.this_device", { name: d.name }) : d.name }),
          h("td", { text: String(d.seq) }),
          h("td", { text: d.seen ? formatDateTime(d.seen) : t("share.never") }),
          h("td", {}, state));
      }))),
    s.hub ? null : [
      h("p", { class: "hint", text: t("share.compact.hint") }),
      h("button", { type: "button", class: "btn", id: "share-compact", text: t("share.compact"), on: { click: () => compact(redraw) } }),
      h("p", { id: "share-compact-result", attrs: { role: "status" }, text: compactResult }),
      moveSection(r?.moved ?? null, redraw)],
    h("h3", { id: "conflicts-title", text: t("share.inbox", { count: s.conflicts }) }),
    list.length === 0 ? h("p", { class: "empty", id: "conflicts-empty", text: t("share.inbox.empty") })
      : h("ul", { class: "conflicts", id: "conflicts", attrs: { "aria-labelledby": "conflicts-title" } }, list.map((c) => entry(c, redraw))),
    invariantSection(anomalies, s.invariants, redraw)));
}

register("sharing", (content) => renderSharing(content));

// The screen follows each exchange while it is shown.
onSync(() => {
  const shown = document.querySelector("section.sharing");
  const status = document.getElementById("share-status");
  if (status) status.textContent = statusText();
  const r = syncView().report;
  if (shown && r && !syncView().running && (r.applied > 0 || r.conflicts > 0)) {
    const container = /** @type {HTMLElement|null} */ (shown.parentElement);
    if (container) renderSharing(container).catch(showError);
  }
});

