//! ConnectWise's business rules that go beyond the spec's required lists.
//!
//! Owns, per resource: what a write fills in from its parent or references, which duplicates are
//! refused, create-only fields, cross-record checks (a catalog item's sub-category belongs to its
//! category; an addition starts no earlier than its agreement), and what DELETE means (a company goes
//! to the recycle bin). It refuses binding and generic validation ([`super::write`]).

use serde_json::{Map, Value, json};

use super::model::Model;
use super::resources::{Owner, Resource, Unique};
use super::store::{Data, Row, RowInfo, id_ref};
use super::write::{Problems, is_deleted};

/// Which kind of write is being checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// POST.
    Create,
    /// PUT.
    Replace,
    /// PATCH.
    Patch,
}

/// Address fields of which a company needs at least one (API-NOTES.md §2.1).
const ADDRESS_FIELDS: &[&str] = &[
    "addressLine1",
    "addressLine2",
    "city",
    "state",
    "zip",
    "country",
];

/// Agreement fields marked "Required On Updates" (API-NOTES.md §2.6).
const AGREEMENT_UPDATE_FIELDS: &[&str] = &[
    "employeeCompRate",
    "invoicingCycle",
    "billTime",
    "billExpenses",
    "billProducts",
];

/// Rules that look at the body before references are resolved.
pub(crate) fn prepare(
    resource: &Resource,
    mode: Mode,
    existing: Option<&Row>,
    parent: Option<i64>,
    fields: &mut Map<String, Value>,
    problems: &mut Problems,
) {
    if let (
        Owner::Parent {
            field: Some(field),
            from_path: true,
            ..
        },
        Some(parent),
    ) = (resource.owner, parent)
    {
        let value = if field == "agreementId" {
            json!(parent)
        } else {
            id_ref(parent)
        };
        fields.insert(field.to_owned(), value);
    }
    match resource.table {
        "companies" => prepare_company(mode, existing, fields, problems),
        "agreements" if mode == Mode::Replace => {
            for f in AGREEMENT_UPDATE_FIELDS {
                if !fields.contains_key(*f) {
                    problems.push(
                        "MissingRequiredField",
                        f,
                        format!("{f} is required on updates."),
                    );
                }
            }
        }
        "managementItSolutions" => {
            let custom = fields
                .get("managementItSolutionType")
                .and_then(Value::as_str)
                == Some("Custom");
            if custom && !fields.contains_key("managementSolutionName") {
                problems.push(
                    "MissingRequiredField",
                    "managementSolutionName",
                    "managementSolutionName is required when managementItSolutionType is Custom."
                        .to_owned(),
                );
            }
        }
        _ => {}
    }
}

fn prepare_company(
    mode: Mode,
    existing: Option<&Row>,
    fields: &mut Map<String, Value>,
    problems: &mut Problems,
) {
    if mode != Mode::Create && fields.remove("types").is_some() {
        // API-NOTES.md §1.3, §2.1: types are create-only; the error names the internal `typeIds`.
        problems.push(
            "InvalidField",
            "typeIds",
            "typeIds can only be used when creating a company.".to_owned(),
        );
    }
    if !ADDRESS_FIELDS.iter().any(|f| fields.contains_key(*f)) {
        problems.push(
            "MissingRequiredField",
            "addressLine1",
            "At least one address field is required: addressLine1, addressLine2, city, state, zip and/or country.".to_owned(),
        );
    }
    // The recycle-bin fields are the server's, not the client's.
    for f in ["deletedFlag", "dateDeleted", "deletedBy"] {
        fields.remove(f);
        if let Some(v) = existing.and_then(|row| row.fields.get(f)) {
            fields.insert(f.to_owned(), v.clone());
        }
    }
    fields.entry("deletedFlag").or_insert(Value::Bool(false));
}

/// Rules that compare the resolved record with other records.
pub(crate) fn check(
    data: &Data,
    resource: &Resource,
    self_id: Option<i64>,
    fields: &Map<String, Value>,
    problems: &mut Problems,
) {
    check_unique(data, resource, self_id, fields, problems);
    match resource.table {
        "catalog" => check_catalog(data, fields, problems),
        "additions" => check_addition(data, fields, problems),
        _ => {}
    }
}

fn text<'a>(fields: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    fields.get(key).and_then(Value::as_str)
}

fn ref_id(fields: &Map<String, Value>, key: &str) -> Option<i64> {
    fields.get(key)?.get("id")?.as_i64()
}

fn check_unique(
    data: &Data,
    resource: &Resource,
    self_id: Option<i64>,
    fields: &Map<String, Value>,
    problems: &mut Problems,
) {
    let others = || {
        data.rows(resource.table)
            .filter(move |r| Some(r.id) != self_id)
    };
    let same_text = |row: &Row, key: &str, value: &str| {
        row.fields
            .get(key)
            .and_then(Value::as_str)
            .is_some_and(|v| v.eq_ignore_ascii_case(value))
    };
    match resource.unique {
        Unique::None => {}
        Unique::Field(key) => {
            let Some(value) = text(fields, key) else {
                return;
            };
            // Compared case-insensitively (UNVERIFIED, API-NOTES.md §3.2: the stricter choice).
            // A deleted company keeps its identifier until it is purged (API-NOTES.md §3.2,
            // UNVERIFIED: the stricter choice, as the vendor's guide warns).
            if others().any(|r| same_text(r, key, value)) {
                let message = if resource.table == "companies" {
                    "Company ID already in use.".to_owned()
                } else {
                    // UNVERIFIED: the message for a duplicate setup name (API-NOTES.md §1.3).
                    format!("{key} '{value}' is already in use.")
                };
                problems.push("ObjectExists", key, message);
            }
        }
        Unique::FieldPerParent(key) => {
            let (Some(value), Some(parent)) = (text(fields, key), ref_id(fields, "category"))
            else {
                return;
            };
            if others()
                .any(|r| ref_id(&r.fields, "category") == Some(parent) && same_text(r, key, value))
            {
                problems.push(
                    "ObjectExists",
                    key,
                    format!("{key} '{value}' is already in use in this category."),
                );
            }
        }
        Unique::Pair(a, b) => {
            let (Some(x), Some(y)) = (ref_id(fields, a), ref_id(fields, b)) else {
                return;
            };
            if others().any(|r| ref_id(&r.fields, a) == Some(x) && ref_id(&r.fields, b) == Some(y))
            {
                problems.push(
                    "ObjectExists",
                    b,
                    format!("This {b} is already associated with this {a}."),
                );
            }
        }
    }
}

fn check_catalog(data: &Data, fields: &Map<String, Value>, problems: &mut Problems) {
    let Some(sub) = ref_id(fields, "subcategory").and_then(|id| data.row("subcategories", id))
    else {
        return;
    };
    let sub_category = ref_id(&sub.fields, "category");
    if let Some(category) = ref_id(fields, "category") {
        // UNVERIFIED: whether ConnectWise checks this or derives it (API-NOTES.md §2.5); stricter.
        if sub_category != Some(category) {
            problems.push(
                "InvalidField",
                "subcategory",
                format!(
                    "Subcategory {} does not belong to category {category}.",
                    sub.id
                ),
            );
        }
    }
}

fn check_addition(data: &Data, fields: &Map<String, Value>, problems: &mut Problems) {
    let agreement = fields
        .get("agreementId")
        .and_then(Value::as_i64)
        .and_then(|id| data.row("agreements", id));
    let start = agreement.and_then(|a| text(&a.fields, "startDate"));
    if let (Some(start), Some(effective)) = (start, text(fields, "effectiveDate"))
        && effective < start
    {
        problems.push(
            "InvalidField",
            "effectiveDate",
            format!("effectiveDate {effective} cannot be before the agreement start date {start}."),
        );
    }
}

/// Fill in what the server derives, after validation. Returns the parent id for the row.
pub(crate) fn derive(
    data: &Data,
    resource: &Resource,
    parent: Option<i64>,
    fields: &mut Map<String, Value>,
) -> Option<i64> {
    match resource.table {
        "companies" if !fields.contains_key("status") => {
            let default = data
                .rows("companyStatuses")
                .find(|r| r.fields.get("defaultFlag") == Some(&Value::Bool(true)));
            if let Some(status) = default {
                fields.insert("status".to_owned(), id_ref(status.id));
            }
        }
        "agreements" => derive_agreement(data, fields),
        "catalog" => {
            if !fields.contains_key("category") {
                let category = ref_id(fields, "subcategory")
                    .and_then(|id| data.row("subcategories", id))
                    .and_then(|s| s.fields.get("category").cloned());
                if let Some(category) = category {
                    fields.insert("category".to_owned(), category);
                }
            }
            // "Defaults to Non-Inventory" (API-NOTES.md §2.5).
            fields
                .entry("productClass")
                .or_insert(json!("NonInventory"));
        }
        "additions" => derive_addition(data, fields),
        _ => {}
    }
    match resource.owner {
        Owner::Parent {
            field: Some(field),
            from_path: false,
            ..
        } => ref_id(fields, field),
        _ => parent,
    }
}

fn derive_agreement(data: &Data, fields: &mut Map<String, Value>) {
    // Inferred (API-NOTES.md §2.6): the "Required On Updates" fields default from the agreement type.
    if let Some(agreement_type) =
        ref_id(fields, "type").and_then(|id| data.row("agreementTypes", id))
    {
        for f in AGREEMENT_UPDATE_FIELDS
            .iter()
            .chain(&["employeeCompNotExceed"])
        {
            if !fields.contains_key(*f)
                && let Some(v) = agreement_type.fields.get(*f)
            {
                fields.insert((*f).to_owned(), v.clone());
            }
        }
    }
    let cancelled = fields.get("cancelledFlag") == Some(&Value::Bool(true));
    fields.insert(
        "agreementStatus".to_owned(),
        json!(if cancelled { "Cancelled" } else { "Active" }),
    );
}

fn derive_addition(data: &Data, fields: &mut Map<String, Value>) {
    let product = ref_id(fields, "product").and_then(|id| data.row("catalog", id));
    if let Some(product) = product {
        for (from, to) in [
            ("description", "description"),
            ("price", "unitPrice"),
            ("cost", "unitCost"),
        ] {
            if !fields.contains_key(to)
                && let Some(v) = product.fields.get(from)
            {
                fields.insert(to.to_owned(), v.clone());
            }
        }
        let uom =
            ref_id(&product.fields, "unitOfMeasure").and_then(|id| data.row("unitOfMeasures", id));
        if let Some(name) = uom.and_then(|u| u.fields.get("name")) {
            fields.insert("uom".to_owned(), name.clone());
        }
    }
    let number = |k: &str| fields.get(k).and_then(Value::as_f64);
    let quantity = number("quantity").unwrap_or(0.0);
    let less = number("lessIncluded").unwrap_or(0.0);
    let billed = (quantity - less).max(0.0);
    let price = number("unitPrice").unwrap_or(0.0);
    let cost = number("unitCost").unwrap_or(0.0);
    fields.insert("extPrice".to_owned(), json!(billed * price));
    fields.insert("extCost".to_owned(), json!(billed * cost));
    fields.insert("margin".to_owned(), json!(billed * (price - cost)));
    let agreement = fields
        .get("agreementId")
        .and_then(Value::as_i64)
        .and_then(|id| data.row("agreements", id));
    if let Some(status) = agreement.and_then(|a| a.fields.get("agreementStatus")) {
        fields.insert("agreementStatus".to_owned(), status.clone());
    }
}

/// What happens after a row is created (a company's `types` become type associations).
pub(crate) fn after_create(
    data: &mut Data,
    resource: &Resource,
    id: i64,
    types: Option<Value>,
    info: &RowInfo,
) {
    if resource.table != "companies" {
        return;
    }
    let ids: Vec<i64> = match types {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|t| t.get("id").and_then(Value::as_i64))
            .collect(),
        _ => data
            .rows("companyTypes")
            .filter(|r| r.fields.get("defaultFlag") == Some(&Value::Bool(true)))
            .map(|r| r.id)
            .collect(),
    };
    for type_id in ids {
        let mut fields = Map::new();
        fields.insert("company".to_owned(), id_ref(id));
        fields.insert("type".to_owned(), id_ref(type_id));
        data.insert("typeAssociations", Some(id), fields, info.clone());
    }
}

/// DELETE: a company goes to the recycle bin; an agreement takes its additions with it.
pub(crate) fn delete(data: &mut Data, resource: &Resource, id: i64, now: &str, who: &str) {
    match resource.table {
        "companies" => {
            data.table_mut("companies").modify(id, |row| {
                row.fields
                    .insert("deletedFlag".to_owned(), Value::Bool(true));
                row.fields.insert("dateDeleted".to_owned(), json!(now));
                row.fields.insert("deletedBy".to_owned(), json!(who));
                now.clone_into(&mut row.info.last_updated);
                who.clone_into(&mut row.info.updated_by);
            });
        }
        "agreements" => {
            data.table_mut("agreements").remove(id);
            data.table_mut("additions").retain(|r| r.parent != Some(id));
        }
        table => {
            data.table_mut(table).remove(id);
        }
    }
}

/// Whether a row is visible (not in the recycle bin).
pub(crate) fn is_visible(row: &Row) -> bool {
    !is_deleted(row)
}

/// The model of a resource (shorthand).
pub(crate) fn model(resource: &Resource) -> &'static Model {
    Model::named(resource.model)
}
