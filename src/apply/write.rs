//! From op to ConnectWise write: the method, path and body each op needs, with references resolved
//! to record ids.
//!
//! Owns the shape of every write cwrecon makes (API-NOTES.md §1.2, §1.7): POST bodies carry only
//! the fields that are set (never nulls), PATCH bodies replace whole reference objects, and every
//! reference is sent as `{id}` when cwrecon knows the id. References to tables cwrecon cannot list
//! (billing cycles, security roles) go by `{name}`, which ConnectWise is reported to accept
//! (API-NOTES.md §2.9, UNVERIFIED); that is the one place a write depends on an unverified rule.
//! Also owns the natural-key lookup that finds an object whose create response was lost.
//! Pure: no I/O.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json, json};

use crate::model::{Key, Kind, Value, fold_name};
use crate::plan::{Action, Op};

/// Record ids known so far: from the live state, and from creates done earlier in this apply.
#[derive(Debug, Clone, Default)]
pub struct Refs {
    ids: BTreeMap<Key, i64>,
    /// Company statuses, company types and countries by folded name.
    lookups: BTreeMap<(&'static str, String), i64>,
}

impl Refs {
    /// Remember an object's id.
    pub fn insert(&mut self, key: Key, id: i64) {
        self.ids.insert(key, id);
    }

    /// Remember a lookup row (`status`, `type`, `country`) by name.
    pub fn insert_lookup(&mut self, table: &'static str, name: &str, id: i64) {
        self.lookups.insert((table, fold_name(name)), id);
    }

    /// The id of an object.
    pub fn id(&self, key: &Key) -> Option<i64> {
        self.ids.get(key).copied()
    }

    /// The ids the live tenant already has: every projected object, and the company lookup tables.
    pub fn from_live(state: &crate::model::State, snapshot: &crate::live::Snapshot) -> Refs {
        let mut refs = Refs::default();
        for object in state.objects.values() {
            if let Some(id) = object.id {
                refs.insert(object.key.clone(), id);
            }
        }
        let tables = [
            ("status", &snapshot.company_statuses),
            ("type", &snapshot.company_types),
            ("country", &snapshot.countries),
        ];
        for (table, rows) in tables {
            for row in rows {
                if let (Some(name), Some(id)) = (
                    row.get("name").and_then(Json::as_str),
                    row.get("id").and_then(Json::as_i64),
                ) {
                    refs.insert_lookup(table, name, id);
                }
            }
        }
        refs
    }

    fn lookup(&self, table: &'static str, name: &str) -> Option<i64> {
        self.lookups.get(&(table, fold_name(name))).copied()
    }
}

/// One write.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// Create a record.
    Post {
        /// Request kind, for counting.
        kind: &'static str,
        /// Path below the API base.
        path: String,
        /// The record.
        body: Json,
    },
    /// Change fields of a record.
    Patch {
        /// Request kind.
        kind: &'static str,
        /// Path of the record's collection.
        path: String,
        /// The record's id.
        id: i64,
        /// `[{op, path, value}]`.
        body: Json,
    },
    /// Delete a record.
    Delete {
        /// Request kind.
        kind: &'static str,
        /// Path of the record's collection.
        path: String,
        /// The record's id.
        id: i64,
    },
}

/// How to find an object by its natural key: list `path` with `conditions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    /// Request kind.
    pub kind: &'static str,
    /// The list path.
    pub path: String,
    /// Conditions selecting exactly the object.
    pub conditions: String,
    /// The fields to read of each match.
    pub fields: &'static [&'static str],
}

/// A reference the write needs but no id is known for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("resolve {what} for {key}: no id known (was it created?)")]
pub struct MissingRef {
    /// The op's object.
    pub key: String,
    /// The reference.
    pub what: String,
}

struct Builder<'a> {
    op: &'a Op,
    refs: &'a Refs,
}

fn quote(value: &str) -> String {
    crate::live::quote(value)
}

fn value_json(value: &Value) -> Json {
    match value {
        Value::Text(s) | Value::Name(s) => json!(s),
        Value::Money(m) => serde_json::to_value(m).unwrap_or(Json::Null),
        Value::Quantity(q) => serde_json::to_value(q).unwrap_or(Json::Null),
        Value::Bool(b) => json!(b),
        Value::Date(d) => json!(format!("{d}T00:00:00Z")),
    }
}

impl Builder<'_> {
    /// The id of the company a company-scoped object belongs to.
    fn company_id(&self) -> Result<i64, MissingRef> {
        self.op
            .key
            .company_key()
            .ok_or_else(|| self.missing("its company"))
            .and_then(|company| self.id_of(&company))
    }

    fn missing(&self, what: impl Into<String>) -> MissingRef {
        MissingRef {
            key: self.op.key.to_string(),
            what: what.into(),
        }
    }

    fn after(&self, field: &str) -> Option<&Value> {
        self.op
            .changes
            .iter()
            .find(|c| c.field == field)
            .and_then(|c| c.after.as_ref())
            .or_else(|| self.op.create_only.get(field))
    }

    fn text(&self, field: &str) -> Option<String> {
        self.after(field).map(ToString::to_string)
    }

    fn id_of(&self, key: &Key) -> Result<i64, MissingRef> {
        self.refs
            .id(key)
            .ok_or_else(|| self.missing(key.to_string()))
    }

    fn own_id(&self) -> Result<i64, MissingRef> {
        self.op
            .assumed
            .id
            .or_else(|| self.refs.id(&self.op.key))
            .ok_or_else(|| self.missing("the record itself"))
    }

    fn reference(&self, field: &str) -> Result<Option<Json>, MissingRef> {
        let Some(name) = self.text(field) else {
            return Ok(None);
        };
        let key = match (self.op.kind(), field) {
            (_, "type") if self.op.kind() == Kind::CatalogItem => {
                Key::named(Kind::ProductType, name.as_str())
            }
            (_, "type" | "agreementType") => Key::named(Kind::AgreementType, name.as_str()),
            (_, "category") => Key::named(Kind::Category, name.as_str()),
            (_, "subcategory") => {
                let category = self.text("category").unwrap_or_default();
                Key::subcategory(&category, &name)
            }
            (_, "unitOfMeasure") => Key::named(Kind::UnitOfMeasure, name.as_str()),
            (_, "product") => Key::catalog_item(name.as_str()),
            (_, "managementSolution") => Key::named(Kind::ManagementItSolution, name.as_str()),
            // Billing cycles and security roles have no list endpoint in the API subset: by name
            // (API-NOTES.md §2.9, UNVERIFIED).
            _ => return Ok(Some(json!({ "name": name }))),
        };
        Ok(Some(json!({ "id": self.id_of(&key)? })))
    }

    /// The body of a create: every set field, references as `{id}`.
    fn create_body(&self) -> Result<Json, MissingRef> {
        let mut body = Map::new();
        let fields = self
            .op
            .changes
            .iter()
            .filter_map(|c| c.after.as_ref().map(|v| (c.field.as_str(), v)));
        for (field, value) in fields.chain(self.op.create_only.iter().map(|(f, v)| (f.as_str(), v)))
        {
            let json = if is_reference(self.op.kind(), field) {
                match self.reference(field)? {
                    Some(json) => json,
                    None => continue,
                }
            } else {
                value_json(value)
            };
            body.insert(field.to_owned(), json);
        }
        self.company_fields(&mut body)?;
        Ok(Json::Object(body))
    }

    /// Company references that need ids from lookup tables; contacts and agreements need the company.
    fn company_fields(&self, body: &mut Map<String, Json>) -> Result<(), MissingRef> {
        let key = &self.op.key;
        let company = || self.company_id();
        match self.op.kind() {
            Kind::Company => {
                for (field, table) in [("status", "status"), ("country", "country")] {
                    if let Some(name) = self.text(field) {
                        let id = self
                            .refs
                            .lookup(table, &name)
                            .ok_or_else(|| self.missing(format!("{field} `{name}`")))?;
                        body.insert(field.to_owned(), json!({ "id": id }));
                    }
                }
                if let Some(name) = self.text("type") {
                    let id = self
                        .refs
                        .lookup("type", &name)
                        .ok_or_else(|| self.missing(format!("company type `{name}`")))?;
                    body.remove("type");
                    // `types` can be set only when a company is created (API-NOTES.md §3.1).
                    body.insert("types".to_owned(), json!([{ "id": id }]));
                }
            }
            Kind::Contact => {
                body.insert("company".to_owned(), json!({ "id": company()? }));
                // E-mail is a communication item on contacts; left for a person to add.
                body.remove("email");
            }
            Kind::Agreement => {
                body.insert("company".to_owned(), json!({ "id": company()? }));
                // The configured contact, or the company's own (the live projection keys it the same).
                let contact = key
                    .account()
                    .ok_or_else(|| self.missing("its contact"))
                    .and_then(|account| self.id_of(&Key::contact(account)))?;
                body.insert("contact".to_owned(), json!({ "id": contact }));
            }
            _ => {}
        }
        Ok(())
    }

    fn patch_body(&self) -> Result<Json, MissingRef> {
        let mut ops = Vec::new();
        for change in &self.op.changes {
            let value = match &change.after {
                None => Json::Null,
                Some(_) if is_reference(self.op.kind(), &change.field) => {
                    self.reference(&change.field)?.unwrap_or(Json::Null)
                }
                Some(v) => value_json(v),
            };
            let op = if value.is_null() { "remove" } else { "replace" };
            ops.push(json!({ "op": op, "path": change.field, "value": value }));
        }
        Ok(Json::Array(ops))
    }
}

/// Fields that are references (`{id}` objects) on each kind.
fn is_reference(kind: Kind, field: &str) -> bool {
    match kind {
        Kind::SubCategory => field == "category",
        Kind::CatalogItem => matches!(field, "type" | "category" | "subcategory" | "unitOfMeasure"),
        Kind::CrossReference => matches!(field, "product" | "agreementType"),
        Kind::CompanyLink => field == "managementSolution",
        Kind::Agreement => matches!(field, "type" | "billingCycle"),
        Kind::Addition => field == "product",
        Kind::ApiMember => field == "securityRole",
        // Company status, type and country come from lookup tables: `company_fields` sets them.
        _ => false,
    }
}

/// The list path of a kind's records (children resolved through `refs`).
fn collection(op: &Op, refs: &Refs) -> Result<(&'static str, String), MissingRef> {
    let missing = |what: &str| MissingRef {
        key: op.key.to_string(),
        what: what.to_owned(),
    };
    let parent = |key: Option<Key>, what: &str| {
        key.and_then(|key| refs.id(&key))
            .ok_or_else(|| missing(what))
    };
    let key = &op.key;
    Ok(match op.kind() {
        Kind::ProductType => ("productTypes", "/procurement/types".to_owned()),
        Kind::AgreementType => ("agreementTypes", "/finance/agreements/types".to_owned()),
        Kind::UnitOfMeasure => ("unitsOfMeasure", "/procurement/unitOfMeasures".to_owned()),
        Kind::ManagementItSolution => (
            "managementItSolutions",
            "/company/managementItSolutions".to_owned(),
        ),
        Kind::ApiMember => ("apiMembers", "/system/apiMembers".to_owned()),
        Kind::ManagedDevicesIntegration => (
            "managedDevicesIntegrations",
            "/company/managedDevicesIntegrations".to_owned(),
        ),
        Kind::Category => ("categories", "/procurement/categories".to_owned()),
        // The flat form's list path has a trailing slash (API-NOTES.md §2.5).
        Kind::SubCategory => ("subcategories", "/procurement/subcategories/".to_owned()),
        Kind::CatalogItem => ("catalog", "/procurement/catalog".to_owned()),
        Kind::CrossReference => {
            let integration = parent(
                key.integration()
                    .map(|i| Key::named(Kind::ManagedDevicesIntegration, i)),
                "its Managed Devices Integration",
            )?;
            (
                "crossReferences",
                format!("/company/managedDevicesIntegrations/{integration}/crossReferences"),
            )
        }
        Kind::Company => ("companies", "/company/companies".to_owned()),
        Kind::CompanyLink => {
            let company = parent(key.company_key(), "its company")?;
            (
                "managementSummaryReports",
                format!("/company/companies/{company}/managementSummaryReports"),
            )
        }
        Kind::Contact => ("contacts", "/company/contacts".to_owned()),
        Kind::Agreement => ("agreements", "/finance/agreements".to_owned()),
        Kind::Addition => {
            let agreement = parent(key.agreement_key(), "its agreement")?;
            (
                "additions",
                format!("/finance/agreements/{agreement}/additions"),
            )
        }
    })
}

/// The write an op makes.
pub fn write_for(op: &Op, refs: &Refs) -> Result<Write, MissingRef> {
    let builder = Builder { op, refs };
    let (kind, path) = collection(op, refs)?;
    Ok(match op.action {
        Action::Create => Write::Post {
            kind,
            path,
            body: builder.create_body()?,
        },
        Action::Update | Action::Cancel | Action::Zero => Write::Patch {
            kind,
            path,
            id: builder.own_id()?,
            body: builder.patch_body()?,
        },
        Action::Delete => Write::Delete {
            kind,
            path,
            id: builder.own_id()?,
        },
    })
}

/// How to find the object a create made when its response was lost.
pub fn lookup_for(op: &Op, refs: &Refs) -> Result<Lookup, MissingRef> {
    let (kind, path) = collection(op, refs)?;
    let b = Builder { op, refs };
    let last = op.key.name().unwrap_or_default();
    let conditions = match op.kind() {
        Kind::ApiMember | Kind::CatalogItem => format!("identifier = {}", quote(last)),
        Kind::Company => format!(
            "identifier = {}",
            quote(&b.text("identifier").unwrap_or_default())
        ),
        Kind::SubCategory => {
            let category = b.id_of(&Key::named(
                Kind::Category,
                op.key.category().unwrap_or_default(),
            ))?;
            format!("name = {} and category/id = {category}", quote(last))
        }
        Kind::CrossReference => format!("vendorType = {}", quote(last)),
        Kind::CompanyLink => format!(
            "groupIdentifier = {}",
            quote(&b.text("groupIdentifier").unwrap_or_default())
        ),
        Kind::Contact => {
            let company = b.company_id()?;
            format!(
                "firstName = {} and lastName = {} and company/id = {company}",
                quote(&b.text("firstName").unwrap_or_default()),
                quote(&b.text("lastName").unwrap_or_default())
            )
        }
        Kind::Agreement => {
            let company = b.company_id()?;
            format!("name = {} and company/id = {company}", quote(last))
        }
        Kind::Addition => {
            let product = b.id_of(&Key::catalog_item(last))?;
            format!("product/id = {product} and cancelledDate = null")
        }
        Kind::ProductType
        | Kind::AgreementType
        | Kind::UnitOfMeasure
        | Kind::ManagementItSolution
        | Kind::ManagedDevicesIntegration
        | Kind::Category => {
            format!("name = {}", quote(last))
        }
    };
    Ok(Lookup {
        kind,
        path,
        conditions,
        fields: &["id"],
    })
}

#[cfg(test)]
mod tests;
