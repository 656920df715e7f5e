//! The forms under which texts name a person (their name, e-mail and phone): found in SQL,
//! whatever the case, accents or the spaces of a phone number, and replaced in a text by
//! [`ERASED`].

use crate::safety::rgpd::model::ERASED;
use crate::shared::text::fold;

/// Names shorter than this are not searched in texts (too many false matches).
pub(super) const MIN_MENTION: usize = 3;

/// The forms a person is searched under: their name, e-mail and phone (a phone by its
/// digits, whatever is written between them), those long enough to be searched.
pub(super) fn forms_of(name: &str, email: &str, phone: &str) -> Vec<String> {
    let phone = if is_phone(phone) {
        phone.chars().filter(char::is_ascii_digit).collect()
    } else {
        phone.to_string()
    };
    let mut out = vec![name.to_string(), email.to_string(), phone];
    out.retain(|n| n.trim().chars().count() >= MIN_MENTION);
    out.dedup();
    out
}

/// A form of the person that is a phone number: digits alone, found in texts whatever the
/// spaces, dots or dashes between them.
pub(super) fn is_phone(form: &str) -> bool {
    form.chars().filter(char::is_ascii_digit).count() >= 6
        && form.chars().all(|c| {
            c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '+' | '(' | ')' | '\u{a0}')
        })
}

/// The characters a phone is written with between its digits.
fn phone_separator(c: char) -> bool {
    matches!(c, ' ' | '.' | '-' | '\u{a0}' | '\u{202f}')
}

/// `text` with every run of digits (and the separators between them) whose digits are
/// `phone`'s replaced by [`ERASED`].
fn replace_phone(text: &str, phone: &str) -> String {
    let wanted: String = phone.chars().filter(char::is_ascii_digit).collect();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < chars.len() {
        if !chars[i].1.is_ascii_digit() || (i > 0 && chars[i - 1].1.is_ascii_digit()) {
            i += 1;
            continue;
        }
        // A run starting here: digits, separated by single separators.
        let mut j = i;
        let mut digits = String::new();
        let mut end = i;
        while j < chars.len() {
            let c = chars[j].1;
            if c.is_ascii_digit() {
                digits.push(c);
                end = j;
                j += 1;
            } else if phone_separator(c) && chars.get(j + 1).is_some_and(|n| n.1.is_ascii_digit()) {
                j += 1;
            } else {
                break;
            }
        }
        if digits == wanted {
            out.push_str(&text[copied..chars[i].0]);
            out.push_str(ERASED);
            copied = chars.get(end + 1).map_or(text.len(), |(b, _)| *b);
        }
        i = j.max(i + 1);
    }
    out.push_str(&text[copied..]);
    out
}

/// `text` with every form of the person ([`needles`](super::find::needles)) replaced by [`ERASED`].
pub(super) fn replace_all(text: &str, forms: &[String]) -> String {
    forms.iter().fold(text.to_string(), |t, form| {
        if is_phone(form) {
            replace_phone(&t, form)
        } else {
            replace_name(&t, form)
        }
    })
}

/// A contact's record (`row`, as the journal writes it) as an erasure of the person whose
/// contact was `erased` leaves it: every form of her name, e-mail and phone replaced in the
/// fields that identify a contact; `None` when none of them names her (another person). A
/// copy of her made meanwhile elsewhere (the merge of two actors creates her contact again)
/// arriving after the erasure is written as the laptop that held it rewrote it.
pub(crate) fn as_erased_copy(
    erased: &serde_json::Map<String, serde_json::Value>,
    row: &serde_json::Map<String, serde_json::Value>,
) -> Option<serde_json::Map<String, serde_json::Value>> {
    let forms = forms_of(
        &text_of(erased, "name"),
        &text_of(erased, "email"),
        &text_of(erased, "phone"),
    );
    rewritten_copy(&forms, row)
}

/// The text of `key` in `m` (empty when it is not text).
fn text_of(m: &serde_json::Map<String, serde_json::Value>, key: &str) -> String {
    m.get(key)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// A contact's record (`row`) with every one of `forms` replaced in the fields that identify a
/// contact; `None` when none of them names the person.
pub(super) fn rewritten_copy(
    forms: &[String],
    row: &serde_json::Map<String, serde_json::Value>,
) -> Option<serde_json::Map<String, serde_json::Value>> {
    use crate::db::records::{kind, Personal};
    let identifying: &[&str] = match kind("contact").map(|k| k.personal) {
        Some(Personal::Person { identifying }) => identifying,
        _ => &[],
    };
    if forms.is_empty() {
        return None;
    }
    let mut out = row.clone();
    let mut named = false;
    for field in identifying {
        let value = text_of(row, field);
        let replaced = replace_all(&value, forms);
        if replaced != value {
            named = true;
            out.insert((*field).to_string(), serde_json::Value::from(replaced));
        }
    }
    named.then_some(out)
}

/// The SQL expression that finds `form` (parameter `?1`, from [`search_key`]) in `column`.
pub(super) fn found_in(column: &str, form: &str) -> String {
    let fold = crate::db::store::FOLD_FUNCTION;
    if is_phone(form) {
        format!(
            "instr(replace(replace(replace(replace({column}, ' ', ''), '.', ''), '-', ''), char(160), ''), ?1) > 0"
        )
    } else {
        format!("instr({fold}({column}), ?1) > 0")
    }
}

/// What [`found_in`] looks for: the folded form, or a phone's digits.
pub(super) fn search_key(form: &str) -> String {
    if is_phone(form) {
        form.chars().filter(char::is_ascii_digit).collect()
    } else {
        fold(form)
    }
}

/// `text` with every occurrence of `name` replaced by [`ERASED`], whatever its case and
/// accents (« élodie martin », « ELODIE MARTIN » for « Élodie Martin »), and however many spaces
/// separate its words; only whole words (« Martinez » is someone else).
pub(super) fn replace_name(text: &str, name: &str) -> String {
    let needle = fold(name);
    if needle.is_empty() {
        return text.to_string();
    }
    // The folded text, with for each of its bytes the original character it comes from.
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut folded = String::with_capacity(text.len());
    let mut origin: Vec<usize> = Vec::with_capacity(text.len());
    for (i, &(_, c)) in chars.iter().enumerate() {
        let piece = if c.is_whitespace() {
            if folded.ends_with(' ') {
                String::new()
            } else {
                " ".to_string()
            }
        } else {
            fold(c.encode_utf8(&mut [0; 4]))
        };
        origin.extend(std::iter::repeat_n(i, piece.len()));
        folded.push_str(&piece);
    }
    let byte = |i: usize| chars.get(i).map_or(text.len(), |(b, _)| *b);
    let mut out = String::with_capacity(text.len());
    let mut last = 0; // byte offset in `text` copied so far
    for (at, found) in folded.match_indices(&needle) {
        let first = origin[at];
        let end = origin[at + found.len() - 1] + 1;
        let letter = |i: Option<usize>| {
            i.and_then(|i| chars.get(i))
                .is_some_and(|(_, c)| c.is_alphanumeric())
        };
        if byte(first) < last || letter(first.checked_sub(1)) || letter(Some(end)) {
            continue;
        }
        out.push_str(&text[last..byte(first)]);
        out.push_str(ERASED);
        last = byte(end);
    }
    out.push_str(&text[last..]);
    out
}
