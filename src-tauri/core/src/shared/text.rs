//! Text compared the project's way: one folding (case, accents, ligatures, apostrophes,
//! dashes, spaces) for imports, lists, search, duplicates and RGPD alike, and the sort key
//! names are ordered by.

/// Folds text for matching headers and labels: lower case, accents removed, apostrophes and
/// dashes unified, spaces collapsed (`  Niveau d’Engagement ` → `niveau d'engagement`).
///
/// This is the project's one folding: imports, list filters and keys (through the SQL function
/// `catalyse_fold`), duplicate detection and the actor picker all compare folded text. It is
/// on the path of every imported cell, so ASCII is handled without decomposition and other
/// characters are decomposed one at a time (the same result as NFD of the whole text, since
/// every combining mark is dropped whatever its order).
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    let mut emit = |c: char, out: &mut String| {
        let c = match c {
            '’' | '‘' | '`' | '´' => '\'',
            '–' | '—' | '‐' => '-',
            'œ' | 'Œ' => {
                if space {
                    out.push(' ');
                    space = false;
                }
                out.push_str("oe");
                return;
            }
            c => c,
        };
        if c.is_whitespace() {
            space = !out.is_empty();
            return;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    };
    for c in s.chars() {
        if c.is_ascii() {
            emit(c, &mut out);
        } else {
            unicode_normalization::char::decompose_canonical(c, |d| {
                if !unicode_normalization::char::is_combining_mark(d) {
                    emit(d, &mut out);
                }
            });
        }
    }
    out
}

/// Digits a number is padded to in a sort key.
const SORT_DIGITS: usize = 12;

/// The key names sort by: [`fold`]ed, with each run of digits padded with zeros, so that the
/// order is a reader's (« Acteur 2 » before « Acteur 10 », « école » beside « Ecole »).
pub fn sort_key(s: &str) -> String {
    let folded = fold(s);
    let mut out = String::with_capacity(folded.len() + 8);
    let bytes = folded.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let run = &folded[start..i];
            for _ in run.len()..SORT_DIGITS {
                out.push('0');
            }
            out.push_str(run);
        } else {
            let c = folded[i..].chars().next().expect("a character starts here");
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Shortens user text quoted back in an error message.
pub(crate) fn truncate_for_message(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() > MAX {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_gives_the_same_text_as_nfd_of_the_whole_string() {
        use unicode_normalization::UnicodeNormalization;
        fn reference(s: &str) -> String {
            let mut out = String::with_capacity(s.len());
            let mut space = false;
            for c in s.nfd() {
                if unicode_normalization::char::is_combining_mark(c) {
                    continue;
                }
                let c = match c {
                    '’' | '‘' | '`' | '´' => '\'',
                    '–' | '—' | '‐' => '-',
                    'œ' | 'Œ' => {
                        if space {
                            out.push(' ');
                            space = false;
                        }
                        out.push_str("oe");
                        continue;
                    }
                    c => c,
                };
                if c.is_whitespace() {
                    space = !out.is_empty();
                    continue;
                }
                if space {
                    out.push(' ');
                    space = false;
                }
                out.extend(c.to_lowercase());
            }
            out
        }
        let samples = [
            "  Niveau d’Engagement ",
            "ÉCRINS",
            "Œuvre  des Œuvres",
            "e\u{301}cole",
            "Ǆ Ǉ ß ẞ İ",
            "한국어",
            "Ångström\u{0B}x\tY",
            "a\u{301}\u{302}\u{316}",
            "Saint-Étienne–du—Rouvray",
            "ﬁn ﬂeur",
            "Ça `va´",
            "",
            "   ",
            "Ὀδυσσεύς",
        ];
        for s in samples {
            assert_eq!(fold(s), reference(s), "{s:?}");
        }
        // Every character of the Basic Multilingual Plane, alone and between letters.
        for c in (0u32..0x3_0000).filter_map(char::from_u32) {
            let s = format!("A{c}b {c}");
            assert_eq!(fold(&s), reference(&s), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn sort_keys_put_numbers_in_order_and_ignore_case_and_accents() {
        let mut names = vec![
            "Acteur 10",
            "acteur 2",
            "Écrins",
            "Ecole",
            "Acteur 1",
            "Zèbre",
            "école",
        ];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(
            names,
            [
                "Acteur 1",
                "acteur 2",
                "Acteur 10",
                "Ecole",
                "école",
                "Écrins",
                "Zèbre"
            ]
        );
        assert_eq!(sort_key("Lot 7b"), "lot 000000000007b");
    }

    #[test]
    fn fold_matches_labels_loosely() {
        assert_eq!(fold("  Niveau d’Engagement "), "niveau d'engagement");
        assert_eq!(fold("ÉCRINS"), "ecrins");
        assert_eq!(fold("Association  /  ESS"), "association / ess");
        assert_eq!(fold("Œuvre"), "oeuvre");
    }
}
