//! Building `conditions` strings and encoding query parameters.
//!
//! Owns the literal syntax of API-NOTES.md §1.6 and the escaping of §1.10: strings in double quotes
//! with `\` and `"` escaped by a backslash, integers bare, booleans `true`/`false`, `null`, datetimes in
//! `[…]`; `in (…)` lists; `and`/`or` with parentheses so precedence never matters. In `like` and
//! `contains` patterns a literal `[` is written `[[]` (§1.10), since the server matches them as SQL
//! `LIKE` patterns. Refuses to parse conditions: that is the simulator's `conditions` module.
//!
//! Percent-encoding of the finished query (`&`, `"`, `'`, `*`, `%`, `+`, brackets, spaces, non-ASCII)
//! also lives here, in [`encode_query`], so every request builder encodes the same way.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// One literal value in a condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A string, written in double quotes with `\` and `"` escaped.
    Str(String),
    /// An integer, written bare.
    Int(i64),
    /// A boolean, `true` or `false`.
    Bool(bool),
    /// A decimal number, written bare (`7.25`).
    Decimal(rust_decimal::Decimal),
    /// A datetime or date text, written in brackets: `[2026-01-31T00:00:00Z]`.
    DateTime(String),
    /// The keyword `null`.
    Null,
}

impl Literal {
    fn render(&self, pattern: bool) -> String {
        match self {
            Literal::Str(s) => quote(s, pattern),
            Literal::Int(i) => i.to_string(),
            Literal::Bool(b) => b.to_string(),
            Literal::Decimal(d) => d.normalize().to_string(),
            Literal::DateTime(d) => format!("[{d}]"),
            Literal::Null => "null".to_owned(),
        }
    }
}

impl From<&str> for Literal {
    fn from(s: &str) -> Self {
        Literal::Str(s.to_owned())
    }
}

impl From<String> for Literal {
    fn from(s: String) -> Self {
        Literal::Str(s)
    }
}

impl From<&String> for Literal {
    fn from(s: &String) -> Self {
        Literal::Str(s.clone())
    }
}

impl From<i32> for Literal {
    fn from(i: i32) -> Self {
        Literal::Int(i.into())
    }
}

impl From<i64> for Literal {
    fn from(i: i64) -> Self {
        Literal::Int(i)
    }
}

impl From<bool> for Literal {
    fn from(b: bool) -> Self {
        Literal::Bool(b)
    }
}

impl From<rust_decimal::Decimal> for Literal {
    fn from(d: rust_decimal::Decimal) -> Self {
        Literal::Decimal(d)
    }
}

/// Quote a string literal: `O"Brien\x` → `"O\"Brien\\x"`; in a pattern, `[` → `[[]`.
pub fn quote(s: &str, pattern: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '[' if pattern => out.push_str("[[]"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A `conditions` (or `childConditions`) expression.
///
/// ```
/// use cwrecon::connectwise::Conditions;
/// let c = Conditions::eq("type/name", "Intermedia")
///     .and(Conditions::in_list("company/id", [250, 251]))
///     .and(Conditions::eq("cancelledFlag", false));
/// assert_eq!(
///     c.as_str(),
///     r#"(type/name = "Intermedia") and (company/id in (250, 251)) and (cancelledFlag = false)"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conditions {
    text: String,
    /// Whether `text` is a chain of `and` (`Some(true)`) or `or` (`Some(false)`) terms.
    joined_by: Option<bool>,
}

impl Conditions {
    /// A condition written by hand; it is sent exactly as given.
    pub fn raw(text: impl Into<String>) -> Conditions {
        Conditions {
            text: text.into(),
            joined_by: None,
        }
    }

    fn compare(field: &str, op: &str, value: &Literal, pattern: bool) -> Conditions {
        Conditions::raw(format!("{field} {op} {}", value.render(pattern)))
    }

    /// `field = value`.
    pub fn eq(field: &str, value: impl Into<Literal>) -> Conditions {
        Self::compare(field, "=", &value.into(), false)
    }

    /// `field != value`.
    pub fn ne(field: &str, value: impl Into<Literal>) -> Conditions {
        Self::compare(field, "!=", &value.into(), false)
    }

    /// `field < value`, `field >= value`, …: `op` is one of `<`, `<=`, `>`, `>=`.
    pub fn cmp(field: &str, op: CmpOp, value: impl Into<Literal>) -> Conditions {
        Self::compare(field, op.as_str(), &value.into(), false)
    }

    /// `field like "pattern"` (`%` and `*` are wildcards; a literal `[` is escaped).
    pub fn like(field: &str, pattern: &str) -> Conditions {
        Self::compare(field, "like", &Literal::from(pattern), true)
    }

    /// `field contains "text"`.
    pub fn contains(field: &str, text: &str) -> Conditions {
        Self::compare(field, "contains", &Literal::from(text), true)
    }

    /// `field in (a, b, c)`. An empty list matches nothing, written as `field in ()`'s safe
    /// equivalent `id < 0`, since ConnectWise refuses an empty list and ids are positive.
    pub fn in_list<L: Into<Literal>>(
        field: &str,
        values: impl IntoIterator<Item = L>,
    ) -> Conditions {
        let items: Vec<String> = values.into_iter().map(|v| v.into().render(false)).collect();
        if items.is_empty() {
            return Conditions::raw("id < 0");
        }
        Conditions::raw(format!("{field} in ({})", items.join(", ")))
    }

    /// Both this and `other`.
    #[must_use]
    pub fn and(self, other: Conditions) -> Conditions {
        self.join(other, true)
    }

    /// This or `other`.
    #[must_use]
    pub fn or(self, other: Conditions) -> Conditions {
        self.join(other, false)
    }

    fn join(self, other: Conditions, and: bool) -> Conditions {
        let word = if and { "and" } else { "or" };
        let left = if self.joined_by == Some(and) {
            self.text
        } else {
            format!("({})", self.text)
        };
        let right = if other.joined_by == Some(and) {
            other.text
        } else {
            format!("({})", other.text)
        };
        Conditions {
            text: format!("{left} {word} {right}"),
            joined_by: Some(and),
        }
    }

    /// All of the conditions (`None` when there are none).
    pub fn all(conditions: impl IntoIterator<Item = Conditions>) -> Option<Conditions> {
        conditions.into_iter().reduce(Conditions::and)
    }

    /// Any of the conditions (`None` when there are none).
    pub fn any(conditions: impl IntoIterator<Item = Conditions>) -> Option<Conditions> {
        conditions.into_iter().reduce(Conditions::or)
    }

    /// The expression's text, before percent-encoding.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Conditions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// An ordering comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    fn as_str(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// Characters left as they are in a query value: RFC 3986 unreserved, plus `/` and `,` which are
/// legal in a query and keep `company/id` and `fields=id,name` readable in logs.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/')
    .remove(b',');

/// Percent-encode one query value (space is `%20`, never `+`, which ConnectWise would read as a
/// literal plus in some versions and as a space in others).
pub fn encode_value(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
}

/// Encode `name=value` pairs into a query string (names are ours and plain ASCII).
pub fn encode_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    pairs
        .into_iter()
        .map(|(name, value)| format!("{}={}", encode_value(name), encode_value(value)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_quoted_and_escaped() {
        assert_eq!(Conditions::eq("name", "Acme").as_str(), r#"name = "Acme""#);
        assert_eq!(
            Conditions::eq("name", r#"O"Brien \ Sons"#).as_str(),
            r#"name = "O\"Brien \\ Sons""#
        );
        assert_eq!(Conditions::eq("name", "a[b]").as_str(), r#"name = "a[b]""#);
        assert_eq!(
            Conditions::like("name", "a[b%").as_str(),
            r#"name like "a[[]b%""#
        );
        assert_eq!(
            Conditions::contains("name", "[x]").as_str(),
            r#"name contains "[[]x]""#
        );
    }

    #[test]
    fn other_literals() {
        assert_eq!(
            Conditions::eq("company/id", 250).as_str(),
            "company/id = 250"
        );
        assert_eq!(
            Conditions::eq("inactiveFlag", false).as_str(),
            "inactiveFlag = false"
        );
        assert_eq!(
            Conditions::ne("value", Literal::Null).as_str(),
            "value != null"
        );
        assert_eq!(
            Conditions::cmp(
                "lastUpdated",
                CmpOp::Gt,
                Literal::DateTime("2026-01-02T03:04:05Z".into())
            )
            .as_str(),
            "lastUpdated > [2026-01-02T03:04:05Z]"
        );
        assert_eq!(
            Conditions::eq("price", rust_decimal::Decimal::new(7250, 3)).as_str(),
            "price = 7.25"
        );
    }

    #[test]
    fn lists_and_joins() {
        assert_eq!(
            Conditions::in_list("identifier", ["A", "B\"C"]).as_str(),
            r#"identifier in ("A", "B\"C")"#
        );
        assert_eq!(Conditions::in_list::<i32>("id", []).as_str(), "id < 0");
        let c = Conditions::eq("a", 1)
            .and(Conditions::eq("b", 2))
            .and(Conditions::eq("c", 3).or(Conditions::eq("d", 4)));
        assert_eq!(c.as_str(), "(a = 1) and (b = 2) and ((c = 3) or (d = 4))");
        assert_eq!(Conditions::all([]), None);
        assert_eq!(
            Conditions::any([Conditions::eq("a", 1), Conditions::eq("a", 2)])
                .unwrap()
                .as_str(),
            "(a = 1) or (a = 2)"
        );
    }

    #[test]
    fn encoding_covers_the_special_characters() {
        let c = Conditions::eq("name", r#"A&B "q" 'x' *%+ [1] #é"#);
        assert_eq!(
            encode_value(c.as_str()),
            "name%20%3D%20%22A%26B%20%5C%22q%5C%22%20%27x%27%20%2A%25%2B%20%5B1%5D%20%23%C3%A9%22"
        );
        assert_eq!(
            encode_query([("fields", "id,name,status/id"), ("orderBy", "name asc")]),
            "fields=id,name,status/id&orderBy=name%20asc"
        );
    }

    /// Undo [`quote`] the way a conditions parser reads a double-quoted string.
    fn unquote(text: &str) -> String {
        let inner = &text[1..text.len() - 1];
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                out.push(chars.next().unwrap());
            } else {
                out.push(c);
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn quoting_round_trips(s in "\\PC*") {
            let quoted = quote(&s, false);
            proptest::prop_assert!(quoted.starts_with('"') && quoted.ends_with('"'));
            proptest::prop_assert_eq!(unquote(&quoted), s);
        }

        #[test]
        fn encoding_round_trips_and_leaves_no_reserved_character(s in "\\PC*") {
            let encoded = encode_value(&s);
            proptest::prop_assert!(encoded
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~/,%".contains(c)));
            let decoded = percent_encoding::percent_decode_str(&encoded).decode_utf8().unwrap();
            proptest::prop_assert_eq!(decoded, s.as_str());
        }
    }
}
