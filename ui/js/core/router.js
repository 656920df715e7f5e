// The workspace's sections, by name. Each section registers how it draws itself, and every
// move from one section to another goes through `navigate`: a screen never imports the module
// of the screen it opens, so screens do not import one another in circles.

/**
 * What a section opens on arrival: an actor's card, an action's page, a note's editor.
 * @typedef {{actor?: number, action?: number, note?: number}} Target
 */
/** @typedef {(container: HTMLElement, target: Target) => Promise<unknown>|unknown} Draw */

/** @type {Map<string, Draw>} */
const sections = new Map();
/** @type {(section: string, target: Target) => void} */
let go = () => {};

/** Registers a section. @param {string} name @param {Draw} draw */
export function register(name, draw) {
  if (sections.has(name)) throw new Error(`section ${name} registered twice`);
  sections.set(name, draw);
}

/** Draws a registered section into `container`. @param {string} name @param {HTMLElement} container @param {Target} target */
export async function drawSection(name, container, target) {
  const draw = sections.get(name);
  if (!draw) throw new Error(`unknown section ${name}`);
  await draw(container, target);
}

/** Whether a section is registered. @param {string} name */
export function isSection(name) { return sections.has(name); }

/** Sets what `navigate` does (the workspace screen). @param {(section: string, target: Target) => void} fn */
export function setNavigator(fn) { go = fn; }

/** Shows a section, opened on `target`. @param {string} section @param {Target} [target] */
export function navigate(section, target = {}) { go(section, target); }

/**
 * What the screen shown asks before the user leaves it for another workspace (the note
 * editor, about its unsaved text): resolves to whether they may go.
 * @type {() => Promise<boolean>}
 */
let leaveGuard = async () => true;

/** Sets what the screen shown asks before it is left. @param {() => Promise<boolean>} fn */
export function setLeaveGuard(fn) { leaveGuard = fn; }

/** Whether the user may leave the screen shown (asked if it holds unsaved changes). */
export function mayLeave() { return leaveGuard(); }
