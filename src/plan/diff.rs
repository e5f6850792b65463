//! The diff: desired × live → ops, ordered and linked to what they depend on.
//!
//! Owns the comparison rules: a desired object missing from live is created; a present one is
//! updated in exactly the declared fields that differ (compared by meaning: `7.5 == 7.50`, names
//! case-insensitively); a live object the configuration does not list is removed only when it is an
//! owned addition on an agreement the configuration manages, and then only as the removal policy
//! says. Nothing else is ever removed: an empty desired set never means "remove everything".

use std::collections::BTreeMap;

use super::desired::Desired;
use super::op::{Action, Assumed, Change, Op, Plan};
use crate::config::model::{CancelledDate, RemovalPolicy};
use crate::model::{Date, Key, Kind, Object, Quantity, State, Value};

/// Inputs to the diff that are not state.
#[derive(Debug, Clone, Copy)]
pub struct DiffContext {
    /// The day the plan is made (cancelled dates).
    pub today: Date,
    /// Which cancelled date a cancelled addition gets.
    pub cancelled_date: CancelledDate,
}

/// Diff desired against live into an ordered plan (revenue filled by the caller).
pub fn diff(desired: &Desired, live: &State, context: DiffContext) -> Plan {
    let mut ops = Vec::new();
    let mut removals = Vec::new();
    // Both states are in key order: one walk through both pairs them, where a look-up per
    // desired object (and per live addition) compared keys about 17 times each at 5,000 companies.
    let mut live_objects = live.objects().peekable();
    for object in desired.state.objects() {
        while let Some(extra) = live_objects.next_if(|l| l.key < object.key) {
            removals.extend(live_only(desired, extra, context));
        }
        match live_objects.next_if(|l| l.key == object.key) {
            None => ops.push(create(object)),
            Some(current) => ops.extend(update(object, current)),
        }
    }
    for extra in live_objects {
        removals.extend(live_only(desired, extra, context));
    }
    ops.extend(removals);
    let mut plan = Plan {
        ops,
        ..Plan::default()
    };
    order(&mut plan);
    plan
}

fn create(object: &Object) -> Op {
    Op {
        key: object.key.clone(),
        action: Action::Create,
        changes: object
            .fields
            .iter()
            .map(|(field, value)| Change {
                field: field.to_owned(),
                before: None,
                after: Some(value.clone()),
            })
            .collect(),
        create_only: object.create_only.to_map(),
        assumed: Assumed::default(),
        depends_on: Vec::new(),
        vendor: None,
    }
}

fn update(desired: &Object, live: &Object) -> Option<Op> {
    let changes: Vec<Change> = desired
        .fields
        .iter()
        .filter(|(field, value)| live.get(field) != Some(value))
        .map(|(field, value)| Change {
            field: field.to_owned(),
            before: live.get(field).cloned(),
            after: Some(value.clone()),
        })
        .collect();
    if changes.is_empty() {
        return None;
    }
    Some(Op {
        key: desired.key.clone(),
        action: Action::Update,
        assumed: assumed(live, &changes),
        changes,
        create_only: BTreeMap::new(),
        depends_on: Vec::new(),
        vendor: None,
    })
}

fn assumed(live: &Object, changes: &[Change]) -> Assumed {
    Assumed {
        id: live.id,
        last_updated: live.last_updated.clone(),
        fields: changes
            .iter()
            .filter_map(|c| live.get(&c.field).map(|v| (c.field.clone(), v.clone())))
            .collect(),
    }
}

/// The op for a live object the configuration does not list: a removal of an addition, as the
/// policy says; nothing for any other kind.
fn live_only(desired: &Desired, live: &Object, context: DiffContext) -> Option<Op> {
    (live.key.kind() == Kind::Addition)
        .then(|| removal(desired, live, context))
        .flatten()
}

fn removal(desired: &Desired, live: &Object, context: DiffContext) -> Option<Op> {
    if !live.owned {
        return None;
    }
    // Only agreements the configuration manages: a company dropped from the YAML is left alone,
    // and on a shared agreement, a vendor the company does not list.
    let policy = desired.removal_of(live)?;
    let (action, field, after) = match policy {
        RemovalPolicy::Keep => return None,
        RemovalPolicy::Cancel => (
            Action::Cancel,
            "cancelledDate",
            Some(Value::Date(cancelled_date(context))),
        ),
        RemovalPolicy::Zero => {
            let zero = Value::Quantity(Quantity::default());
            if live.get("quantity") == Some(&zero) {
                return None;
            }
            (Action::Zero, "quantity", Some(zero))
        }
        RemovalPolicy::Delete => (Action::Delete, "quantity", None),
    };
    let changes = vec![Change {
        field: field.to_owned(),
        before: live.get(field).cloned(),
        after,
    }];
    Some(Op {
        key: live.key.clone(),
        action,
        assumed: Assumed {
            id: live.id,
            last_updated: live.last_updated.clone(),
            fields: live.fields.to_map(),
        },
        changes,
        create_only: BTreeMap::new(),
        depends_on: Vec::new(),
        vendor: None,
    })
}

/// The cancelled date under the policy: the last day of the current month, or today.
pub fn cancelled_date(context: DiffContext) -> Date {
    match context.cancelled_date {
        CancelledDate::Today => context.today,
        CancelledDate::BillingMonthEnd => {
            let today = context.today.get();
            let last = today.month().length(today.year());
            Date::from_date(today.replace_day(last).unwrap_or(today))
        }
    }
}

/// Order ops: creates and updates by level, then removals in reverse level order; within a level
/// by key. Then link each op to the ops it depends on.
fn order(plan: &mut Plan) {
    plan.ops.sort_by(|a, b| {
        let rank = |op: &Op| {
            let level = op.kind().level();
            if op.action.is_removal() {
                (1, u8::MAX - level)
            } else {
                (0, level)
            }
        };
        rank(a).cmp(&rank(b)).then_with(|| a.key.cmp(&b.key))
    });
    let index: BTreeMap<Key, usize> = plan
        .ops
        .iter()
        .enumerate()
        .map(|(i, op)| (op.key.clone(), i))
        .collect();
    for i in 0..plan.ops.len() {
        let deps: Vec<usize> = parents(&plan.ops[i])
            .iter()
            .filter_map(|parent| index.get(parent).copied())
            .filter(|&j| j < i)
            .collect();
        plan.ops[i].depends_on = deps;
    }
}

/// The keys an op's object refers to, which must exist before it.
pub(crate) fn parents(op: &Op) -> Vec<Key> {
    let field = |name: &str| -> Option<String> {
        op.changes
            .iter()
            .find(|c| c.field == name)
            .and_then(|c| c.after.as_ref())
            .map(ToString::to_string)
    };
    let key = &op.key;
    let mut keys = Vec::new();
    match op.kind() {
        Kind::SubCategory => keys.extend(key.category().map(|c| Key::named(Kind::Category, c))),
        Kind::ManagedDevicesIntegration => {
            if let Some(solution) = field("solution") {
                keys.push(Key::named(Kind::ManagementItSolution, &solution));
            }
        }
        Kind::CatalogItem => {
            for (kind, name) in [
                (Kind::ProductType, "type"),
                (Kind::Category, "category"),
                (Kind::UnitOfMeasure, "unitOfMeasure"),
            ] {
                if let Some(value) = field(name) {
                    keys.push(Key::named(kind, &value));
                }
            }
            if let (Some(category), Some(sub)) = (field("category"), field("subcategory")) {
                keys.push(Key::subcategory(&category, &sub));
            }
        }
        Kind::CrossReference => {
            keys.extend(
                key.integration()
                    .map(|i| Key::named(Kind::ManagedDevicesIntegration, i)),
            );
            if let Some(product) = field("product") {
                keys.push(Key::catalog_item(&product));
            }
            if let Some(agreement_type) = field("agreementType") {
                keys.push(Key::named(Kind::AgreementType, &agreement_type));
            }
        }
        Kind::CompanyLink | Kind::Contact => keys.extend(key.company_key()),
        Kind::Agreement => {
            if let Some(account) = key.account() {
                keys.push(Key::company(account));
                keys.push(Key::contact(account));
            }
            keys.extend(
                key.agreement_type()
                    .map(|t| Key::named(Kind::AgreementType, t)),
            );
        }
        Kind::Addition => {
            keys.extend(key.agreement_key());
            keys.extend(key.product().map(Key::catalog_item));
        }
        Kind::ProductType
        | Kind::AgreementType
        | Kind::UnitOfMeasure
        | Kind::ManagementItSolution
        | Kind::ApiMember
        | Kind::Category
        | Kind::Company => {}
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AccountId, Money};

    fn context() -> DiffContext {
        DiffContext {
            today: Date::parse("2026-11-25").unwrap(),
            cancelled_date: CancelledDate::BillingMonthEnd,
        }
    }

    fn money(s: &str) -> Value {
        Value::Money(Money::parse(s).unwrap())
    }

    fn desired_from(yaml: &str) -> Desired {
        let config = crate::config::load_texts([("t.yaml", yaml)]).unwrap();
        super::super::desired(&config, context().today)
    }

    const YAML: &str = "products:\n  - { sku: A1R, unit_cost: 7.5, retail_price: 12, description: Mailbox }\ncompanies:\n  - account: '1'\n    identifier: A\n    agreement:\n      name: X\n      start_date: 2026-01-01\n      additions: [{ product: A1R_7.5, quantity: 3 }]\n";

    /// A live state equal to the desired one, as apply would leave it.
    fn converged(desired: &Desired) -> State {
        let mut live = State::default();
        for (i, object) in desired.state.objects().enumerate() {
            let mut object = object.clone();
            object.id = Some(i64::try_from(i).unwrap() + 1);
            object.owned = true;
            live.insert(object);
        }
        live
    }

    #[test]
    fn a_fresh_tenant_creates_everything_in_dependency_order() {
        let d = desired_from(YAML);
        let plan = diff(&d, &State::default(), context());
        let kinds: Vec<Kind> = plan.ops.iter().map(Op::kind).collect();
        assert_eq!(
            kinds,
            [
                Kind::CatalogItem,
                Kind::Company,
                Kind::CompanyLink,
                Kind::Agreement,
                Kind::Addition
            ]
        );
        assert!(plan.ops.iter().all(|op| op.action == Action::Create));
        let addition = plan.ops.last().unwrap();
        assert_eq!(addition.depends_on, [3, 0], "agreement and catalog item");
        assert_eq!(plan.ops[2].depends_on, [1], "link after company");
    }

    #[test]
    fn no_perpetual_diff_for_trailing_zeros_or_name_case() {
        let d = desired_from(YAML);
        let mut live = converged(&d);
        let item_key = Key::catalog_item("A1R_7.5");
        let mut item = live.remove(&item_key).unwrap();
        item.fields.set("cost", money("7.50"));
        item.fields.set("price", money("12.00"));
        item.fields
            .set("type", Value::Name("INTERMEDIA_SERVICES".into()));
        item.fields.set("unitOfMeasure", Value::Name("unit".into()));
        live.insert(item);
        let plan = diff(&d, &live, context());
        assert!(plan.is_empty(), "{plan:#?}");
    }

    #[test]
    fn only_declared_fields_are_managed() {
        let yaml = YAML.replace(", retail_price: 12", "");
        let d = desired_from(&yaml);
        let mut live = converged(&d);
        let mut item = live.remove(&Key::catalog_item("A1R_7.5")).unwrap();
        item.fields.set("price", money("99")); // edited by hand in ConnectWise
        live.insert(item);
        assert!(diff(&d, &live, context()).is_empty());
    }

    #[test]
    fn drifted_counts_are_updated_with_before_and_after() {
        let d = desired_from(YAML);
        let mut live = converged(&d);
        let key = Key::addition(&AccountId::new("1"), "Intermedia", "X", "A1R_7.5");
        let mut addition = live.remove(&key).unwrap();
        addition.fields.set(
            "quantity",
            Value::Quantity(crate::model::Quantity::parse("5").unwrap()),
        );
        addition.last_updated = Some("2026-11-01T00:00:00Z".into());
        live.insert(addition);
        let plan = diff(&d, &live, context());
        assert_eq!(plan.ops.len(), 1);
        let op = &plan.ops[0];
        assert_eq!(op.action, Action::Update);
        assert_eq!(op.changes[0].field, "quantity");
        assert_eq!(op.changes[0].before.as_ref().unwrap().to_string(), "5");
        assert_eq!(op.changes[0].after.as_ref().unwrap().to_string(), "3");
        assert_eq!(
            op.assumed.last_updated.as_deref(),
            Some("2026-11-01T00:00:00Z")
        );
    }

    #[test]
    fn owned_additions_no_longer_desired_follow_the_policy_and_nothing_else_is_removed() {
        let d = desired_from(YAML);
        let mut live = converged(&d);
        let mut extra = live
            .get(&Key::addition(
                &AccountId::new("1"),
                "Intermedia",
                "X",
                "A1R_7.5",
            ))
            .unwrap()
            .clone();
        extra.key = Key::addition(&AccountId::new("1"), "Intermedia", "X", "B1R_1");
        live.insert(extra.clone());
        // Not owned, or on an agreement the configuration does not manage: left alone.
        let mut foreign = extra.clone();
        foreign.key = Key::addition(&AccountId::new("1"), "Other", "Y", "B1R_1");
        live.insert(foreign);
        let mut unowned = extra;
        unowned.key = Key::addition(&AccountId::new("1"), "Intermedia", "X", "C1R_1");
        unowned.owned = false;
        live.insert(unowned);
        let plan = diff(&d, &live, context());
        assert_eq!(plan.ops.len(), 1, "{plan:#?}");
        assert_eq!(plan.ops[0].action, Action::Cancel);
        assert_eq!(
            plan.ops[0].changes[0].after.as_ref().unwrap().to_string(),
            "2026-11-30"
        );
    }

    #[test]
    fn removals_run_after_everything_else() {
        let d = desired_from(YAML);
        let mut live = State::default();
        let mut old = Object::new(Key::addition(
            &AccountId::new("1"),
            "Intermedia",
            "X",
            "B1R_1",
        ));
        old.owned = true;
        live.insert(old);
        let plan = diff(&d, &live, context());
        assert_eq!(plan.ops.last().unwrap().action, Action::Cancel);
    }
}
