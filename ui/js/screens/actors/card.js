// The actor card ("fiche repères"): identity, profile, contacts, and what the workspace says
// about the actor (links and who introduced them, meetings, actions, funding given,
// introductions it made). Also the link form, shared with the map.
import { h, replace, fold } from "../../core/dom.js";
import { t, label, formatDate, formatNumber, compare, formatMoney } from "../../core/i18n.js";
import { formDialog, confirmDialog, toast, showError } from "../../core/dialogs.js";
import { rgpdDialog } from "../safety/rgpd.js";
import { historyButton } from "../history/history.js";
import * as ipc from "../../core/ipc.js";
import { actorChoice, searchActors } from "../../core/picker.js";
import { LinkNature as NATURES } from "../../../bindings/codes.js";

/** @typedef {import("../../core/ipc.js").ActorCard} ActorCard */
/** @typedef {import("../../core/ipc.js").Link} Link */
/** @typedef {import("../../core/ipc.js").Actor} Actor */

const SCORES = ["1", "2", "3", "4", "5"];

/**
 * @typedef {Object} CardContext
 * @property {() => void} onBack back to the list
 * @property {(id: number) => void} openActor opens another actor's card
 * @property {(id: number) => void} openAction opens an action's page
 * @property {(a: Actor) => void} editActor opens the actor form
 */

/** @type {HTMLElement|null} */ let root = null;
/** @type {number|null} */ let currentId = null;
/** @type {CardContext|null} */ let ctx = null;

/** Loads and draws one actor's card into `container`. */
export async function renderCard(container, id, context) {
  root = container;
  currentId = id;
  ctx = context;
  await refresh();
}

async function refresh() {
  if (!root || currentId === null || !ctx) return;
  const card = await ipc.actorCard(currentId);
  replace(root, cardPage(card, ctx));
  document.getElementById("card-title")?.focus();
}

/** Reloads the card on screen (after a change made elsewhere, e.g. the actor form). */
export function refreshCard() { refresh().catch(showError); }

// An undo from a history: the open card read again.
document.addEventListener("catalyse:undone", () => { if (document.getElementById("card-title")) refreshCard(); });

const section = (id, title, count, addButton, body) =>
  h("section", { class: "card", id, attrs: { "aria-labelledby": `${id}-title` } },
    h("div", { class: "section-head" },
      h("h2", { id: `${id}-title` }, title, count === null ? null : h("span", { class: "count-badge", text: formatNumber(count) })),
      addButton),
    body);

const emptyLine = (text) => h("p", { class: "muted", text });

/** @param {ActorCard} card @param {CardContext} c */
function cardPage(card, c) {
  const a = card.actor;
  const p = card.profile;
  const score = (v) => (v === null ? t("card.not_assessed") : t("card.score", { value: v }));
  const introducers = card.introduced;
  return h("div", { class: "stack actor-card", id: "actor-card", attrs: { "data-actor-id": a.id } },
    h("div", {}, h("button", { type: "button", class: "btn small", id: "card-back", text: t("card.back"), on: { click: c.onBack } })),
    h("section", { class: "card", attrs: { "aria-labelledby": "card-title" } },
      h("div", { class: "project-top" },
        h("div", {},
          h("p", { class: "eyebrow", text: t("card.eyebrow") }),
          h("h1", { id: "card-title", tabIndex: -1, text: a.name }),
          h("p", {},
            h("span", { class: `world world-${a.world}`, text: label("world", a.world) }), " ",
            a.commune ? h("span", { class: "muted", text: ` · ${a.commune} · ` }) : " · ",
            h("span", { class: `engagement engagement-${a.engagement}`, text: label("engagement", a.engagement) }))),
        h("div", { class: "toolbar" },
          h("button", { type: "button", class: "btn", id: "card-edit", text: t("card.edit_identity"), on: { click: () => c.editActor(a) } }),
          h("button", { type: "button", class: "btn", id: "card-edit-profile", text: t("card.edit_profile"), on: { click: () => profileForm(card) } }),
          historyButton("actor", a.id, a.name, "card-history"))),
      h("dl", { class: "project-facts" },
        h("div", {}, h("dt", { text: t("card.influence") }), h("dd", { id: "card-influence", text: score(p.influence) })),
        h("div", {}, h("dt", { text: t("card.interest") }), h("dd", { id: "card-interest", text: score(p.interest) })),
        h("div", {}, h("dt", { text: t("card.links_count") }), h("dd", { text: formatNumber(card.links_total) })),
        h("div", {}, h("dt", { text: t("card.meetings_count") }), h("dd", { text: formatNumber(card.meetings_total) }))),
      h("div", { class: "card-columns" },
        h("div", {}, h("h2", { class: "small-heading", text: t("card.needs") }),
          p.needs ? h("p", { class: "pre", text: p.needs }) : emptyLine(t("card.none"))),
        h("div", {}, h("h2", { class: "small-heading", text: t("card.contributions") }),
          p.contributions ? h("p", { class: "pre", text: p.contributions }) : emptyLine(t("card.none")))),
      p.tags.length ? h("ul", { class: "tags", attrs: { "aria-label": t("card.tags") } }, p.tags.map((tag) => h("li", { class: "tag", text: tag }))) : null,
      a.notes ? h("div", {}, h("h2", { class: "small-heading", text: t("actors.notes") }), h("p", { class: "pre", text: a.notes })) : null),

    section("card-contacts", t("card.contacts"), card.contacts.length,
      h("button", { type: "button", class: "btn", id: "add-contact", text: t("card.add_contact"), on: { click: () => contactForm(a.id, null) } }),
      card.contacts.length === 0 ? emptyLine(t("card.no_contacts")) :
        h("table", { class: "data compact" },
          h("thead", {}, h("tr", {}, ["name", "role", "email", "phone"].map((k) => h("th", { scope: "col", text: t(`contact.${k}`) })),
            h("th", { scope: "col", class: "col-actions" }, h("span", { class: "visually-hidden", text: t("actors.col.actions") })))),
          h("tbody", {}, card.contacts.map((ct) => h("tr", {},
            h("th", { scope: "row", text: ct.name }), h("td", { text: ct.role }), h("td", { text: ct.email }), h("td", { class: "nowrap", text: ct.phone }),
            h("td", { class: "col-actions" },
              h("button", { type: "button", class: "btn small", text: t("actors.edit"), attrs: { "aria-label": t("card.edit_named", { name: ct.name }) },
                on: { click: () => contactForm(a.id, ct) } }),
              h("button", { type: "button", class: "btn small", text: t("rgpd.button"), attrs: { "aria-label": t("rgpd.button_named", { name: ct.name }) },
                on: { click: () => rgpdDialog({ kind: "contact", id: ct.id }, ct.name, refresh) } }),
              h("button", { type: "button", class: "btn small danger-outline", text: t("actors.delete"), attrs: { "aria-label": t("card.delete_named", { name: ct.name }) },
                on: { click: () => removeContact(ct) } }))))))),

    section("card-links", t("card.links"), card.links_total,
      h("button", { type: "button", class: "btn primary", id: "add-link", text: t("links.add"), on: { click: () => linkForm(a.id, null, refresh) } }),
      card.links_total === 0 ? emptyLine(t("card.no_links")) : linksTable(card, c)),

    h("div", { class: "dash-grid" },
      section("card-meetings", t("card.meetings"), card.meetings_total, null,
        card.meetings.length === 0 ? emptyLine(t("card.no_meetings")) : [
          h("ul", { class: "deadlines" }, card.meetings.map((m) => h("li", {},
            h("span", { class: "deadline-date", text: formatDate(m.date) }),
            h("span", {}, m.title, h("span", { class: "muted small", text: ` — ${label("meeting_kind", m.kind)}` }))))),
          partial(card.meetings.length, card.meetings_total, "card.meetings_partial")]),
      section("card-actions", t("card.actions"), card.actions_total, null,
        card.actions.length === 0 ? emptyLine(t("card.no_actions")) : [
          h("ul", { class: "plain-list" }, card.actions.map((x) => h("li", {},
            h("button", { type: "button", class: "link", text: x.title, on: { click: () => c.openAction(x.id) } }),
            h("span", { class: "muted small", text: ` — ${x.lead ? t("card.lead") : (x.role || t("card.partner"))}` })))),
          partial(card.actions.length, card.actions_total, "card.actions_partial")]),
      section("card-fundings", t("card.fundings"), card.fundings_total, null,
        card.fundings.length === 0 ? emptyLine(t("card.no_fundings")) :
          h("table", { class: "data compact" },
            h("thead", {}, h("tr", {}, h("th", { scope: "col", text: t("card.funding_action") }), h("th", { scope: "col", class: "num", text: t("card.funding_amount") }), h("th", { scope: "col", text: t("card.funding_status") }))),
            h("tbody", {}, card.fundings.map((f) => h("tr", {},
              h("td", {}, f.action_title, f.scheme ? h("span", { class: "muted small", text: ` (${f.scheme})` }) : null),
              h("td", { class: "num", text: formatMoney(f.amount_cents) }),
              h("td", {}, h("span", { class: `fstatus fstatus-${f.status}`, text: label("funding_status", f.status) }))))))),
      section("card-introductions", t("card.introductions"), card.introductions_total + card.introduced_total, null,
        h("div", {},
          h("h3", { class: "small-heading", text: t("card.introduced_by_others") }),
          introducers.length === 0 ? emptyLine(t("card.none")) :
            h("ul", { class: "plain-list", id: "card-introduced" }, introducers.map((l) => h("li", {
              text: t("card.introduced_line", { who: l.introducer_name ?? "", other: l.other_name }) }))),
          partial(introducers.length, card.introduced_total, "card.list_partial"),
          h("h3", { class: "small-heading", text: t("card.introduced_by_this") }),
          card.introductions.length === 0 ? emptyLine(t("card.none")) :
            h("ul", { class: "plain-list", id: "card-introductions-list" }, card.introductions.map((i) => h("li", {},
              h("button", { type: "button", class: "link", text: i.a_name, on: { click: () => c.openActor(i.a_id) } }),
              " — ",
              h("button", { type: "button", class: "link", text: i.b_name, on: { click: () => c.openActor(i.b_id) } }),
              h("span", { class: "muted small", text: ` (${label("link_nature", i.nature)})` })))),
          partial(card.introductions.length, card.introductions_total, "card.list_partial")))));
}

/** "The first n of total" under a list cut short, or nothing. @param {number} shown @param {number} total @param {string} key */
function partial(shown, total, key) {
  return shown < total ? h("p", { class: "muted small card-partial", text: t(key, { shown: formatNumber(shown), total: formatNumber(total) }) }) : null;
}

/**
 * The actor's links, by the other actor's name, a page at a time.
 * @param {ActorCard} card @param {CardContext} c
 */
function linksTable(card, c) {
  const a = card.actor;
  /** @param {import("../../../bindings/CardLink").CardLink} l */
  const row = (l) => h("tr", { attrs: { "data-link-id": l.link.id } },
    h("th", { scope: "row" },
      h("button", { type: "button", class: "link", text: l.other_name, on: { click: () => c.openActor(l.other_id) } }), " ",
      h("span", { class: `world world-${l.other_world} small`, text: label("world", l.other_world) })),
    h("td", {}, h("span", { class: `nature nature-${l.link.nature}`, text: label("link_nature", l.link.nature) })),
    h("td", { text: label("strength", String(l.link.strength)) }),
    h("td", { class: "nowrap", text: formatDate(l.link.since) }),
    h("td", { class: "introducer", text: l.introducer_name ?? "" }),
    h("td", { class: "col-actions" },
      h("button", { type: "button", class: "btn small", text: t("actors.edit"), attrs: { "aria-label": t("links.edit_named", { name: l.other_name }) },
        on: { click: () => linkForm(a.id, l.link, refresh) } }),
      h("button", { type: "button", class: "btn small danger-outline", text: t("actors.delete"), attrs: { "aria-label": t("links.delete_named", { name: l.other_name }) },
        on: { click: () => removeLink(l.link.id, l.other_name) } })));
  const body = h("tbody", {}, card.links.map(row));
  let shown = card.links.length;
  const status = h("p", { class: "muted small", id: "card-links-count", attrs: { "aria-live": "polite" } });
  const more = /** @type {HTMLButtonElement} */ (h("button", { type: "button", class: "btn", id: "card-links-more" }));
  const update = () => {
    const done = shown >= card.links_total;
    status.hidden = done;
    more.hidden = done;
    status.textContent = t("card.links_shown", { shown: formatNumber(shown), total: formatNumber(card.links_total) });
    more.textContent = t("card.links_more", { count: formatNumber(Math.min(LINKS_PAGE, card.links_total - shown)) });
  };
  more.addEventListener("click", async () => {
    try {
      const page = await ipc.cardLinks(a.id, shown, LINKS_PAGE);
      body.append(...page.map(row));
      shown += page.length;
      update();
      if (shown >= card.links_total) body.lastElementChild?.querySelector("button")?.focus();
    } catch (e) { showError(e); }
  });
  update();
  return h("div", {},
    h("table", { class: "data compact", id: "card-links-table" },
      h("thead", {}, h("tr", {}, ["with", "nature", "strength", "since", "introduced_by"].map((k) => h("th", { scope: "col", text: t(`links.col.${k}`) })),
        h("th", { scope: "col", class: "col-actions" }, h("span", { class: "visually-hidden", text: t("actors.col.actions") })))),
      body),
    status, more);
}

/** Links read per click on « Afficher plus ». */
const LINKS_PAGE = 100;

/** @param {ActorCard} card */
function profileForm(card) {
  const p = card.profile;
  formDialog({
    id: "profile-dialog",
    title: t("card.profile_title", { name: card.actor.name }),
    submitLabel: t("form.save"),
    fields: [
      { name: "influence", label: t("card.influence"), type: "select", value: p.influence === null ? "" : String(p.influence), half: true,
        options: [{ value: "", label: t("card.not_assessed") }, ...SCORES.map((s) => ({ value: s, label: t(`score.${s}`) }))] },
      { name: "interest", label: t("card.interest"), type: "select", value: p.interest === null ? "" : String(p.interest), half: true,
        options: [{ value: "", label: t("card.not_assessed") }, ...SCORES.map((s) => ({ value: s, label: t(`score.${s}`) }))] },
      { name: "needs", label: t("card.needs"), type: "textarea", value: p.needs },
      { name: "contributions", label: t("card.contributions"), type: "textarea", value: p.contributions },
      { name: "tags", label: t("card.tags"), value: p.tags.join(", "), hint: t("card.tags_hint") },
    ],
    onSubmit: async (v) => {
      await ipc.updateActorProfile(card.actor.id, {
        influence: v.influence ? Number(v.influence) : null,
        interest: v.interest ? Number(v.interest) : null,
        needs: v.needs,
        contributions: v.contributions,
        tags: v.tags.split(/[,;]/).map((x) => x.trim()).filter(Boolean),
      });
      await refresh();
      toast(t("card.profile_saved"));
    },
  });
}

/** @param {number} actorId @param {import("../../core/ipc.js").Contact|null} ct */
function contactForm(actorId, ct) {
  formDialog({
    id: "contact-dialog",
    title: ct ? t("contact.edit_title") : t("contact.new_title"),
    submitLabel: ct ? t("form.save") : t("form.create"),
    fields: [
      { name: "name", label: t("contact.name"), value: ct?.name, required: true, half: true },
      { name: "role", label: t("contact.role"), value: ct?.role, half: true },
      { name: "email", label: t("contact.email"), value: ct?.email, half: true },
      { name: "phone", label: t("contact.phone"), value: ct?.phone, half: true },
      { name: "notes", label: t("actors.notes"), type: "textarea", value: ct?.notes },
    ],
    onSubmit: async (v) => {
      const input = /** @type {import("../../core/ipc.js").ContactInput} */ (/** @type {any} */ (v));
      if (ct) await ipc.updateContact(ct.id, input); else await ipc.createContact(actorId, input);
      await refresh();
      toast(t(ct ? "contact.updated" : "contact.created", { name: v.name }));
    },
  });
}

/** @param {import("../../core/ipc.js").Contact} ct */
async function removeContact(ct) {
  const ok = await confirmDialog({ title: t("contact.confirm_delete_title"), message: t("contact.confirm_delete", { name: ct.name }), confirmLabel: t("confirm.delete") });
  if (!ok) return;
  try { await ipc.deleteContact(ct.id); await refresh(); toast(t("contact.deleted", { name: ct.name })); } catch (e) { showError(e); }
}

async function removeLink(id, otherName) {
  const ok = await confirmDialog({ title: t("links.confirm_delete_title"), message: t("links.confirm_delete", { name: otherName }), confirmLabel: t("confirm.delete") });
  if (!ok) return;
  try { await ipc.deleteLink(id); await refresh(); toast(t("links.deleted")); } catch (e) { showError(e); }
}

/** The choices for "introduced by": team members first, then actors. */
export function introducerOptions(members, actors) {
  return [
    { value: "", label: t("links.nobody") },
    ...[...members].sort((a, b) => compare(a.name, b.name)).map((m) => ({ value: `member:${m.id}`, label: t("links.member_option", { name: m.name }) })),
    ...[...actors].sort((a, b) => compare(a.name, b.name)).map((x) => ({ value: `actor:${x.id}`, label: x.name })),
  ];
}

/** Reads an introducer choice back. @returns {import("../../../bindings/Introducer").Introducer|null} */
export function parseIntroducer(value) {
  const [kind, id] = String(value || "").split(":");
  if (kind === "member") return { kind: "member", id: Number(id) };
  if (kind === "actor") return { kind: "actor", id: Number(id) };
  return null;
}

/**
 * The link form: from `actorId` (fixed) to another actor, or editing `link`.
 * @param {number|null} actorId @param {Link|null} link @param {() => Promise<void>} onSaved
 */
export async function linkForm(actorId, link, onSaved) {
  const from = link ? (link.actor_a === actorId ? link.actor_a : (actorId ?? link.actor_a)) : actorId;
  const to = link ? (link.actor_a === from ? link.actor_b : link.actor_a) : null;
  const by = link?.introduced_by ?? null;
  let members, known;
  try {
    [members, known] = await Promise.all([ipc.listMembers(),
      ipc.actorChoices([from, to, by?.kind === "actor" ? by.id : null].filter((x) => typeof x === "number"))]);
  } catch (e) { showError(e); return; }
  const choiceOf = (id) => {
    const a = known.find((x) => x.id === id);
    return a ? actorChoice(a) : null;
  };
  const member = by?.kind === "member" ? members.find((m) => m.id === by.id) : null;
  const byChoice = member ? { value: `member:${member.id}`, label: t("links.member_option", { name: member.name }) }
    : by?.kind === "actor" ? { value: `actor:${by.id}`, label: choiceOf(by.id)?.label ?? "" } : null;
  /** Team members (whose names match) first, then actors. @param {string} typed */
  const searchIntroducer = async (typed) => {
    const q = fold(typed);
    const team = [...members].filter((m) => !q || fold(m.name).includes(q)).sort((a, b) => compare(a.name, b.name))
      .map((m) => ({ value: `member:${m.id}`, label: t("links.member_option", { name: m.name }) }));
    const actors = (await searchActors(typed)).map((c) => ({ ...c, value: `actor:${c.value}` }));
    return [...team, ...actors];
  };
  formDialog({
    id: "link-dialog",
    title: link ? t("links.edit_title") : t("links.new_title"),
    submitLabel: link ? t("form.save") : t("form.create"),
    fields: [
      { name: "actor_a", label: t("links.actor_a"), type: "actor", choice: from === null ? null : choiceOf(from), half: true },
      { name: "actor_b", label: t("links.actor_b"), type: "actor", choice: to === null ? null : choiceOf(to), half: true },
      { name: "nature", label: t("links.nature"), type: "select", value: link?.nature ?? "partnership", half: true,
        options: NATURES.map((n) => ({ value: n, label: label("link_nature", n) })) },
      { name: "strength", label: t("links.strength"), type: "select", value: String(link?.strength ?? 2), half: true,
        options: ["1", "2", "3"].map((s) => ({ value: s, label: label("strength", s) })) },
      { name: "introduced_by", label: t("links.introduced_by"), type: "actor", choice: byChoice, hint: t("links.introduced_by_hint"),
        search: searchIntroducer },
      { name: "since", label: t("links.since"), type: "date", value: link?.since, hint: t("project.date_hint"), half: true },
      { name: "notes", label: t("actors.notes"), type: "textarea", value: link?.notes },
    ],
    onSubmit: async (v) => {
      if (!v.actor_a || !v.actor_b) {
        throw { kind: "validation", field: v.actor_a ? "actor_b" : "actor_a", message: t("links.choose_both") };
      }
      const input = {
        actor_a: Number(v.actor_a), actor_b: Number(v.actor_b), nature: v.nature, strength: Number(v.strength),
        since: v.since || null, notes: v.notes, introduced_by: parseIntroducer(v.introduced_by),
        meeting_id: link?.meeting_id ?? null,
      };
      if (link) await ipc.updateLink(link.id, /** @type {any} */ (input));
      else await ipc.createLink(/** @type {any} */ (input));
      await onSaved();
      toast(t(link ? "links.updated" : "links.created"));
    },
  });
}
