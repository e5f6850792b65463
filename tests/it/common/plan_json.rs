//! The JSON plan (version 1, `docs/plan-json.md`) as a typed mirror, and the summary a reviewer
//! reads instead of the whole document.
//!
//! The mirror is written here, not taken from `src/plan`: every struct denies unknown fields and
//! every field is required (an `Option` that may be `null`, never one that may be missing), so a
//! field that `cwrecon` adds, removes or renames fails [`PlanJson::parse`]. Parsing also serialises
//! the mirror back and compares it with the document as `serde_json::Value`, so the mirror holds
//! every value; the summary is then made from the mirror alone and pins those values in a snapshot
//! small enough to review (one line per op, one per changed field).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use serde_json::Number;

/// `cwrecon plan --format json`, version 1.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanJson {
    pub version: u32,
    pub summary: Summary,
    pub ops: Vec<Op>,
    pub revenue: Vec<Revenue>,
    pub findings: Vec<Finding>,
    pub breaches: Vec<Breach>,
    pub requests: BTreeMap<String, u64>,
    /// Only in saved plans (`--out`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<ConfigSource>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    pub changes: bool,
    pub counts: BTreeMap<Action, usize>,
    pub revenue_before: Number,
    pub revenue_after: Number,
    pub requests_total: u64,
    /// Several integrations only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revenue_by_vendor: Vec<VendorRevenue>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Op {
    pub key: Key,
    pub action: Action,
    pub changes: Vec<Change>,
    /// Left out when empty.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub create_only: BTreeMap<String, FieldValue>,
    pub assumed: Assumed,
    /// Left out when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<usize>,
    /// Several integrations only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Key {
    pub kind: Kind,
    pub parts: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Cancel,
    Zero,
    Delete,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    ProductType,
    AgreementType,
    UnitOfMeasure,
    ManagementItSolution,
    ApiMember,
    ManagedDevicesIntegration,
    Category,
    SubCategory,
    CatalogItem,
    CrossReference,
    Company,
    CompanyLink,
    Contact,
    Agreement,
    Addition,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub field: String,
    pub before: Option<FieldValue>,
    pub after: Option<FieldValue>,
}

/// `{type, value}`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    tag = "type",
    content = "value",
    rename_all = "snake_case"
)]
pub enum FieldValue {
    Text(String),
    Name(String),
    Money(Number),
    Quantity(Number),
    Bool(bool),
    Date(String),
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assumed {
    pub id: Option<i64>,
    pub last_updated: Option<String>,
    pub fields: BTreeMap<String, FieldValue>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revenue {
    pub account: String,
    pub before: Number,
    pub after: Number,
    /// Several integrations only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_vendor: Vec<VendorRevenue>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorRevenue {
    pub vendor: String,
    pub before: Number,
    pub after: Number,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub blocking: bool,
    pub account: Option<String>,
    pub message: String,
    pub fix: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Breach {
    pub rail: Rail,
    pub message: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rail {
    RemovedAdditions,
    RevenueDrop,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigSource {
    pub paths: Vec<String>,
    pub digest: String,
}

impl PlanJson {
    /// The mirror of `text`, which must be a version-1 plan that the mirror holds entirely.
    ///
    /// # Panics
    ///
    /// When `text` is not JSON, has a field the mirror does not know or lacks one it requires, or
    /// holds a value the mirror does not give back unchanged.
    pub fn parse(text: &str) -> PlanJson {
        PlanJson::try_parse(text).unwrap_or_else(|err| panic!("{err}"))
    }

    /// [`PlanJson::parse`], saying why the document is not a version-1 plan the mirror holds.
    pub fn try_parse(text: &str) -> Result<PlanJson, String> {
        let document: serde_json::Value =
            serde_json::from_str(text).map_err(|err| format!("the plan is not JSON: {err}"))?;
        let plan: PlanJson = serde_json::from_value(document.clone())
            .map_err(|err| format!("the plan's shape is not JSON plan version 1: {err}"))?;
        if plan.version != 1 {
            return Err(format!("JSON plan version {}, not 1", plan.version));
        }
        let again = serde_json::to_value(&plan).expect("the mirror serialises");
        if again != document {
            return Err(format!(
                "the mirror does not give the plan back unchanged:\n{again:#}\nnot\n{document:#}"
            ));
        }
        Ok(plan)
    }

    /// The plan for a reviewer: totals, then one line per op (its index, dependency level,
    /// action, kind, identity and what it was planned against) with one line per field under it,
    /// then revenue per company, findings and safety rails.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        self.write_totals(&mut out);
        let levels = self.levels();
        for (index, op) in self.ops.iter().enumerate() {
            op.write(&mut out, index, levels[index]);
        }
        self.write_outcomes(&mut out);
        out
    }

    fn write_totals(&self, out: &mut String) {
        let s = &self.summary;
        let counts: Vec<String> = s
            .counts
            .iter()
            .map(|(action, n)| format!("{} {n}", action.verb()))
            .collect();
        let changes = if s.changes { "changes" } else { "no changes" };
        let _ = writeln!(
            out,
            "version {}: {changes}: {}",
            self.version,
            counts.join(", ")
        );
        let _ = writeln!(out, "revenue: {} -> {}", s.revenue_before, s.revenue_after);
        let requests: Vec<String> = self
            .requests
            .iter()
            .map(|(kind, n)| format!("{kind} {n}"))
            .collect();
        let _ = write!(out, "requests: {}", s.requests_total);
        if !requests.is_empty() {
            let _ = write!(out, " ({})", requests.join(", "));
        }
        out.push('\n');
        if let Some(config) = &self.config {
            let _ = writeln!(
                out,
                "config: {} (digest {})",
                config.paths.join(", "),
                config.digest
            );
        }
        let _ = writeln!(out, "ops: {}", self.ops.len());
    }

    fn write_outcomes(&self, out: &mut String) {
        let _ = writeln!(out, "revenue by account: {}", self.revenue.len());
        for r in &self.revenue {
            let _ = writeln!(out, "  {}: {} -> {}", r.account, r.before, r.after);
        }
        let _ = writeln!(out, "findings: {}", self.findings.len());
        for f in &self.findings {
            let severity = if f.blocking { "blocking" } else { "note" };
            let account = f.account.as_deref().unwrap_or("-");
            let _ = writeln!(out, "  {severity} {account}: {}", f.message);
            let _ = writeln!(out, "    fix: {}", f.fix);
        }
        let _ = writeln!(out, "breaches: {}", self.breaches.len());
        for b in &self.breaches {
            let _ = writeln!(out, "  {:?}: {}", b.rail, b.message);
        }
    }

    /// Each op's level: 0 without dependencies, else one more than its deepest dependency.
    fn levels(&self) -> Vec<usize> {
        let mut levels: Vec<usize> = Vec::with_capacity(self.ops.len());
        for (index, op) in self.ops.iter().enumerate() {
            let level = op
                .depends_on
                .iter()
                .map(|&d| {
                    assert!(d < index, "op {index} depends on a later op {d}");
                    levels[d] + 1
                })
                .max()
                .unwrap_or(0);
            levels.push(level);
        }
        levels
    }
}

impl Op {
    /// `#3 L1 create company 1002345 after #0,#2 (assumed: id)`, then its fields.
    fn write(&self, out: &mut String, index: usize, level: usize) {
        let mut head = format!(
            "#{index} L{level} {} {:?} {}",
            self.action.verb(),
            self.key.kind,
            self.key.parts.join(" / ")
        );
        if !self.depends_on.is_empty() {
            let on: Vec<String> = self.depends_on.iter().map(|d| format!("#{d}")).collect();
            let _ = write!(head, " after {}", on.join(","));
        }
        let mut assumed = Vec::new();
        if self.assumed.id.is_some() {
            assumed.push("id");
        }
        if self.assumed.last_updated.is_some() {
            assumed.push("last_updated");
        }
        if !assumed.is_empty() {
            let _ = write!(head, " (assumed: {})", assumed.join(", "));
        }
        let _ = writeln!(out, "{head}");
        for change in &self.changes {
            let _ = writeln!(
                out,
                "    {}: {} -> {}",
                change.field,
                shown(change.before.as_ref()),
                shown(change.after.as_ref())
            );
        }
        for (field, value) in &self.create_only {
            let _ = writeln!(out, "    {field} (on create): {}", shown(Some(value)));
        }
        for (field, value) in &self.assumed.fields {
            let _ = writeln!(out, "    {field} (assumed live): {}", shown(Some(value)));
        }
    }
}

impl Action {
    fn verb(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Cancel => "cancel",
            Action::Zero => "zero",
            Action::Delete => "delete",
        }
    }
}

/// A value with its type: `"text"`, `name(Acme)`, `money(12.5)`, `qty(3)`, `true`,
/// `date(2026-02-01)`; `-` when unset.
fn shown(value: Option<&FieldValue>) -> String {
    match value {
        None => "-".to_owned(),
        Some(FieldValue::Text(text)) => format!("{text:?}"),
        Some(FieldValue::Name(name)) => format!("name({name})"),
        Some(FieldValue::Money(amount)) => format!("money({amount})"),
        Some(FieldValue::Quantity(amount)) => format!("qty({amount})"),
        Some(FieldValue::Bool(flag)) => flag.to_string(),
        Some(FieldValue::Date(date)) => format!("date({date})"),
    }
}

#[cfg(test)]
mod tests {
    use super::PlanJson;
    use serde_json::{Value, json};

    /// A saved plan with one of everything the format has.
    fn document() -> Value {
        json!({
            "version": 1,
            "summary": {"changes": true, "counts": {"create": 1, "cancel": 1}, "revenue_before": 24, "revenue_after": 12.5, "requests_total": 3},
            "ops": [
                {
                    "key": {"kind": "company", "parts": ["1002345"]},
                    "action": "create",
                    "changes": [{"field": "name", "before": null, "after": {"type": "text", "value": "Acme \"Corp\""}}],
                    "create_only": {"country": {"type": "name", "value": "United States"}},
                    "assumed": {"id": null, "last_updated": null, "fields": {}}
                },
                {
                    "key": {"kind": "addition", "parts": ["1002345", "Intermedia", "Intermedia - Acme", "A1R_7"]},
                    "action": "cancel",
                    "changes": [{"field": "cancelledDate", "before": null, "after": {"type": "date", "value": "2026-11-30"}}],
                    "assumed": {"id": 7, "last_updated": "2026-11-01T00:00:00Z", "fields": {"quantity": {"type": "quantity", "value": 2}}},
                    "depends_on": [0]
                }
            ],
            "revenue": [{"account": "1002345", "before": 24, "after": 12.5}],
            "findings": [{"blocking": false, "account": null, "message": "a note", "fix": "nothing"}],
            "breaches": [{"rail": "revenue_drop", "message": "revenue drops 48%"}],
            "requests": {"bundles": 1, "companies": 2},
            "config": {"paths": ["examples/intermedia"], "digest": "abc"}
        })
    }

    /// A change to a valid document, and what it is.
    type Edit = (&'static str, fn(&mut Value));

    fn parse(document: &Value) -> Result<PlanJson, String> {
        PlanJson::try_parse(&document.to_string())
    }

    #[test]
    fn the_summary_shows_every_value_of_the_plan() {
        let plan = parse(&document()).unwrap();
        assert_eq!(
            plan.summary(),
            "version 1: changes: create 1, cancel 1
revenue: 24 -> 12.5
requests: 3 (bundles 1, companies 2)
config: examples/intermedia (digest abc)
ops: 2
#0 L0 create Company 1002345
    name: - -> \"Acme \\\"Corp\\\"\"
    country (on create): name(United States)
#1 L1 cancel Addition 1002345 / Intermedia / Intermedia - Acme / A1R_7 after #0 (assumed: id, last_updated)
    cancelledDate: - -> date(2026-11-30)
    quantity (assumed live): qty(2)
revenue by account: 1
  1002345: 24 -> 12.5
findings: 1
  note -: a note
    fix: nothing
breaches: 1
  RevenueDrop: revenue drops 48%
"
        );
    }

    /// Every place a field can be added, removed or renamed, and every kind of value.
    #[test]
    fn a_field_added_removed_or_renamed_anywhere_is_refused() {
        let edits: [Edit; 12] = [
            ("a new top-level field", |d| {
                d["extra"] = json!(1);
            }),
            ("a new summary field", |d| {
                d["summary"]["extra"] = json!(1);
            }),
            ("a new op field", |d| {
                d["ops"][0]["extra"] = json!(1);
            }),
            ("a new key field", |d| {
                d["ops"][0]["key"]["extra"] = json!(1);
            }),
            ("a new value field", |d| {
                d["ops"][0]["changes"][0]["after"]["extra"] = json!(1);
            }),
            ("a new assumed field", |d| {
                d["ops"][1]["assumed"]["extra"] = json!(1);
            }),
            ("a removed field", |d| {
                d["ops"][0].as_object_mut().unwrap().remove("assumed");
            }),
            ("a removed nullable field", |d| {
                d["ops"][0]["changes"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("before");
            }),
            ("a renamed field", |d| {
                let findings = d["findings"][0].as_object_mut().unwrap();
                let fix = findings.remove("fix").unwrap();
                findings.insert("hint".into(), fix);
            }),
            ("an unknown value type", |d| {
                d["ops"][0]["changes"][0]["after"]["type"] = json!("number");
            }),
            ("an unknown action", |d| {
                d["ops"][0]["action"] = json!("replace");
            }),
            ("an empty list written out", |d| {
                d["ops"][0]["depends_on"] = json!([]);
            }),
        ];
        assert!(parse(&document()).is_ok());
        for (what, edit) in edits {
            let mut changed = document();
            edit(&mut changed);
            assert!(parse(&changed).is_err(), "{what} was accepted");
        }
    }
}
