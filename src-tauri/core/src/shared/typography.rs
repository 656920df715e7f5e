//! French typography for the text Catalyse writes: a no-break space (U+00A0) before « : ; ! ? »
//! and inside « guillemets », so that a line never starts with a colon or a closing guillemet.
//! Applied to the generated note sections and to every note export (the user's text included).

/// The no-break space used before high punctuation and inside guillemets.
pub const NBSP: char = '\u{a0}';

/// `text` with the ordinary spaces before « : ; ! ? » and inside « … » made no-break, and a
/// no-break space added inside guillemets that have none. Nothing else changes: a colon
/// written without a space (a time, an address) stays as it is.
pub fn french_spacing(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let prev = if i > 0 { Some(chars[i - 1]) } else { None };
        match c {
            ' ' if matches!(next, Some(':' | ';' | '!' | '?' | '»')) => out.push(NBSP),
            ' ' if prev == Some('«') => out.push(NBSP),
            '«' => {
                out.push('«');
                if !matches!(next, Some(' ' | NBSP | '\u{202f}') | None) {
                    out.push(NBSP);
                }
            }
            '»' => {
                if !matches!(prev, Some(' ' | NBSP | '\u{202f}') | None) {
                    out.push(NBSP);
                }
                out.push('»');
            }
            _ => out.push(c),
        }
    }
    out
}

/// Where `text` breaks the rules of [`french_spacing`] (for tests and checks).
pub fn spacing_problems(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let around = |i: usize| -> String {
        chars[i.saturating_sub(12)..(i + 12).min(chars.len())]
            .iter()
            .collect()
    };
    let mut problems = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let prev = if i > 0 { Some(chars[i - 1]) } else { None };
        let spaced = |x: Option<char>| matches!(x, Some(NBSP | '\u{202f}'));
        if c == ' ' && matches!(next, Some(':' | ';' | '!' | '?' | '»')) {
            problems.push(format!(
                "espace ordinaire avant « {} » : {:?}",
                next.unwrap(),
                around(i)
            ));
        }
        if c == '«' && !spaced(next) {
            problems.push(format!("pas d'espace insécable après « : {:?}", around(i)));
        }
        if c == '»' && !spaced(prev) && prev != Some(' ') {
            problems.push(format!("pas d'espace insécable avant » : {:?}", around(i)));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_before_high_punctuation_and_inside_guillemets_become_no_break() {
        assert_eq!(
            french_spacing("Budget : 12 € ; acquis ? Oui ! L'axe « Mobilités » et «Énergie»."),
            "Budget\u{a0}: 12 €\u{a0}; acquis\u{a0}? Oui\u{a0}! L'axe «\u{a0}Mobilités\u{a0}» et «\u{a0}Énergie\u{a0}»."
        );
        // Times, addresses and Markdown table alignments are left alone.
        let kept = "14:02, https://exemple.fr, |---:|";
        assert_eq!(french_spacing(kept), kept);
        // Idempotent, and what it writes passes the check.
        let once = french_spacing("Objet : « Garage solidaire »");
        assert_eq!(french_spacing(&once), once);
        assert!(spacing_problems(&once).is_empty());
        assert_eq!(spacing_problems("Objet : « Garage »").len(), 3);
    }
}
