//! Putting a plan together: desired, live projection, diff, revenue, rails and findings, then the
//! narrowing a user asked for (`--kind`).

use std::collections::BTreeSet;

use super::desired::{Desired, desired_with};
use super::diff::{DiffContext, diff};
use super::op::Plan;
use super::render::Report;
use super::revenue::{revenue, safety_breaches};
use crate::config::Config;
use crate::live::{Projection, Snapshot, project};
use crate::model::{Date, Finding, Key, Kind, State};

/// Make the full report for `config` against a snapshot of the tenant.
pub fn assemble(config: &Config, snapshot: &Snapshot, today: Date) -> Report {
    assemble_projected(config, &project(config, snapshot), today)
}

/// Make the full report for `config` against the tenant's projection, for a caller that needs the
/// projection too (apply: its ids), so the snapshot is projected once.
pub fn assemble_projected(config: &Config, projection: &Projection, today: Date) -> Report {
    let wanted = desired_with(config, today, &projection.shared);
    let context = DiffContext {
        today,
        cancelled_date: config.policy.item.cancelled_date,
    };
    let mut plan = diff(&wanted, &projection.state, context);
    tag_vendors(&mut plan, &wanted, &projection.state);
    plan.revenue = revenue(&wanted, &projection.state, &plan);
    let breaches = safety_breaches(
        &plan,
        &projection.state,
        &config.policy.item.safety,
        &wanted.vendors,
    );
    let mut findings = projection.findings.clone();
    findings.extend(unresolved_references(
        &plan,
        &wanted.state,
        &projection.state,
    ));
    Report {
        plan,
        breaches,
        requests: std::collections::BTreeMap::new(),
        findings,
        config: None,
    }
}

/// Each op's vendor, from its object (desired, else live), when there are several integrations.
fn tag_vendors(plan: &mut Plan, desired: &Desired, live: &State) {
    if desired.vendors.is_empty() {
        return;
    }
    for op in &mut plan.ops {
        let vendor = desired
            .state
            .get(&op.key)
            .or_else(|| live.get(&op.key))
            .and_then(|o| o.vendor);
        op.vendor = desired.vendor_name(vendor).map(str::to_owned);
    }
}

/// Every object an op refers to must exist in ConnectWise or be created by the plan. The
/// configuration may leave a setup row undeclared on the understanding that the tenant has it; this
/// is where that understanding is checked.
fn unresolved_references(plan: &Plan, desired: &State, live: &State) -> Vec<Finding> {
    let mut missing: BTreeSet<Key> = BTreeSet::new();
    for op in &plan.ops {
        for parent in super::diff::parents(op) {
            // A company's contact may be its own default contact, which plan-time findings cover.
            if parent.kind() == Kind::Contact {
                continue;
            }
            if desired.get(&parent).is_none() && live.get(&parent).is_none() {
                missing.insert(parent);
            }
        }
    }
    missing
        .into_iter()
        .map(|key| Finding {
            blocking: true,
            account: None,
            message: format!("{key} does not exist in ConnectWise and the configuration does not declare it"),
            fix: format!("declare it under `setup` so cwrecon creates it, or fix the name the configuration uses for the {}", key.kind()),
        })
        .collect()
}

/// Keep only ops of `kinds`, plus every op they depend on (transitively), in plan order.
pub fn keep_kinds(plan: &mut Plan, kinds: &[Kind]) {
    if kinds.is_empty() {
        return;
    }
    let mut keep: BTreeSet<usize> = BTreeSet::new();
    let mut stack: Vec<usize> = (0..plan.ops.len())
        .filter(|&i| kinds.contains(&plan.ops[i].kind()))
        .collect();
    while let Some(i) = stack.pop() {
        if keep.insert(i) {
            stack.extend(plan.ops[i].depends_on.iter().copied());
        }
    }
    let renumber: std::collections::BTreeMap<usize, usize> = keep
        .iter()
        .enumerate()
        .map(|(new, &old)| (old, new))
        .collect();
    let ops = std::mem::take(&mut plan.ops);
    plan.ops = ops
        .into_iter()
        .enumerate()
        .filter(|(i, _)| keep.contains(i))
        .map(|(_, mut op)| {
            op.depends_on = op
                .depends_on
                .iter()
                .filter_map(|d| renumber.get(d).copied())
                .collect();
            op
        })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrowing_to_additions_brings_their_dependencies() {
        let yaml = "products:\n  - { sku: A1R, unit_cost: 1, description: a }\n  - { sku: B1R, unit_cost: 1, description: b }\ncompanies:\n  - account: '1'\n    identifier: A\n    contact: { first_name: A, last_name: B }\n    create: { name: A, address: { country: US } }\n    agreement: { name: X, start_date: 2026-01-01, additions: [{ product: A1R_1, quantity: 1 }] }\n";
        let config = crate::config::load_texts([("t.yaml", yaml)]).unwrap();
        let mut report = assemble(
            &config,
            &Snapshot::default(),
            Date::parse("2026-11-25").unwrap(),
        );
        assert_eq!(report.plan.ops.len(), 7);
        keep_kinds(&mut report.plan, &[Kind::Addition]);
        let kinds: Vec<Kind> = report.plan.ops.iter().map(super::super::Op::kind).collect();
        assert_eq!(
            kinds,
            [
                Kind::CatalogItem,
                Kind::Company,
                Kind::Contact,
                Kind::Agreement,
                Kind::Addition
            ]
        );
        assert!(!kinds.contains(&Kind::CompanyLink));
        let last = report.plan.ops.last().unwrap();
        assert!(last.depends_on.iter().all(|&d| d < report.plan.ops.len()));
        assert_eq!(last.depends_on.len(), 2);
    }

    #[test]
    fn undeclared_setup_rows_missing_from_the_tenant_block_the_plan() {
        let yaml = "products:\n  - { sku: A1R, unit_cost: 1, description: a }\n";
        let config = crate::config::load_texts([("t.yaml", yaml)]).unwrap();
        let report = assemble(
            &config,
            &Snapshot::default(),
            Date::parse("2026-11-25").unwrap(),
        );
        let messages: Vec<&str> = report
            .findings
            .iter()
            .filter(|f| f.blocking)
            .map(|f| f.message.as_str())
            .collect();
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("product type Intermedia_Services does not exist")),
            "{messages:#?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("sub-category Intermedia / Intermedia Services")),
            "{messages:#?}"
        );
        assert!(report.is_blocked_by_findings());
    }
}
