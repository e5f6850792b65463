//! Money: each company's monthly recurring revenue before and after a plan, and the safety rails
//! that stop a plan which would cut billing too far.
//!
//! Revenue is quantity × unit price over a company's active additions of recurring products. "After"
//! is computed by applying the plan's ops to the live state, so it is exactly what the plan does.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;

use super::desired::Desired;
use super::op::{Action, Op, Plan, Revenue, VendorRevenue};
use crate::config::model::Safety;
use crate::model::input;
use crate::model::{AccountId, IntegrationId, Key, Kind, Money, Object, State, Value};

/// An addition as revenue sees it: whose, which product, and the fields that price it.
struct Line<'a> {
    account: &'a AccountId,
    /// The integration the line is billed for.
    vendor: Option<IntegrationId>,
    product: &'a str,
    /// A field's value, after the plan when the line is seen after it.
    fields: FieldsAfter<'a>,
}

/// A live addition's fields, with an op's new values over them (or an op's values alone, for an
/// addition the plan creates).
struct FieldsAfter<'a> {
    live: Option<&'a Object>,
    op: Option<&'a Op>,
}

impl<'a> FieldsAfter<'a> {
    fn get(&self, field: &str) -> Option<&'a Value> {
        let changed = self.op.and_then(|op| {
            op.changes
                .iter()
                .find(|c| c.field == field)
                .and_then(|c| c.after.as_ref())
        });
        changed.or_else(|| self.live.and_then(|o| o.get(field)))
    }
}

impl<'a> Line<'a> {
    fn new(
        key: &'a Key,
        vendor: Option<IntegrationId>,
        fields: FieldsAfter<'a>,
    ) -> Option<Line<'a>> {
        Some(Line {
            account: key.account()?,
            vendor,
            product: key.product().unwrap_or_default(),
            fields,
        })
    }
}

/// The live additions, as they are.
fn lines_before(live: &State) -> impl Iterator<Item = Line<'_>> {
    live.of_kind(Kind::Addition).filter_map(|o| {
        Line::new(
            &o.key,
            o.vendor,
            FieldsAfter {
                live: Some(o),
                op: None,
            },
        )
    })
}

/// The additions once the plan's ops are applied to the live state: removed ones gone, updated
/// ones with their new values, created ones added. Read through, never copied: copying the live
/// state for this cost a third of a plan's memory at 5,000 companies (issue 13).
fn lines_after<'a>(
    desired: &'a Desired,
    live: &'a State,
    plan: &'a Plan,
) -> impl Iterator<Item = Line<'a>> {
    let ops: BTreeMap<&Key, &Op> = plan
        .ops
        .iter()
        .filter(|op| op.kind() == Kind::Addition)
        .map(|op| (&op.key, op))
        .collect();
    let kept = live.of_kind(Kind::Addition).filter_map(move |o| {
        let op = ops.get(&o.key).copied();
        if op.is_some_and(|op| matches!(op.action, Action::Cancel | Action::Delete)) {
            return None;
        }
        Line::new(&o.key, o.vendor, FieldsAfter { live: Some(o), op })
    });
    let created = plan
        .ops
        .iter()
        .filter(|op| op.kind() == Kind::Addition && op.action == Action::Create)
        .filter(|op| live.get(&op.key).is_none())
        .filter_map(|op| {
            Line::new(
                &op.key,
                desired.state.get(&op.key).and_then(|o| o.vendor),
                FieldsAfter {
                    live: None,
                    op: Some(op),
                },
            )
        });
    kept.chain(created)
}

/// Monthly recurring revenue per account, before and after, for every account with additions.
pub fn revenue(desired: &Desired, live: &State, plan: &Plan) -> Vec<Revenue> {
    let before = monthly(desired, live, lines_before(live));
    let after = monthly(desired, live, lines_after(desired, live, plan));
    let mut accounts: Vec<&AccountId> = before
        .keys()
        .chain(after.keys())
        .map(|(account, _)| *account)
        .collect();
    accounts.sort();
    accounts.dedup();
    let total = |totals: &Totals<'_>, account| {
        Money::new(input::sum(
            totals
                .range((account, None)..)
                .take_while(|((a, _), _)| *a == account)
                .map(|(_, m)| m.value()),
        ))
    };
    accounts
        .into_iter()
        .map(|account| Revenue {
            account: account.to_string(),
            before: total(&before, account),
            after: total(&after, account),
            by_vendor: by_vendor(desired, (&before, &after), account),
        })
        .collect()
}

/// One company's revenue per vendor, when the configuration has several.
fn by_vendor(
    desired: &Desired,
    (before, after): (&Totals<'_>, &Totals<'_>),
    account: &AccountId,
) -> Vec<VendorRevenue> {
    let mut out = Vec::new();
    for (index, name) in desired.vendors.iter().enumerate() {
        let vendor = IntegrationId::new(index);
        let (b, a) = (
            before.get(&(account, vendor)),
            after.get(&(account, vendor)),
        );
        if b.is_none() && a.is_none() {
            continue;
        }
        out.push(VendorRevenue {
            vendor: name.clone(),
            before: b.copied().unwrap_or_default(),
            after: a.copied().unwrap_or_default(),
        });
    }
    out
}

/// Monthly recurring revenue per account and vendor.
type Totals<'a> = BTreeMap<(&'a AccountId, Option<IntegrationId>), Money>;

fn monthly<'a>(
    desired: &Desired,
    live: &State,
    lines: impl Iterator<Item = Line<'a>>,
) -> Totals<'a> {
    let mut totals: BTreeMap<(&AccountId, Option<IntegrationId>), Decimal> = BTreeMap::new();
    // Whether each product recurs and its catalog price, looked up once per product rather than
    // once per line (a few hundred products against 50,000 lines at 5,000 companies).
    let mut products: HashMap<&str, (bool, Decimal)> = HashMap::new();
    for line in lines {
        let total = totals.entry((line.account, line.vendor)).or_default();
        let (recurring, catalog) = *products.entry(line.product).or_insert_with(|| {
            (
                is_recurring(desired, live, line.product),
                catalog_price(desired, live, line.product),
            )
        });
        if !recurring || !is_billed(&line.fields) {
            continue;
        }
        let quantity = match line.fields.get("quantity") {
            Some(Value::Quantity(q)) => q.value(),
            _ => Decimal::ZERO,
        };
        let price = match line.fields.get("unitPrice") {
            Some(Value::Money(m)) => m.value(),
            _ => catalog,
        };
        // Checked: a live count or price out of bounds is a blocking finding (projection), and
        // the total saturates instead of panicking.
        *total = input::sum([*total, input::line_total(quantity, price)]);
    }
    totals
        .into_iter()
        .map(|(k, v)| (k, Money::new(v)))
        .collect()
}

/// Whether an addition bills the customer: `billCustomer` is `Billable`, or not known (`DoNotBill`
/// and `NoCharge` bill nothing).
fn is_billed(addition: &FieldsAfter<'_>) -> bool {
    bills(match addition.get("billCustomer") {
        Some(Value::Name(how) | Value::Text(how)) => Some(how),
        _ => None,
    })
}

/// Whether a `billCustomer` value bills: `Billable`, or none said.
pub(crate) fn bills(bill_customer: Option<&str>) -> bool {
    bill_customer.is_none_or(|how| how.eq_ignore_ascii_case("Billable"))
}

fn catalog_item<'a>(desired: &'a Desired, live: &'a State, product: &str) -> Option<&'a Object> {
    let key = Key::catalog_item(product);
    desired.state.get(&key).or_else(|| live.get(&key))
}

/// Whether a catalog item bills every cycle: its `recurringFlag`, desired first, else the vendor's
/// naming rule.
pub(crate) fn is_recurring(desired: &Desired, live: &State, product: &str) -> bool {
    match catalog_item(desired, live, product).and_then(|o| o.get("recurringFlag")) {
        Some(Value::Bool(flag)) => *flag,
        // The vendor's naming rule: the letter before the price says R or O.
        _ => product
            .rsplit_once('_')
            .map_or(product, |(sku, _)| sku)
            .ends_with(['R', 'r']),
    }
}

fn catalog_price(desired: &Desired, live: &State, product: &str) -> Decimal {
    catalog_price_of(desired, live, product).map_or(Decimal::ZERO, Money::value)
}

/// A catalog item's price: as desired when the configuration declares it, else as live.
pub(crate) fn catalog_price_of(desired: &Desired, live: &State, product: &str) -> Option<Money> {
    catalog_price_in(&desired.state, product).or_else(|| catalog_price_in(live, product))
}

/// A catalog item's price in one state.
pub(crate) fn catalog_price_in(state: &State, product: &str) -> Option<Money> {
    match state.get(&Key::catalog_item(product))?.get("price") {
        Some(Value::Money(m)) => Some(*m),
        _ => None,
    }
}

/// A safety rail the plan breaks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Breach {
    /// Which rail (`removed_additions`, `revenue_drop`).
    pub rail: String,
    /// What the plan would do, against the limit.
    pub message: String,
}

/// Check the plan against the safety rails. With several integrations (`vendors`, the names by
/// [`IntegrationId`]), each rail is evaluated per integration, and a breach names its vendor: one
/// vendor's lines cut in half is not hidden by another vendor's growth.
pub fn safety_breaches(
    plan: &Plan,
    live: &State,
    safety: &Safety,
    vendors: &[String],
) -> Vec<Breach> {
    if vendors.is_empty() {
        let owned = live.of_kind(Kind::Addition).filter(|o| o.owned).count();
        let removed = plan
            .ops
            .iter()
            .filter(|op| op.kind() == Kind::Addition && op.action.is_removal())
            .count();
        let (before, after) = plan.total_revenue();
        return rails(safety, (owned, removed), (before, after), "");
    }
    let by_vendor = plan.revenue_by_vendor();
    let mut breaches = Vec::new();
    for (index, name) in vendors.iter().enumerate() {
        let vendor = IntegrationId::new(index);
        let owned = live
            .of_kind(Kind::Addition)
            .filter(|o| o.owned && o.vendor == vendor)
            .count();
        let removed = plan
            .ops
            .iter()
            .filter(|op| op.kind() == Kind::Addition && op.action.is_removal())
            .filter(|op| op.vendor.as_deref() == Some(name.as_str()))
            .count();
        let revenue = by_vendor
            .iter()
            .find(|v| v.vendor == *name)
            .map_or((Money::default(), Money::default()), |v| {
                (v.before, v.after)
            });
        breaches.extend(rails(
            safety,
            (owned, removed),
            revenue,
            &format!("vendor `{name}`: "),
        ));
    }
    breaches
}

/// The two rails over one set of owned additions and its revenue; `scope` starts each message.
fn rails(
    safety: &Safety,
    (owned, removed): (usize, usize),
    (before, after): (Money, Money),
    scope: &str,
) -> Vec<Breach> {
    let mut breaches = Vec::new();
    let limit = usize::from(*safety.max_removed_additions_percent);
    if owned >= usize::try_from(*safety.min_owned_additions).unwrap_or(usize::MAX)
        && removed * 100 > owned * limit
    {
        breaches.push(Breach {
            rail: "removed_additions".to_owned(),
            message: format!(
                "{scope}the plan cancels, zeroes or deletes {removed} of {owned} owned additions ({}%); the limit is {limit}%",
                removed * 100 / owned.max(1)
            ),
        });
    }
    let (before, after) = (before.value(), after.value());
    let limit = Decimal::from(*safety.max_revenue_drop_percent);
    let hundred = Decimal::ONE_HUNDRED;
    let drop_times_100 = input::line_total(input::difference(before, after), hundred);
    if before > Decimal::ZERO && drop_times_100 > input::line_total(before, limit) {
        let drop = drop_times_100
            .checked_div(before)
            .unwrap_or(Decimal::MAX)
            .round_dp(1);
        breaches.push(Breach {
            rail: "revenue_drop".to_owned(),
            message: format!(
                "{scope}monthly recurring revenue would drop from {before:.2} to {after:.2} ({drop}%); the limit is {limit}%"
            ),
        });
    }
    breaches
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::model::CancelledDate;
    use crate::model::{Date, Quantity};
    use crate::plan::{DiffContext, diff};

    fn setup(yaml: &str) -> (Desired, DiffContext) {
        let config = crate::config::load_texts([("t.yaml", yaml)]).unwrap();
        let today = Date::parse("2026-11-25").unwrap();
        (
            crate::plan::desired(&config, today),
            DiffContext {
                today,
                cancelled_date: CancelledDate::BillingMonthEnd,
            },
        )
    }

    fn addition(parts: [&str; 4], quantity: &str, price: &str) -> Object {
        let mut o = Object::new(Key::from_parts(Kind::Addition, &parts).unwrap())
            .with(
                "quantity",
                Value::Quantity(Quantity::parse(quantity).unwrap()),
            )
            .with("unitPrice", Value::Money(Money::parse(price).unwrap()));
        o.owned = true;
        o.id = Some(1);
        o
    }

    const YAML: &str = "products:\n  - { sku: A1R, unit_cost: 7, retail_price: 12, description: Mailbox }\n  - { sku: S1O, unit_cost: 0, retail_price: 25, description: Setup }\ncompanies:\n  - account: '1'\n    identifier: A\n    agreement:\n      name: X\n      start_date: 2026-01-01\n      additions: [{ product: A1R_7, quantity: 10 }, { product: S1O_0, quantity: 10 }]\n";

    #[test]
    fn revenue_counts_recurring_lines_before_and_after() {
        let (d, ctx) = setup(YAML);
        let mut live = State::default();
        live.insert(addition(["1", "Intermedia", "X", "A1R_7"], "8", "12"));
        let mut plan = diff(&d, &live, ctx);
        plan.revenue = revenue(&d, &live, &plan);
        assert_eq!(plan.revenue.len(), 1);
        assert_eq!(plan.revenue[0].before.to_string(), "96");
        assert_eq!(
            plan.revenue[0].after.to_string(),
            "120",
            "one-time setup fee is not recurring"
        );
    }

    #[test]
    fn an_addition_not_billed_is_no_revenue() {
        let (d, ctx) = setup(YAML);
        let mut live = State::default();
        live.insert(
            addition(["1", "Intermedia", "X", "A1R_7"], "8", "12")
                .with("billCustomer", Value::Name("DoNotBill".into())),
        );
        let plan = diff(&d, &live, ctx);
        let revenue = revenue(&d, &live, &plan);
        assert_eq!(revenue[0].before.to_string(), "0");
    }

    #[test]
    fn mass_cancellation_and_revenue_drop_break_the_rails() {
        let (d, ctx) = setup(YAML);
        let mut live = State::default();
        live.insert(addition(["1", "Intermedia", "X", "A1R_7"], "10", "12"));
        for i in 0..12 {
            live.insert(addition(
                ["1", "Intermedia", "X", &format!("Z{i}R_1")],
                "1",
                "100",
            ));
        }
        let mut plan = diff(&d, &live, ctx);
        plan.revenue = revenue(&d, &live, &plan);
        let breaches = safety_breaches(&plan, &live, &Safety::default(), &[]);
        let rails: Vec<&str> = breaches.iter().map(|b| b.rail.as_str()).collect();
        assert_eq!(
            rails,
            ["removed_additions", "revenue_drop"],
            "{breaches:#?}"
        );
        assert!(
            breaches[0].message.contains("12 of 13"),
            "{}",
            breaches[0].message
        );
    }

    #[test]
    fn with_several_vendors_each_vendors_rails_are_its_own() {
        // Vendor A loses 6 of its 10 lines and 60% of its revenue; vendor B, with 30 lines,
        // keeps everything. Over both, 6 of 40 (15%) would pass the removal rail: per vendor, A's
        // cut is blocked, and the breach names A.
        let vendors = ["A".to_owned(), "B".to_owned()];
        let mut live = State::default();
        let mut ops = Vec::new();
        for (vendor, lines) in [(0, 10), (1, 30)] {
            for i in 0..lines {
                let name = &vendors[vendor];
                let mut o = addition(["1", name, "X", &format!("{name}{i}R_1")], "1", "100");
                o.vendor = IntegrationId::new(vendor);
                if vendor == 0 && i < 6 {
                    ops.push(Op {
                        key: o.key.clone(),
                        action: Action::Cancel,
                        changes: Vec::new(),
                        create_only: BTreeMap::new(),
                        assumed: crate::plan::Assumed::default(),
                        depends_on: Vec::new(),
                        vendor: Some(name.clone()),
                    });
                }
                live.insert(o);
            }
        }
        let money = |m: &str| Money::parse(m).unwrap();
        let plan = Plan {
            ops,
            revenue: vec![Revenue {
                account: "1".into(),
                before: money("4000"),
                after: money("3400"),
                by_vendor: vec![
                    VendorRevenue {
                        vendor: "A".into(),
                        before: money("1000"),
                        after: money("400"),
                    },
                    VendorRevenue {
                        vendor: "B".into(),
                        before: money("3000"),
                        after: money("3000"),
                    },
                ],
            }],
        };
        let overall = safety_breaches(&plan, &live, &Safety::default(), &[]);
        assert_eq!(
            overall.iter().map(|b| b.rail.as_str()).collect::<Vec<_>>(),
            ["revenue_drop"],
            "over all vendors, only the 15% revenue drop: {overall:#?}"
        );
        let per_vendor = safety_breaches(&plan, &live, &Safety::default(), &vendors);
        let messages: Vec<&str> = per_vendor.iter().map(|b| b.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:#?}");
        assert!(
            messages[0].starts_with("vendor `A`: the plan cancels, zeroes or deletes 6 of 10"),
            "{messages:#?}"
        );
        assert!(
            messages[1].starts_with(
                "vendor `A`: monthly recurring revenue would drop from 1000.00 to 400.00"
            ),
            "{messages:#?}"
        );
    }

    #[test]
    fn small_tenants_are_not_blocked_by_the_removal_rail() {
        let (d, ctx) = setup(YAML);
        let mut live = State::default();
        live.insert(addition(["1", "Intermedia", "X", "A1R_7"], "10", "12"));
        live.insert(addition(["1", "Intermedia", "X", "Z1R_1"], "1", "0"));
        let plan = diff(&d, &live, ctx);
        assert!(safety_breaches(&plan, &live, &Safety::default(), &[]).is_empty());
    }
}
