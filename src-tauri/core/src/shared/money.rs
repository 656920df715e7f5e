//! Money: integer cents everywhere, written and read the French way (`12 500,00 €`).

use crate::shared::error::{CoreError, CoreResult};

/// Largest amount accepted: one hundred billion euros, far beyond any territorial budget,
/// small enough that sums of many amounts never overflow an `i64`.
pub const MAX_CENTS: i64 = 10_000_000_000_000;

/// Formats cents as French money: `12 500,00 €` (narrow no-break space between thousands,
/// no-break space before the sign), `-1 000,00 €` for negatives.
pub fn format_euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!(
        "{sign}{},{:02}\u{00A0}€",
        group_digits(abs / 100),
        abs % 100
    )
}

/// A whole number as French writes it: `12 500` (narrow no-break space between thousands).
pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('\u{202F}');
        }
        grouped.push(c);
    }
    grouped
}

/// Reads an amount typed by a user: `12500`, `12 500,50`, `12500.5`, `12 500,50 €`, and the
/// English way, `€12,500.50`.
/// Returns cents. Negative amounts, more than two decimals and garbage are refused.
pub fn parse_euros(field: &'static str, label: &str, input: &str) -> CoreResult<i64> {
    let bad = || {
        CoreError::validation(
            field,
            "money.invalid",
            format!(
                "{label} n'est pas un montant valide : « {} » (exemple : 12 500,00).",
                input.chars().take(40).collect::<String>()
            ),
        )
    };
    let cleaned: String = input
        .trim()
        .trim_matches('€')
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{00A0}' | '\u{202F}'))
        .collect();
    if cleaned.starts_with('-') {
        return Err(CoreError::validation(
            field,
            "money.negative",
            format!("{label} ne peut pas être négatif."),
        ));
    }
    // With both marks (« 12,500.00 » typed the English way, « 12.500,00 »), the last one is
    // the decimal mark and the other groups thousands.
    let cleaned = match cleaned.rfind([',', '.']) {
        Some(last) if cleaned.contains(',') && cleaned.contains('.') => {
            let (head, tail) = cleaned.split_at(last);
            format!("{}.{}", head.replace([',', '.'], ""), &tail[1..])
        }
        _ => cleaned.replace(',', "."),
    };
    let (whole, frac) = match cleaned.split_once('.') {
        Some((w, f)) => (w, f),
        None => (cleaned.as_str(), ""),
    };
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    if frac.len() > 2 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let too_large =
        || CoreError::validation(field, "money.too_large", format!("{label} est trop élevé."));
    // Only digits are left: a failed parse means the number overflows.
    let euros: i64 = whole.parse().map_err(|_| too_large())?;
    let cents: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    euros
        .checked_mul(100)
        .and_then(|e| e.checked_add(cents))
        .filter(|t| *t <= MAX_CENTS)
        .ok_or_else(too_large)
}

/// Checks an amount already in cents (from IPC or an import).
pub fn check_cents(field: &'static str, label: &str, cents: i64) -> CoreResult<i64> {
    if cents < 0 {
        return Err(CoreError::validation(
            field,
            "money.negative",
            format!("{label} ne peut pas être négatif."),
        ));
    }
    if cents > MAX_CENTS {
        return Err(CoreError::validation(
            field,
            "money.too_large",
            format!("{label} est trop élevé."),
        ));
    }
    Ok(cents)
}

/// A share of a whole in basis points (1 % = 100), rounded half up; `None` when the whole is 0.
pub fn share_basis_points(part: i64, whole: i64) -> Option<i64> {
    if whole <= 0 {
        return None;
    }
    let part = i128::from(part);
    let whole = i128::from(whole);
    Some(((part * 10_000 * 2 + whole) / (whole * 2)) as i64)
}

/// Formats basis points as a French percentage: `12,5 %`, `100 %`.
pub fn format_percent(bp: i64) -> String {
    let whole = bp / 100;
    let frac = (bp % 100).abs();
    if frac == 0 {
        format!("{whole}\u{00A0}%")
    } else if frac % 10 == 0 {
        format!("{whole},{}\u{00A0}%", frac / 10)
    } else {
        format!("{whole},{frac:02}\u{00A0}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_the_french_way() {
        assert_eq!(format_euros(1_250_000), "12\u{202F}500,00\u{00A0}€");
        assert_eq!(format_euros(5), "0,05\u{00A0}€");
        assert_eq!(format_euros(-100_000), "-1\u{202F}000,00\u{00A0}€");
        assert_eq!(
            format_euros(12_345_678_901),
            "123\u{202F}456\u{202F}789,01\u{00A0}€"
        );
    }

    #[test]
    fn parses_what_users_type() {
        // Typed the English way, or with dots grouping thousands.
        assert_eq!(
            parse_euros("m", "Le montant", "12,500.00").unwrap(),
            1_250_000
        );
        assert_eq!(
            parse_euros("m", "Le montant", "€12,500.5").unwrap(),
            1_250_050
        );
        assert_eq!(
            parse_euros("m", "Le montant", "12.500,00").unwrap(),
            1_250_000
        );
        assert_eq!(
            parse_euros("m", "Le montant", "1,234,567.89").unwrap(),
            123_456_789
        );
        for (s, c) in [
            ("12500", 1_250_000),
            ("12 500,50", 1_250_050),
            ("12\u{202F}500,5 €", 1_250_050),
            ("12500.05", 1_250_005),
            ("0", 0),
        ] {
            assert_eq!(parse_euros("amount", "Le montant", s).unwrap(), c, "{s}");
        }
        for s in ["", "abc", "12,345", "1.2.3", "€", "12 500,5x"] {
            let e = parse_euros("amount", "Le montant", s).unwrap_err();
            assert_eq!(e.code(), Some("money.invalid"), "{s}");
        }
        assert_eq!(
            parse_euros("amount", "Le montant", "-5")
                .unwrap_err()
                .code(),
            Some("money.negative")
        );
        assert_eq!(
            parse_euros("amount", "Le montant", "999999999999999999999")
                .unwrap_err()
                .code(),
            Some("money.too_large")
        );
    }

    #[test]
    fn shares_are_rounded_half_up() {
        assert_eq!(share_basis_points(1, 3), Some(3333));
        assert_eq!(share_basis_points(2, 3), Some(6667));
        assert_eq!(share_basis_points(50, 100), Some(5000));
        assert_eq!(share_basis_points(150, 100), Some(15000));
        assert_eq!(share_basis_points(5, 0), None);
        assert_eq!(format_percent(1250), "12,5\u{00A0}%");
        assert_eq!(format_percent(3333), "33,33\u{00A0}%");
        assert_eq!(format_percent(10000), "100\u{00A0}%");
    }
}
