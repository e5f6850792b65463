//! The ConnectWise `conditions` grammar: syntax tree, parser and printer.
//!
//! Owns the text form of a filter as the API reads it (API-NOTES.md §1.6): quoted strings (double or
//! single quotes), numbers, `true`/`false`/`null`, `[datetimes]`, the operators `=`, `!=`, `<`, `<=`,
//! `>`, `>=`, `contains`, `like`, `in (...)`, each optionally prefixed by `not`, and `and`/`or` in any
//! case with parentheses; fields are slash paths such as `company/id`.
//!
//! It refuses to know what a field means or how a record matches: evaluation belongs to whoever owns
//! the records (the simulator). It is pure and synchronous, so the client can reuse the printer and
//! its quoting.
//!
//! Invariant: for every [`Expr`] whose `and`/`or` nodes have at least two children,
//! `parse(&expr.to_string()) == Ok(expr)`. The printer parenthesises every nested `and`/`or`, and the
//! parser keeps parentheses as nesting, so the tree survives a round trip unchanged.

use std::fmt;

use rust_decimal::Decimal;

/// A parsed `conditions` expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// Every child holds (`a and b and c`). Built with at least two children.
    And(Vec<Expr>),
    /// Some child holds (`a or b`). Built with at least two children.
    Or(Vec<Expr>),
    /// One comparison.
    Cmp(Comparison),
}

/// `field [not] op value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// The field path, e.g. `company/id` is `["company", "id"]`.
    pub field: Vec<String>,
    /// The operator.
    pub op: Op,
    /// Whether `not` prefixes the operator (`not like`).
    pub negated: bool,
    /// The right-hand side; a [`Value::List`] only for [`Op::In`].
    pub value: Value,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `contains`
    Contains,
    /// `like` (wildcards `%` and `*`)
    Like,
    /// `in (...)`
    In,
}

impl Op {
    /// The operator as ConnectWise spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Contains => "contains",
            Op::Like => "like",
            Op::In => "in",
        }
    }
}

/// A literal on the right of an operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A quoted string, unescaped.
    Str(String),
    /// A number: digits, an optional decimal point and sign.
    Num(Decimal),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// The text between `[` and `]`: `2016-08-20T18:04:26Z` or `2016-08-20`.
    DateTime(String),
    /// The parenthesised list of `in`.
    List(Vec<Value>),
}

/// Why a `conditions` text did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at character {position})")]
pub struct ParseError {
    /// What was wrong, in ConnectWise's words where it has them.
    pub message: String,
    /// Zero-based character offset where the problem was found.
    pub position: usize,
}

/// ConnectWise's own explanation of literal syntax, appended to value errors (API-NOTES.md §1.3).
pub const LITERAL_HELP: &str = "String values should be enclosed with double or single quotes; \
DateTime values should be enclosed in square brackets; numbers should consist of only digits, and \
optionally a decimal point and a negation sign; boolean values should be indicated with the keywords \
true or false; null values should be indicated by the keyword null.";

/// Parse a `conditions` (or `childConditions`) text.
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    let tokens = lex(text)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        end: text.chars().count(),
    };
    let expr = parser.or_expr()?;
    match parser.peek() {
        None => Ok(expr),
        Some(tok) => Err(error_at(
            tok.position,
            format!("unexpected {}", tok.kind.describe()),
        )),
    }
}

/// Quote a string for use in `conditions`: double quotes, with `"` and `\` escaped by a backslash.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::And(children) => write_joined(f, children, "and"),
            Expr::Or(children) => write_joined(f, children, "or"),
            Expr::Cmp(cmp) => write!(f, "{cmp}"),
        }
    }
}

fn write_joined(f: &mut fmt::Formatter<'_>, children: &[Expr], word: &str) -> fmt::Result {
    for (i, child) in children.iter().enumerate() {
        if i > 0 {
            write!(f, " {word} ")?;
        }
        match child {
            Expr::Cmp(cmp) => write!(f, "{cmp}")?,
            nested => write!(f, "({nested})")?,
        }
    }
    Ok(())
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let not = if self.negated { "not " } else { "" };
        write!(
            f,
            "{} {not}{} {}",
            self.field.join("/"),
            self.op.as_str(),
            self.value
        )
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(s) => f.write_str(&quote(s)),
            Value::Num(n) => write!(f, "{n}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Null => f.write_str("null"),
            Value::DateTime(d) => write!(f, "[{d}]"),
            Value::List(items) => {
                f.write_str("(")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str(")")
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum TokenKind {
    Word(String),
    Str(String),
    Num(Decimal),
    DateTime(String),
    Op(Op),
    Open,
    Close,
    Comma,
}

impl TokenKind {
    fn describe(&self) -> String {
        match self {
            TokenKind::Word(w) => format!("'{w}'"),
            TokenKind::Str(s) => format!("string {}", quote(s)),
            TokenKind::Num(n) => format!("number {n}"),
            TokenKind::DateTime(d) => format!("datetime [{d}]"),
            TokenKind::Op(op) => format!("operator '{}'", op.as_str()),
            TokenKind::Open => "'('".to_owned(),
            TokenKind::Close => "')'".to_owned(),
            TokenKind::Comma => "','".to_owned(),
        }
    }
}

#[derive(Debug, Clone)]
struct Token {
    kind: TokenKind,
    position: usize,
}

fn lex(text: &str) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let kind = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '(' => {
                i += 1;
                TokenKind::Open
            }
            ')' => {
                i += 1;
                TokenKind::Close
            }
            ',' => {
                i += 1;
                TokenKind::Comma
            }
            '"' | '\'' => lex_string(&chars, &mut i, c)?,
            '[' => lex_datetime(&chars, &mut i)?,
            '=' | '!' | '<' | '>' => lex_symbol(&chars, &mut i)?,
            c if c.is_ascii_digit() || c == '-' || c == '.' => lex_number(&chars, &mut i)?,
            c if is_word_char(c) => lex_word(&chars, &mut i),
            other => {
                return Err(ParseError {
                    message: format!("unexpected character '{other}'"),
                    position: start,
                });
            }
        };
        tokens.push(Token {
            kind,
            position: start,
        });
    }
    Ok(tokens)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '/'
}

fn lex_string(chars: &[char], i: &mut usize, quote_char: char) -> Result<TokenKind, ParseError> {
    let start = *i;
    *i += 1;
    let mut out = String::new();
    while let Some(&c) = chars.get(*i) {
        *i += 1;
        if c == '\\' {
            // UNVERIFIED: backslash escapes inside quoted strings (API-NOTES.md §1.10 documents JSON
            // escapes only). The printer relies on them to quote any text.
            match chars.get(*i) {
                Some(&next) => {
                    out.push(next);
                    *i += 1;
                }
                None => break,
            }
        } else if c == quote_char {
            return Ok(TokenKind::Str(out));
        } else {
            out.push(c);
        }
    }
    Err(ParseError {
        message: "unterminated string".to_owned(),
        position: start,
    })
}

fn lex_datetime(chars: &[char], i: &mut usize) -> Result<TokenKind, ParseError> {
    let start = *i;
    let close = chars[start..]
        .iter()
        .position(|&c| c == ']')
        .map(|p| start + p);
    let Some(close) = close else {
        return Err(ParseError {
            message: "unterminated datetime".to_owned(),
            position: start,
        });
    };
    let inner: String = chars[start + 1..close].iter().collect();
    *i = close + 1;
    if is_datetime(&inner) {
        Ok(TokenKind::DateTime(inner))
    } else {
        Err(ParseError {
            message: format!(
                "'{inner}' is not a datetime (expected [YYYY-MM-DD] or [YYYY-MM-DDTHH:MM:SSZ])"
            ),
            position: start,
        })
    }
}

/// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ` (API-NOTES.md §1.6).
pub fn is_datetime(text: &str) -> bool {
    let b = text.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let date = b.len() >= 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10);
    match b.len() {
        10 => date,
        20 => {
            date && b[10] == b'T'
                && digits(11..13)
                && b[13] == b':'
                && digits(14..16)
                && b[16] == b':'
                && digits(17..19)
                && b[19] == b'Z'
        }
        _ => false,
    }
}

fn lex_symbol(chars: &[char], i: &mut usize) -> Result<TokenKind, ParseError> {
    let start = *i;
    let two: String = chars[start..chars.len().min(start + 2)].iter().collect();
    let (op, len) = match two.as_str() {
        "!=" => (Op::Ne, 2),
        "<=" => (Op::Le, 2),
        ">=" => (Op::Ge, 2),
        _ => match chars[start] {
            '=' => (Op::Eq, 1),
            '<' => (Op::Lt, 1),
            '>' => (Op::Gt, 1),
            other => {
                return Err(ParseError {
                    message: format!("unexpected character '{other}'"),
                    position: start,
                });
            }
        },
    };
    *i += len;
    Ok(TokenKind::Op(op))
}

fn lex_number(chars: &[char], i: &mut usize) -> Result<TokenKind, ParseError> {
    let start = *i;
    let mut end = start + 1;
    while chars
        .get(end)
        .is_some_and(|c| c.is_ascii_digit() || *c == '.')
    {
        end += 1;
    }
    let text: String = chars[start..end].iter().collect();
    *i = end;
    text.parse::<Decimal>()
        .map(TokenKind::Num)
        .map_err(|_| ParseError {
            message: format!("'{text}' is not a number. {LITERAL_HELP}"),
            position: start,
        })
}

fn lex_word(chars: &[char], i: &mut usize) -> TokenKind {
    let start = *i;
    while chars.get(*i).copied().is_some_and(is_word_char) {
        *i += 1;
    }
    TokenKind::Word(chars[start..*i].iter().collect())
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let tok = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        tok
    }

    fn here(&self) -> usize {
        self.peek().map_or(self.end, |t| t.position)
    }

    fn peek_keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token { kind: TokenKind::Word(w), .. }) if w.eq_ignore_ascii_case(word))
    }

    /// `and` binds tighter than `or`: standard precedence, UNVERIFIED (API-NOTES.md §1.6).
    fn or_expr(&mut self) -> Result<Expr, ParseError> {
        let mut children = vec![self.and_expr()?];
        while self.peek_keyword("or") {
            self.pos += 1;
            children.push(self.and_expr()?);
        }
        Ok(if children.len() == 1 {
            children.remove(0)
        } else {
            Expr::Or(children)
        })
    }

    fn and_expr(&mut self) -> Result<Expr, ParseError> {
        let mut children = vec![self.primary()?];
        while self.peek_keyword("and") {
            self.pos += 1;
            children.push(self.primary()?);
        }
        Ok(if children.len() == 1 {
            children.remove(0)
        } else {
            Expr::And(children)
        })
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let position = self.here();
        match self.next() {
            Some(Token {
                kind: TokenKind::Open,
                ..
            }) => {
                let inner = self.or_expr()?;
                match self.next() {
                    Some(Token {
                        kind: TokenKind::Close,
                        ..
                    }) => Ok(inner),
                    Some(tok) => Err(error_at(
                        tok.position,
                        format!("expected ')', found {}", tok.kind.describe()),
                    )),
                    None => Err(error_at(self.end, "expected ')'".to_owned())),
                }
            }
            Some(Token {
                kind: TokenKind::Word(word),
                ..
            }) if !is_keyword(&word) => self.comparison(&word, position),
            Some(tok) => Err(error_at(
                tok.position,
                format!("expected a field name, found {}", tok.kind.describe()),
            )),
            None => Err(error_at(position, "expected a field name".to_owned())),
        }
    }

    fn comparison(&mut self, word: &str, position: usize) -> Result<Expr, ParseError> {
        let field: Vec<String> = word.split('/').map(str::to_owned).collect();
        if field.iter().any(String::is_empty) {
            return Err(error_at(position, format!("'{word}' is not a field path")));
        }
        let negated = self.peek_keyword("not");
        if negated {
            self.pos += 1;
        }
        let op = self.operator()?;
        let value = if op == Op::In {
            self.list()?
        } else {
            self.scalar()?
        };
        Ok(Expr::Cmp(Comparison {
            field,
            op,
            negated,
            value,
        }))
    }

    fn operator(&mut self) -> Result<Op, ParseError> {
        let position = self.here();
        match self.next().map(|t| t.kind) {
            Some(TokenKind::Op(op)) => Ok(op),
            Some(TokenKind::Word(w)) if w.eq_ignore_ascii_case("contains") => Ok(Op::Contains),
            Some(TokenKind::Word(w)) if w.eq_ignore_ascii_case("like") => Ok(Op::Like),
            Some(TokenKind::Word(w)) if w.eq_ignore_ascii_case("in") => Ok(Op::In),
            Some(kind) => Err(error_at(
                position,
                format!("expected an operator, found {}", kind.describe()),
            )),
            None => Err(error_at(position, "expected an operator".to_owned())),
        }
    }

    fn scalar(&mut self) -> Result<Value, ParseError> {
        let position = self.here();
        match self.next().map(|t| t.kind) {
            Some(TokenKind::Str(s)) => Ok(Value::Str(s)),
            Some(TokenKind::Num(n)) => Ok(Value::Num(n)),
            Some(TokenKind::DateTime(d)) => Ok(Value::DateTime(d)),
            Some(TokenKind::Word(w)) if w.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
            Some(TokenKind::Word(w)) if w.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
            Some(TokenKind::Word(w)) if w.eq_ignore_ascii_case("null") => Ok(Value::Null),
            Some(kind) => Err(error_at(
                position,
                format!(
                    "expected a value, found {}. {LITERAL_HELP}",
                    kind.describe()
                ),
            )),
            None => Err(error_at(
                position,
                format!("expected a value. {LITERAL_HELP}"),
            )),
        }
    }

    fn list(&mut self) -> Result<Value, ParseError> {
        let position = self.here();
        if !matches!(self.next().map(|t| t.kind), Some(TokenKind::Open)) {
            return Err(error_at(position, "expected '(' after 'in'".to_owned()));
        }
        let mut items = vec![self.scalar()?];
        loop {
            let position = self.here();
            match self.next().map(|t| t.kind) {
                Some(TokenKind::Comma) => items.push(self.scalar()?),
                Some(TokenKind::Close) => return Ok(Value::List(items)),
                _ => {
                    return Err(error_at(
                        position,
                        "expected ',' or ')' in the list of 'in'".to_owned(),
                    ));
                }
            }
        }
    }
}

fn error_at(position: usize, message: String) -> ParseError {
    ParseError { message, position }
}

/// Words that cannot start a comparison.
fn is_keyword(word: &str) -> bool {
    [
        "and", "or", "not", "contains", "like", "in", "true", "false", "null",
    ]
    .iter()
    .any(|k| k.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(field: &str, op: Op, value: Value) -> Expr {
        Expr::Cmp(Comparison {
            field: field.split('/').map(str::to_owned).collect(),
            op,
            negated: false,
            value,
        })
    }

    #[test]
    fn parses_reference_paths_and_numbers() {
        let e = parse("company/id = 250").unwrap();
        assert_eq!(e, cmp("company/id", Op::Eq, Value::Num(Decimal::from(250))));
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let e = parse("a = 1 or b = 2 AND c = 3").unwrap();
        let Expr::Or(children) = e else {
            panic!("expected or")
        };
        assert!(matches!(children[1], Expr::And(_)));
    }

    #[test]
    fn parses_the_developer_guide_example() {
        let text = r#"(contact/name like "Fred%" and closedFlag = false) and dateEntered > [2015-12-23T05:53:27Z] or summary contains "test" AND summary != "Some Summary""#;
        let e = parse(text).unwrap();
        assert_eq!(parse(&e.to_string()).unwrap(), e);
    }

    #[test]
    fn single_quotes_not_prefix_and_in_lists() {
        let e =
            parse("name not like 'a*' and board/id not in (3, 2, 4) and x IN ('A',\"B\")").unwrap();
        let Expr::And(children) = e else {
            panic!("expected and")
        };
        let Expr::Cmp(first) = &children[0] else {
            panic!()
        };
        assert!(first.negated);
        assert_eq!(first.op, Op::Like);
        assert_eq!(first.value, Value::Str("a*".into()));
        let Expr::Cmp(second) = &children[1] else {
            panic!()
        };
        assert_eq!(second.op, Op::In);
        assert!(second.negated);
    }

    #[test]
    fn booleans_and_null_in_any_case() {
        assert_eq!(
            parse("f = True").unwrap(),
            cmp("f", Op::Eq, Value::Bool(true))
        );
        assert_eq!(parse("f != NULL").unwrap(), cmp("f", Op::Ne, Value::Null));
        assert_eq!(
            parse("n >= -1.5").unwrap(),
            cmp("n", Op::Ge, Value::Num("-1.5".parse().unwrap()))
        );
        assert_eq!(
            parse("d < [2016-08-20]").unwrap(),
            cmp("d", Op::Lt, Value::DateTime("2016-08-20".into()))
        );
    }

    #[test]
    fn rejects_bad_expressions_with_positions() {
        for (text, at) in [
            ("name = ", 7),
            ("name = abc", 7),
            ("= 1", 0),
            ("(a = 1", 6),
            ("a = 1 b = 2", 6),
            ("a = 'x", 4),
            ("a = [yesterday]", 4),
            ("a in 1", 5),
            ("a ~ 1", 2),
        ] {
            let err = parse(text).unwrap_err();
            assert_eq!(err.position, at, "{text}: {err}");
        }
    }

    #[test]
    fn bare_word_values_get_connectwise_help() {
        let err = parse("name = abc").unwrap_err();
        assert!(
            err.message.contains("String values should be enclosed"),
            "{err}"
        );
    }

    #[test]
    fn printer_quotes_and_parenthesises() {
        let e = Expr::And(vec![
            cmp("a", Op::Eq, Value::Str("say \"hi\"".into())),
            Expr::Or(vec![
                cmp("b", Op::Like, Value::Str("x%".into())),
                cmp("c", Op::Eq, Value::Null),
            ]),
        ]);
        assert_eq!(
            e.to_string(),
            r#"a = "say \"hi\"" and (b like "x%" or c = null)"#
        );
        assert_eq!(parse(&e.to_string()).unwrap(), e);
    }

    #[test]
    fn datetime_shapes() {
        assert!(is_datetime("2016-08-20T18:04:26Z"));
        assert!(is_datetime("2016-08-20"));
        assert!(!is_datetime("2016-08-20T18:04"));
        assert!(!is_datetime("20160820"));
    }
}
