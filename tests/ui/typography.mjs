// French typography rules checked on the catalogue (and reused by the end-to-end tests on
// what the app writes): a no-break space (U+00A0, or the narrow U+202F) before « : ; ! ? »
// and inside « guillemets », so that a line never starts with a colon or a closing guillemet.

const NBSP = "[\u00a0\u202f]";

/**
 * The places where `text` breaks the rules, as short descriptions (empty when it is right).
 * @param {string} text
 * @returns {string[]}
 */
export function frenchTypographyProblems(text) {
  const problems = [];
  const around = (i) => JSON.stringify(text.slice(Math.max(0, i - 12), i + 12));
  for (const m of text.matchAll(/ ([:;!?»])/g)) problems.push(`ordinary space before « ${m[1]} » in ${around(m.index)}`);
  for (const m of text.matchAll(/« /g)) problems.push(`ordinary space after « in ${around(m.index)}`);
  for (const m of text.matchAll(new RegExp(`[^\\s${NBSP.slice(1, -1)}!?;:…)«]([;!?])`, "g"))) {
    problems.push(`no space before « ${m[1]} » in ${around(m.index)}`);
  }
  // A colon right after a letter (not a time 14:02, not a URL's ://).
  for (const m of text.matchAll(/\p{L}:(?!\/\/)/gu)) problems.push(`no space before « : » in ${around(m.index)}`);
  for (const m of text.matchAll(/«(?![\s\u00a0\u202f])/g)) problems.push(`no no-break space after « in ${around(m.index)}`);
  for (const m of text.matchAll(/(?<![\s\u00a0\u202f])»/g)) problems.push(`no no-break space before » in ${around(m.index)}`);
  return problems;
}

/**
 * A date written out on the first of a month must say « 1er »: « 1 janvier 2024 » is wrong.
 * @param {string} text
 */
export function firstOfMonthProblems(text) {
  const months = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre";
  return [...text.matchAll(new RegExp(`(?<![\\d])1[\\s\u00a0\u202f]+(${months})\\b`, "giu"))].map((m) => `« ${m[0]} » instead of « 1er ${m[1]} »`);
}
