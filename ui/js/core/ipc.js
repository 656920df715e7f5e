// The only module that talks to Rust. One wrapper per command; every failure is turned into
// an ErrorPayload `{kind, message, field?, code?}` with a French message from the core.
// Types come from ui/bindings/, generated from the Rust types by ts-rs (never written by hand).
import { t } from "./i18n.js";

/** @typedef {import("../../bindings/Actor").Actor} Actor */
/** @typedef {import("../../bindings/ActorInput").ActorInput} ActorInput */
/** @typedef {import("../../bindings/ProjectHeader").ProjectHeader} ProjectHeader */
/** @typedef {import("../../bindings/ProjectHeaderInput").ProjectHeaderInput} ProjectHeaderInput */
/** @typedef {import("../../bindings/NewWorkspace").NewWorkspace} NewWorkspace */
/** @typedef {import("../../bindings/WorkspaceInfo").WorkspaceInfo} WorkspaceInfo */
/** @typedef {import("../../bindings/AppInfo").AppInfo} AppInfo */
/** @typedef {import("../../bindings/ErrorPayload").ErrorPayload} ErrorPayload */
/** @typedef {import("../../bindings/DeleteImpact").DeleteImpact} DeleteImpact */
/** @typedef {import("../../bindings/Deleted").Deleted} Deleted */
/** @typedef {import("../../bindings/Need").Need} Need */
/** @typedef {import("../../bindings/Dashboard").Dashboard} Dashboard */
/** @typedef {import("../../bindings/SearchHit").SearchHit} SearchHit */
/** @typedef {import("../../bindings/NeedInput").NeedInput} NeedInput */
/** @typedef {import("../../bindings/Axis").Axis} Axis */
/** @typedef {import("../../bindings/AxisInput").AxisInput} AxisInput */
/** @typedef {import("../../bindings/Action").Action} Action */
/** @typedef {import("../../bindings/ActionInput").ActionInput} ActionInput */
/** @typedef {import("../../bindings/Funding").Funding} Funding */
/** @typedef {import("../../bindings/FundingInput").FundingInput} FundingInput */
/** @typedef {import("../../bindings/FundingPlan").FundingPlan} FundingPlan */
/** @typedef {import("../../bindings/Indicator").Indicator} Indicator */
/** @typedef {import("../../bindings/IndicatorInput").IndicatorInput} IndicatorInput */

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
    const result = await tauri.core.invoke(command, args);
    if (WRITES.test(command)) writeListeners.forEach((fn) => fn(command));
    return result;
  } catch (e) {
    throw toPayload(e);
  }
}

/** The commands that change the workspace (a shared workspace sends them soon after). */
const WRITES = /^(create_|update_|delete_|move_|save_|set_note|restore_note|apply_refresh|import_commit|change_territory|place_written|undo_|erase_|resolve_conflict|create_links|merge_actors|accept_invariant|reorder_siblings)/;
/** @type {Set<(command: string) => void>} */
const writeListeners = new Set();
/** Hears of each change made here. @param {(command: string) => void} fn */
export function onWrite(fn) { writeListeners.add(fn); }

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

// ----- Long operations: a channel for progress, a number given by Rust, and cancellation -----
/** @typedef {import("../../bindings/ProgressEvent").ProgressEvent} ProgressEvent */
/** @typedef {import("../../bindings/JobMessage").JobMessage} JobMessage */
/**
 * A long operation: its channel, and the number Rust gave it when it started (null until the
 * operation has started; the window never numbers operations itself).
 * @typedef {{id: number|null, channel: unknown, cancelled: boolean}} Job
 */

/**
 * A new long operation: pass it to a command that takes `onProgress`; the command tells it its
 * number first, then `onProgress` receives its reports. @param {(e: ProgressEvent) => void} onProgress
 * @returns {Job}
 */
export function newJob(onProgress) {
  const tauri = /** @type {any} */ (window).__TAURI__;
  const channel = new tauri.core.Channel();
  /** @type {Job} */
  const job = { id: null, channel, cancelled: false };
  channel.onmessage = (/** @type {JobMessage} */ m) => {
    if ("job" in m) {
      job.id = m.job;
      // Stopped before it had started: ask now.
      if (job.cancelled) call("cancel_job", { job: m.job }).catch(() => {});
    } else {
      onProgress(m);
    }
  };
  return job;
}
/**
 * Asks an operation to stop (once it has started, if it has not yet); false when it already
 * ended. @param {Job} job @returns {Promise<boolean>}
 */
export const cancelJob = async (job) => {
  job.cancelled = true;
  if (job.id === null) return true;
  return call("cancel_job", { job: job.id });
};

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
/** @param {string} title @param {string} filterName @returns {Promise<WorkspaceInfo|null>} */
export const openWritableCopy = (title, filterName) =>
  call("open_writable_copy", { title, filterName });
/** @returns {Promise<void>} */
export const closeWorkspace = () => call("close_workspace");
/** @typedef {import("../../bindings/OpenRequest").OpenRequest} OpenRequest */
/**
 * Listens for the workspaces a second launch of Catalyse asks this window to open (a
 * double-click on a file while it runs); Rust keeps the file, the page answers by number.
 * @param {(request: OpenRequest) => void} onRequest @returns {Promise<void>}
 */
export function watchOpenRequests(onRequest) {
  const tauri = /** @type {any} */ (window).__TAURI__;
  const channel = new tauri.core.Channel();
  channel.onmessage = onRequest;
  return call("watch_open_requests", { channel });
}
/** Opens (or not) the file of a request. @param {number} token @param {boolean} open @returns {Promise<WorkspaceInfo|null>} */
export const answerOpenRequest = (token, open) => call("answer_open_request", { token, open });

/** @returns {Promise<ProjectHeader>} */
export const getHeader = () => call("get_header");
/** @param {ProjectHeaderInput} input @returns {Promise<ProjectHeader>} */
export const updateHeader = (input) => call("update_header", { input });

/** @typedef {import("../../bindings/TerritoryCommunes").TerritoryCommunes} TerritoryCommunes */
/** @typedef {import("../../bindings/TerritoryCommune").TerritoryCommune} TerritoryCommune */
/** @typedef {import("../../bindings/CommuneChoice").CommuneChoice} CommuneChoice */
/** @typedef {import("../../bindings/ChoiceHit").ChoiceHit} ChoiceHit */
/** The territory's communes in figures. @returns {Promise<TerritoryCommunes>} */
export const territoryCommunes = () => call("territory_communes");
/** Adds then takes out communes, all or nothing. @param {CommuneChoice[]} add @param {CommuneChoice[]} remove @returns {Promise<TerritoryCommunes>} */
export const changeTerritoryCommunes = (add, remove) => call("change_territory_communes", { add, remove });
/** A page of the territory's communes (filtered by name or code), by name. @param {string} filter @param {number} offset @param {number} limit @returns {Promise<TerritoryCommune[]>} */
export const territoryCommunePage = (filter, offset, limit) => call("territory_commune_page", { filter, offset, limit });
/** Départements, EPCIs and communes matching what is typed. @param {string} typed @param {number} limit @returns {Promise<ChoiceHit[]>} */
export const territoryChoices = (typed, limit) => call("territory_choices", { typed, limit });
/** @typedef {import("../../bindings/CommuneHit").CommuneHit} CommuneHit */
/** A record's commune picker: communes of the list, the territory's départements first. @param {string} typed @param {number} limit @returns {Promise<CommuneHit[]>} */
export const findCommunes = (typed, limit) => call("find_communes", { typed, limit });
/** @typedef {import("../../bindings/UnplacedPage").UnplacedPage} UnplacedPage */
/** The actors' written communes the list does not place. @param {number} offset @param {number} limit @returns {Promise<UnplacedPage>} */
export const unplacedCommunes = (offset, limit) => call("unplaced_communes", { offset, limit });
/** Places every actor of a written commune. @param {string} written @param {string} insee @returns {Promise<number>} */
export const placeWrittenCommune = (written, insee) => call("place_written_commune", { written, insee });
/** @typedef {import("../../bindings/MapFrame").MapFrame} MapFrame */
/** A commune's shape as the window reads it (`mapShapes`). @typedef {{insee: string, name: string, polygons: Int32Array[][]}} MapShape */
/** @typedef {import("../../bindings/MapQuery").MapQuery} MapQuery */
/** @typedef {import("../../bindings/MapValues").MapValues} MapValues */
/** @typedef {import("../../bindings/MapMeasure").MapMeasure} MapMeasure */
/** @typedef {import("../../bindings/CommuneCard").CommuneCard} CommuneCard */
/** @typedef {import("../../bindings/FiguresPage").FiguresPage} FiguresPage */
/** @typedef {import("../../bindings/FiguresSort").FiguresSort} FiguresSort */
/** @typedef {import("../../bindings/FiguresRow").FiguresRow} FiguresRow */
/** @typedef {import("../../bindings/ContoursPreview").ContoursPreview} ContoursPreview */
/** Where the territory lies. @returns {Promise<MapFrame>} */
export const mapFrame = () => call("map_frame");
/**
 * A page of the territory's communes' shapes. They come as bytes (`Store::map_shapes_bytes`
 * says their layout), each ring read into an Int32Array of `x, y` metres.
 * @param {number} offset @param {number} limit
 * @returns {Promise<MapShape[]>}
 */
export async function mapShapes(offset, limit) {
  const buffer = /** @type {ArrayBuffer} */ (await call("map_shapes", { offset, limit }));
  return decodeShapes(buffer);
}

/**
 * The shapes of `Store::map_shapes_bytes`.
 * @param {ArrayBuffer} buffer
 * @returns {MapShape[]}
 */
export function decodeShapes(buffer) {
  const v = new DataView(buffer);
  const bytes = new Uint8Array(buffer);
  const text = new TextDecoder();
  if (text.decode(bytes.subarray(0, 4)) !== "CSHP") throw toPayload({ kind: "internal", message: t("error.internal", { detail: "map_shapes" }) });
  let at = 4;
  const u32 = () => { const x = v.getUint32(at, true); at += 4; return x; };
  const out = [];
  for (let n = u32(); n > 0; n -= 1) {
    const insee = text.decode(bytes.subarray(at, at + 5)).trim();
    at += 5;
    const len = v.getUint16(at, true);
    at += 2;
    const name = text.decode(bytes.subarray(at, at + len));
    at += len;
    const polygons = [];
    for (let p = u32(); p > 0; p -= 1) {
      const rings = [];
      for (let r = u32(); r > 0; r -= 1) {
        const ring = new Int32Array(u32() * 2);
        for (let i = 0; i < ring.length; i += 1) { ring[i] = v.getInt32(at, true); at += 4; }
        rings.push(ring);
      }
      polygons.push(rings);
    }
    out.push({ insee, name, polygons });
  }
  return out;
}
/** A measure over the territory's communes. @param {MapQuery} query @returns {Promise<MapValues>} */
export const mapValues = (query) => call("map_values", { query });
/** A commune's card. @param {string} insee @returns {Promise<CommuneCard>} */
export const communeCard = (insee) => call("commune_card", { insee });
/**
 * A page of the communes in figures.
 * @param {MapQuery} query @param {FiguresSort} sort @param {boolean} descending @param {boolean} neverMetOnly @param {number} offset @param {number} limit
 * @returns {Promise<FiguresPage>}
 */
export const communeFiguresPage = (query, sort, descending, neverMetOnly, offset, limit) =>
  call("commune_figures_page", { query, sort, descending, neverMetOnly, offset, limit });
/** Asks for a contours file. @param {string} title @param {string} filterName @returns {Promise<string|null>} */
export const pickContoursFile = (title, filterName) => call("pick_contours_file", { title, filterName });
/** What importing the picked contours would do (progress, cancellable). @param {string|null} codeProperty @param {Job} job @returns {Promise<ContoursPreview>} */
export const contoursPreview = (codeProperty, job) => call("contours_preview", { codeProperty, onProgress: job.channel });
/** Writes the contours previewed (progress, cancellable). @param {string|null} codeProperty @param {Job} job @returns {Promise<number>} */
export const contoursCommit = (codeProperty, job) => call("contours_commit", { codeProperty, onProgress: job.channel });
/**
 * Saves the communes in figures (only those never met when asked) where the user says.
 * @param {MapQuery} query @param {boolean} neverMetOnly @param {string} title @returns {Promise<FileDone|null>}
 */
export const exportCommunes = (query, neverMetOnly, title) => call("export_communes", { query, neverMetOnly, title });
/** Saves the map as SVG or PNG where the user says. @param {MapQuery} query @param {boolean} png @param {string} title @returns {Promise<FileDone|null>} */
export const exportMap = (query, png, title) => call("export_map", { query, png, title });
/** Forgets the contours file. @returns {Promise<void>} */
export const discardContours = () => call("discard_contours");

/** @typedef {import("../../bindings/ActorListQuery").ActorListQuery} ActorListQuery */
/** @typedef {import("../../bindings/ActorListPage").ActorListPage} ActorListPage */
/** @typedef {import("../../bindings/ActorChoice").ActorChoice} ActorChoice */
/** @typedef {import("../../bindings/ActorSort").ActorSort} ActorSort */
/** One page of the actors list, filtered and sorted in Rust. @param {ActorListQuery} query @returns {Promise<ActorListPage>} */
export const actorPage = (query) => call("actor_page", { query });
/** Actors for a picker. @param {string} typed @param {number} limit @returns {Promise<ActorChoice[]>} */
export const findActors = (typed, limit) => call("find_actors", { typed, limit });
/** The named actors (at most 500). @param {number[]} ids @returns {Promise<ActorChoice[]>} */
export const actorChoices = (ids) => call("actor_choices", { ids });
/** @param {ActorInput} input @returns {Promise<Actor>} */
export const createActor = (input) => call("create_actor", { input });
/** @param {number} id @param {ActorInput} input @returns {Promise<Actor>} */
export const updateActor = (id, input) => call("update_actor", { id, input });
/** Deletes an actor; « Annuler » undoes the change set it made. @param {number} id @returns {Promise<Deleted>} */
export const deleteActor = (id) => call("delete_actor", { id });
/** @param {number} id @returns {Promise<DeleteImpact>} */
export const actorDeleteImpact = (id) => call("actor_delete_impact", { id });

/** @param {string} language @returns {Promise<string>} */
export const setLanguage = (language) => call("set_language", { language });
/** @param {string} name @returns {Promise<string>} */
export const setDisplayName = (name) => call("set_display_name", { name });

// ----- Projet de territoire: needs, axes, actions, funding, indicators -----
/**  @returns {Promise<Need[]>} */
export const listNeeds = () => call("list_needs");
/** @param {NeedInput} input @returns {Promise<Need>} */
export const createNeed = (input) => call("create_need", { input });
/** @param {number} id @param {NeedInput} input @returns {Promise<Need>} */
export const updateNeed = (id, input) => call("update_need", { id, input });
/** @param {number} id @param {number} index @returns {Promise<Need[]>} */
export const moveNeed = (id, index) => call("move_need", { id, index });
/** @param {number} id @returns {Promise<DeleteImpact>} */
export const needDeleteImpact = (id) => call("need_delete_impact", { id });
/** @param {number} id @returns {Promise<void>} */
export const deleteNeed = (id) => call("delete_need", { id });
/**  @returns {Promise<Axis[]>} */
export const listAxes = () => call("list_axes");
/** @param {AxisInput} input @returns {Promise<Axis>} */
export const createAxis = (input) => call("create_axis", { input });
/** @param {number} id @param {AxisInput} input @returns {Promise<Axis>} */
export const updateAxis = (id, input) => call("update_axis", { id, input });
/** @param {number} id @param {number} index @returns {Promise<Axis[]>} */
export const moveAxis = (id, index) => call("move_axis", { id, index });
/** @param {number} id @returns {Promise<DeleteImpact>} */
export const axisDeleteImpact = (id) => call("axis_delete_impact", { id });
/** @param {number} id @returns {Promise<void>} */
export const deleteAxis = (id) => call("delete_axis", { id });
/** @typedef {import("../../bindings/ActionListQuery").ActionListQuery} ActionListQuery */
/** @typedef {import("../../bindings/ActionListPage").ActionListPage} ActionListPage */
/** @typedef {import("../../bindings/ActionRow").ActionRow} ActionRow */
/** @typedef {import("../../bindings/ActionSort").ActionSort} ActionSort */
/** @typedef {import("../../bindings/AxisActionCount").AxisActionCount} AxisActionCount */
/** @typedef {import("../../bindings/RecordChoice").RecordChoice} RecordChoice */
/** One page of the actions, filtered and sorted in Rust. @param {ActionListQuery} query @returns {Promise<ActionListPage>} */
export const actionPage = (query) => call("action_page", { query });
/** @param {number} id @returns {Promise<Action>} */
export const getAction = (id) => call("get_action", { id });
/** How many actions each axis holds. @returns {Promise<AxisActionCount[]>} */
export const axisActionCounts = () => call("axis_action_counts");
/** Actions for a picker. @param {string} typed @param {number} limit @returns {Promise<RecordChoice[]>} */
export const findActions = (typed, limit) => call("find_actions", { typed, limit });
/** The named actions (at most 500). @param {number[]} ids @returns {Promise<RecordChoice[]>} */
export const actionChoices = (ids) => call("action_choices", { ids });
/** @param {ActionInput} input @returns {Promise<Action>} */
export const createAction = (input) => call("create_action", { input });
/** @param {number} id @param {ActionInput} input @returns {Promise<Action>} */
export const updateAction = (id, input) => call("update_action", { id, input });
/** @param {number} id @returns {Promise<DeleteImpact>} */
export const actionDeleteImpact = (id) => call("action_delete_impact", { id });
/** @param {number} id @returns {Promise<void>} */
export const deleteAction = (id) => call("delete_action", { id });
/** @typedef {import("../../bindings/FundingPage").FundingPage} FundingPage */
/** One page of an action's funding lines. @param {number} actionId @param {number} offset @param {number} limit @returns {Promise<FundingPage>} */
export const fundingPage = (actionId, offset, limit) => call("funding_page", { actionId, offset, limit });
/** @param {number} actionId @param {FundingInput} input @returns {Promise<Funding>} */
export const createFunding = (actionId, input) => call("create_funding", { actionId, input });
/** @param {number} id @param {FundingInput} input @returns {Promise<Funding>} */
export const updateFunding = (id, input) => call("update_funding", { id, input });
/** @param {number} id @returns {Promise<void>} */
export const deleteFunding = (id) => call("delete_funding", { id });
/** @param {number} actionId @returns {Promise<FundingPlan>} */
export const fundingPlan = (actionId) => call("funding_plan", { actionId });
/** @param {number} actionId @returns {Promise<Indicator[]>} */
export const listIndicators = (actionId) => call("list_indicators", { actionId });
/** @param {number} actionId @param {IndicatorInput} input @returns {Promise<Indicator>} */
export const createIndicator = (actionId, input) => call("create_indicator", { actionId, input });
/** @param {number} id @param {IndicatorInput} input @returns {Promise<Indicator>} */
export const updateIndicator = (id, input) => call("update_indicator", { id, input });
/** @param {number} id @returns {Promise<void>} */
export const deleteIndicator = (id) => call("delete_indicator", { id });
/** @returns {Promise<Dashboard>} */
export const dashboard = () => call("dashboard");
/** @param {string} query @returns {Promise<SearchHit[]>} */
export const search = (query) => call("search", { query });

// ----- Network: team, actor card, links, meetings, map, analytics, report -----
/** @typedef {import("../../bindings/Member").Member} Member */
/** @typedef {import("../../bindings/MemberInput").MemberInput} MemberInput */
/** @typedef {import("../../bindings/ActorCard").ActorCard} ActorCard */
/** @typedef {import("../../bindings/ActorProfile").ActorProfile} ActorProfile */
/** @typedef {import("../../bindings/Contact").Contact} Contact */
/** @typedef {import("../../bindings/ContactInput").ContactInput} ContactInput */
/** @typedef {import("../../bindings/Link").Link} Link */
/** @typedef {import("../../bindings/LinkInput").LinkInput} LinkInput */
/** @typedef {import("../../bindings/Meeting").Meeting} Meeting */
/** @typedef {import("../../bindings/MeetingInput").MeetingInput} MeetingInput */
/** @typedef {import("../../bindings/NetworkMap").NetworkMap} NetworkMap */
/** @typedef {import("../../bindings/MatrixActor").MatrixActor} MatrixActor */
/** @typedef {import("../../bindings/InfluenceMatrix").InfluenceMatrix} InfluenceMatrix */
/** @typedef {import("../../bindings/Valorisation").Valorisation} Valorisation */
/** @typedef {import("../../bindings/ExchangeKind").ExchangeKind} ExchangeKind */
/** @typedef {import("../../bindings/ImportPreview").ImportPreview} ImportPreview */
/** @typedef {import("../../bindings/ImportOutcome").ImportOutcome} ImportOutcome */
/** @typedef {import("../../bindings/FileDone").FileDone} FileDone */

/** @returns {Promise<Member[]>} */
export const listMembers = () => call("list_members");
/** @param {MemberInput} input @returns {Promise<Member>} */
export const createMember = (input) => call("create_member", { input });
/** @param {number} id @param {MemberInput} input @returns {Promise<Member>} */
export const updateMember = (id, input) => call("update_member", { id, input });
/** @param {number} id @returns {Promise<void>} */
export const deleteMember = (id) => call("delete_member", { id });
/** @param {number} id @returns {Promise<DeleteImpact>} */
export const memberDeleteImpact = (id) => call("member_delete_impact", { id });
/** @param {number} id @returns {Promise<ActorCard>} */
export const actorCard = (id) => call("actor_card", { id });
/** One page of an actor's links, by the other actor's name. @param {number} id @param {number} offset @param {number} limit @returns {Promise<import("../../bindings/CardLink").CardLink[]>} */
export const cardLinks = (id, offset, limit) => call("card_links", { id, offset, limit });
/** @param {number} id @param {ActorProfile} profile @returns {Promise<ActorProfile>} */
export const updateActorProfile = (id, profile) => call("update_actor_profile", { id, profile });
/** @param {number} actorId @param {ContactInput} input @returns {Promise<Contact>} */
export const createContact = (actorId, input) => call("create_contact", { actorId, input });
/** @param {number} id @param {ContactInput} input @returns {Promise<Contact>} */
export const updateContact = (id, input) => call("update_contact", { id, input });
/** @param {number} id @returns {Promise<void>} */
export const deleteContact = (id) => call("delete_contact", { id });
/** @param {LinkInput} input @returns {Promise<Link>} */
export const createLink = (input) => call("create_link", { input });
/** @param {number} id @param {LinkInput} input @returns {Promise<Link>} */
export const updateLink = (id, input) => call("update_link", { id, input });
/** @param {number} id @returns {Promise<void>} */
export const deleteLink = (id) => call("delete_link", { id });
/** @param {LinkInput[]} links @returns {Promise<number>} */
export const createLinks = (links) => call("create_links", { links });
/** @typedef {import("../../bindings/MeetingListQuery").MeetingListQuery} MeetingListQuery */
/** @typedef {import("../../bindings/MeetingListPage").MeetingListPage} MeetingListPage */
/** @typedef {import("../../bindings/MeetingRow").MeetingRow} MeetingRow */
/** One page of the meetings, most recent first. @param {MeetingListQuery} query @returns {Promise<MeetingListPage>} */
export const meetingPage = (query) => call("meeting_page", { query });
/** @param {MeetingInput} input @returns {Promise<Meeting>} */
export const createMeeting = (input) => call("create_meeting", { input });
/** @param {number} id @param {MeetingInput} input @returns {Promise<Meeting>} */
export const updateMeeting = (id, input) => call("update_meeting", { id, input });
/** @param {number} id @returns {Promise<void>} */
export const deleteMeeting = (id) => call("delete_meeting", { id });
/** @param {number} id @returns {Promise<DeleteImpact>} */
export const meetingDeleteImpact = (id) => call("meeting_delete_impact", { id });
/** @param {number} meetingId @returns {Promise<Array<[number, number]>>} */
export const proposedLinks = (meetingId) => call("proposed_links", { meetingId });
/** The map as last laid out, if any. @returns {Promise<NetworkMap|null>} */
export const networkMap = () => call("network_map");
/** Lays the map out again (progress, cancellable). @param {Job} job @returns {Promise<NetworkMap|null>} */
export const refreshMap = (job) => call("refresh_map", { onProgress: job.channel });
/** The last analysis kept, if any. @returns {Promise<NetworkSummary|null>} */
export const networkOverview = () => call("network_overview");
/** @typedef {import("../../bindings/NetworkSummary").NetworkSummary} NetworkSummary */
/** @typedef {import("../../bindings/BrokerRow").BrokerRow} BrokerRow */
/** @typedef {import("../../bindings/NamedActor").NamedActor} NamedActor */
/** Analyses the network again (progress, cancellable). @param {Job} job @returns {Promise<NetworkSummary|null>} */
export const refreshNetwork = (job) => call("refresh_network", { onProgress: job.channel });
/** @param {number} offset @param {number} limit @returns {Promise<BrokerRow[]>} */
export const networkBrokers = (offset, limit) => call("network_brokers", { offset, limit });
/** @param {number} offset @param {number} limit @returns {Promise<NamedActor[]>} */
export const networkIsolated = (offset, limit) => call("network_isolated", { offset, limit });
/** @param {number} from @param {number} to @returns {Promise<NamedActor[]|null>} */
export const introductionPath = (from, to) => call("introduction_path", { from, to });
/** Every cell's count, with the first actors of each. @returns {Promise<InfluenceMatrix>} */
export const influenceMatrix = () => call("influence_matrix");
/** @param {string|null} from @param {string|null} to @returns {Promise<Valorisation>} */
export const valorisation = (from, to) => call("valorisation", { from, to });

// ----- Import and export (paths stay in Rust: the dialogs choose them) -----
/** @param {string} title @param {string} filterName @returns {Promise<string|null>} */
export const pickImportFile = (title, filterName) => call("pick_import_file", { title, filterName });
/** @param {ExchangeKind} kind @returns {Promise<ImportPreview>} */
export const importPreview = (kind, job) => call("import_preview", { kind, onProgress: job.channel });
/** @param {ExchangeKind} kind @param {boolean} keepDuplicates @returns {Promise<ImportOutcome>} */
export const importCommit = (kind, keepDuplicates, job) =>
  call("import_commit", { kind, keepDuplicates, onProgress: job.channel });
/** Forgets the file the import preview checked (the user closed the preview). */
export const discardImport = () => call("discard_import");
/**
 * Asks where to save, then exports (progress, cancellable).
 * @param {ExchangeKind} kind @param {string} title @param {string} fileNameHint @param {Job} job
 * @returns {Promise<FileDone|null>}
 */
export const exportData = (kind, title, fileNameHint, job) =>
  call("export_data", { kind, title, fileNameHint, onProgress: job.channel });
/**
 * @param {string|null} from @param {string|null} to @param {string} title @param {string} fileNameHint
 * @returns {Promise<FileDone|null>}
 */
export const exportValorisation = (from, to, title, fileNameHint) =>
  call("export_valorisation", { from, to, title, fileNameHint });

// ----- Competence grid -----
/** @typedef {import("../../bindings/GridReference").GridReference} GridReference */
/** @typedef {import("../../bindings/Assessment").Assessment} Assessment */
/** @typedef {import("../../bindings/AssessmentInput").AssessmentInput} AssessmentInput */
/** @typedef {import("../../bindings/EvidenceSuggestion").EvidenceSuggestion} EvidenceSuggestion */
/** @typedef {import("../../bindings/TeamGrid").TeamGrid} TeamGrid */
/** @typedef {import("../../bindings/DevelopmentPlan").DevelopmentPlan} DevelopmentPlan */

/** @returns {Promise<GridReference>} */
export const gridReference = () => call("grid_reference");
/** @param {number} memberId @returns {Promise<Assessment[]>} */
export const listAssessments = (memberId) => call("list_assessments", { memberId });
/** @param {AssessmentInput} input @returns {Promise<Assessment>} */
export const createAssessment = (input) => call("create_assessment", { input });
/** @param {number} id @param {AssessmentInput} input @returns {Promise<Assessment>} */
export const updateAssessment = (id, input) => call("update_assessment", { id, input });
/** @param {number} id @returns {Promise<void>} */
export const deleteAssessment = (id) => call("delete_assessment", { id });
/** @param {number} memberId @returns {Promise<EvidenceSuggestion[]>} */
export const suggestEvidence = (memberId) => call("suggest_evidence", { memberId });
/** @returns {Promise<TeamGrid>} */
export const teamGrid = () => call("team_grid");
/** @param {number} memberId @returns {Promise<DevelopmentPlan>} */
export const developmentPlan = (memberId) => call("development_plan", { memberId });
/** @param {DevelopmentPlan} plan @returns {Promise<DevelopmentPlan>} */
export const saveDevelopmentPlan = (plan) => call("save_development_plan", { plan });
/** @param {string} title @param {string} fileNameHint @returns {Promise<FileDone|null>} */
export const exportTeamGrid = (title, fileNameHint) => call("export_team_grid", { title, fileNameHint });
/** @param {number} memberId @param {string} title @param {string} fileNameHint @returns {Promise<FileDone|null>} */
export const exportMemberSheet = (memberId, title, fileNameHint) =>
  call("export_member_sheet", { memberId, title, fileNameHint });

// ----- Decision notes -----
/** @typedef {import("../../bindings/DecisionNote").DecisionNote} DecisionNote */
/** @typedef {import("../../bindings/NoteInput").NoteInput} NoteInput */
/** @typedef {import("../../bindings/NoteSummary").NoteSummary} NoteSummary */
/** @typedef {import("../../bindings/NoteVersion").NoteVersion} NoteVersion */
/** @typedef {import("../../bindings/SectionChange").SectionChange} SectionChange */

/** @typedef {import("../../bindings/NoteListQuery").NoteListQuery} NoteListQuery */
/** @typedef {import("../../bindings/NoteListPage").NoteListPage} NoteListPage */
/** @typedef {import("../../bindings/NoteStatus").NoteStatus} NoteStatus */
/** One page of the notes, next meetings first. @param {NoteListQuery} query @returns {Promise<NoteListPage>} */
export const notePage = (query) => call("note_page", { query });
/** @param {number} id @returns {Promise<DecisionNote>} */
export const getNote = (id) => call("get_note", { id });
/** @param {NoteInput} input @returns {Promise<DecisionNote>} */
export const createNote = (input) => call("create_note", { input });
/** @param {number} id @param {NoteInput} input @returns {Promise<DecisionNote>} */
export const updateNote = (id, input) => call("update_note", { id, input });
/** @param {number} id @param {NoteStatus} status @returns {Promise<DecisionNote>} */
export const setNoteStatus = (id, status) => call("set_note_status", { id, status });
/** @param {number} id @returns {Promise<void>} */
export const deleteNote = (id) => call("delete_note", { id });
/** @param {number} id @returns {Promise<NoteVersion[]>} */
export const noteVersions = (id) => call("note_versions", { id });
/** @param {number} id @param {number} number @returns {Promise<DecisionNote>} */
export const noteVersion = (id, number) => call("note_version", { id, number });
/** @param {number} id @param {number} number @returns {Promise<DecisionNote>} */
export const restoreNoteVersion = (id, number) => call("restore_note_version", { id, number });
/** @param {number} id @returns {Promise<SectionChange[]>} */
export const refreshPreview = (id) => call("refresh_preview", { id });
/** @param {number} id @param {string[]} take @returns {Promise<DecisionNote>} */
export const applyRefresh = (id, take) => call("apply_refresh", { id, take });
/** @param {number} id @param {string} title @param {string} fileNameHint @returns {Promise<FileDone|null>} */
export const exportNote = (id, title, fileNameHint) => call("export_note", { id, title, fileNameHint });
/** @typedef {import("../../bindings/LogoInfo").LogoInfo} LogoInfo */
/** @returns {Promise<LogoInfo|null>} */
export const noteLogo = () => call("note_logo");
/** Asks for a PNG or JPEG picture and makes it the header logo. @param {string} title @returns {Promise<LogoInfo|null>} */
export const pickNoteLogo = (title) => call("pick_note_logo", { title });
/** @returns {Promise<void>} */
export const removeNoteLogo = () => call("remove_note_logo");

// ----- Backups -----
/** @typedef {import("../../bindings/BackupInfo").BackupInfo} BackupInfo */
/** @typedef {import("../../bindings/BackupList").BackupList} BackupList */
/** @typedef {import("../../bindings/RestoreDone").RestoreDone} RestoreDone */
/** @returns {Promise<BackupList>} */
export const listBackups = () => call("list_backups");
/** Makes a backup now (progress, cancellable); returns its file name. @param {Job} job @returns {Promise<string>} */
export const backupNow = (job) => call("backup_now", { onProgress: job.channel });
/**
 * Restores a backup (by file name) over the open workspace or into a file chosen in a dialog
 * (progress, cancellable).
 * @param {string} fileName @param {boolean} replace @param {string} title @param {Job} job
 * @returns {Promise<RestoreDone|null>}
 */
export const restoreBackup = (fileName, replace, title, job) =>
  call("restore_backup", { fileName, replace, title, onProgress: job.channel });
/**
 * Exports the whole workspace as JSON (save dialog; progress, cancellable); the file name, or
 * null if the dialog was cancelled. @param {string} title @param {Job} job @returns {Promise<string|null>}
 */
export const exportWorkspaceJson = (title, job) =>
  call("export_workspace_json", { title, onProgress: job.channel });
/**
 * Imports a whole-workspace JSON export into a new file (two dialogs; progress, cancellable)
 * and opens it.
 * @param {string} pickTitle @param {string} saveTitle @param {Job} job @returns {Promise<WorkspaceInfo|null>}
 */
export const importWorkspaceJson = (pickTitle, saveTitle, job) =>
  call("import_workspace_json", { pickTitle, saveTitle, onProgress: job.channel });
/** @typedef {import("../../bindings/Person").Person} Person */
/** @typedef {import("../../bindings/ErasureSummary").ErasureSummary} ErasureSummary */
/** RGPD: writes a person's data as JSON (save dialog). @param {Person} person @param {string} title @param {string} fileNameHint @returns {Promise<string|null>} */
export const exportPerson = (person, title, fileNameHint) => call("export_person", { person, title, fileNameHint });
/** RGPD: erases a contact, or anonymises a team member, everywhere. @param {Person} person @returns {Promise<ErasureSummary>} */
export const erasePerson = (person) => call("erase_person", { person });
/** @typedef {import("../../bindings/ErasedPerson").ErasedPerson} ErasedPerson */
/** @typedef {import("../../bindings/BackupsErasure").BackupsErasure} BackupsErasure */
/** RGPD: the workspace's backups that hold an erased person rewritten without them (or deleted). @param {ErasedPerson} person @returns {Promise<BackupsErasure>} */
export const erasePersonFromBackups = (person) => call("erase_person_from_backups", { person });

// ----- History of changes -----
/** @typedef {import("../../bindings/HistoryQuery").HistoryQuery} HistoryQuery */
/** @typedef {import("../../bindings/HistoryPage").HistoryPage} HistoryPage */
/** @typedef {import("../../bindings/ChangeSetDetail").ChangeSetDetail} ChangeSetDetail */
/** @typedef {import("../../bindings/UndoOutcome").UndoOutcome} UndoOutcome */
/** A page of change sets, newest first. @param {HistoryQuery} query @returns {Promise<HistoryPage>} */
export const history = (query) => call("history", { query });
/** A page of one record's history. @param {string} table @param {number} id @param {HistoryQuery} query @returns {Promise<HistoryPage>} */
export const recordHistory = (table, id, query) => call("record_history", { table, id, query });
/** A change set and its first `limit` changes (500 at most). @param {number} id @param {number} [limit] @returns {Promise<ChangeSetDetail>} */
export const changeSetDetail = (id, limit) => call("change_set_detail", { id, limit: limit ?? null });
/** Who made changes (the Journal's filter). @returns {Promise<string[]>} */
export const historyAuthors = () => call("history_authors");
/** Undoes a change set, or names the changes in the way. @param {number} id @returns {Promise<UndoOutcome>} */
export const undoChangeSet = (id) => call("undo_change_set", { id });

// ----- Team sharing -----
/** @typedef {import("../../bindings/ShareState").ShareState} ShareState */
/** @typedef {import("../../bindings/DeviceState").DeviceState} DeviceState */
/** @typedef {import("../../bindings/SyncReport").SyncReport} SyncReport */
/** @typedef {import("../../bindings/Conflict").Conflict} Conflict */
/** @typedef {import("../../bindings/Resolution").Resolution} Resolution */
/** @typedef {import("../../bindings/Space").Space} Space */
/** @typedef {import("../../bindings/CompactReport").CompactReport} CompactReport */
/** The sharing of the open workspace. @returns {Promise<ShareState>} */
export const shareState = () => call("share_state");
/** Shares the open workspace through a folder picked in the native dialog (null if cancelled). @param {string} title @param {string} name @returns {Promise<Space|null>} */
export const shareInit = (title, name) => call("share_init", { title, name });
/** Joins the space of a folder picked in the native dialog and opens it (null if cancelled). @param {string} title @param {string} name @returns {Promise<WorkspaceInfo|null>} */
export const shareJoin = (title, name) => call("share_join", { title, name });
/** One exchange with the shared folder. @returns {Promise<SyncReport>} */
export const syncNow = () => call("sync_now");
/**
 * Watches the open workspace's shared folder: `onNews` is called, once per burst, when
 * another laptop's file may have arrived. False when nothing is watched (polling alone).
 * @param {() => void} onNews @returns {Promise<boolean>}
 */
export function watchSharedFolder(onNews) {
  const tauri = /** @type {any} */ (window).__TAURI__;
  const channel = new tauri.core.Channel();
  channel.onmessage = () => onNews();
  return call("watch_shared_folder", { channel });
}
/** Folds the files every laptop has received into a new snapshot of the shared folder. @returns {Promise<CompactReport>} */
export const shareCompact = () => call("share_compact");
/** Drops a laptop that stopped syncing from the team. @param {string} device @returns {Promise<void>} */
export const shareDropDevice = (device) => call("share_drop_device", { device });
/** A page of the conflict inbox. @param {number} offset @param {number} limit @returns {Promise<Conflict[]>} */
export const conflicts = (offset, limit) => call("conflicts", { offset, limit });
/** Resolves an entry of the inbox (a change that travels). @param {number} id @param {Resolution} how @returns {Promise<void>} */
export const resolveConflict = (id, how) => call("resolve_conflict", { id, how });
// ----- The organisation's server (the hub) -----
/** @typedef {import("../../bindings/ServerForm").ServerForm} ServerForm */
/** @typedef {import("../../bindings/ServerCheck").ServerCheck} ServerCheck */
/** @typedef {import("../../bindings/MoveSummary").MoveSummary} MoveSummary */
/** @typedef {import("../../bindings/Moved").Moved} Moved */
/** Tests a connection to the server (what failed, said precisely); the password is kept in the keyring once accepted. @param {ServerForm} form @returns {Promise<ServerCheck>} */
export const hubCheck = (form) => call("hub_check", { form });
/** Shares the open workspace through the server. @param {ServerForm} form @param {string} name @returns {Promise<Space>} */
export const shareInitServer = (form, name) => call("share_init_server", { form, name });
/** Joins a team of the server and opens this laptop's workspace of it. @param {ServerForm} form @param {string} team @param {string} name @returns {Promise<WorkspaceInfo>} */
export const shareJoinServer = (form, team, name) => call("share_join_server", { form, team, name });
/** Moves the open workspace's team from its folder to the server (or follows it there). @param {ServerForm} form @returns {Promise<MoveSummary>} */
export const shareMoveServer = (form) => call("share_move_server", { form });
/** Keeps the password of the open workspace's server in the keyring, once the server accepts it. @param {string} password @returns {Promise<void>} */
export const hubRememberPassword = (password) => call("hub_remember_password", { password });
/** Asks for a certificate authority file (null if cancelled). @param {string} title @returns {Promise<string|null>} */
export const pickCertificate = (title) => call("pick_certificate", { title });
/** @typedef {import("../../bindings/Invariant").Invariant} Invariant */
/** @typedef {import("../../bindings/InvariantRecord").InvariantRecord} InvariantRecord */
/** A page of the broken invariants the inbox lists. @param {number} offset @param {number} limit @returns {Promise<Invariant[]>} */
export const invariants = (offset, limit) => call("invariants", { offset, limit });
/** « Fusionner ces deux acteurs »: `other` into `keep` (its change set, for « Annuler »). @param {number} keep @param {number} other @returns {Promise<number|null>} */
export const mergeActors = (keep, other) => call("merge_actors", { keep, other });
/** « Laisser tel quel » (a record that travels). @param {string} kind @param {string} key @returns {Promise<void>} */
export const acceptInvariant = (kind, key) => call("accept_invariant", { kind, key });
/** « Remettre en ordre ». @param {string} key @returns {Promise<void>} */
export const reorderSiblings = (key) => call("reorder_siblings", { key });
