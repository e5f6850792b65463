//! Showing a plan to people and pipelines: text for terminals, markdown for pull-request comments,
//! versioned JSON for machines.
//!
//! Owns presentation only; never changes what a plan says. Text and markdown put the totals first
//! (counts, then revenue), then the ops grouped by kind for tenant-wide objects and by company for
//! the rest, each with before → after for every changed field; long text is shown as a line diff.
//!
//! Every value from outside (configuration, live tenant) is escaped for its sink by
//! [`crate::output`]: [`terminal::text`] in text and inside markdown code fences (a value stays on
//! its line and cannot act on a terminal), [markdown escaping](crate::output::markdown) outside
//! them; each group's ops sit in a fence longer than any backtick run inside, so no value can
//! close it.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::op::{Action, Change, Op, Plan, Revenue, VendorRevenue};
use super::revenue::Breach;
use crate::model::{AccountId, Finding, Kind, Money, Value};
use crate::output::markdown;
use crate::output::terminal;

/// The largest markdown output, to fit a GitHub comment (65,536) with room for a header.
pub const MARKDOWN_LIMIT: usize = 60_000;

/// The JSON format's version: bumped on any incompatible change.
pub const JSON_VERSION: u32 = 1;

/// Everything a rendering shows: the plan and what was learned making it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Report {
    /// The plan.
    pub plan: Plan,
    /// Safety rails the plan breaks.
    pub breaches: Vec<Breach>,
    /// Requests made to read the live state, by kind.
    pub requests: BTreeMap<String, u64>,
    /// What the live tenant revealed: blocking problems and notes.
    pub findings: Vec<Finding>,
    /// The configuration it was made from, for saved plans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<ConfigSource>,
}

impl Report {
    /// Whether a finding stops the plan from being applied.
    pub fn is_blocked_by_findings(&self) -> bool {
        self.findings.iter().any(|f| f.blocking)
    }
}

/// The JSON document: `{"version": 1, "summary": …, "ops": …}`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonPlan {
    /// Format version ([`JSON_VERSION`]).
    pub version: u32,
    /// Counts and totals.
    pub summary: JsonSummary,
    /// The ops, in order, with what each assumed about live state.
    pub ops: Vec<Op>,
    /// Revenue per company.
    pub revenue: Vec<Revenue>,
    /// Problems and notes the live tenant revealed.
    pub findings: Vec<Finding>,
    /// Safety rails broken.
    pub breaches: Vec<Breach>,
    /// Requests made, by kind.
    pub requests: BTreeMap<String, u64>,
    /// The configuration the plan was made from, so that `apply plan.json` can check it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<ConfigSource>,
}

/// Where a saved plan's configuration lives, and its fingerprint when the plan was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigSource {
    /// The paths given to `plan`.
    pub paths: Vec<String>,
    /// `config::digest` of them.
    pub digest: String,
}

/// The summary block of the JSON plan.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonSummary {
    /// Whether anything would change.
    pub changes: bool,
    /// Ops per action.
    pub counts: BTreeMap<Action, usize>,
    /// Total monthly recurring revenue before.
    pub revenue_before: Money,
    /// Total monthly recurring revenue after.
    pub revenue_after: Money,
    /// Total requests made.
    pub requests_total: u64,
    /// With several integrations: total monthly recurring revenue per vendor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revenue_by_vendor: Vec<VendorRevenue>,
}

/// Render as JSON.
///
/// # Panics
///
/// Never: a plan is plain data.
pub fn json(report: &Report) -> String {
    let (before, after) = report.plan.total_revenue();
    let doc = JsonPlan {
        version: JSON_VERSION,
        summary: JsonSummary {
            changes: !report.plan.is_empty(),
            counts: report.plan.counts(),
            revenue_before: before,
            revenue_after: after,
            requests_total: report.requests.values().sum(),
            revenue_by_vendor: report.plan.revenue_by_vendor(),
        },
        ops: report.plan.ops.clone(),
        revenue: report.plan.revenue.clone(),
        findings: report.findings.clone(),
        breaches: report.breaches.clone(),
        requests: report.requests.clone(),
        config: report.config.clone(),
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("invariant: a plan always serializes");
    text.push('\n');
    text
}

/// The headline: `3 to create, 1 to update, 1 to cancel`, or `no changes`.
pub fn headline(plan: &Plan) -> String {
    if plan.is_empty() {
        return "no changes: ConnectWise matches the configuration".to_owned();
    }
    let parts: Vec<String> = plan
        .counts()
        .iter()
        .map(|(action, n)| format!("{n} to {}", action.verb()))
        .collect();
    parts.join(", ")
}

fn signed(delta: Money) -> String {
    if delta.is_negative() {
        money(delta)
    } else {
        format!("+{}", money(delta))
    }
}

fn revenue_line(before: Money, after: Money) -> String {
    let delta = Money::new(crate::model::input::difference(
        after.value(),
        before.value(),
    ));
    format!("{} → {} ({})", money(before), money(after), signed(delta))
}

/// Money with two decimals, as on an invoice.
fn money(m: Money) -> String {
    format!("{:.2}", m.value())
}

/// Ops grouped for display: tenant-wide kinds first, then one group per company.
fn groups(plan: &Plan) -> Vec<(String, Option<&Revenue>, Vec<&Op>)> {
    let mut tenant: BTreeMap<&'static str, Vec<&Op>> = BTreeMap::new();
    let mut companies: BTreeMap<&AccountId, Vec<&Op>> = BTreeMap::new();
    for op in &plan.ops {
        if let Some(account) = op.key.account() {
            companies.entry(account).or_default().push(op);
        } else {
            let group = if matches!(op.kind(), Kind::CatalogItem | Kind::CrossReference) {
                "2 Catalog"
            } else {
                "1 Setup tables"
            };
            tenant.entry(group).or_default().push(op);
        }
    }
    let mut out: Vec<(String, Option<&Revenue>, Vec<&Op>)> = tenant
        .into_iter()
        .map(|(name, ops)| (name[2..].to_owned(), None, ops))
        .collect();
    // The first line of each account, as a search from the start would find it.
    let mut revenues: HashMap<&str, &Revenue> = HashMap::new();
    for r in &plan.revenue {
        revenues.entry(r.account.as_str()).or_insert(r);
    }
    for (account, ops) in companies {
        let revenue = revenues.get(account.as_str()).copied();
        out.push((format!("Company {account}"), revenue, ops));
    }
    out
}

/// Accounts with a blocking finding: their ops cannot be made until it is fixed, so they are not
/// listed as if they could.
fn blocked_accounts(report: &Report) -> BTreeMap<&str, usize> {
    let mut accounts: BTreeMap<&str, usize> = report
        .findings
        .iter()
        .filter(|f| f.blocking)
        .filter_map(|f| f.account.as_deref())
        .map(|a| (a, 0))
        .collect();
    for op in &report.plan.ops {
        if let Some(count) = op.key.account().and_then(|a| accounts.get_mut(a.as_str())) {
            *count += 1;
        }
    }
    accounts
}

/// ` (N of them wait for problems to be fixed)` after the headline, when some ops cannot be made.
fn waiting_note(report: &Report) -> String {
    let waiting: usize = blocked_accounts(report).values().sum();
    if waiting == 0 {
        String::new()
    } else {
        format!(" ({waiting} of them wait for the problems listed to be fixed)")
    }
}

/// The last lines of a plan that cannot go on: its blocking problems, one line each.
fn blocking_summary(report: &Report, show: impl Fn(&str) -> String) -> String {
    let blocking: Vec<&Finding> = report.findings.iter().filter(|f| f.blocking).collect();
    if blocking.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "Cannot apply yet: {} problem(s) must be fixed first, then plan again:\n",
        blocking.len()
    );
    for finding in blocking {
        let scope = finding
            .account
            .as_deref()
            .map_or_else(String::new, |a| format!("account {}: ", show(a)));
        let _ = writeln!(out, "- {scope}{}", show(&finding.message));
    }
    out
}

/// Render as text; `color` adds ANSI colours for a terminal.
pub fn text(report: &Report, color: bool) -> String {
    let plan = &report.plan;
    let mut out = String::new();
    let _ = writeln!(out, "Plan: {}{}", headline(plan), waiting_note(report));
    if !plan.revenue.is_empty() {
        let (before, after) = plan.total_revenue();
        let _ = writeln!(
            out,
            "Monthly recurring revenue: {}",
            revenue_line(before, after)
        );
        for vendor in plan.revenue_by_vendor() {
            let _ = writeln!(
                out,
                "  {}: {}",
                terminal::text(&vendor.vendor),
                revenue_line(vendor.before, vendor.after)
            );
        }
    }
    for breach in &report.breaches {
        let _ = writeln!(
            out,
            "BLOCKED by safety rail {}: {}",
            breach.rail,
            terminal::text(&breach.message)
        );
    }
    for finding in &report.findings {
        write_finding(&mut out, finding, "");
    }
    let blocked = blocked_accounts(report);
    for (title, revenue, ops) in groups(plan) {
        let _ = write!(out, "\n{}", terminal::text(&title));
        if let Some(waiting) = ops
            .first()
            .and_then(|op| op.key.account())
            .and_then(|a| blocked.get(a.as_str()))
        {
            let _ = writeln!(
                out,
                "  (blocked: {waiting} op(s) wait for this account's problem to be fixed)"
            );
            continue;
        }
        if let Some(r) = revenue {
            let _ = write!(
                out,
                "  (monthly revenue {})",
                revenue_line(r.before, r.after)
            );
        }
        out.push('\n');
        write_ops(&mut out, &ops, revenue, color);
    }
    let summary = blocking_summary(report, |t| terminal::text(t).into_owned());
    if !summary.is_empty() {
        out.push('\n');
        out.push_str(&summary);
    }
    out
}

/// A finding as text (`bullet` empty) or as a markdown list item (`bullet` `- `).
fn write_finding(out: &mut String, finding: &Finding, bullet: &str) {
    let label = if finding.blocking { "problem" } else { "note" };
    if bullet.is_empty() {
        let scope = finding.account.as_ref().map_or(String::new(), |a| {
            format!(" (account {})", terminal::text(a))
        });
        let _ = writeln!(out, "{label}{scope}: {}", terminal::text(&finding.message));
        let _ = writeln!(out, "  fix: {}", terminal::text(&finding.fix));
    } else {
        let scope = finding.account.as_ref().map_or(String::new(), |a| {
            format!(" (account {})", markdown::text(a))
        });
        let _ = writeln!(
            out,
            "{bullet}**{label}**{scope}: {} (fix: {})",
            markdown::text(&finding.message),
            markdown::text(&finding.fix)
        );
    }
}

fn paint(text: &str, action: Action, color: bool) -> String {
    if !color {
        return text.to_owned();
    }
    let code = match action {
        Action::Create => "32",
        Action::Update => "33",
        Action::Cancel | Action::Zero | Action::Delete => "31",
    };
    format!("\u{1b}[{code}m{text}\u{1b}[0m")
}

/// The op's object, for a line of text (values escaped).
fn object_name(op: &Op) -> String {
    terminal::text(&raw_object_name(op)).into_owned()
}

fn raw_object_name(op: &Op) -> String {
    match op.key.account() {
        // Company-scoped keys start with the account, already in the group title.
        Some(_) => {
            let rest: Vec<&str> = op.key.names().collect();
            if rest.is_empty() {
                op.kind().to_string()
            } else {
                format!("{} {}", op.kind(), rest.join(" / "))
            }
        }
        None => op.key.to_string(),
    }
}

/// A group's ops. With several integrations, a company's ops go by vendor: first what all its
/// vendors share (the company, its contact), then each vendor's under its name and revenue.
fn write_ops(out: &mut String, ops: &[&Op], revenue: Option<&Revenue>, color: bool) {
    let mut vendors: Vec<&str> = Vec::new();
    for op in ops {
        if let Some(v) = op.vendor.as_deref()
            && !vendors.contains(&v)
        {
            vendors.push(v);
        }
    }
    // In the configuration's order of integrations, as the totals above list them, rather than
    // in the order the ops' keys happen to sort.
    if let Some(revenue) = revenue {
        vendors.sort_by_key(|v| {
            revenue
                .by_vendor
                .iter()
                .position(|r| r.vendor == *v)
                .unwrap_or(usize::MAX)
        });
    }
    if vendors.is_empty() || ops.iter().all(|op| op.key.account().is_none()) {
        for op in ops {
            write_op(out, op, color);
        }
        return;
    }
    for op in ops.iter().filter(|op| op.vendor.is_none()) {
        write_op(out, op, color);
    }
    for vendor in vendors {
        let money = revenue
            .and_then(|r| r.by_vendor.iter().find(|v| v.vendor == vendor))
            .map_or_else(String::new, |v| {
                format!("  (monthly revenue {})", revenue_line(v.before, v.after))
            });
        let _ = writeln!(out, "  Vendor {}{money}", terminal::text(vendor));
        for op in ops.iter().filter(|op| op.vendor.as_deref() == Some(vendor)) {
            write_op(out, op, color);
        }
    }
}

fn write_op(out: &mut String, op: &Op, color: bool) {
    let head = format!(
        "  {} {} {}",
        op.action.sign(),
        op.action.verb(),
        object_name(op)
    );
    let _ = writeln!(out, "{}", paint(&head, op.action, color));
    for change in &op.changes {
        write_change(out, change, op.action == Action::Create);
    }
    if op.action == Action::Create {
        for (field, value) in &op.create_only {
            let _ = writeln!(out, "      {field}: {}", terminal::text(&value.to_string()));
        }
    }
}

/// A value for a line of text: escaped, or `(unset)`.
fn show(value: Option<&Value>) -> String {
    value.map_or_else(
        || "(unset)".to_owned(),
        |v| terminal::text(&v.to_string()).into_owned(),
    )
}

fn is_long(value: Option<&Value>) -> bool {
    value.is_some_and(|v| {
        let s = v.to_string();
        s.len() > 60 || s.contains('\n')
    })
}

/// One field: `field: value` for a new object, `field: before → after` for a change (with
/// `(unset)` for a value that was not set).
fn write_change(out: &mut String, change: &Change, is_new: bool) {
    let (before, after) = (change.before.as_ref(), change.after.as_ref());
    if before.is_some() && (is_long(before) || is_long(after)) {
        let _ = writeln!(out, "      {}:", change.field);
        let (old, new) = (show(before), show(after));
        let diff = similar::TextDiff::configure()
            .algorithm(similar::Algorithm::Patience)
            .diff_words(&old, &new);
        for line in diff.unified_diff().context_radius(3).to_string().lines() {
            let _ = writeln!(out, "        {line}");
        }
        return;
    }
    match before {
        None if is_new => {
            let _ = writeln!(out, "      {}: {}", change.field, show(after));
        }
        _ => {
            let _ = writeln!(
                out,
                "      {}: {} → {}",
                change.field,
                show(before),
                show(after)
            );
        }
    }
}

/// Render as markdown for a pull-request comment: summary first, details collapsible, capped at
/// [`MARKDOWN_LIMIT`] characters with a note when cut.
pub fn markdown(report: &Report) -> String {
    let plan = &report.plan;
    let mut head = format!(
        "### cwrecon plan: {}{}\n\n",
        headline(plan),
        waiting_note(report)
    );
    for breach in &report.breaches {
        let _ = writeln!(
            head,
            "> **Blocked by safety rail `{}`:** {}\n",
            breach.rail,
            markdown::text(&breach.message)
        );
    }
    if !plan.revenue.is_empty() {
        let (before, after) = plan.total_revenue();
        let _ = writeln!(
            head,
            "**Monthly recurring revenue:** {}\n",
            revenue_line(before, after)
        );
        let vendors = plan.revenue_by_vendor();
        if !vendors.is_empty() {
            head.push_str("| vendor | before | after | change |\n|---|---:|---:|---:|\n");
            for v in &vendors {
                revenue_row(&mut head, &v.vendor, v.before, v.after);
            }
            head.push('\n');
        }
        head.push_str("| company | before | after | change |\n|---|---:|---:|---:|\n");
        for r in plan.revenue.iter().filter(|r| r.before != r.after) {
            revenue_row(&mut head, &r.account, r.before, r.after);
        }
        head.push('\n');
    }
    for finding in &report.findings {
        write_finding(&mut head, finding, "- ");
    }
    if !report.findings.is_empty() {
        head.push('\n');
    }
    let summary = blocking_summary(report, markdown::text);
    let mut body = String::new();
    let cut_note = "\n> Output cut to fit a comment; run `cwrecon plan` for the full plan.\n";
    let blocked = blocked_accounts(report);
    for (title, revenue, ops) in groups(plan) {
        if let Some(waiting) = ops
            .first()
            .and_then(|op| op.key.account())
            .and_then(|a| blocked.get(a.as_str()))
        {
            let _ = writeln!(
                body,
                "{} (blocked: {waiting} op(s) wait for this account's problem to be fixed)\n",
                markdown::text(&title)
            );
            continue;
        }
        let mut code = String::new();
        write_ops(&mut code, &ops, revenue, false);
        let code = diff_markers(&code);
        let section = format!(
            "<details><summary>{} ({} change{})</summary>\n\n{}</details>\n\n",
            markdown::html(&title),
            ops.len(),
            if ops.len() == 1 { "" } else { "s" },
            markdown::fence("diff", &code)
        );
        if head.len() + body.len() + section.len() + cut_note.len() > MARKDOWN_LIMIT {
            body.push_str(cut_note);
            break;
        }
        body.push_str(&section);
    }
    if !summary.is_empty() {
        body.push_str(&summary);
    }
    head + &body
}

/// A markdown table row: who, revenue before, after and the change.
fn revenue_row(out: &mut String, who: &str, before: Money, after: Money) {
    let delta = Money::new(crate::model::input::difference(
        after.value(),
        before.value(),
    ));
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} |",
        markdown::cell(who),
        money(before),
        money(after),
        signed(delta)
    );
}

/// Op lines that start with a diff marker, so GitHub's diff highlighting colours them: `+` create,
/// `-` delete, `!` update. Only line starts change; values inside lines are left as they are.
fn diff_markers(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + 64);
    for line in code.lines() {
        let marked = [
            ("  ~ update", "! ~ update"),
            ("  + create", "+ create"),
            ("  - delete", "- delete"),
        ]
        .iter()
        .find_map(|(from, to)| line.strip_prefix(from).map(|rest| format!("{to}{rest}")));
        out.push_str(marked.as_deref().unwrap_or(line));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Key, Quantity};
    use crate::plan::Assumed;

    fn op(
        action: Action,
        key: Key,
        field: &str,
        before: Option<Value>,
        after: Option<Value>,
    ) -> Op {
        Op {
            key,
            action,
            changes: vec![Change {
                field: field.into(),
                before,
                after,
            }],
            create_only: BTreeMap::new(),
            assumed: Assumed::default(),
            depends_on: Vec::new(),
            vendor: None,
        }
    }

    fn sample() -> Report {
        let q = |s: &str| Some(Value::Quantity(Quantity::parse(s).unwrap()));
        let plan = Plan {
            ops: vec![
                op(
                    Action::Create,
                    Key::named(Kind::ProductType, "Intermedia_Services"),
                    "name",
                    None,
                    Some(Value::Name("Intermedia_Services".into())),
                ),
                op(
                    Action::Update,
                    Key::addition(
                        &AccountId::new("1002345"),
                        "Intermedia",
                        "Intermedia - Acme",
                        "MXS10C01SUNR_7.25",
                    ),
                    "quantity",
                    q("40"),
                    q("42"),
                ),
            ],
            revenue: vec![Revenue {
                account: "1002345".into(),
                before: Money::parse("480").unwrap(),
                after: Money::parse("504").unwrap(),
                by_vendor: Vec::new(),
            }],
        };
        Report {
            plan,
            breaches: Vec::new(),
            requests: BTreeMap::from([("companies".to_owned(), 1)]),
            findings: Vec::new(),
            config: None,
        }
    }

    #[test]
    fn text_has_totals_first_then_groups_with_before_and_after() {
        let text = text(&sample(), false);
        insta::assert_snapshot!(text, @r"
        Plan: 1 to create, 1 to update
        Monthly recurring revenue: 480.00 → 504.00 (+24.00)

        Setup tables
          + create product type Intermedia_Services
              name: Intermedia_Services

        Company 1002345  (monthly revenue 480.00 → 504.00 (+24.00))
          ~ update addition Intermedia / Intermedia - Acme / MXS10C01SUNR_7.25
              quantity: 40 → 42
        ");
    }

    #[test]
    fn long_text_changes_are_shown_as_a_word_diff() {
        let long = |s: &str| Some(Value::Text(s.into()));
        let o = op(
            Action::Update,
            Key::catalog_item("A1R_1"),
            "customerDescription",
            long(
                "Intermedia Hosted Exchange mailbox with 50 GB of storage per user, billed monthly",
            ),
            long(
                "Intermedia Hosted Exchange mailbox with 100 GB of storage per user, billed monthly",
            ),
        );
        let mut out = String::new();
        write_change(&mut out, &o.changes[0], false);
        assert!(
            out.contains('-') && out.contains('+') && out.contains("100"),
            "{out}"
        );
    }

    #[test]
    fn hostile_values_stay_in_their_fence_and_out_of_markdown_syntax() {
        let mut report = sample();
        let hostile = "x```\n<!--|`";
        report.plan.ops[1].key = Key::addition(
            &AccountId::new(hostile),
            "Intermedia",
            "Intermedia - Acme",
            "MXS10C01SUNR_7.25",
        );
        report.plan.ops[1].changes[0].before = Some(Value::Text("a\n````\n<!--".into()));
        report.plan.revenue[0].account = hostile.to_owned();
        let md = markdown(&report);
        // An account holds no invisible character (`AccountId` drops them), so the title has no
        // line break to escape; the rest of it is escaped.
        assert!(
            md.contains("<summary>Company x```&lt;!--|`"),
            "the title is HTML-escaped: {md}"
        );
        assert!(
            md.contains("| x\\`\\`\\`\\\\n&lt;\\!--\\|\\` |"),
            "the cell is markdown-escaped: {md}"
        );
        assert!(
            md.contains("`````diff\n! ~ update addition"),
            "the fence outruns the value's backticks: {md}"
        );
        assert!(md.contains("        -a\\n````\\n<!--\n"), "{md}");
        let text = text(&report, false);
        assert!(text.contains("Company x```<!--|`"), "{text}");
        assert!(
            !text
                .lines()
                .any(|l| l.starts_with("```") || l.starts_with("<!--")),
            "a value stays on its line: {text}"
        );
    }

    #[test]
    fn markdown_is_capped_with_a_note() {
        let mut report = sample();
        let template = report.plan.ops[1].clone();
        for i in 0..5_000 {
            let mut o = template.clone();
            o.key = Key::addition(
                &AccountId::new(&format!("{i:06}")),
                "Intermedia",
                "Intermedia - Acme",
                "MXS10C01SUNR_7.25",
            );
            report.plan.ops.push(o);
        }
        let md = markdown(&report);
        assert!(md.len() <= MARKDOWN_LIMIT, "{}", md.len());
        assert!(md.contains("Output cut"));
        assert!(md.starts_with("### cwrecon plan: 1 to create, 5001 to update"));
    }

    #[test]
    fn json_is_versioned_and_round_trips() {
        let text = json(&sample());
        let doc: JsonPlan = serde_json::from_str(&text).unwrap();
        assert_eq!(doc.version, JSON_VERSION);
        assert!(doc.summary.changes);
        assert_eq!(doc.summary.requests_total, 1);
        assert_eq!(doc.ops.len(), 2);
    }
}
