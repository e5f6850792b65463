//! The canonical model: the part of a ConnectWise tenant cwrecon manages, as a set of [`Object`]s
//! keyed by natural identity ([`Key`]).
//!
//! Owns the one representation that both sides of a diff use: the desired state built from the
//! configuration and the live state read from ConnectWise are both a [`State`], so the diff is one
//! generic comparison of field values. Refuses ConnectWise ids as identity: ids are only carried
//! along (live side) so that apply can address records; keys are what match.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Date, Money, Quantity, fold_name};

/// The kinds of object cwrecon manages, in dependency order: a kind may depend only on kinds
/// before it. Removals run in the reverse order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Product type (setup table).
    ProductType,
    /// Agreement type (setup table).
    AgreementType,
    /// Unit of measure (setup table).
    UnitOfMeasure,
    /// Management IT solution (setup table).
    ManagementItSolution,
    /// The integration's API member.
    ApiMember,
    /// Managed Devices Integration (setup table).
    ManagedDevicesIntegration,
    /// Product category.
    Category,
    /// Product sub-category.
    SubCategory,
    /// Catalog item (`<SKU>_<UNIT_COST>`).
    CatalogItem,
    /// Managed Devices Integration cross-reference (product ↔ vendor type).
    CrossReference,
    /// Company.
    Company,
    /// Company link: the Manage ID under the integration's Management IT solution.
    CompanyLink,
    /// Contact for the agreement.
    Contact,
    /// Agreement.
    Agreement,
    /// Agreement addition.
    Addition,
}

impl Kind {
    /// Every kind, in dependency order.
    pub const ALL: [Kind; 15] = [
        Kind::ProductType,
        Kind::AgreementType,
        Kind::UnitOfMeasure,
        Kind::ManagementItSolution,
        Kind::ApiMember,
        Kind::ManagedDevicesIntegration,
        Kind::Category,
        Kind::SubCategory,
        Kind::CatalogItem,
        Kind::CrossReference,
        Kind::Company,
        Kind::CompanyLink,
        Kind::Contact,
        Kind::Agreement,
        Kind::Addition,
    ];

    /// The level in DESIGN.md's order: setup → categories → sub-categories → catalog items →
    /// cross-references → companies and links → contacts → agreements → additions. Ops of one
    /// level are independent of each other and may run concurrently.
    pub fn level(self) -> u8 {
        match self {
            Kind::ProductType
            | Kind::AgreementType
            | Kind::UnitOfMeasure
            | Kind::ManagementItSolution
            | Kind::ApiMember => 0,
            Kind::ManagedDevicesIntegration | Kind::Category => 1,
            Kind::SubCategory => 2,
            Kind::CatalogItem => 3,
            Kind::CrossReference => 4,
            Kind::Company => 5,
            Kind::CompanyLink | Kind::Contact => 6,
            Kind::Agreement => 7,
            Kind::Addition => 8,
        }
    }

    /// A human name, singular.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::ProductType => "product type",
            Kind::AgreementType => "agreement type",
            Kind::UnitOfMeasure => "unit of measure",
            Kind::ManagementItSolution => "Management IT solution",
            Kind::ManagedDevicesIntegration => "Managed Devices Integration",
            Kind::ApiMember => "API member",
            Kind::Category => "category",
            Kind::SubCategory => "sub-category",
            Kind::CatalogItem => "catalog item",
            Kind::CrossReference => "cross-reference",
            Kind::Company => "company",
            Kind::CompanyLink => "company link",
            Kind::Contact => "contact",
            Kind::Agreement => "agreement",
            Kind::Addition => "addition",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.noun())
    }
}

/// A natural identity: the kind plus the names that identify one object of it. Parts are compared
/// folded (trimmed, case-insensitive), as ConnectWise compares names; the written form is kept for
/// display.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Key {
    /// The kind.
    pub kind: Kind,
    /// The identifying parts, outermost first: `[category, sub-category]`,
    /// `[account, product identifier]`, `[account]`.
    pub parts: Vec<String>,
}

impl Key {
    /// A key of `kind` from its parts.
    pub fn new<S: Into<String>>(kind: Kind, parts: impl IntoIterator<Item = S>) -> Key {
        Key {
            kind,
            parts: parts.into_iter().map(Into::into).collect(),
        }
    }

    /// The key as it compares: kind, then each part trimmed and lowercased (the reference for
    /// [`Ord`], which avoids building it).
    #[cfg(test)]
    fn folded(&self) -> (Kind, Vec<String>) {
        (self.kind, self.parts.iter().map(|p| fold_name(p)).collect())
    }

    /// The vendor account this key belongs to, for company-scoped kinds.
    pub fn account(&self) -> Option<&str> {
        match self.kind {
            Kind::Company
            | Kind::CompanyLink
            | Kind::Contact
            | Kind::Agreement
            | Kind::Addition => self.parts.first().map(String::as_str),
            _ => None,
        }
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Key {}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    /// Kind, then each part trimmed and lowercased (`fold_name`), without allocating when both parts
    /// are ASCII: keys are compared on every map operation, and allocating two folded copies each
    /// time cost most of a plan's CPU at 5,000 companies (issue 7).
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.kind.cmp(&other.kind).then_with(|| {
            for (a, b) in self.parts.iter().zip(&other.parts) {
                let order = fold_cmp(a, b);
                if order.is_ne() {
                    return order;
                }
            }
            self.parts.len().cmp(&other.parts.len())
        })
    }
}

/// `fold_name(a).cmp(&fold_name(b))`: for ASCII, trimming and ASCII lowercasing byte by byte give
/// the same order; anything else takes the allocating path.
fn fold_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        a.trim()
            .bytes()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.trim().bytes().map(|c| c.to_ascii_lowercase()))
    } else {
        fold_name(a).cmp(&fold_name(b))
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind, self.parts.join(" / "))
    }
}

/// A field value, typed so that comparison follows ConnectWise's meaning rather than spelling.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Value {
    /// Free text, compared exactly after trimming.
    Text(String),
    /// A name of a setup row or another object, compared case-insensitively.
    Name(String),
    /// Money, compared numerically (`7.5 == 7.50`).
    Money(Money),
    /// A quantity, compared numerically.
    Quantity(Quantity),
    /// A flag.
    Bool(bool),
    /// A calendar date.
    Date(Date),
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Text(a), Value::Text(b)) => a.trim() == b.trim(),
            (Value::Name(a), Value::Name(b)) => fold_name(a) == fold_name(b),
            (Value::Money(a), Value::Money(b)) => a == b,
            (Value::Quantity(a), Value::Quantity(b)) => a == b,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Date(a), Value::Date(b)) => a == b,
            _ => false,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(s) | Value::Name(s) => f.write_str(s),
            Value::Money(m) => write!(f, "{m}"),
            Value::Quantity(q) => write!(f, "{q}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Date(d) => write!(f, "{d}"),
        }
    }
}

/// One managed object: its identity, the fields cwrecon manages on it, and (live side) where it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Object {
    /// Natural identity.
    pub key: Key,
    /// Managed fields by their ConnectWise name (`description`, `price`, `quantity`, …). On the
    /// desired side, only what the configuration declares; a field absent here is not managed.
    pub fields: BTreeMap<String, Value>,
    /// Fields sent only when the object is created (an addition's `effectiveDate`, a company's
    /// address). Never compared.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub create_only: BTreeMap<String, Value>,
    /// Live side: the ConnectWise record id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// Live side: `_info.lastUpdated`, the only version token ConnectWise has (API-NOTES §1.8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<String>,
    /// Live side: whether cwrecon owns it (carries the integration's marks) and may remove it.
    #[serde(default)]
    pub owned: bool,
}

impl Object {
    /// An object with no fields yet.
    pub fn new(key: Key) -> Object {
        Object {
            key,
            fields: BTreeMap::new(),
            create_only: BTreeMap::new(),
            id: None,
            last_updated: None,
            owned: false,
        }
    }

    /// Set a managed field.
    #[must_use]
    pub fn with(mut self, field: &str, value: Value) -> Object {
        self.fields.insert(field.to_owned(), value);
        self
    }

    /// Set a managed field when the value is declared.
    #[must_use]
    pub fn with_opt(self, field: &str, value: Option<Value>) -> Object {
        match value {
            Some(value) => self.with(field, value),
            None => self,
        }
    }

    /// Set a field sent only on create.
    #[must_use]
    pub fn with_create_only(mut self, field: &str, value: Option<Value>) -> Object {
        if let Some(value) = value {
            self.create_only.insert(field.to_owned(), value);
        }
        self
    }

    /// A field's value.
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.fields.get(field)
    }
}

/// A problem the live tenant reveals that ConnectWise would otherwise only report mid-apply.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Finding {
    /// Whether the plan cannot be applied as it is (`true`) or a reviewer should just know.
    pub blocking: bool,
    /// The vendor account it concerns, when company-scoped.
    pub account: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

/// A set of objects by key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// Every object, in key order.
    pub objects: BTreeMap<Key, Object>,
}

impl State {
    /// Add or replace an object.
    pub fn insert(&mut self, object: Object) {
        self.objects.insert(object.key.clone(), object);
    }

    /// Look up an object by key.
    pub fn get(&self, key: &Key) -> Option<&Object> {
        self.objects.get(key)
    }

    /// Objects of one kind, in key order.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Object> {
        self.objects.values().filter(move |o| o.key.kind == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_the_way_connectwise_compares_names() {
        let a = Key::new(Kind::SubCategory, ["Intermedia", "Hosted Services"]);
        let b = Key::new(Kind::SubCategory, ["INTERMEDIA ", "hosted services"]);
        assert_eq!(a, b);
        assert_ne!(
            a,
            Key::new(Kind::Category, ["Intermedia", "Hosted Services"])
        );
    }

    // See: issue #7
    #[test]
    fn r7_key_order_without_allocating_equals_the_folded_order() {
        let parts = [
            "acme", "Acme", " ACME ", "acme2", "Acm", "", " ", "Straße", "STRASSE", "École",
            "ÉCOLE", "ΟΔΟΣ", "οδος", "a\tb", "A b", "[x]", "_y", "Z",
        ];
        let mut keys = Vec::new();
        for kind in [Kind::Company, Kind::Addition] {
            for a in parts {
                keys.push(Key::new(kind, [a]));
                for b in parts {
                    keys.push(Key::new(kind, [a, b]));
                }
            }
        }
        for a in &keys {
            for b in &keys {
                assert_eq!(a.cmp(b), a.folded().cmp(&b.folded()), "{a:?} vs {b:?}");
                assert_eq!(a == b, a.folded() == b.folded(), "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn values_compare_by_meaning() {
        let money = |s| Value::Money(Money::parse(s).unwrap());
        assert_eq!(money("7.5"), money("7.50"));
        assert_eq!(Value::Name("Unit".into()), Value::Name("unit".into()));
        assert_ne!(Value::Text("Mailbox".into()), Value::Text("mailbox".into()));
        assert_eq!(
            Value::Text(" Mailbox".into()),
            Value::Text("Mailbox".into())
        );
    }

    #[test]
    fn levels_follow_the_dependency_order() {
        let levels: Vec<u8> = Kind::ALL.iter().map(|k| k.level()).collect();
        assert!(levels.windows(2).all(|w| w[0] <= w[1]), "{levels:?}");
        assert!(Kind::Category.level() < Kind::SubCategory.level());
        assert!(Kind::CatalogItem.level() < Kind::CrossReference.level());
        assert!(Kind::Agreement.level() < Kind::Addition.level());
    }
}
