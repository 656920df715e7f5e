// The welcome screen: create a workspace, explore the example, or open a file.
import { h } from "../../core/dom.js";
import { t, label } from "../../core/i18n.js";
import { field, errorMessage, toast } from "../../core/dialogs.js";
import * as ipc from "../../core/ipc.js";
import { runTask } from "../../core/tasks.js";
import { joinServerDialog } from "../sharing/server.js";
import { TerritoryKind as TERRITORY_KINDS } from "../../../bindings/codes.js";


/**
 * @param {{workspacesDir: string, onOpened: (info: import("../../core/ipc.js").WorkspaceInfo) => void, onOpenFile: () => void, showError: (e: any) => void}} ctx
 */
export function renderWelcome(ctx) {
  const name = field({ name: "territory_name", label: t("welcome.create.territory_name"), required: true, placeholder: t("welcome.create.territory_name_hint") });
  const kind = field({
    name: "territory_kind", label: t("welcome.create.territory_kind"), type: "select", value: "petr",
    options: TERRITORY_KINDS.map((k) => ({ value: k, label: label("territory_kind", k) })),
  });
  const title = field({ name: "project_title", label: t("welcome.create.project_title"), required: true, placeholder: t("welcome.create.project_title_hint") });
  const fields = [name, kind, title];
  const summary = h("div", { class: "form-summary", attrs: { role: "alert" }, hidden: true });
  const submit = h("button", { type: "submit", class: "btn primary", id: "create-workspace", text: t("welcome.create.submit") });
  const form = h("form", { class: "card create-card", id: "create-form", noValidate: true, attrs: { "aria-labelledby": "create-title" } },
    h("h2", { id: "create-title", text: t("welcome.create.title") }),
    h("p", { class: "muted", text: t("welcome.create.text") }),
    summary,
    fields.map((f) => f.wrapper),
    h("div", { class: "form-buttons" }, submit));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    fields.forEach((f) => f.setError(null));
    summary.hidden = true;
    submit.disabled = true;
    try {
      const info = await ipc.createWorkspace({
        territory_name: name.input.value,
        territory_kind: /** @type {any} */ (kind.input.value),
        project_title: title.input.value,
      });
      ctx.onOpened(info);
    } catch (err) {
      const target = fields.find((f) => f.spec.name === err.field);
      const message = errorMessage(err, target?.spec.label);
      summary.textContent = t("form.errors", { message });
      summary.hidden = false;
      if (target) { target.setError(message); target.input.focus(); }
    } finally {
      submit.disabled = false;
    }
  });

  const demoButton = h("button", { type: "button", class: "btn primary", id: "open-demo", text: t("welcome.demo.submit") });
  demoButton.addEventListener("click", async () => {
    demoButton.disabled = true;
    try { ctx.onOpened(await ipc.openDemo()); } catch (e) { ctx.showError(e); } finally { demoButton.disabled = false; }
  });
  const demo = h("section", { class: "card demo-card", attrs: { "aria-labelledby": "demo-title" } },
    h("h2", { id: "demo-title", text: t("welcome.demo.title") }),
    h("p", { text: t("welcome.demo.text") }),
    demoButton,
    h("hr"),
    h("p", { class: "muted", text: t("welcome.open.text") }),
    h("div", { class: "toolbar" },
      h("button", { type: "button", class: "btn", id: "welcome-open", text: t("welcome.open.submit"), on: { click: ctx.onOpenFile } }),
      h("button", { type: "button", class: "btn", id: "welcome-import-json", text: t("json.import"), on: { click: async () => {
        try {
          const info = await runTask(t("json.task_import"), (job) => ipc.importWorkspaceJson(t("json.pick_title"), t("json.save_title"), job));
          if (info) { toast(t("json.imported", { name: info.file_name })); ctx.onOpened(info); }
        } catch (e) {
          if (/** @type {any} */ (e)?.kind === "cancelled") toast(t("json.import_cancelled"));
          else ctx.showError(e);
        }
      } } }),
      h("button", { type: "button", class: "btn", id: "welcome-join", text: t("share.join"), on: { click: async () => {
        try {
          const info = await ipc.shareJoin(t("share.pick_title"), t("share.default_name"));
          if (info) { toast(t("share.joined", { name: info.file_name })); ctx.onOpened(info); }
        } catch (e) { ctx.showError(e); }
      } } }),
      h("button", { type: "button", class: "btn", id: "welcome-join-server", text: t("hub.join"), on: { click: () => {
        joinServerDialog((info) => { toast(t("share.joined", { name: info.file_name })); ctx.onOpened(info); }, t("share.default_name"));
      } } })));

  return h("div", { class: "welcome", id: "welcome" },
    h("header", { class: "welcome-hero" },
      h("img", { src: "img/logo.svg", alt: "", class: "welcome-logo", width: 72, height: 72 }),
      h("h1", { text: t("welcome.title") }),
      h("p", { class: "lead", text: t("welcome.lead") })),
    h("div", { class: "welcome-grid" }, form, demo),
    h("p", { class: "muted small where", text: t("welcome.where", { dir: ctx.workspacesDir }) }));
}
