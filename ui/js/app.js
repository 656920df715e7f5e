// Start-up and the top bar. Decides between the welcome screen and the workspace.
import { h, replace } from "./core/dom.js";
import { t, setLanguage, onLanguageChange, language } from "./core/i18n.js";
import { toast, showError, errorMessage, formDialog, confirmDialog } from "./core/dialogs.js";
import { mayLeave } from "./core/router.js";
import { renderWelcome } from "./screens/welcome/welcome.js";
import { renderWorkspace, redrawWorkspace, actorForm, focusFilter, showSearch } from "./screens/workspace/workspace.js";
import { showBackups } from "./screens/safety/backups.js";
import { startSync, stopSync, onSync, syncView } from "./screens/sharing/sync.js";
import { navigate } from "./core/router.js";
import * as ipc from "./core/ipc.js";

/** @typedef {import("./core/ipc.js").WorkspaceInfo} WorkspaceInfo */

const state = {
  /** @type {WorkspaceInfo|null} */ workspace: null,
  displayName: "",
  workspacesDir: "",
  /** @type {import("./core/ipc.js").ErrorPayload[]} */ notices: [],
};

const main = /** @type {HTMLElement} */ (document.getElementById("main"));

function drawTopbar() {
  const bar = /** @type {HTMLElement} */ (document.getElementById("topbar"));
  const langSelect = /** @type {HTMLSelectElement} */ (h("select", { id: "language" },
    ["fr", "en"].map((code) => h("option", { value: code, text: t(`lang.${code}`) }))));
  langSelect.value = language();
  langSelect.addEventListener("change", () => changeLanguage(langSelect.value));
  const ws = state.workspace;
  const searchBox = ws ? h("form", { class: "top-search", attrs: { role: "search" } },
    h("label", { class: "visually-hidden", htmlFor: "search", text: t("search.label") }),
    h("input", { type: "search", id: "search", placeholder: t("search.placeholder"), autocomplete: "off",
      attrs: { "aria-keyshortcuts": "Control+K" } })) : null;
  searchBox?.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const q = /** @type {HTMLInputElement} */ (document.getElementById("search")).value.trim();
    if (q) showSearch(q).catch(showError);
  });
  replace(bar,
    h("div", { class: "brand" },
      h("img", { src: "img/logo.svg", alt: "", width: 28, height: 28 }),
      h("span", { class: "brand-name", text: t("app.name") })),
    ws ? h("div", { class: "ws-name", attrs: { title: ws.path } },
      h("span", { class: "visually-hidden", text: `${t("top.workspace")} : ` }),
      h("span", { id: "ws-file", text: ws.file_name })) : h("div", { class: "ws-name" }),
    searchBox,
    ws ? h("button", { type: "button", class: "btn ghost sync-chip", id: "sync-chip", hidden: true,
      attrs: { "aria-live": "polite" }, on: { click: () => navigate("sharing") } }) : null,
    h("nav", { class: "top-actions", attrs: { "aria-label": t("top.menu") } },
      h("button", { type: "button", class: "btn ghost", id: "top-open", text: t("top.open"),
        attrs: { "aria-keyshortcuts": "Control+O" }, on: { click: openFile } }),
      ws ? h("button", { type: "button", class: "btn ghost", id: "top-save-as", text: t("top.save_as"),
        attrs: { "aria-keyshortcuts": "Control+Shift+S" }, on: { click: saveAs } }) : null,
      ws ? h("button", { type: "button", class: "btn ghost", id: "top-backups", text: t("top.backups"),
        on: { click: () => showBackups(opened) } }) : null,
      ws ? h("button", { type: "button", class: "btn ghost", id: "top-close", text: t("top.close"),
        attrs: { title: t("top.close_title") }, on: { click: closeWorkspace } }) : null,
      h("button", { type: "button", class: "btn ghost", id: "top-prefs",
        text: state.displayName ? t("prefs.hello", { name: state.displayName }) : t("top.prefs"),
        on: { click: editPrefs } }),
      h("label", { class: "visually-hidden", htmlFor: "language", text: t("top.language") }),
      langSelect));
  drawSyncChip();
}

function drawNotices() {
  const box = /** @type {HTMLElement} */ (document.getElementById("notices"));
  replace(box, state.notices.map((n, i) => h("div", { class: "notice", attrs: { role: "alert" }, id: `notice-${n.kind}` },
    h("p", { text: errorMessage(n) }),
    n.kind === "corrupt" || n.kind === "foreign_schema" ? h("button", { type: "button", class: "btn small primary", id: "notice-backups", text: t("backups.offer"), on: { click: () => showBackups(opened) } }) : null,
    n.kind === "read_only_file" ? h("button", { type: "button", class: "btn small primary", id: "notice-copy", text: t("readonly.copy"), on: { click: openWritableCopy } }) : null,
    h("button", { type: "button", class: "btn small", text: t("notice.close"), on: { click: () => {
      state.notices.splice(i, 1); drawNotices();
    } } }))));
}

async function drawMain() {
  document.title = state.workspace ? `${state.workspace.header.territory_name} — Catalyse` : "Catalyse";
  if (!state.workspace) {
    replace(main, renderWelcome({
      workspacesDir: state.workspacesDir,
      onOpened: opened,
      onOpenFile: openFile,
      showError,
    }));
    return;
  }
  try {
    await renderWorkspace(main, { onHeaderChange: (header) => {
      if (state.workspace) state.workspace = { ...state.workspace, header };
      document.title = `${header.territory_name} — Catalyse`;
    } });
  } catch (e) {
    showError(e);
  }
}

function drawStatic() {
  const skip = document.getElementById("skip-link");
  if (skip) skip.textContent = t("app.skip");
  document.getElementById("tasks")?.setAttribute("aria-label", t("tasks.label"));
}

/** The top bar's sharing state: hidden when the workspace is not shared. */
function drawSyncChip() {
  const chip = document.getElementById("sync-chip");
  if (!chip) return;
  const v = syncView();
  const r = v.report;
  if (!r && !v.error) { chip.hidden = true; return; }
  chip.hidden = false;
  let text = t("share.chip.ok");
  let tone = "ok";
  if (v.error) { text = t("share.chip.error"); tone = "warn"; }
  else if (r?.unreachable) { text = t("share.chip.offline"); tone = "quiet"; }
  else if (r && r.conflicts > 0 && r.invariants > 0) { text = t("share.chip.both", { count: r.conflicts, invariants: r.invariants }); tone = "warn"; }
  else if (r && r.conflicts > 0) { text = t("share.chip.conflicts", { count: r.conflicts }); tone = "warn"; }
  else if (r && r.invariants > 0) { text = t("share.chip.invariants", { count: r.invariants }); tone = "warn"; }
  else if (r && (r.waiting.length > 0 || r.incomplete.length > 0)) { text = t("share.chip.waiting"); tone = "quiet"; }
  chip.textContent = v.running ? `${text} …` : text;
  chip.dataset.tone = tone;
  chip.title = t("share.chip.title");
}

onSync((v) => {
  drawSyncChip();
  // Other laptops' changes arrived: what is on screen is drawn again.
  if (!v.running && v.report && v.report.applied > 0 && state.workspace) redrawWorkspace();
});

/** Starts the exchanges of the workspace just opened, if it is shared. */
async function startSharing() {
  try {
    const s = await ipc.shareState();
    startSync(s.space !== null);
  } catch { stopSync(); }
}

/** @param {WorkspaceInfo} info */
async function opened(info) {
  stopSync();
  state.workspace = info;
  state.notices = [];
  drawNotices();
  drawTopbar();
  await drawMain();
  main.focus();
  await startSharing();
}

/**
 * Whether the user may leave what is on screen for another workspace: the note being edited
 * asks about its unsaved text; a form being filled in (an open dialog) asks too, and is
 * closed if they go.
 */
async function mayLeaveWorkspace() {
  const open = [...document.querySelectorAll("dialog[open]")];
  if (open.length > 0 && !(await confirmDialog({
    title: t("dialog.open.leave_title"), message: t("dialog.open.leave_form"), confirmLabel: t("dialog.open.leave_confirm"),
  }))) return false;
  if (!(await mayLeave())) return false;
  for (const d of open) { /** @type {HTMLDialogElement} */ (d).close(); d.remove(); }
  return true;
}

async function openFile() {
  if (!(await mayLeaveWorkspace())) return;
  await openWith(() => ipc.pickAndOpenWorkspace(t("dialog.open.title"), t("dialog.filter")));
}

/**
 * A second launch of Catalyse (a double-click on a workspace while this window runs) asks to
 * open its file, which Rust keeps: opened as « Ouvrir… » opens one, once the user may leave
 * what is on screen; nothing happens if they stay. Requests that come while the question is
 * asked are answered by it (the latest one).
 */
const openRequests = { /** @type {import("./core/ipc.js").OpenRequest|null} */ latest: null, asking: false };

/** @param {import("./core/ipc.js").OpenRequest} request */
async function openRequested(request) {
  openRequests.latest = request;
  if (openRequests.asking) return;
  openRequests.asking = true;
  let open = false;
  try { open = await mayLeaveWorkspace(); } catch (e) { showError(e); } finally { openRequests.asking = false; }
  const { token } = openRequests.latest ?? request;
  await openWith(() => ipc.answerOpenRequest(token, open));
}

/** Opens the workspace `pick` opens, if any. @param {() => Promise<WorkspaceInfo|null>} pick */
async function openWith(pick) {
  try {
    const info = await pick();
    if (info) await opened(info);
  } catch (e) {
    // A damaged or altered file: say so, and offer its backups. A write-protected one: offer
    // a copy.
    const kind = /** @type {any} */ (e)?.kind;
    if (kind === "corrupt" || kind === "foreign_schema" || kind === "read_only_file") {
      state.notices = [/** @type {any} */ (e)];
      drawNotices();
      return;
    }
    showError(e);
  }
}

/** Writes a copy of the write-protected workspace the user tried to open, and opens it. */
async function openWritableCopy() {
  try {
    const info = await ipc.openWritableCopy(t("readonly.copy_title"), t("dialog.filter"));
    if (info) await opened(info);
  } catch (e) { showError(e); }
}

async function saveAs() {
  try {
    const info = await ipc.saveWorkspaceAs(t("dialog.save.title"), t("dialog.filter"));
    if (info) { state.workspace = info; drawTopbar(); }
  } catch (e) { showError(e); }
}

async function closeWorkspace() {
  try {
    await ipc.closeWorkspace();
    stopSync();
    state.workspace = null;
    drawTopbar();
    await drawMain();
  } catch (e) { showError(e); }
}

async function changeLanguage(code) {
  try {
    const saved = await ipc.setLanguage(code);
    setLanguage(saved);
  } catch (e) { showError(e); }
}

function editPrefs() {
  formDialog({
    id: "prefs-dialog",
    title: t("prefs.title"),
    submitLabel: t("form.save"),
    fields: [
      { name: "display_name", label: t("prefs.display_name"), value: state.displayName, hint: t("prefs.display_name_hint") },
      { name: "language", label: t("prefs.language"), type: "select", value: language(),
        options: ["fr", "en"].map((c) => ({ value: c, label: t(`lang.${c}`) })) },
    ],
    onSubmit: async (v) => {
      state.displayName = await ipc.setDisplayName(v.display_name);
      if (v.language !== language()) await changeLanguage(v.language);
      else drawTopbar();
      toast(t("prefs.saved"));
    },
  });
}


document.addEventListener("keydown", (ev) => {
  if (!(ev.ctrlKey || ev.metaKey) || document.querySelector("dialog[open]")) return;
  const k = ev.key.toLowerCase();
  if (k === "o") { ev.preventDefault(); openFile(); }
  else if (k === "s" && ev.shiftKey && state.workspace) { ev.preventDefault(); saveAs(); }
  else if (k === "n" && state.workspace) { ev.preventDefault(); actorForm(null); }
  else if (k === "f" && state.workspace) { ev.preventDefault(); focusFilter(); }
  else if (k === "k" && state.workspace) { ev.preventDefault(); document.getElementById("search")?.focus(); }
});

async function boot() {
  try {
    const info = await ipc.appInfo();
    state.workspace = info.workspace;
    state.displayName = info.prefs.display_name;
    state.workspacesDir = info.workspaces_dir;
    state.notices = info.notices;
    setLanguage(info.prefs.language);
  } catch (e) {
    state.notices = [/** @type {any} */ (e)];
  }
  drawStatic();
  drawTopbar();
  drawNotices();
  await drawMain();
  if (state.workspace) await startSharing();
  // Registered after the first draw so that applying the saved language does not draw twice.
  onLanguageChange(() => {
    drawStatic();
    drawTopbar();
    drawNotices();
    if (state.workspace) redrawWorkspace(); else drawMain();
  });
  // Once the page is drawn: a second launch's request may be waiting already.
  ipc.watchOpenRequests(openRequested).catch(showError);
}

boot();
