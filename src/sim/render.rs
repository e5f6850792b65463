//! Turning a stored row into the JSON ConnectWise answers with.
//!
//! Owns response conventions (API-NOTES.md §1.8): `id` first, fields in the spec's order, nulls left
//! out, references rendered fresh as `{id, name|identifier, _info:{<field>_href}}`, and a top-level
//! `_info` with `lastUpdated`, `updatedBy`, `dateEntered`, `enteredBy` and hrefs. It refuses to filter
//! or validate.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::model::{Field, Kind, Model, RefModel};
use super::resources::{Resource, ref_table};
use super::store::{Data, Row};

/// Renders records of one request. Company types come from type associations, read through the
/// store's index by parent, so a company costs its own associations, not the table's.
pub(crate) struct Renderer<'a> {
    data: &'a Data,
    base: &'a str,
}

impl<'a> Renderer<'a> {
    /// A renderer over `data`; `base` is the API base URL (`http://host/v4_6_release/apis/3.0`).
    pub(crate) fn new(data: &'a Data, base: &'a str) -> Renderer<'a> {
        Renderer { data, base }
    }

    /// Render `row` of `resource`.
    pub(crate) fn record(&self, resource: &Resource, row: &Row) -> Value {
        let model = Model::named(resource.model);
        self.render(resource, row, model.fields.iter(), true)
    }

    /// Render only `id` and the top-level fields in `names` (`_info` included), each exactly as
    /// [`Renderer::record`] would: enough to test conditions on a row without rendering all of it.
    pub(crate) fn fields(&self, resource: &Resource, row: &Row, names: &BTreeSet<&str>) -> Value {
        let model = Model::named(resource.model);
        let fields = names.iter().filter_map(|name| model.field(name));
        self.render(resource, row, fields, names.contains("_info"))
    }

    fn render<'f>(
        &self,
        resource: &Resource,
        row: &Row,
        fields: impl Iterator<Item = &'f Field>,
        with_info: bool,
    ) -> Value {
        let mut out = Map::new();
        out.insert("id".to_owned(), json!(row.id));
        for field in fields {
            if let Some(value) = self.field_value(resource, row, field.name, field.kind) {
                out.insert(field.name.to_owned(), value);
            }
        }
        if with_info {
            out.insert("_info".to_owned(), info(resource, row, self.base));
        }
        Value::Object(out)
    }

    fn company_types(&self, company: i64) -> Value {
        Value::Array(
            self.data
                .children("typeAssociations", company)
                .filter_map(|association| association.fields.get("type"))
                .map(|t| reference(self.data, "CompanyTypeReference", "type", t, self.base))
                .collect(),
        )
    }

    fn field_value(&self, resource: &Resource, row: &Row, name: &str, kind: Kind) -> Option<Value> {
        let (data, base) = (self.data, self.base);
        if resource.table == "companies" && name == "types" {
            // API-NOTES.md §2.1: a company's types are its type associations.
            return Some(self.company_types(row.id));
        }
        let stored = row.fields.get(name).filter(|v| !v.is_null())?;
        Some(match kind {
            Kind::Ref(schema) => reference(data, schema, name, stored, base),
            Kind::RefList(schema) => Value::Array(
                stored
                    .as_array()
                    .map(|items| {
                        items
                            .iter()
                            .map(|i| reference(data, schema, name, i, base))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            _ => stored.clone(),
        })
    }
}

/// Render a stored reference. Simulated targets are looked up by id so names are always current;
/// other references are echoed with only the keys their schema has.
pub(crate) fn reference(
    data: &Data,
    schema: &str,
    field: &str,
    stored: &Value,
    base: &str,
) -> Value {
    let shape = RefModel::named(schema);
    let id = stored.get("id").and_then(Value::as_i64);
    let target = ref_table(schema).and_then(|table| Some((table, data.row(table, id?)?)));
    let mut out = Map::new();
    match target {
        Some((table, row)) => {
            for key in shape.keys {
                if let Some(v) = ref_key(data, table, row, key) {
                    out.insert((*key).to_owned(), v);
                }
            }
            let target_resource = Resource::for_table(table);
            let parent = if target_resource.parent_from_path() {
                row.parent
            } else {
                None
            };
            let href = format!("{base}{}", target_resource.item_path(parent, row.id));
            out.insert("_info".to_owned(), json!({ format!("{field}_href"): href }));
        }
        None => {
            for key in shape.keys {
                if let Some(v) = stored.get(*key).filter(|v| !v.is_null()) {
                    out.insert((*key).to_owned(), v.clone());
                }
            }
        }
    }
    Value::Object(out)
}

fn ref_key(data: &Data, table: &str, row: &Row, key: &str) -> Option<Value> {
    match key {
        "id" => Some(json!(row.id)),
        "name" => display_name(table, row).map(Value::String),
        "identifier" => identifier(table, row).map(Value::String),
        // AgreementReference.type is the agreement type's name.
        "type" if table == "agreements" => {
            let type_id = row.fields.get("type")?.get("id")?.as_i64()?;
            let t = data.row("agreementTypes", type_id)?;
            t.fields.get("name").cloned()
        }
        "setupName" => row
            .fields
            .get("managementSolutionName")
            .or_else(|| row.fields.get("name"))
            .cloned(),
        other => row.fields.get(other).filter(|v| !v.is_null()).cloned(),
    }
}

/// The `name` a reference to `row` shows.
pub(crate) fn display_name(table: &str, row: &Row) -> Option<String> {
    let text = |k: &str| row.fields.get(k).and_then(Value::as_str).map(str::to_owned);
    match table {
        "contacts" | "members" => {
            let full = format!(
                "{} {}",
                text("firstName").unwrap_or_default(),
                text("lastName").unwrap_or_default()
            );
            Some(full.trim().to_owned())
        }
        "integratorLogins" => text("username"),
        _ => text("name"),
    }
}

/// The `identifier` a reference to `row` shows (ISO code for countries, API-NOTES.md §2.1).
pub(crate) fn identifier(table: &str, row: &Row) -> Option<String> {
    let key = if table == "countries" {
        "countryCode"
    } else {
        "identifier"
    };
    row.fields
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn info(resource: &Resource, row: &Row, base: &str) -> Value {
    let mut info = json!({
        "lastUpdated": row.info.last_updated,
        "updatedBy": row.info.updated_by,
        "dateEntered": row.info.date_entered,
        "enteredBy": row.info.entered_by,
    });
    if resource.table == "companies" {
        // API-NOTES.md §1.8: a company's _info links its children; reports_href is the Management tab.
        let me = format!("{base}/company/companies/{}", row.id);
        info["contacts_href"] = json!(format!(
            "{base}/company/contacts?conditions=company/id={}",
            row.id
        ));
        info["agreements_href"] = json!(format!(
            "{base}/finance/agreements?conditions=company/id={}",
            row.id
        ));
        info["sites_href"] = json!(format!("{me}/sites"));
        info["reports_href"] = json!(format!("{me}/managementSummaryReports"));
        info["typeAssociations_href"] = json!(format!("{me}/typeAssociations"));
    }
    if resource.table == "agreements" {
        info["additions_href"] = json!(format!("{base}/finance/agreements/{}/additions", row.id));
    }
    info
}

/// Render one record (a renderer for a single row).
pub(crate) fn record(data: &Data, resource: &Resource, row: &Row, base: &str) -> Value {
    Renderer::new(data, base).record(resource, row)
}
