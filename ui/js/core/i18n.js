// The only source of UI strings: the fr and en catalogues.
import fr from "../../i18n/fr.js";
import en from "../../i18n/en.js";
import { KIND_LABELS } from "../../bindings/kinds.js";

/**
 * The catalogues, with each kind of record's name (`history.kind.<table>`) from the record
 * descriptors (generated `bindings/kinds.js`).
 * @type {Record<string, Record<string, string>>}
 */
export const catalogues = { fr: withKinds(fr, KIND_LABELS.fr), en: withKinds(en, KIND_LABELS.en) };

/** @param {Record<string, string>} catalogue @param {Readonly<Record<string, string>>} kinds */
function withKinds(catalogue, kinds) {
  const out = { ...catalogue };
  for (const [table, name] of Object.entries(kinds)) out[`history.kind.${table}`] = name;
  return out;
}
let lang = "fr";
const listeners = new Set();

/** The current language code. */
export function language() { return lang; }

/** Switches the language and notifies the views. */
export function setLanguage(code) {
  lang = catalogues[code] ? code : "fr";
  document.documentElement.lang = lang;
  for (const fn of listeners) fn(lang);
}

/** Calls `fn` after every language change. */
export function onLanguageChange(fn) { listeners.add(fn); }

/** True when the key exists in the current catalogue. */
export function has(key) { return key in catalogues[lang]; }

/**
 * Translates a key, replacing `{name}` placeholders.
 * @param {string} key
 * @param {Record<string, string|number>} [vars]
 */
export function t(key, vars = {}) {
  const s = catalogues[lang][key] ?? catalogues.fr[key];
  if (s === undefined) {
    console.error(`Missing i18n key: ${key}`);
    return key;
  }
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** Label of an enumerated code, e.g. label("world", "state"). */
export function label(kind, code) { return t(`${kind}.${code}`); }

/**
 * A date `AAAA-MM-JJ` written the local way: « 14 novembre 2023 », « 1er juin 2023 » (French
 * writes the first of a month as an ordinal), « 1 June 2023 ».
 */
export function formatDate(iso) {
  if (!iso) return "";
  const [y, m, d] = iso.split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  const parts = new Intl.DateTimeFormat(lang === "fr" ? "fr-FR" : "en-GB", {
    day: "numeric", month: "long", year: "numeric", timeZone: "UTC",
  }).formatToParts(date);
  return parts.map((p) => (lang === "fr" && p.type === "day" && p.value === "1" ? "1er" : p.value)).join("");
}

/**
 * A moment (RFC 3339) in local time, written the local way: « 1er décembre 2026 à 14 h 02 »,
 * « 1 December 2026 at 14:02 ».
 * @param {string} iso
 */
export function formatDateTime(iso) {
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = lang === "fr" ? `${d.getHours()}\u00a0h\u00a0${pad(d.getMinutes())}` : `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return t("datetime.at", { date: formatDate(day), time });
}

/** An amount in cents written the local way (e.g. 48 000,00 €). @param {number} cents */
export function formatMoney(cents) {
  return new Intl.NumberFormat(lang === "fr" ? "fr-FR" : "en-GB", { style: "currency", currency: "EUR" }).format(cents / 100);
}

/**
 * A number with at most `digits` decimals, written the local way (10,5 in French, 10.5 in
 * English). @param {number} n @param {number} [digits]
 */
export function formatDecimal(n, digits = 2) {
  return new Intl.NumberFormat(lang === "fr" ? "fr-FR" : "en-GB", { maximumFractionDigits: digits, useGrouping: false }).format(n);
}

/** A count written the local way (e.g. 100 000). @param {number} n */
export function formatNumber(n) {
  return new Intl.NumberFormat(lang === "fr" ? "fr-FR" : "en-GB").format(n);
}

/** A date `AAAA-MM-JJ` as month and year (e.g. mars 2024), for compact tables. */
export function formatMonth(iso) {
  if (!iso) return "";
  const [y, m] = iso.split("-").map(Number);
  return new Intl.DateTimeFormat(lang === "fr" ? "fr-FR" : "en-GB", { month: "short", year: "numeric", timeZone: "UTC" })
    .format(new Date(Date.UTC(y, m - 1, 1)));
}

/** Compares two strings the way a dictionary of the current language does. */
export function compare(a, b) {
  return String(a).localeCompare(String(b), lang, { sensitivity: "base", numeric: true });
}
