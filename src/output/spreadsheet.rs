//! CSV cells that a spreadsheet opens: a cell must never run as a formula.
//!
//! Excel, `LibreOffice` and Google Sheets read a cell that starts with `=`, `+`, `-` or `@` as a
//! formula (`=HYPERLINK(…)`, `=cmd|…`), and one that starts with a tab or CR the same way after
//! trimming. The rule, OWASP's "CSV injection" advice: such a cell gets a leading `'`, which every
//! spreadsheet shows as text and hides. The full-width forms (`＝＋－＠`) are treated alike, since some
//! locales accept them. Quoting (commas, quotes, line breaks) stays the `csv` crate's job.
//!
//! Only text from outside goes through [`cell`]; numbers cwrecon formats itself (`-24.00`) stay
//! numbers.

use std::borrow::Cow;

/// What makes a spreadsheet read a cell as a formula, as its first character.
const FORMULA_STARTS: &[char] = &[
    '=', '+', '-', '@', '\t', '\r', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}',
];

/// A text cell as a spreadsheet must see it: with a leading `'` when it would start a formula.
pub fn cell(value: &str) -> Cow<'_, str> {
    if value.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(
            cell("=HYPERLINK(\"http://x\",\"y\")"),
            "'=HYPERLINK(\"http://x\",\"y\")"
        );
        for value in ["+1", "-1+2", "@SUM(A1)", "\tx", "\rx", "＝1"] {
            assert!(cell(value).starts_with('\''), "{value}");
        }
        assert_eq!(cell("Acme Corp"), "Acme Corp");
        assert_eq!(cell(""), "");
    }

    proptest! {
        #[test]
        fn no_cell_starts_a_formula(value in any::<String>()) {
            prop_assert!(!cell(&value).starts_with(FORMULA_STARTS));
        }
    }
}
