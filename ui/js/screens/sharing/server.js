// The organisation's PostgreSQL server as a person describes it: its name, port, database,
// user, password and certificate authority; « Tester la connexion » says what worked or, in
// the server's own terms, what failed (the name, the connection, TLS, the password, the
// rights, the schema). The password goes to the system's keyring once the server accepts
// it (Rust side), never to the preferences or the page's storage.
import { h, restoreFocus } from "../../core/dom.js";
import { t } from "../../core/i18n.js";
import { errorMessage } from "../../core/dialogs.js";
import * as ipc from "../../core/ipc.js";

/** @typedef {import("../../core/ipc.js").ServerForm} ServerForm */
/** @typedef {import("../../core/ipc.js").ServerCheck} ServerCheck */

/**
 * The parts of a server address as shown (`postgresql://user@host:port/db?sslrootcert=…`):
 * to fill the form from what a moved team's folder says.
 * @param {string} shown
 * @returns {Partial<ServerForm>}
 */
export function partsOf(shown) {
  try {
    const url = new URL(shown.replace(/^postgres(ql)?:/, "http:"));
    const ca = url.searchParams.get("sslrootcert") ?? "";
    return {
      host: url.hostname.replace(/^\[|\]$/g, ""),
      port: Number(url.port || 5432),
      database: decodeURIComponent(url.pathname.replace(/^\//, "")),
      user: decodeURIComponent(url.username),
      ca_file: ca === "system" ? "" : ca,
    };
  } catch {
    return {};
  }
}

/**
 * A server form with its test. `prefix` makes its ids unique on the page.
 * @param {string} prefix
 * @param {Partial<ServerForm>} [initial]
 * @param {(check: ServerCheck) => void} [onChecked] told of each successful test
 */
export function serverForm(prefix, initial = {}, onChecked) {
  const id = (/** @type {string} */ name) => `${prefix}-${name}`;
  /** @param {string} name @param {string} label @param {Record<string, any>} props @param {string} [hint] */
  const row = (name, label, props, hint) => {
    const input = h("input", { id: id(name), name, autocomplete: "off", ...props,
      attrs: { ...(props.attrs ?? {}), "aria-describedby": hint ? id(`${name}-hint`) : null } });
    return { input, wrapper: h("div", { class: name === "port" ? "field half" : "field" },
      h("label", { htmlFor: id(name), text: label }),
      hint ? h("p", { class: "hint", id: id(`${name}-hint`), text: hint }) : null,
      input) };
  };
  const host = row("host", t("hub.host"), { type: "text", value: initial.host ?? "", maxLength: 253, spellcheck: false, attrs: { "aria-required": "true" } }, t("hub.host.hint"));
  const port = row("port", t("hub.port"), { type: "number", min: 1, max: 65535, value: String(initial.port ?? 5432) });
  const database = row("database", t("hub.database"), { type: "text", value: initial.database ?? "", maxLength: 63, spellcheck: false, attrs: { "aria-required": "true" } });
  const user = row("user", t("hub.user"), { type: "text", value: initial.user ?? "", maxLength: 63, spellcheck: false, attrs: { "aria-required": "true" } }, t("hub.user.hint"));
  const password = row("password", t("hub.password"), { type: "password", value: "", autocomplete: "current-password" }, t("hub.password.hint"));
  const ca = row("ca", t("hub.ca"), { type: "text", value: initial.ca_file ?? "", spellcheck: false }, t("hub.ca.hint"));
  const pick = h("button", { type: "button", class: "btn small", id: id("pick-ca"), text: t("hub.ca.pick"), on: { click: async () => {
    try {
      const path = await ipc.pickCertificate(t("hub.ca.pick_title"));
      if (path) /** @type {HTMLInputElement} */ (ca.input).value = path;
    } catch (e) { show(errorMessage(/** @type {any} */ (e)), true); }
  } } });
  ca.wrapper.append(pick);
  const result = h("p", { class: "hub-result", id: id("result"), attrs: { role: "status", "aria-live": "polite" } });
  /** @param {string} text @param {boolean} failed */
  const show = (text, failed) => {
    result.textContent = text;
    result.classList.toggle("error-text", failed);
    result.setAttribute("role", failed ? "alert" : "status");
  };
  /** @returns {ServerForm} */
  const value = () => ({
    host: /** @type {HTMLInputElement} */ (host.input).value.trim(),
    port: Number(/** @type {HTMLInputElement} */ (port.input).value) || 0,
    database: /** @type {HTMLInputElement} */ (database.input).value.trim(),
    user: /** @type {HTMLInputElement} */ (user.input).value.trim(),
    password: /** @type {HTMLInputElement} */ (password.input).value,
    ca_file: /** @type {HTMLInputElement} */ (ca.input).value.trim(),
  });
  const test = h("button", { type: "button", class: "btn", id: id("test"), text: t("hub.test"), on: { click: async () => {
    test.disabled = true;
    show(t("hub.testing"), false);
    try {
      const check = await ipc.hubCheck(value());
      show(t("hub.test.ok", { role: check.role, server: check.server, schema: check.schema, count: check.teams.length }), false);
      onChecked?.(check);
    } catch (e) {
      show(t("hub.test.failed", { message: errorMessage(/** @type {any} */ (e)) }), true);
    } finally { test.disabled = false; }
  } } });
  const element = h("fieldset", { class: "hub-form", id: id("form") },
    h("legend", { text: t("hub.legend") }),
    host.wrapper, port.wrapper, database.wrapper, user.wrapper, password.wrapper, ca.wrapper,
    h("div", { class: "toolbar" }, test),
    result);
  return { element, value, show };
}

/**
 * « Rejoindre une équipe sur un serveur… »: the server, then the team (the test lists those
 * the person is a member of); this laptop's workspace of it built and opened.
 * @param {(info: import("../../core/ipc.js").WorkspaceInfo) => void} onOpened
 * @param {string} deviceName
 */
export function joinServerDialog(onOpened, deviceName) {
  const opener = /** @type {HTMLElement|null} */ (document.activeElement);
  const team = h("input", { id: "hub-join-team", type: "text", autocomplete: "off", spellcheck: false, maxLength: 36,
    attrs: { list: "hub-join-teams", "aria-describedby": "hub-join-team-hint", "aria-required": "true" } });
  const teams = h("datalist", { id: "hub-join-teams" });
  const form = serverForm("hub-join", {}, (check) => {
    teams.replaceChildren(...check.teams.map((x) => h("option", { value: x.team, text: x.name })));
    if (check.teams.length === 1 && !/** @type {HTMLInputElement} */ (team).value) /** @type {HTMLInputElement} */ (team).value = check.teams[0].team;
  });
  const submit = h("button", { type: "submit", class: "btn primary", id: "hub-join-submit", text: t("hub.join.submit") });
  const cancel = h("button", { type: "button", class: "btn", text: t("form.cancel") });
  const body = h("form", { class: "dialog-form", noValidate: true },
    h("h2", { id: "hub-join-title", text: t("hub.join.title") }),
    form.element,
    h("div", { class: "field" },
      h("label", { htmlFor: "hub-join-team", text: t("hub.join.team") }),
      h("p", { class: "hint", id: "hub-join-team-hint", text: t("hub.join.team.hint") }),
      team, teams),
    h("div", { class: "dialog-buttons" }, cancel, submit));
  const dialog = /** @type {HTMLDialogElement} */ (h("dialog", { class: "modal wide", id: "hub-join-dialog", attrs: { "aria-labelledby": "hub-join-title" } }, body));
  const close = () => { dialog.close(); dialog.remove(); restoreFocus(opener); };
  cancel.addEventListener("click", close);
  dialog.addEventListener("cancel", (ev) => { ev.preventDefault(); close(); });
  body.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    form.show(t("hub.joining"), false);
    try {
      const info = await ipc.shareJoinServer(form.value(), /** @type {HTMLInputElement} */ (team).value.trim(), deviceName);
      close();
      onOpened(info);
    } catch (e) {
      form.show(t("hub.test.failed", { message: errorMessage(/** @type {any} */ (e)) }), true);
    } finally { submit.disabled = false; }
  });
  document.body.append(dialog);
  dialog.showModal();
  /** @type {HTMLElement|null} */ (dialog.querySelector("input"))?.focus();
  return dialog;
}
