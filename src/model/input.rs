//! Input rules: what a string or an amount that crosses cwrecon's boundary may hold.
//!
//! Owns three decisions, each used by every reader (configuration validation, the vendor CSV
//! reader, the live projection) so that they cannot drift apart:
//!
//! - **Hidden characters.** A line of text (a name, an identifier, an address line) may not hold a
//!   Unicode control character (general category `Cc`: C0 and C1 controls, DEL, tab, line breaks),
//!   a format character (`Cf`: zero-width space and joiners, soft hyphen, a byte-order mark inside
//!   text, bidi embeddings, overrides and isolates, word joiner, invisible operators, tags) or a line
//!   or paragraph separator (`Zl`, `Zp`: U+2028, U+2029). They are invisible or reorder what a
//!   reviewer sees, so two values that look the same would differ, or a value would read
//!   differently from what it is. A multi-line text (a customer description) may also hold line
//!   feeds and tabs.
//! - **Vendor accounts.** An account id (the company's Manage ID in ConnectWise) is read in Unicode
//!   NFKC form, so full-width digits and other compatibility forms are the account they look like,
//!   and must then be 1 to [`MAX_ACCOUNT_CHARS`] characters from [`ACCOUNT_CHARSET`]. Two accounts
//!   equal after normalisation are one account.
//! - **Amount bounds.** A quantity and a unit amount (cost, price) are 0 to [`MAX_QUANTITY`] /
//!   [`MAX_MONEY`] with at most 2 decimals. Within these bounds no total cwrecon computes can
//!   overflow `rust_decimal` (a line is at most 10^12, and a tenant would need 10^16 lines to reach
//!   its 7.9 × 10^28), and every line total is exact to the cent in the `double` ConnectWise stores
//!   (exact below 2^53 ≈ 9 × 10^15 units, or 9 × 10^13 in cents).
//!
//! Refuses nothing itself: it answers questions; each reader says where the value was and how to
//! fix it.

use std::fmt::Write as _;

use rust_decimal::Decimal;
use unicode_normalization::UnicodeNormalization as _;

use super::{Money, Quantity};

/// The most units one addition may have: far above any customer's seat count, and small enough
/// that quantity × price stays exact (see the module documentation).
pub const MAX_QUANTITY: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

/// The largest unit cost or price, in the tenant's currency.
pub const MAX_MONEY: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

/// Decimals an amount may have: ConnectWise keeps money and quantities to the cent.
pub const MAX_DECIMALS: u32 = 2;

/// The longest account id: ConnectWise's `groupIdentifier` is at most 100 characters.
pub const MAX_ACCOUNT_CHARS: usize = 100;

/// The characters an account id may hold once normalised, for messages and documentation.
pub const ACCOUNT_CHARSET: &str = "ASCII letters, digits, `-`, `_` and `.`";

/// A character that may not stand in a line of text, and where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hidden {
    /// The character.
    pub ch: char,
    /// Its byte offset in the text.
    pub byte: usize,
    /// Its 1-based position among the text's characters.
    pub position: usize,
}

impl Hidden {
    /// `U+200B (zero-width space)`.
    pub fn describe(&self) -> String {
        format!("U+{:04X} ({})", u32::from(self.ch), name_of(self.ch))
    }
}

/// Whether a character is hidden: a control, a format character, or a line or paragraph separator.
/// One rule for what input refuses and what output makes visible.
pub use crate::output::terminal::is_hidden;

/// The first hidden character in a line of text.
pub fn hidden_in_line(text: &str) -> Option<Hidden> {
    first_hidden(text, |_| false)
}

/// The first hidden character in a multi-line text, where line feeds, carriage returns and tabs
/// are allowed.
pub fn hidden_in_lines(text: &str) -> Option<Hidden> {
    first_hidden(text, |c| matches!(c, '\n' | '\r' | '\t'))
}

fn first_hidden(text: &str, allowed: impl Fn(char) -> bool) -> Option<Hidden> {
    text.char_indices()
        .enumerate()
        .find(|(_, (_, c))| is_hidden(*c) && !allowed(*c))
        .map(|(i, (byte, ch))| Hidden {
            ch,
            byte,
            position: i + 1,
        })
}

/// The text with every hidden character written as `<U+XXXX>`, for a message that quotes it.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_hidden(c) {
            let _ = write!(out, "<U+{:04X}>", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// What is wrong with an account id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountError {
    /// Empty once trimmed.
    Empty,
    /// A hidden character.
    Hidden(Hidden),
    /// Longer than [`MAX_ACCOUNT_CHARS`] once normalised.
    TooLong(usize),
    /// A character outside [`ACCOUNT_CHARSET`] once normalised.
    Charset(char),
}

impl AccountError {
    /// What is wrong and how to fix it, for a message after "account `…`".
    pub fn explain(&self) -> String {
        match self {
            AccountError::Empty => "is empty; write the vendor's account id".to_owned(),
            AccountError::Hidden(hidden) => format!(
                "holds the invisible character {} at character {}; retype the account id (copying from a web page or a spreadsheet can carry it in)",
                hidden.describe(),
                hidden.position
            ),
            AccountError::TooLong(chars) => format!(
                "is {chars} characters; a ConnectWise Manage ID holds at most {MAX_ACCOUNT_CHARS}"
            ),
            AccountError::Charset(c) => format!(
                "holds `{}` (U+{:04X}); an account id holds only {ACCOUNT_CHARSET} (after Unicode NFKC normalisation, so full-width digits are read as digits)",
                visible(&c.to_string()),
                u32::from(*c)
            ),
        }
    }
}

/// An account id in its one canonical form: trimmed, NFKC-normalised, and checked against
/// [`ACCOUNT_CHARSET`] and [`MAX_ACCOUNT_CHARS`].
pub fn normalize_account(raw: &str) -> Result<String, AccountError> {
    let trimmed = raw.trim();
    if let Some(hidden) = hidden_in_line(trimmed) {
        return Err(AccountError::Hidden(hidden));
    }
    let normal = nfkc(trimmed);
    if normal.is_empty() {
        return Err(AccountError::Empty);
    }
    if let Some(c) = normal
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(AccountError::Charset(c));
    }
    let chars = normal.chars().count();
    if chars > MAX_ACCOUNT_CHARS {
        return Err(AccountError::TooLong(chars));
    }
    Ok(normal)
}

/// `text` in Unicode NFKC form. ASCII text is its own NFKC form, so it is copied without running
/// the normaliser: every account is read this way, several times while a configuration loads.
pub(crate) fn nfkc(text: &str) -> String {
    if text.is_ascii() {
        text.to_owned()
    } else {
        text.nfkc().collect()
    }
}

/// Why a quantity is out of bounds, if it is.
pub fn quantity_out_of_bounds(quantity: Quantity) -> Option<String> {
    amount_out_of_bounds(quantity.value(), MAX_QUANTITY, "a quantity")
}

/// Why a unit amount (cost, price) is out of bounds, if it is.
pub fn money_out_of_bounds(money: Money) -> Option<String> {
    amount_out_of_bounds(money.value(), MAX_MONEY, "an amount")
}

fn amount_out_of_bounds(value: Decimal, max: Decimal, what: &str) -> Option<String> {
    if value.is_sign_negative() && !value.is_zero() {
        return Some(format!("{what} is 0 or more"));
    }
    if value > max {
        return Some(format!("{what} is at most {max}"));
    }
    if value.normalize().scale() > MAX_DECIMALS {
        return Some(format!(
            "{what} has at most {MAX_DECIMALS} decimals (ConnectWise keeps cents)"
        ));
    }
    None
}

/// The sum of amounts, never panicking: a total beyond `Decimal`'s range (±7.9 × 10^28) saturates
/// there. Within the bounds above no total comes near it; beyond them the value that made it is
/// already refused (configuration, export) or a blocking finding (live tenant), so a saturated
/// total is only ever shown, never acted on.
pub fn sum(values: impl IntoIterator<Item = Decimal>) -> Decimal {
    values
        .into_iter()
        .fold(Decimal::ZERO, Decimal::saturating_add)
}

/// `count × price`, saturating like [`sum`].
pub fn line_total(count: Decimal, price: Decimal) -> Decimal {
    count.saturating_mul(price)
}

/// `a − b`, saturating like [`sum`].
pub fn difference(a: Decimal, b: Decimal) -> Decimal {
    a.saturating_sub(b)
}

/// A short name for the hidden characters people meet, else the category.
fn name_of(ch: char) -> &'static str {
    match ch {
        '\t' => "tab",
        '\n' => "line feed",
        '\r' => "carriage return",
        '\u{0}'..='\u{1f}' => "control character",
        '\u{7f}' => "delete",
        '\u{80}'..='\u{9f}' => "C1 control character",
        '\u{ad}' => "soft hyphen",
        '\u{200b}' => "zero-width space",
        '\u{200c}' => "zero-width non-joiner",
        '\u{200d}' => "zero-width joiner",
        '\u{200e}' | '\u{200f}' => "directional mark",
        '\u{202a}'..='\u{202e}' => "bidirectional embedding or override",
        '\u{2066}'..='\u{2069}' => "bidirectional isolate",
        '\u{2060}' => "word joiner",
        '\u{2028}' => "line separator",
        '\u{2029}' => "paragraph separator",
        '\u{feff}' => "byte-order mark / zero-width no-break space",
        _ => "invisible format character",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_format_characters_and_separators_are_hidden() {
        for c in [
            '\u{0}',
            '\u{7}',
            '\t',
            '\n',
            '\u{7f}',
            '\u{85}',
            '\u{ad}',
            '\u{200b}',
            '\u{200d}',
            '\u{202e}',
            '\u{2066}',
            '\u{2028}',
            '\u{2029}',
            '\u{feff}',
            '\u{e0041}',
        ] {
            assert!(is_hidden(c), "U+{:04X}", u32::from(c));
        }
        for c in ['a', ' ', '\u{a0}', 'é', '\u{ff11}', '&', '…'] {
            assert!(!is_hidden(c), "U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn the_first_hidden_character_is_found_with_its_place() {
        let found = hidden_in_line("Acme\u{200b} Corp").unwrap();
        assert_eq!((found.byte, found.position), (4, 5));
        assert_eq!(found.describe(), "U+200B (zero-width space)");
        assert_eq!(hidden_in_lines("line one\nline\ttwo"), None);
        assert_eq!(hidden_in_lines("a\u{202e}b").unwrap().ch, '\u{202e}');
        assert_eq!(visible("a\u{200b}b"), "a<U+200B>b");
    }

    #[test]
    fn accounts_are_normalised_and_limited_to_the_charset() {
        assert_eq!(
            normalize_account(" \u{ff11}\u{ff10}\u{ff10}\u{ff12} ").unwrap(),
            "1002"
        );
        assert_eq!(normalize_account("AB-1_2.3").unwrap(), "AB-1_2.3");
        assert!(matches!(
            normalize_account("1\u{200b}2"),
            Err(AccountError::Hidden(_))
        ));
        assert_eq!(normalize_account("a b"), Err(AccountError::Charset(' ')));
        assert_eq!(normalize_account(""), Err(AccountError::Empty));
        assert_eq!(
            normalize_account(&"1".repeat(101)),
            Err(AccountError::TooLong(101))
        );
        assert!(normalize_account(&"1".repeat(100)).is_ok());
    }

    #[test]
    fn amounts_have_bounds() {
        let q = |s: &str| Quantity::parse(s).unwrap();
        let m = |s: &str| Money::parse(s).unwrap();
        assert_eq!(quantity_out_of_bounds(q("1000000")), None);
        assert_eq!(quantity_out_of_bounds(q("0")), None);
        assert_eq!(quantity_out_of_bounds(q("12.50")), None);
        assert!(quantity_out_of_bounds(q("1000000.01")).is_some());
        assert!(quantity_out_of_bounds(q("-1")).is_some());
        assert!(quantity_out_of_bounds(q("1.001")).is_some());
        assert!(money_out_of_bounds(m("1000001")).is_some());
        assert!(money_out_of_bounds(Money::new(Decimal::MAX)).is_some());
    }
}
