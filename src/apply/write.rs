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

use crate::live::records::table_of;
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
        for object in state.objects() {
            if let Some(id) = object.id {
                refs.insert(object.key.clone(), id);
            }
        }
        let rows = |table, rows: Vec<(Option<i64>, Option<&str>)>, refs: &mut Refs| {
            for (id, name) in rows {
                if let (Some(id), Some(name)) = (id, name) {
                    refs.insert_lookup(table, name, id);
                }
            }
        };
        let statuses = snapshot.company_statuses.iter();
        rows(
            "status",
            statuses.map(|r| (r.id, r.name.as_deref())).collect(),
            &mut refs,
        );
        let types = snapshot.company_types.iter();
        rows(
            "type",
            types.map(|r| (r.id, r.name.as_deref())).collect(),
            &mut refs,
        );
        let countries = snapshot.countries.iter();
        rows(
            "country",
            countries.map(|r| (r.id, r.name.as_deref())).collect(),
            &mut refs,
        );
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

/// Why a write could not be built: each names the op's object. Never a default in its place (a
/// guessed empty string would look up or write the wrong record; a `null` amount would be a
/// PATCH `remove`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    /// A reference the write needs but no id is known for.
    #[error("resolve {what} for {key}: no id known (was it created?)")]
    MissingRef {
        /// The op's object.
        key: String,
        /// The reference.
        what: String,
    },
    /// A value the write needs that the op does not carry.
    #[error("write {key}: the op carries no {what}, which the request needs")]
    MissingValue {
        /// The op's object.
        key: String,
        /// The value.
        what: String,
    },
    /// An amount no JSON number can carry.
    #[error("write {key}: {field} {value} cannot be sent as a JSON number")]
    Unwritable {
        /// The op's object.
        key: String,
        /// The field.
        field: String,
        /// The amount, as cwrecon shows it.
        value: String,
    },
    /// The kind's table and the values given for its natural key disagree (a bug).
    #[error("look up {key}: {message}")]
    NaturalKey {
        /// The op's object.
        key: String,
        /// What disagreed.
        message: String,
    },
}

struct Builder<'a> {
    op: &'a Op,
    refs: &'a Refs,
}

fn quote(value: &str) -> String {
    crate::live::quote(value)
}

/// An amount as a JSON number, as `Money`'s and `Quantity`'s `Serialize` write it: whole amounts
/// as integers, others as the nearest float (exact for every amount with two decimals that fits
/// a ConnectWise money field). `None` when no JSON number can carry it.
fn amount_json(amount: rust_decimal::Decimal) -> Option<Json> {
    use rust_decimal::prelude::ToPrimitive as _;
    if amount.fract().is_zero()
        && let Some(whole) = amount.to_i64()
    {
        return Some(json!(whole));
    }
    serde_json::Number::from_f64(amount.to_f64()?).map(Json::Number)
}

impl Builder<'_> {
    fn missing(&self, what: impl Into<String>) -> WriteError {
        WriteError::MissingRef {
            key: self.op.key.to_string(),
            what: what.into(),
        }
    }

    /// The id of the company a company-scoped object belongs to.
    fn company_id(&self) -> Result<i64, WriteError> {
        self.op
            .key
            .company_key()
            .ok_or_else(|| self.no_value("account"))
            .and_then(|company| self.id_of(&company))
    }

    fn no_value(&self, what: impl Into<String>) -> WriteError {
        WriteError::MissingValue {
            key: self.op.key.to_string(),
            what: what.into(),
        }
    }

    /// A field's value as JSON.
    fn value_json(&self, field: &str, value: &Value) -> Result<Json, WriteError> {
        let amount = |amount: rust_decimal::Decimal, shown: String| {
            amount_json(amount).ok_or_else(|| WriteError::Unwritable {
                key: self.op.key.to_string(),
                field: field.to_owned(),
                value: shown,
            })
        };
        Ok(match value {
            Value::Text(s) | Value::Name(s) => json!(s),
            Value::Money(m) => amount(m.value(), m.to_string())?,
            Value::Quantity(q) => amount(q.value(), q.to_string())?,
            Value::Bool(b) => json!(b),
            Value::Date(d) => json!(format!("{d}T00:00:00Z")),
        })
    }

    /// A text field the write needs: an error naming the object when the op lacks it.
    fn required_text(&self, field: &str) -> Result<String, WriteError> {
        self.text(field).ok_or_else(|| self.no_value(field))
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

    fn id_of(&self, key: &Key) -> Result<i64, WriteError> {
        self.refs
            .id(key)
            .ok_or_else(|| self.missing(key.to_string()))
    }

    fn own_id(&self) -> Result<i64, WriteError> {
        self.op
            .assumed
            .id
            .or_else(|| self.refs.id(&self.op.key))
            .ok_or_else(|| self.missing("the record itself"))
    }

    fn reference(&self, field: &str) -> Result<Option<Json>, WriteError> {
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
                let category = self.required_text("category")?;
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
    fn create_body(&self) -> Result<Json, WriteError> {
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
                self.value_json(field, value)?
            };
            body.insert(field.to_owned(), json);
        }
        self.company_fields(&mut body)?;
        Ok(Json::Object(body))
    }

    /// Company references that need ids from lookup tables; contacts and agreements need the company.
    fn company_fields(&self, body: &mut Map<String, Json>) -> Result<(), WriteError> {
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
                let contact = self
                    .op
                    .key
                    .account()
                    .ok_or_else(|| self.no_value("account"))
                    .and_then(|account| self.id_of(&Key::contact(account)))?;
                body.insert("contact".to_owned(), json!({ "id": contact }));
            }
            _ => {}
        }
        Ok(())
    }

    fn patch_body(&self) -> Result<Json, WriteError> {
        let mut ops = Vec::new();
        for change in &self.op.changes {
            let value = match &change.after {
                None => Json::Null,
                Some(_) if is_reference(self.op.kind(), &change.field) => {
                    self.reference(&change.field)?.unwrap_or(Json::Null)
                }
                Some(v) => self.value_json(&change.field, v)?,
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

/// The list path of a kind's records, from its table (children resolved through `refs`).
fn collection(op: &Op, refs: &Refs) -> Result<(&'static str, String), WriteError> {
    let missing = |what: &str| WriteError::MissingRef {
        key: op.key.to_string(),
        what: what.to_owned(),
    };
    let parent = |key: Option<Key>, what: &str| {
        key.and_then(|key| refs.id(&key))
            .ok_or_else(|| missing(what))
    };
    let key = &op.key;
    let table = table_of(op.kind());
    let parent_id = match op.kind() {
        Kind::CrossReference => Some(parent(
            key.integration()
                .map(|i| Key::named(Kind::ManagedDevicesIntegration, i)),
            "its Managed Devices Integration",
        )?),
        Kind::CompanyLink => Some(parent(key.company_key(), "its company")?),
        Kind::Addition => Some(parent(key.agreement_key(), "its agreement")?),
        _ => None,
    };
    let path = match parent_id {
        Some(id) => table.child_path(id),
        None => table.path.to_owned(),
    };
    Ok((table.kind, path))
}

/// The write an op makes.
pub fn write_for(op: &Op, refs: &Refs) -> Result<Write, WriteError> {
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

/// How to find the object a create made when its response was lost: the kind's natural key
/// ([`crate::live::Table::natural_key`]) with the op's values.
pub fn lookup_for(op: &Op, refs: &Refs) -> Result<Lookup, WriteError> {
    let (kind, path) = collection(op, refs)?;
    let b = Builder { op, refs };
    let last = || op.key.name().ok_or_else(|| b.no_value("name"));
    let text = |field: &str| b.required_text(field).map(|t| quote(&t));
    let values: Vec<String> = match op.kind() {
        Kind::Company => vec![text("identifier")?],
        Kind::SubCategory => {
            let category = op.key.category().ok_or_else(|| b.no_value("category"))?;
            let category = b.id_of(&Key::named(Kind::Category, category))?;
            vec![quote(last()?), category.to_string()]
        }
        Kind::CompanyLink => vec![text("groupIdentifier")?],
        Kind::Contact => vec![
            text("firstName")?,
            text("lastName")?,
            b.company_id()?.to_string(),
        ],
        Kind::Agreement => vec![quote(last()?), b.company_id()?.to_string()],
        Kind::Addition => {
            let product = b.id_of(&Key::catalog_item(last()?))?;
            vec![product.to_string()]
        }
        Kind::ApiMember
        | Kind::CatalogItem
        | Kind::CrossReference
        | Kind::ProductType
        | Kind::AgreementType
        | Kind::UnitOfMeasure
        | Kind::ManagementItSolution
        | Kind::ManagedDevicesIntegration
        | Kind::Category => vec![quote(last()?)],
    };
    let conditions = table_of(op.kind())
        .natural_key_conditions(&values)
        .map_err(|message| WriteError::NaturalKey {
            key: op.key.to_string(),
            message,
        })?;
    Ok(Lookup {
        kind,
        path,
        conditions,
        fields: &["id"],
    })
}

#[cfg(test)]
mod tests;
