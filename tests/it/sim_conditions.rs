//! Property tests of the `conditions` grammar: printing then parsing gives the same tree, and the
//! simulator's evaluation agrees with a straightforward reference filter written here.

use cwrecon::connectwise::conditions::{self, Comparison, Expr, Op, Value as Lit};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{Value, json};

fn field() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        "[a-z][a-zA-Z0-9_]{0,6}".prop_filter("not a keyword", |w| {
            ![
                "and", "or", "not", "contains", "like", "in", "true", "false", "null",
            ]
            .contains(&w.to_lowercase().as_str())
        }),
        1..3,
    )
}

fn scalar() -> impl Strategy<Value = Lit> {
    prop_oneof![
        any::<String>().prop_map(Lit::Str),
        (any::<i64>(), 0u32..4).prop_map(|(n, scale)| Lit::Num(Decimal::new(n, scale))),
        any::<bool>().prop_map(Lit::Bool),
        Just(Lit::Null),
        (
            2000u32..2100,
            1u32..13,
            1u32..29,
            prop::option::of((0u32..24, 0u32..60, 0u32..60))
        )
            .prop_map(|(y, m, d, t)| {
                Lit::DateTime(match t {
                    Some((h, mi, s)) => format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"),
                    None => format!("{y:04}-{m:02}-{d:02}"),
                })
            }),
    ]
}

fn comparison() -> impl Strategy<Value = Expr> {
    let ops = prop_oneof![
        Just(Op::Eq),
        Just(Op::Ne),
        Just(Op::Lt),
        Just(Op::Le),
        Just(Op::Gt),
        Just(Op::Ge),
        Just(Op::Contains),
        Just(Op::Like),
        Just(Op::In)
    ];
    (
        field(),
        ops,
        any::<bool>(),
        scalar(),
        prop::collection::vec(scalar(), 1..4),
    )
        .prop_map(|(field, op, negated, value, list)| {
            let value = if op == Op::In { Lit::List(list) } else { value };
            Expr::Cmp(Comparison {
                field,
                op,
                negated,
                value,
            })
        })
}

fn expr() -> impl Strategy<Value = Expr> {
    comparison().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(Expr::And),
            prop::collection::vec(inner, 2..4).prop_map(Expr::Or),
        ]
    })
}

proptest! {
    #[test]
    fn print_then_parse_round_trips(e in expr()) {
        let text = e.to_string();
        prop_assert_eq!(conditions::parse(&text), Ok(e), "{}", text);
    }

    #[test]
    fn parse_never_panics(text in ".{0,60}") {
        let _ = conditions::parse(&text);
    }
}

/// A record with the shapes the simulator renders: omitted nulls, a reference, a number, a flag.
#[derive(Debug, Clone)]
struct Rec {
    id: i64,
    name: Option<String>,
    qty: Option<i64>,
    flag: Option<bool>,
    company: Option<String>,
}

impl Rec {
    fn json(&self) -> Value {
        let mut v = json!({ "id": self.id });
        if let Some(n) = &self.name {
            v["name"] = json!(n);
        }
        if let Some(q) = self.qty {
            v["qty"] = json!(q);
        }
        if let Some(f) = self.flag {
            v["flag"] = json!(f);
        }
        if let Some(c) = &self.company {
            v["company"] = json!({ "id": 9, "name": c });
        }
        v
    }
}

/// The reference filter's conditions, each with its own text form.
#[derive(Debug, Clone)]
enum Cond {
    NameEq(String, bool),
    NameContains(String, bool),
    NameStarts(String),
    QtyCmp(&'static str, i64),
    Flag(bool),
    NameNull(bool),
    IdIn(Vec<i64>),
    CompanyEq(String),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
}

fn text_value() -> impl Strategy<Value = String> {
    "[abAB]{0,3}"
}

fn cond() -> impl Strategy<Value = Cond> {
    let leaf = prop_oneof![
        (text_value(), any::<bool>()).prop_map(|(s, n)| Cond::NameEq(s, n)),
        (text_value(), any::<bool>()).prop_map(|(s, n)| Cond::NameContains(s, n)),
        text_value().prop_map(Cond::NameStarts),
        (
            prop_oneof![
                Just("="),
                Just("!="),
                Just("<"),
                Just("<="),
                Just(">"),
                Just(">=")
            ],
            -3i64..4
        )
            .prop_map(|(o, n)| Cond::QtyCmp(o, n)),
        any::<bool>().prop_map(Cond::Flag),
        any::<bool>().prop_map(Cond::NameNull),
        prop::collection::vec(1i64..8, 1..4).prop_map(Cond::IdIn),
        text_value().prop_map(Cond::CompanyEq),
    ];
    leaf.prop_recursive(3, 16, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Cond::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| Cond::Or(Box::new(a), Box::new(b))),
        ]
    })
}

/// Written by hand, independently of the crate's printer: single quotes, mixed keyword case.
fn text(c: &Cond) -> String {
    match c {
        Cond::NameEq(s, false) => format!("name = '{s}'"),
        Cond::NameEq(s, true) => format!("name != \"{s}\""),
        Cond::NameContains(s, false) => format!("name CONTAINS '{s}'"),
        Cond::NameContains(s, true) => format!("name not contains '{s}'"),
        Cond::NameStarts(s) => format!("name like '{s}%'"),
        Cond::QtyCmp(op, n) => format!("qty {op} {n}"),
        Cond::Flag(b) => format!("flag = {}", if *b { "True" } else { "false" }),
        Cond::NameNull(true) => "name = null".to_owned(),
        Cond::NameNull(false) => "name != NULL".to_owned(),
        Cond::IdIn(ids) => format!(
            "id in ({})",
            ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
        ),
        Cond::CompanyEq(s) => format!("company/name = '{s}'"),
        Cond::And(a, b) => format!("({}) AND ({})", text(a), text(b)),
        Cond::Or(a, b) => format!("({}) or ({})", text(a), text(b)),
    }
}

/// The reference filter: SQL semantics spelled out (a null field satisfies only `= null`), text
/// compared case-insensitively.
fn reference(c: &Cond, r: &Rec) -> bool {
    let lower = |s: &str| s.to_lowercase();
    match c {
        Cond::NameEq(s, negated) => r
            .name
            .as_ref()
            .is_some_and(|n| (lower(n) == lower(s)) != *negated),
        Cond::NameContains(s, negated) => r
            .name
            .as_ref()
            .is_some_and(|n| lower(n).contains(&lower(s)) != *negated),
        Cond::NameStarts(s) => r
            .name
            .as_ref()
            .is_some_and(|n| lower(n).starts_with(&lower(s))),
        Cond::QtyCmp(op, n) => r.qty.is_some_and(|q| match *op {
            "=" => q == *n,
            "!=" => q != *n,
            "<" => q < *n,
            "<=" => q <= *n,
            ">" => q > *n,
            _ => q >= *n,
        }),
        Cond::Flag(b) => r.flag == Some(*b),
        Cond::NameNull(is_null) => r.name.is_none() == *is_null,
        Cond::IdIn(ids) => ids.contains(&r.id),
        Cond::CompanyEq(s) => r.company.as_ref().is_some_and(|n| lower(n) == lower(s)),
        Cond::And(a, b) => reference(a, r) && reference(b, r),
        Cond::Or(a, b) => reference(a, r) || reference(b, r),
    }
}

fn rec() -> impl Strategy<Value = Rec> {
    (
        1i64..8,
        prop::option::of(text_value()),
        prop::option::of(-3i64..4),
        prop::option::of(any::<bool>()),
        prop::option::of(text_value()),
    )
        .prop_map(|(id, name, qty, flag, company)| Rec {
            id,
            name,
            qty,
            flag,
            company,
        })
}

proptest! {
    #[test]
    fn evaluation_agrees_with_the_reference_filter(c in cond(), records in prop::collection::vec(rec(), 1..12)) {
        let text = text(&c);
        let parsed = conditions::parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        for r in &records {
            prop_assert_eq!(cwrecon::sim::evaluate(&parsed, &r.json()), reference(&c, r), "{} on {:?}", text, r);
        }
    }
}
