use serde_json::json;

use super::*;
use crate::live::Snapshot;
use crate::model::Date;

const YAML: &str = "setup:\n  product_types: [{ name: Intermedia_Services }]\n  agreement_types: [{ name: Intermedia }]\n  units_of_measure: [{ name: Unit }]\n  categories: [{ name: Intermedia }]\n  subcategories: [{ name: Intermedia Services, category: Intermedia }]\n  management_it_solutions: [{ name: Intermedia }]\nproducts:\n  - { sku: A1R, unit_cost: 7.5, retail_price: 12, description: Mailbox }\ncompanies:\n  - account: '100'\n    identifier: Acme\n    contact: { first_name: Ann, last_name: Lee }\n    create: { name: Acme Inc, address: { city: Austin, country: United States } }\n    agreement:\n      name: Intermedia - Acme\n      start_date: 2026-01-01\n      additions: [{ product: A1R_7.5, quantity: 3 }]\n";

/// Every op of a fresh-tenant plan, with ids handed out as an apply would as each create returns.
fn fresh_writes() -> Vec<(Op, Write)> {
    let config = crate::config::load_texts([("t.yaml", YAML)]).unwrap();
    let report = crate::plan::assemble(
        &config,
        &Snapshot::default(),
        Date::parse("2026-11-25").unwrap(),
    );
    let mut refs = Refs::default();
    refs.insert_lookup("status", "Active", 1);
    refs.insert_lookup("type", "Client", 1);
    refs.insert_lookup("country", "United States", 1);
    let mut out = Vec::new();
    for (i, op) in report.plan.ops.iter().enumerate() {
        let write = write_for(op, &refs).unwrap_or_else(|e| panic!("{e}"));
        refs.insert(op.key.clone(), 100 + i64::try_from(i).unwrap());
        out.push((op.clone(), write));
    }
    out
}

fn find(writes: &[(Op, Write)], kind: Kind) -> (Key, Write) {
    let (op, write) = writes.iter().find(|(op, _)| op.kind() == kind).unwrap();
    (op.key.clone(), write.clone())
}

#[test]
fn a_catalog_item_references_its_setup_rows_by_id() {
    let writes = fresh_writes();
    let (_, write) = find(&writes, Kind::CatalogItem);
    let Write::Post { path, body, .. } = write else {
        panic!("a create")
    };
    assert_eq!(path, "/procurement/catalog");
    assert_eq!(body["identifier"], json!("A1R_7.5"));
    assert_eq!(body["cost"], json!(7.5));
    assert_eq!(body["price"], json!(12));
    assert!(
        body["type"]["id"].is_i64() && body["subcategory"]["id"].is_i64(),
        "{body}"
    );
    assert!(
        body.get("taxableFlag").is_none(),
        "undeclared fields are not sent"
    );
}

#[test]
fn a_company_is_created_with_lookup_ids_and_types_only_on_create() {
    let writes = fresh_writes();
    let (_, write) = find(&writes, Kind::Company);
    let Write::Post { body, .. } = write else {
        panic!("a create")
    };
    assert_eq!(body["identifier"], json!("Acme"));
    assert_eq!(body["name"], json!("Acme Inc"));
    assert_eq!(body["country"], json!({"id": 1}));
    assert_eq!(body["status"], json!({"id": 1}));
    assert_eq!(body["types"], json!([{"id": 1}]));
    assert!(body.get("type").is_none());
    assert!(
        body.get("addressLine1").is_none(),
        "absent address lines are not sent as null"
    );
}

#[test]
fn the_link_agreement_and_addition_hang_off_their_parents() {
    let writes = fresh_writes();
    let (_, link) = find(&writes, Kind::CompanyLink);
    let Write::Post { path, body, .. } = link else {
        panic!()
    };
    assert!(
        path.starts_with("/company/companies/1") && path.ends_with("/managementSummaryReports"),
        "{path}"
    );
    assert_eq!(body["groupIdentifier"], json!("100"));
    assert!(body["managementSolution"]["id"].is_i64());

    let (_, agreement) = find(&writes, Kind::Agreement);
    let Write::Post { body, .. } = agreement else {
        panic!()
    };
    assert_eq!(body["startDate"], json!("2026-01-01T00:00:00Z"));
    assert!(
        body["company"]["id"].is_i64()
            && body["contact"]["id"].is_i64()
            && body["type"]["id"].is_i64()
    );
    assert_eq!(body["billingCycle"], json!({"name": "Monthly"}));

    let (_, addition) = find(&writes, Kind::Addition);
    let Write::Post { path, body, .. } = addition else {
        panic!()
    };
    assert!(
        path.starts_with("/finance/agreements/1") && path.ends_with("/additions"),
        "{path}"
    );
    assert_eq!(body["quantity"], json!(3));
    assert_eq!(body["billCustomer"], json!("Billable"));
    assert_eq!(body["effectiveDate"], json!("2026-11-01T00:00:00Z"));
}

#[test]
fn updates_are_patches_of_only_the_changed_fields_and_cancels_set_the_date() {
    let mut op = fresh_writes()
        .into_iter()
        .find(|(op, _)| op.kind() == Kind::Addition)
        .unwrap()
        .0;
    op.action = Action::Cancel;
    op.changes.retain(|c| c.field == "quantity");
    op.changes[0].field = "cancelledDate".into();
    op.changes[0].after = Some(Value::Date(Date::parse("2026-11-30").unwrap()));
    op.assumed.id = Some(55);
    let mut refs = Refs::default();
    refs.insert(op.key.agreement_key().unwrap(), 9);
    let write = write_for(&op, &refs).unwrap();
    assert_eq!(
        write,
        Write::Patch {
            kind: "additions",
            path: "/finance/agreements/9/additions".into(),
            id: 55,
            body: json!([{"op": "replace", "path": "cancelledDate", "value": "2026-11-30T00:00:00Z"}]),
        }
    );
}

#[test]
fn a_missing_parent_is_an_error_not_a_guess() {
    let writes = fresh_writes();
    let (key, _) = find(&writes, Kind::Addition);
    let op = writes
        .iter()
        .find(|(op, _)| op.key == key)
        .unwrap()
        .0
        .clone();
    let err = write_for(&op, &Refs::default()).unwrap_err();
    assert!(
        matches!(&err, WriteError::MissingRef { what, .. } if what.contains("agreement")),
        "{err}"
    );
}

#[test]
fn lost_creates_are_found_by_natural_key() {
    let writes = fresh_writes();
    let mut refs = Refs::default();
    for (i, (op, _)) in writes.iter().enumerate() {
        refs.insert(op.key.clone(), 100 + i64::try_from(i).unwrap());
    }
    let (catalog, _) = find(&writes, Kind::CatalogItem);
    let op = writes
        .iter()
        .find(|(o, _)| o.key == catalog)
        .unwrap()
        .0
        .clone();
    assert_eq!(
        lookup_for(&op, &refs).unwrap().conditions,
        "identifier = \"A1R_7.5\""
    );
    let (addition, _) = find(&writes, Kind::Addition);
    let op = writes
        .iter()
        .find(|(o, _)| o.key == addition)
        .unwrap()
        .0
        .clone();
    let lookup = lookup_for(&op, &refs).unwrap();
    assert!(
        lookup.conditions.starts_with("product/id = ")
            && lookup.conditions.ends_with("cancelledDate = null"),
        "{lookup:?}"
    );
    let (sub, _) = find(&writes, Kind::SubCategory);
    let op = writes.iter().find(|(o, _)| o.key == sub).unwrap().0.clone();
    assert_eq!(
        lookup_for(&op, &refs).unwrap().path,
        "/procurement/subcategories/"
    );
}

/// The op of `kind` from a fresh plan, with `field` taken out of its changes and create-only fields.
fn op_without(kind: Kind, field: &str) -> (Op, Refs) {
    let writes = fresh_writes();
    let mut refs = Refs::default();
    for (i, (op, _)) in writes.iter().enumerate() {
        refs.insert(op.key.clone(), 100 + i64::try_from(i).unwrap());
    }
    let (key, _) = find(&writes, kind);
    let mut op = writes.iter().find(|(o, _)| o.key == key).unwrap().0.clone();
    op.changes.retain(|c| c.field != field);
    op.create_only.remove(field);
    (op, refs)
}

// See: issue #13 (a lookup fell back to an empty string)
#[test]
fn r13_a_natural_key_value_the_op_lacks_is_an_error_naming_the_object_not_an_empty_string() {
    for (kind, field) in [
        (Kind::Company, "identifier"),
        (Kind::CompanyLink, "groupIdentifier"),
        (Kind::Contact, "firstName"),
        (Kind::Contact, "lastName"),
    ] {
        let (op, refs) = op_without(kind, field);
        let err = lookup_for(&op, &refs).unwrap_err();
        assert_eq!(
            err,
            WriteError::MissingValue {
                key: op.key.to_string(),
                what: field.to_owned()
            },
            "{err}"
        );
        assert!(err.to_string().contains(&op.key.to_string()), "{err}");
    }
}

// See: issue #13 (a sub-category reference fell back to an empty category)
#[test]
fn r13_a_sub_category_without_its_category_is_an_error_naming_the_object() {
    let (op, refs) = op_without(Kind::CatalogItem, "category");
    let err = write_for(&op, &refs).unwrap_err();
    assert!(
        matches!(&err, WriteError::MissingValue { key, what } if *key == op.key.to_string() && what == "category"),
        "{err}"
    );
}

// See: issue #13 (an amount that failed to serialise became `null`, a PATCH `remove`)
#[test]
fn r13_amounts_are_always_written_as_numbers_never_null() {
    use rust_decimal::Decimal;
    for (amount, written) in [
        (Decimal::new(42, 0), json!(42)),
        (Decimal::new(725, 2), json!(7.25)),
        (Decimal::ZERO, json!(0)),
    ] {
        assert_eq!(amount_json(amount), Some(written));
    }
    for extreme in [Decimal::MAX, Decimal::MIN, Decimal::new(1, 28)] {
        assert!(
            amount_json(extreme).is_some_and(|j| j.is_number()),
            "{extreme}"
        );
    }
}
