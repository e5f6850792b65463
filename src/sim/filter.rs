//! What `conditions`, `childConditions`, `orderBy` and `fields` mean for rendered records.
//!
//! Owns evaluation semantics (API-NOTES.md §1.6): which paths a model allows, which literal fits which
//! field (a mismatch is ConnectWise's "Expected a boolean value, not a numeric" 400), SQL-like null
//! handling, case-insensitive text comparison, `like` wildcards and existential matching over arrays
//! for `childConditions`; and which comparisons a stored row answers exactly as its rendering
//! would (`id`, scalar fields, `<reference>/id`), so lists test those without rendering. It refuses
//! the grammar itself, which lives in [`crate::connectwise::conditions`].

use std::cmp::Ordering;
use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::connectwise::conditions::{Comparison, Expr, LITERAL_HELP, Op, Value as Lit};

use super::model::{Kind, Model, RefModel};
use super::store::Row;

/// Whether a path is checked for `conditions` (no arrays) or `childConditions` (arrays only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// `conditions`, `orderBy`.
    Record,
    /// `childConditions`.
    Children,
}

/// The scalar kind a path leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scalar {
    Text,
    Number,
    Boolean,
    DateTime,
    /// An element of an untyped list (custom fields, communication items): any literal.
    Any,
}

impl Scalar {
    fn word(self) -> &'static str {
        match self {
            Scalar::Text => "string",
            Scalar::Number => "numeric",
            Scalar::Boolean => "boolean",
            Scalar::DateTime => "datetime",
            Scalar::Any => "any",
        }
    }
}

/// Check every comparison of `expr` against `model`; the error is the 400 message.
pub(crate) fn check(model: &Model, expr: &Expr, scope: Scope) -> Result<(), String> {
    match expr {
        Expr::And(children) | Expr::Or(children) => {
            children.iter().try_for_each(|c| check(model, c, scope))
        }
        Expr::Cmp(cmp) => check_comparison(model, cmp, scope),
    }
}

fn check_comparison(model: &Model, cmp: &Comparison, scope: Scope) -> Result<(), String> {
    let scalar = path_kind(model, &cmp.field, scope)?;
    if matches!(cmp.op, Op::Contains | Op::Like) && !matches!(scalar, Scalar::Text | Scalar::Any) {
        return Err(format!(
            "Operator '{}' requires a string field; {} is {}.",
            cmp.op.as_str(),
            cmp.field.join("/"),
            scalar.word()
        ));
    }
    match &cmp.value {
        Lit::List(items) => items.iter().try_for_each(|i| check_literal(scalar, i)),
        other => check_literal(scalar, other),
    }
}

fn check_literal(scalar: Scalar, lit: &Lit) -> Result<(), String> {
    let given = match lit {
        Lit::Null => return Ok(()),
        Lit::Str(_) => Scalar::Text,
        Lit::Num(_) => Scalar::Number,
        Lit::Bool(_) => Scalar::Boolean,
        Lit::DateTime(_) => Scalar::DateTime,
        Lit::List(_) => return Err(format!("A list is only allowed after 'in'. {LITERAL_HELP}")),
    };
    if given == scalar || scalar == Scalar::Any {
        Ok(())
    } else {
        // API-NOTES.md §1.3: ConnectWise's own wording.
        Err(format!(
            "Expected a {} value, not a {}. {LITERAL_HELP}",
            scalar.word(),
            given.word()
        ))
    }
}

/// Resolve the kind a path leads to, or explain why the path is not filterable.
fn path_kind(model: &Model, path: &[String], scope: Scope) -> Result<Scalar, String> {
    let unknown = || {
        format!(
            "Unknown field '{}' for {} conditions.",
            path.join("/"),
            model.name
        )
    };
    let first = path.first().ok_or_else(unknown)?;
    match (first.as_str(), path.len()) {
        ("id", 1) => return Ok(Scalar::Number),
        ("_info", 2) => {
            return Ok(
                if matches!(path[1].as_str(), "lastUpdated" | "dateEntered") {
                    Scalar::DateTime
                } else {
                    Scalar::Text
                },
            );
        }
        ("lastUpdated" | "dateEntered", 1) => return Ok(Scalar::DateTime),
        _ => {}
    }
    let field = model.field(first).ok_or_else(unknown)?;
    let scalar_of = |kind: Kind| match kind {
        Kind::Str | Kind::Enum(_) => Some(Scalar::Text),
        Kind::Int | Kind::Num => Some(Scalar::Number),
        Kind::Bool => Some(Scalar::Boolean),
        Kind::DateTime => Some(Scalar::DateTime),
        _ => None,
    };
    match (field.kind, path.len(), scope) {
        (Kind::Ref(schema), 2, _) | (Kind::RefList(schema), 2, Scope::Children) => {
            RefModel::named(schema)
                .key_kind(&path[1])
                .and_then(scalar_of)
                .ok_or_else(unknown)
        }
        // Lists of objects without a model here (communication items): any key, any literal.
        (Kind::List, 2, Scope::Children) => Ok(Scalar::Any),
        (Kind::RefList(_) | Kind::List, _, Scope::Record) => Err(format!(
            "Field '{}' is a list; filter it with childConditions.",
            path.join("/")
        )),
        (kind, 1, Scope::Record) => scalar_of(kind).ok_or_else(unknown),
        _ => Err(unknown()),
    }
}

/// Keys of a `customFields` entry that `customFieldConditions` may name (API-NOTES.md §1.6).
const CUSTOM_FIELD_KEYS: &[&str] = &[
    "id",
    "caption",
    "type",
    "entryMethod",
    "numberOfDecimals",
    "value",
    "connectWiseId",
];

/// Check `customFieldConditions` (`caption="TomNumber" AND value != null`).
pub(crate) fn check_custom(model: &Model, expr: &Expr) -> Result<(), String> {
    if model.field("customFields").is_none() {
        return Err(format!("{} has no customFields to filter.", model.name));
    }
    match expr {
        Expr::And(children) | Expr::Or(children) => {
            children.iter().try_for_each(|c| check_custom(model, c))
        }
        Expr::Cmp(cmp) => match cmp.field.as_slice() {
            [key] if CUSTOM_FIELD_KEYS.contains(&key.as_str()) => Ok(()),
            _ => Err(format!(
                "Unknown field '{}' in customFieldConditions.",
                cmp.field.join("/")
            )),
        },
    }
}

/// A `conditions` expression ready to test many records: its literals are converted once (text
/// lower-cased, numbers to `f64`), so testing n records costs n evaluations and no literal work.
pub(crate) struct Matcher<'e> {
    root: Node<'e>,
    /// Comparisons every match must pass that a stored row answers as its rendering would (see
    /// [`Matcher::on_stored`]).
    anchors: Vec<(Anchor, usize)>,
    /// Whether the anchors are the whole expression.
    anchored: bool,
}

/// Where a stored row keeps the value its rendering shows at a path.
#[derive(Clone, Copy)]
enum Anchor {
    /// `id`.
    Id,
    /// A scalar field (text, number, boolean, datetime, enum), rendered as stored.
    Scalar(&'static str),
    /// `<reference>/id`: a reference is stored as `{"id": n}` and rendered with that id.
    RefId(&'static str),
}

impl Anchor {
    /// The anchor for `path` in `model`, if the path has one.
    fn of(model: &Model, path: &[String]) -> Option<Anchor> {
        let (first, rest) = path.split_first()?;
        if first == "id" && rest.is_empty() {
            return Some(Anchor::Id);
        }
        // `lastUpdated` and `dateEntered` may mean `_info/…` (see `resolve`).
        if first == "lastUpdated" || first == "dateEntered" {
            return None;
        }
        let field = model.field(first)?;
        match (field.kind, rest) {
            (
                Kind::Str | Kind::Int | Kind::Num | Kind::Bool | Kind::DateTime | Kind::Enum(_),
                [],
            ) => Some(Anchor::Scalar(field.name)),
            (Kind::Ref(_), [key]) if key == "id" => Some(Anchor::RefId(field.name)),
            _ => None,
        }
    }

    /// The value the rendered record shows at this path (`Null` for none), or `None` when the
    /// stored value is not of a shape this can answer for (then the rendering decides).
    fn value(self, row: &Row) -> Option<std::borrow::Cow<'_, Value>> {
        use std::borrow::Cow;
        let stored = match self {
            Anchor::Id => return Some(Cow::Owned(Value::from(row.id))),
            Anchor::Scalar(name) => row.fields.get(name),
            Anchor::RefId(name) => match row.fields.get(name) {
                Some(Value::Object(reference)) => reference.get("id"),
                None | Some(Value::Null) => None,
                Some(_) => return None,
            },
        };
        match stored {
            None => Some(Cow::Owned(Value::Null)),
            // An array is flattened by `resolve`; left to the rendering.
            Some(Value::Array(_) | Value::Object(_)) => None,
            Some(value) => Some(Cow::Borrowed(value)),
        }
    }
}

enum Node<'e> {
    And(Vec<Node<'e>>),
    Or(Vec<Node<'e>>),
    Cmp(&'e Comparison, Literal<'e>),
}

/// A literal in the form comparisons use.
enum Literal<'e> {
    /// Lower-cased (text compares case-insensitively).
    Text(String),
    /// `None` when the number has no `f64` form: it then orders against nothing.
    Number(Option<f64>),
    Boolean(bool),
    DateTime(&'e str),
    Null,
    /// The items of `in (…)`, text and numbers in sets so a long list costs a look-up, not a
    /// scan; the other items (booleans, datetimes, nulls) as they come.
    List {
        texts: HashSet<String>,
        numbers: Vec<f64>,
        others: Vec<Literal<'e>>,
    },
}

impl<'e> Literal<'e> {
    fn new(lit: &'e Lit) -> Literal<'e> {
        match lit {
            Lit::Str(s) => Literal::Text(s.to_lowercase()),
            Lit::Num(n) => Literal::Number(n.to_string().parse().ok()),
            Lit::Bool(b) => Literal::Boolean(*b),
            Lit::DateTime(d) => Literal::DateTime(d),
            Lit::Null => Literal::Null,
            Lit::List(items) => {
                let (mut texts, mut numbers, mut others) = (HashSet::new(), Vec::new(), Vec::new());
                for item in items.iter().map(Literal::new) {
                    match item {
                        Literal::Text(text) => {
                            texts.insert(text);
                        }
                        Literal::Number(Some(n)) => numbers.push(n),
                        // A number without an `f64` form equals nothing.
                        Literal::Number(None) => {}
                        other => others.push(other),
                    }
                }
                numbers.sort_by(f64::total_cmp);
                Literal::List {
                    texts,
                    numbers,
                    others,
                }
            }
        }
    }

    /// Whether `value` (with its lower-cased text) equals one of the items of `in (…)`.
    fn contains(&self, value: &Value, lower: Option<&str>) -> bool {
        let Literal::List {
            texts,
            numbers,
            others,
        } = self
        else {
            return false;
        };
        lower.is_some_and(|text| texts.contains(text))
            || value.as_f64().is_some_and(|n| {
                numbers
                    .binary_search_by(|item| item.partial_cmp(&n).unwrap_or(Ordering::Less))
                    .is_ok()
            })
            || others
                .iter()
                .any(|item| ordering(value, lower, item) == Some(Ordering::Equal))
    }
}

impl<'e> Matcher<'e> {
    pub(crate) fn new(expr: &'e Expr) -> Matcher<'e> {
        fn node(expr: &Expr) -> Node<'_> {
            match expr {
                Expr::And(children) => Node::And(children.iter().map(node).collect()),
                Expr::Or(children) => Node::Or(children.iter().map(node).collect()),
                Expr::Cmp(cmp) => Node::Cmp(cmp, Literal::new(&cmp.value)),
            }
        }
        Matcher {
            root: node(expr),
            anchors: Vec::new(),
            anchored: false,
        }
    }

    /// A matcher for `conditions` on records of `model` that can also test stored rows (see
    /// [`Matcher::on_stored`]).
    pub(crate) fn for_model(expr: &'e Expr, model: &Model) -> Matcher<'e> {
        let mut matcher = Matcher::new(expr);
        let conjuncts: &[Node<'_>] = match &matcher.root {
            Node::And(children) => children,
            root @ Node::Cmp(..) => std::slice::from_ref(root),
            Node::Or(_) => &[],
        };
        let mut anchors = Vec::new();
        for (i, conjunct) in conjuncts.iter().enumerate() {
            if let Node::Cmp(cmp, _) = conjunct
                && let Some(anchor) = Anchor::of(model, &cmp.field)
            {
                anchors.push((anchor, i));
            }
        }
        matcher.anchored = !conjuncts.is_empty() && anchors.len() == conjuncts.len();
        matcher.anchors = anchors;
        matcher
    }

    /// Test a stored row on the comparisons whose values it holds as its rendering shows them:
    /// `Some(false)` when one fails (the rendered record would fail too), `Some(true)` when they
    /// are the whole expression and all pass, `None` when the rendered record must decide.
    pub(crate) fn on_stored(&self, row: &Row) -> Option<bool> {
        let conjuncts: &[Node<'_>] = match &self.root {
            Node::And(children) => children,
            root => std::slice::from_ref(root),
        };
        let mut known = true;
        for &(anchor, i) in &self.anchors {
            let Some(Node::Cmp(cmp, lit)) = conjuncts.get(i) else {
                known = false;
                continue;
            };
            match anchor.value(row) {
                Some(value) if !compare(&value, cmp, lit) => return Some(false),
                Some(_) => {}
                None => known = false,
            }
        }
        (known && self.anchored).then_some(true)
    }

    /// Whether a rendered record satisfies the expression.
    pub(crate) fn matches(&self, record: &Value) -> bool {
        fn eval(node: &Node<'_>, record: &Value) -> bool {
            match node {
                Node::And(children) => children.iter().all(|c| eval(c, record)),
                Node::Or(children) => children.iter().any(|c| eval(c, record)),
                Node::Cmp(cmp, lit) => {
                    let values = resolve(record, &cmp.field);
                    if values.is_empty() {
                        return compare(&Value::Null, cmp, lit);
                    }
                    values.iter().any(|v| compare(v, cmp, lit))
                }
            }
        }
        eval(&self.root, record)
    }

    /// Whether one entry of the record's `customFields` satisfies the whole expression.
    pub(crate) fn matches_custom(&self, record: &Value) -> bool {
        record
            .get("customFields")
            .and_then(Value::as_array)
            .is_some_and(|items| items.iter().any(|item| self.matches(item)))
    }
}

/// The top-level fields of a rendered record that `expr` reads (`_info` for `lastUpdated` and
/// `dateEntered`, which [`resolve`] looks up there), so a row can be tested on those alone.
pub(crate) fn named_fields<'e>(expr: &'e Expr, out: &mut std::collections::BTreeSet<&'e str>) {
    match expr {
        Expr::And(children) | Expr::Or(children) => {
            for child in children {
                named_fields(child, out);
            }
        }
        Expr::Cmp(cmp) => {
            if let Some(first) = cmp.field.first() {
                if first == "lastUpdated" || first == "dateEntered" {
                    out.insert("_info");
                }
                out.insert(first);
            }
        }
    }
}

/// Whether a rendered record (a JSON object as the simulator answers it) satisfies `expr`, with the
/// simulator's semantics: SQL-like nulls, case-insensitive text, `like` with `%`/`*`, and arrays
/// matching when any element does. Public so tests can compare it with a reference filter.
pub fn evaluate(expr: &Expr, record: &Value) -> bool {
    Matcher::new(expr).matches(record)
}

/// Every value at `path`; arrays along the way are flattened (a child matches if any element does).
pub(crate) fn resolve<'a>(record: &'a Value, path: &[String]) -> Vec<&'a Value> {
    let mut current = vec![record];
    for key in path {
        let mut next = Vec::new();
        for value in current {
            let key = if key == "lastUpdated" || key == "dateEntered" {
                // `lastUpdated` at the top level means `_info/lastUpdated`.
                match value.get("_info").and_then(|i| i.get(key.as_str())) {
                    Some(v) if value.get(key.as_str()).is_none() => {
                        next.push(v);
                        continue;
                    }
                    _ => key,
                }
            } else {
                key
            };
            match value.get(key.as_str()) {
                Some(Value::Array(items)) => next.extend(items.iter()),
                Some(v) => next.push(v),
                None => {}
            }
        }
        current = next
            .into_iter()
            .flat_map(|v| match v {
                Value::Array(items) => items.iter().collect::<Vec<_>>(),
                other => vec![other],
            })
            .collect();
    }
    current
}

/// SQL-like comparison: a null field only satisfies `= null`; `not` negates non-null results only.
fn compare(value: &Value, cmp: &Comparison, lit: &Literal<'_>) -> bool {
    if value.is_null() {
        return matches!(
            (cmp.op, lit, cmp.negated),
            (Op::Eq, Literal::Null, false) | (Op::Ne, Literal::Null, true)
        );
    }
    // Text is lower-cased once per value, however many literals it meets.
    let lower = value.as_str().map(str::to_lowercase);
    let result = match (lit, cmp.op) {
        (Literal::Null, Op::Eq) => false,
        (Literal::Null, Op::Ne) => true,
        (items @ Literal::List { .. }, Op::In) => items.contains(value, lower.as_deref()),
        (Literal::Text(pattern), Op::Contains) => lower
            .as_deref()
            .is_some_and(|v| v.contains(pattern.as_str())),
        (Literal::Text(_), Op::Like) => match (&cmp.value, value.as_str()) {
            (Lit::Str(pattern), Some(v)) => like(v, pattern),
            _ => false,
        },
        (lit, op) => ordering(value, lower.as_deref(), lit).is_some_and(|o| match op {
            Op::Eq => o == Ordering::Equal,
            Op::Ne => o != Ordering::Equal,
            Op::Lt => o == Ordering::Less,
            Op::Le => o != Ordering::Greater,
            Op::Gt => o == Ordering::Greater,
            Op::Ge => o != Ordering::Less,
            Op::Contains | Op::Like | Op::In => false,
        }),
    };
    result != cmp.negated
}

/// Order a field value (with its lower-cased text, if it is text) against a literal: numbers
/// numerically, text case-insensitively (SQL Server's default collation; inferred), datetimes by
/// instant (a bare date is midnight UTC).
fn ordering(value: &Value, lower: Option<&str>, lit: &Literal<'_>) -> Option<Ordering> {
    match lit {
        Literal::Text(s) => Some(lower?.cmp(s.as_str())),
        Literal::Number(n) => value.as_f64()?.partial_cmp(n.as_ref()?),
        Literal::Boolean(b) => Some(value.as_bool()?.cmp(b)),
        Literal::DateTime(d) => {
            let v = value.as_str()?;
            if d.len() == 10 {
                // A bare date compares with the date part, so `= [2024-01-01]` finds that day.
                Some(v.get(..10)?.cmp(*d))
            } else {
                Some(normalize_datetime(v)?.as_str().cmp(*d))
            }
        }
        Literal::Null | Literal::List { .. } => None,
    }
}

fn normalize_datetime(text: &str) -> Option<String> {
    match text.len() {
        10 => Some(format!("{text}T00:00:00Z")),
        n if n >= 19 => Some(format!("{}Z", &text[..19])),
        _ => None,
    }
}

/// `like` with `%` and `*` as "any run of characters", case-insensitive (API-NOTES.md §1.6).
pub(crate) fn like(text: &str, pattern: &str) -> bool {
    let text: Vec<char> = text.to_lowercase().chars().collect();
    let pattern: Vec<char> = pattern.to_lowercase().chars().collect();
    let (mut t, mut p) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '%' || pattern[p] == '*') {
            star = Some(p);
            mark = t;
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some(s) = star {
            p = s + 1;
            mark += 1;
            t = mark;
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '%' || *c == '*')
}

/// One `orderBy` key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SortKey {
    pub(crate) path: Vec<String>,
    pub(crate) descending: bool,
}

/// Parse `orderBy` (`name asc, company/name desc`) and check its paths.
pub(crate) fn parse_order(model: &Model, text: &str) -> Result<Vec<SortKey>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|part| {
            let mut words = part.split_whitespace();
            let field = words.next().unwrap_or_default();
            let descending = match words.next().map(str::to_ascii_lowercase).as_deref() {
                None | Some("asc") => false,
                Some("desc") => true,
                Some(other) => {
                    return Err(format!("orderBy direction '{other}' is not asc or desc."));
                }
            };
            if words.next().is_some() {
                return Err(format!("orderBy '{part}' is not 'field [asc|desc]'."));
            }
            let path: Vec<String> = field.split('/').map(str::to_owned).collect();
            path_kind(model, &path, Scope::Record).map_err(|e| format!("orderBy: {e}"))?;
            Ok(SortKey { path, descending })
        })
        .collect()
}

/// Sort rendered records by the keys, then by id; nulls sort first.
pub(crate) fn sort(records: &mut [Value], keys: &[SortKey]) {
    records.sort_by(|a, b| {
        for key in keys {
            let va = resolve(a, &key.path)
                .first()
                .copied()
                .cloned()
                .unwrap_or(Value::Null);
            let vb = resolve(b, &key.path)
                .first()
                .copied()
                .cloned()
                .unwrap_or(Value::Null);
            let o = value_order(&va, &vb);
            let o = if key.descending { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        value_order(&a["id"], &b["id"])
    });
}

fn value_order(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::String(x), Value::String(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

/// Parse `fields` (`id,name,status/id`) and check the first segment of each path.
pub(crate) fn parse_fields(model: &Model, text: &str) -> Result<Vec<Vec<String>>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|part| {
            let path: Vec<String> = part.split('/').map(str::to_owned).collect();
            let first = path[0].as_str();
            if first == "id" || first == "_info" || model.field(first).is_some() {
                Ok(path)
            } else {
                Err(format!(
                    "Unknown field '{part}' in fields for {}.",
                    model.name
                ))
            }
        })
        .collect()
}

/// Keep only the listed paths of a rendered record (API-NOTES.md §1.6: `_info` only when listed).
pub(crate) fn project(record: &Value, paths: &[Vec<String>]) -> Value {
    let mut out = Map::new();
    for path in paths {
        copy_path(record, path, &mut out);
    }
    Value::Object(out)
}

fn copy_path(source: &Value, path: &[String], out: &mut Map<String, Value>) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let Some(value) = source.get(first.as_str()) else {
        return;
    };
    if rest.is_empty() || !value.is_object() {
        out.insert(first.clone(), value.clone());
        return;
    }
    let slot = out
        .entry(first.clone())
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(inner) = slot {
        copy_path(value, rest, inner);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connectwise::conditions::parse;
    use serde_json::json;

    fn company() -> &'static Model {
        Model::named("Company")
    }

    #[test]
    fn like_wildcards() {
        assert!(like("Fred Smith", "fred%"));
        assert!(like("Fred Smith", "*smith"));
        assert!(like("abc", "a%c"));
        assert!(!like("abc", "a%d"));
        assert!(like("", "%"));
    }

    #[test]
    fn type_mismatch_uses_connectwise_wording() {
        let err = check(company(), &parse("deletedFlag = 1").unwrap(), Scope::Record).unwrap_err();
        assert!(
            err.starts_with("Expected a boolean value, not a numeric."),
            "{err}"
        );
    }

    #[test]
    fn unknown_and_list_fields_are_refused() {
        assert!(check(company(), &parse("nope = 1").unwrap(), Scope::Record).is_err());
        assert!(check(company(), &parse("status/nope = 1").unwrap(), Scope::Record).is_err());
        assert!(check(company(), &parse("types/id = 1").unwrap(), Scope::Record).is_err());
        assert!(check(company(), &parse("types/id = 1").unwrap(), Scope::Children).is_ok());
        assert!(
            check(
                company(),
                &parse("status/name = \"Active\" and _info/lastUpdated > [2020-01-01]").unwrap(),
                Scope::Record
            )
            .is_ok()
        );
    }

    #[test]
    fn nulls_follow_sql() {
        let rec = json!({"id": 1, "name": "Acme"});
        assert!(evaluate(&parse("city = null").unwrap(), &rec));
        assert!(!evaluate(&parse("city != null").unwrap(), &rec));
        assert!(!evaluate(&parse("city != \"x\"").unwrap(), &rec));
        assert!(!evaluate(&parse("city not like \"x\"").unwrap(), &rec));
        assert!(evaluate(
            &parse("name != null and name not contains \"z\"").unwrap(),
            &rec
        ));
    }

    #[test]
    fn references_arrays_and_dates() {
        let rec = json!({"id": 3, "status": {"id": 1, "name": "Active"}, "types": [{"id": 1}, {"id": 3}],
                         "_info": {"lastUpdated": "2024-05-01T10:00:00Z"}});
        assert!(evaluate(&parse("status/name = 'active'").unwrap(), &rec));
        assert!(evaluate(&parse("types/id = 3").unwrap(), &rec));
        assert!(evaluate(
            &parse("lastUpdated > [2024-04-30T00:00:00Z]").unwrap(),
            &rec
        ));
        assert!(evaluate(
            &parse("_info/lastUpdated = [2024-05-01]").unwrap(),
            &rec
        ));
        assert!(evaluate(&parse("id in (1, 3)").unwrap(), &rec));
    }

    #[test]
    fn fields_projection_keeps_nested_paths() {
        let rec =
            json!({"id": 1, "name": "A", "status": {"id": 2, "name": "B"}, "_info": {"x": "y"}});
        let out = project(&rec, &parse_fields(company(), "id,status/name").unwrap());
        assert_eq!(out, json!({"id": 1, "status": {"name": "B"}}));
    }
}
