// The only module that talks to Rust. One wrapper per command; every failure is turned into
// an ErrorPayload `{kind, message, field?, code?}` with a French message from the core.
// Types come from ui/bindings/, generated from the Rust types by ts-rs (never written by hand).
import { t } from "./i18n.js";

/** @typedef {import("../bindings/Actor").Actor} Actor */
/** @typedef {import("../bindings/ActorInput").ActorInput} ActorInput */
/** @typedef {import("../bindings/ProjectHeader").ProjectHeader} ProjectHeader */
/** @typedef {import("../bindings/ProjectHeaderInput").ProjectHeaderInput} ProjectHeaderInput */
/** @typedef {import("../bindings/NewWorkspace").NewWorkspace} NewWorkspace */
/** @typedef {import("../bindings/WorkspaceInfo").WorkspaceInfo} WorkspaceInfo */
/** @typedef {import("../bindings/AppInfo").AppInfo} AppInfo */
/** @typedef {import("../bindings/ErrorPayload").ErrorPayload} ErrorPayload */
/** @typedef {import("../bindings/DeleteImpact").DeleteImpact} DeleteImpact */

/**
 * Calls a command and normalises its error.
 * @template T
 * @param {string} command
 * @param {Record<string, unknown>} [args]
 * @returns {Promise<T>}
 */
async function call(command, args = {}) {
  const tauri = /** @type {any} */ (window).__TAURI__;
  try {
    return await tauri.core.invoke(command, args);
  } catch (e) {
    throw toPayload(e);
  }
}

/**
 * @param {unknown} e
 * @returns {ErrorPayload}
 */
export function toPayload(e) {
  if (e && typeof e === "object" && "kind" in e && "message" in e) {
    return /** @type {ErrorPayload} */ (e);
  }
  // Tauri itself rejects malformed arguments with a plain (English) string.
  return { kind: "ipc", message: t("error.ipc", { detail: String(e) }) };
}

/** @returns {Promise<AppInfo>} */
export const appInfo = () => call("app_info");
/** @param {NewWorkspace} input @returns {Promise<WorkspaceInfo>} */
export const createWorkspace = (input) => call("create_workspace", { input });
/** @returns {Promise<WorkspaceInfo>} */
export const openDemo = () => call("open_demo");
/** @param {string} title @param {string} filterName @returns {Promise<WorkspaceInfo|null>} */
export const pickAndOpenWorkspace = (title, filterName) =>
  call("pick_and_open_workspace", { title, filterName });
/** @param {string} title @param {string} filterName @returns {Promise<WorkspaceInfo|null>} */
export const saveWorkspaceAs = (title, filterName) =>
  call("save_workspace_as", { title, filterName });
/** @returns {Promise<void>} */
export const closeWorkspace = () => call("close_workspace");

/** @returns {Promise<ProjectHeader>} */
export const getHeader = () => call("get_header");
/** @param {ProjectHeaderInput} input @returns {Promise<ProjectHeader>} */
export const updateHeader = (input) => call("update_header", { input });

/** @returns {Promise<Actor[]>} */
export const listActors = () => call("list_actors");
/** @param {ActorInput} input @returns {Promise<Actor>} */
export const createActor = (input) => call("create_actor", { input });
/** @param {number} id @param {ActorInput} input @returns {Promise<Actor>} */
export const updateActor = (id, input) => call("update_actor", { id, input });
/** @param {number} id @returns {Promise<Actor>} */
export const deleteActor = (id) => call("delete_actor", { id });
/** @param {number} id @returns {Promise<DeleteImpact>} */
export const actorDeleteImpact = (id) => call("actor_delete_impact", { id });
/** @param {Actor} actor @returns {Promise<Actor>} */
export const restoreActor = (actor) => call("restore_actor", { actor });

/** @param {string} language @returns {Promise<string>} */
export const setLanguage = (language) => call("set_language", { language });
/** @param {string} name @returns {Promise<string>} */
export const setDisplayName = (name) => call("set_display_name", { name });
