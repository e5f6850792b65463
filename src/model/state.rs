//! The canonical model: the part of a ConnectWise tenant cwrecon manages, as a set of [`Object`]s
//! keyed by natural identity ([`Key`]).
//!
//! Owns the one representation that both sides of a diff use: the desired state built from the
//! configuration and the live state read from ConnectWise are both a [`State`], so the diff is one
//! generic comparison of field values. Refuses ConnectWise ids as identity: ids are only carried
//! along (live side) so that apply can address records; keys are what match.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use std::sync::Arc;

use super::name::{ascii_fold_cmp, fold_cmp, is_plain};
use super::{AccountId, Date, IntegrationId, Money, Quantity};

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

/// A natural identity: the kind plus the names that identify one object of it, each part under its
/// own accessor. Names compare folded (trimmed, case-insensitive), as ConnectWise compares names,
/// and accounts under [`AccountId`]'s rule; the written form is kept for display.
///
/// Serialised as `{"kind": …, "parts": […]}` with the parts outermost first (plan JSON version 1):
/// `[name]`, `[category, sub-category]`, `[integration, vendor type]`, `[account]`,
/// `[account, agreement type, agreement]`, `[account, agreement type, agreement, product]`.
///
/// Compact, because every object holds its key and a plan holds two states (and ops and indexes
/// hold clones): the names are one shared string, the account is shared with every other key of
/// the company, and a clone allocates nothing (issue 13).
#[derive(Debug, Clone)]
pub struct Key {
    kind: Kind,
    /// Whether every name is [plain](super::name::is_plain) (ASCII, no spaces at either end), so
    /// that two such keys compare by ASCII lowercasing alone, without checking or trimming their
    /// names on each of the comparisons a map makes.
    plain: bool,
    /// How many names follow the account: [`Kind::names`], except a vendor's company link, which
    /// names its solution (one more).
    count: u8,
    /// Where each name after the first starts in `names` (unused entries are 0).
    starts: [usize; 2],
    /// The vendor account, for company-scoped kinds (and only for them).
    account: Option<AccountId>,
    /// The parts after the account, outermost first, written one after the other; as many as
    /// [`Kind::names`] says.
    names: Arc<str>,
}

impl Kind {
    /// Whether objects of this kind belong to one vendor account (their key starts with it).
    pub fn is_company_scoped(self) -> bool {
        matches!(
            self,
            Kind::Company | Kind::CompanyLink | Kind::Contact | Kind::Agreement | Kind::Addition
        )
    }

    /// How many names a key of this kind has after its account.
    fn names(self) -> usize {
        match self {
            Kind::Company | Kind::CompanyLink | Kind::Contact => 0,
            Kind::ProductType
            | Kind::AgreementType
            | Kind::UnitOfMeasure
            | Kind::ManagementItSolution
            | Kind::ApiMember
            | Kind::ManagedDevicesIntegration
            | Kind::Category
            | Kind::CatalogItem => 1,
            Kind::SubCategory | Kind::CrossReference | Kind::Agreement => 2,
            Kind::Addition => 3,
        }
    }
}

/// Declares the accessors of the parts a kind's key names by position: one line each, so the
/// rule (the right kind, else `None`) is written once.
macro_rules! named_parts {
    ($($(#[$doc:meta])* $name:ident: $($kind:path)|+ => $index:expr;)*) => {$(
        $(#[$doc])*
        pub fn $name(&self) -> Option<&str> {
            matches!(self.kind, $($kind)|+)
                .then(|| self.name_at($index))
                .flatten()
        }
    )*};
}

impl Key {
    fn of(kind: Kind, account: Option<AccountId>, names: &[&str]) -> Key {
        debug_assert_eq!(account.is_some(), kind.is_company_scoped(), "{kind:?}");
        debug_assert_eq!(names.len(), kind.names(), "{kind:?}");
        Key::joined(kind, account, names)
    }

    /// A key of `names` (at most three), joined into one string.
    fn joined<S: AsRef<str>>(kind: Kind, account: Option<AccountId>, names: &[S]) -> Key {
        let mut joined = String::with_capacity(names.iter().map(|n| n.as_ref().len()).sum());
        let mut starts = [0; 2];
        for (i, name) in names.iter().enumerate() {
            if let Some(start) = i.checked_sub(1).and_then(|j| starts.get_mut(j)) {
                *start = joined.len();
            }
            joined.push_str(name.as_ref());
        }
        Key {
            kind,
            plain: names.iter().all(|name| is_plain(name.as_ref())),
            count: u8::try_from(names.len()).unwrap_or(u8::MAX),
            starts,
            account,
            names: Arc::from(joined),
        }
    }

    /// A setup row, category, catalog item or API member: a kind identified by one name or
    /// identifier.
    ///
    /// # Panics
    /// In debug builds, when `kind` is not identified by one name alone (a bug).
    pub fn named(kind: Kind, name: &str) -> Key {
        Key::of(kind, None, &[name])
    }

    /// A catalog item by its identifier (`<SKU>_<UNIT_COST>`).
    pub fn catalog_item(identifier: &str) -> Key {
        Key::named(Kind::CatalogItem, identifier)
    }

    /// A sub-category, in its category.
    pub fn subcategory(category: &str, name: &str) -> Key {
        Key::of(Kind::SubCategory, None, &[category, name])
    }

    /// A cross-reference of a Managed Devices Integration, by its vendor type.
    pub fn cross_reference(integration: &str, vendor_type: &str) -> Key {
        Key::of(Kind::CrossReference, None, &[integration, vendor_type])
    }

    /// The company of an account.
    pub fn company(account: &AccountId) -> Key {
        Key::of(Kind::Company, Some(account.clone()), &[])
    }

    /// The link of an account's company to the integration.
    pub fn company_link(account: &AccountId) -> Key {
        Key::of(Kind::CompanyLink, Some(account.clone()), &[])
    }

    /// The link of a company to one of several vendors: the Manage ID under that vendor's
    /// Management IT solution (`solution`). A configuration of one vendor keys its one link by
    /// the company alone ([`Key::company_link`]), as it always has.
    pub fn vendor_link(company: &AccountId, solution: &str) -> Key {
        Key::joined(Kind::CompanyLink, Some(company.clone()), &[solution])
    }

    /// The contact of an account's agreement.
    pub fn contact(account: &AccountId) -> Key {
        Key::of(Kind::Contact, Some(account.clone()), &[])
    }

    /// An account's agreement, by type and name.
    pub fn agreement(account: &AccountId, agreement_type: &str, name: &str) -> Key {
        Key::of(
            Kind::Agreement,
            Some(account.clone()),
            &[agreement_type, name],
        )
    }

    /// An addition of an account's agreement, by its product (catalog identifier).
    pub fn addition(
        account: &AccountId,
        agreement_type: &str,
        agreement: &str,
        product: &str,
    ) -> Key {
        Key::of(
            Kind::Addition,
            Some(account.clone()),
            &[agreement_type, agreement, product],
        )
    }

    /// An addition, by its product, of the agreement keyed `agreement`; `None` when `agreement`
    /// is not an agreement's key.
    pub fn addition_on(agreement: &Key, product: &str) -> Option<Key> {
        match (agreement.kind, &agreement.account) {
            (Kind::Agreement, Some(account)) => Some(Key::addition(
                account,
                agreement.name_at(0)?,
                agreement.name_at(1)?,
                product,
            )),
            _ => None,
        }
    }

    /// A key from its serialised parts, outermost first; `None` when their number does not fit
    /// the kind.
    pub fn from_parts<S: AsRef<str>>(kind: Kind, parts: &[S]) -> Option<Key> {
        let (account, names) = if kind.is_company_scoped() {
            let (account, names) = parts.split_first()?;
            (Some(AccountId::new(account.as_ref())), names)
        } else {
            (None, parts)
        };
        let vendor_link = kind == Kind::CompanyLink && names.len() == 1;
        (names.len() == kind.names() || vendor_link).then(|| Key::joined(kind, account, names))
    }

    /// The kind.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The vendor account this key belongs to, for company-scoped kinds.
    pub fn account(&self) -> Option<&AccountId> {
        self.account.as_ref()
    }

    /// The parts after the account, as written, outermost first: what names the object within
    /// its account (empty for a company, its link and contact).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        (0..self.count()).filter_map(|i| self.name_at(i))
    }

    /// How many names follow the account.
    fn count(&self) -> usize {
        usize::from(self.count)
    }

    /// Every part as written, outermost first, as serialised and displayed.
    pub fn parts(&self) -> impl Iterator<Item = &str> {
        self.account
            .iter()
            .map(AccountId::as_str)
            .chain(self.names())
    }

    fn name_at(&self, index: usize) -> Option<&str> {
        let count = self.count();
        if index >= count {
            return None;
        }
        let start = index
            .checked_sub(1)
            .map_or(0, |i| self.starts.get(i).copied().unwrap_or(0));
        let end = if index + 1 < count {
            self.starts.get(index).copied().unwrap_or(0)
        } else {
            self.names.len()
        };
        self.names.get(start..end)
    }

    /// The object's own name or identifier, its innermost part: a setup row's or category's name,
    /// a sub-category's name, a catalog item's or API member's identifier, a cross-reference's
    /// vendor type, an agreement's name, an addition's product. `None` for a company, its link and
    /// contact, which the account alone identifies.
    pub fn name(&self) -> Option<&str> {
        self.count()
            .checked_sub(1)
            .and_then(|last| self.name_at(last))
    }

    named_parts! {
        /// A sub-category's category.
        category: Kind::SubCategory => 0;
        /// A cross-reference's Managed Devices Integration.
        integration: Kind::CrossReference => 0;
        /// An agreement's or addition's agreement type.
        agreement_type: Kind::Agreement | Kind::Addition => 0;
        /// An addition's product (catalog identifier).
        product: Kind::Addition => 2;
        /// A vendor's company link's Management IT solution (`None` for a one-vendor link).
        solution: Kind::CompanyLink => 0;
    }

    /// The agreement an addition belongs to.
    pub fn agreement_key(&self) -> Option<Key> {
        match (self.kind, &self.account) {
            (Kind::Addition, Some(account)) => {
                Some(Key::agreement(account, self.name_at(0)?, self.name_at(1)?))
            }
            _ => None,
        }
    }

    /// The company a company-scoped key belongs to.
    pub fn company_key(&self) -> Option<Key> {
        self.account.as_ref().map(Key::company)
    }

    /// The key as it compares: kind, then each part trimmed and lowercased (the reference for
    /// [`Ord`], which avoids building it).
    #[cfg(test)]
    fn folded(&self) -> (Kind, Vec<String>) {
        (self.kind, self.parts().map(super::fold_name).collect())
    }
}

impl Serialize for Key {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        struct Parts<'a>(&'a Key);
        impl Serialize for Parts<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.parts())
            }
        }
        let mut out = serializer.serialize_struct("Key", 2)?;
        out.serialize_field("kind", &self.kind)?;
        out.serialize_field("parts", &Parts(self))?;
        out.end()
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// The serialised form.
        #[derive(Deserialize)]
        struct Written {
            kind: Kind,
            parts: Vec<String>,
        }
        let written = Written::deserialize(deserializer)?;
        Key::from_parts(written.kind, &written.parts).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "a {} key has {} part(s), not {}",
                written.kind,
                written.kind.names() + usize::from(written.kind.is_company_scoped()),
                written.parts.len()
            ))
        })
    }
}

/// `PartialEq`, `Eq` and `PartialOrd` of a type from its hand-written `Ord`, so that the three
/// cannot disagree with it.
macro_rules! compare_by_ord {
    ($($t:ty),+) => {$(
        impl PartialEq for $t {
            fn eq(&self, other: &Self) -> bool {
                self.cmp(other).is_eq()
            }
        }

        impl Eq for $t {}

        impl PartialOrd for $t {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }
    )+};
}

compare_by_ord!(Key, ByKey);

impl Ord for Key {
    /// Kind, then each part trimmed and lowercased (`fold_name`), without allocating for ASCII
    /// (the folded order of [`fold_name`](super::fold_name)).
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.kind
            .cmp(&other.kind)
            .then_with(|| self.account.cmp(&other.account))
            .then_with(|| {
                // A clone shares its names.
                if Arc::ptr_eq(&self.names, &other.names) {
                    return std::cmp::Ordering::Equal;
                }
                let fold = if self.plain && other.plain {
                    ascii_fold_cmp
                } else {
                    fold_cmp
                };
                self.names()
                    .zip(other.names())
                    .map(|(a, b)| fold(a, b))
                    .find(|order| order.is_ne())
                    .unwrap_or_else(|| self.count.cmp(&other.count))
            })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ", self.kind)?;
        for (i, part) in self.parts().enumerate() {
            if i > 0 {
                f.write_str(" / ")?;
            }
            f.write_str(part)?;
        }
        Ok(())
    }
}

/// A field value, typed so that comparison follows ConnectWise's meaning rather than spelling.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Value {
    /// Free text, compared exactly after trimming. (`Box<str>`, not `String`: a value is never
    /// grown, and a plan holds two states of them; issue 13.)
    Text(Box<str>),
    /// A name of a setup row or another object, compared case-insensitively.
    Name(Box<str>),
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
            // Most values compare with themselves (a plan with few changes): no trimming then.
            (Value::Text(a), Value::Text(b)) => a == b || a.trim() == b.trim(),
            (Value::Name(a), Value::Name(b)) => a == b || fold_cmp(a, b).is_eq(),
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

/// Fields by their ConnectWise name (`description`, `price`, `quantity`, …), in name order.
///
/// A short sorted list rather than a map: an object has at most a dozen fields, and a map's node
/// per object cost more than the values themselves (issue 13: half the model's memory at 5,000
/// companies). Names are the `'static` ConnectWise names the code writes, never allocated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields(Vec<(&'static str, Value)>);

impl Fields {
    fn position(&self, name: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(field, _)| (*field).cmp(name))
    }

    /// A field's value.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.position(name).ok().map(|i| &self.0[i].1)
    }

    /// Set a field, replacing its value if it has one.
    pub fn set(&mut self, name: &'static str, value: Value) {
        match self.position(name) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (name, value)),
        }
    }

    /// Every field, in name order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&'static str, &Value)> + '_ {
        self.0.iter().map(|(field, value)| (*field, value))
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The fields as a map by owned name, for a plan op that outlives the state.
    pub fn to_map(&self) -> BTreeMap<String, Value> {
        self.iter()
            .map(|(field, value)| (field.to_owned(), value.clone()))
            .collect()
    }

    fn shrink(&mut self) {
        self.0.shrink_to_fit();
    }
}

impl Serialize for Fields {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

/// One managed object: its identity, the fields cwrecon manages on it, and (live side) where it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Object {
    /// Natural identity.
    pub key: Key,
    /// Managed fields. On the desired side, only what the configuration declares; a field absent
    /// here is not managed.
    pub fields: Fields,
    /// Fields sent only when the object is created (an addition's `effectiveDate`, a company's
    /// address). Never compared.
    #[serde(skip_serializing_if = "Fields::is_empty")]
    pub create_only: Fields,
    /// Live side: the ConnectWise record id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// Live side: `_info.lastUpdated`, the only version token ConnectWise has (API-NOTES §1.8).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<String>,
    /// Live side: whether cwrecon owns it (carries the integration's marks) and may remove it.
    pub owned: bool,
    /// The integration (vendor) it belongs to, for what belongs to one: catalog items, company
    /// links, agreements and additions. `None` for what all share (setup rows, the company, its
    /// contact) and for what no integration owns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<IntegrationId>,
}

impl Object {
    /// An object with no fields yet.
    pub fn new(key: Key) -> Object {
        Object {
            key,
            fields: Fields::default(),
            create_only: Fields::default(),
            id: None,
            last_updated: None,
            owned: false,
            vendor: None,
        }
    }

    /// Say which integration it belongs to.
    #[must_use]
    pub fn of_vendor(mut self, vendor: Option<IntegrationId>) -> Object {
        self.vendor = vendor;
        self
    }

    /// Set a managed field.
    #[must_use]
    pub fn with(mut self, field: &'static str, value: Value) -> Object {
        self.fields.set(field, value);
        self
    }

    /// Set a managed field when the value is declared.
    #[must_use]
    pub fn with_opt(self, field: &'static str, value: Option<Value>) -> Object {
        match value {
            Some(value) => self.with(field, value),
            None => self,
        }
    }

    /// Set a field sent only on create.
    #[must_use]
    pub fn with_create_only(mut self, field: &'static str, value: Option<Value>) -> Object {
        if let Some(value) = value {
            self.create_only.set(field, value);
        }
        self
    }

    /// The managed fields, by name.
    pub fn fields(&self) -> impl ExactSizeIterator<Item = (&'static str, &Value)> + '_ {
        self.fields.iter()
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
///
/// A set of objects found by their own key rather than a map from key to object: each key is held
/// once, in its object, where a map held it twice (48 bytes more per object, in two states of
/// 70,000 objects at 5,000 companies; issue 13).
#[derive(Debug, Clone, Default)]
pub struct State {
    /// Every object, in key order.
    objects: BTreeSet<ByKey>,
}

/// An object of a [`State`], ordered and found by its key alone.
#[derive(Debug, Clone)]
struct ByKey(Object);

impl Ord for ByKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.key.cmp(&other.0.key)
    }
}

impl Borrow<Key> for ByKey {
    fn borrow(&self) -> &Key {
        &self.0.key
    }
}

impl State {
    /// Add or replace an object.
    pub fn insert(&mut self, mut object: Object) {
        // Held for the whole plan: no spare capacity.
        object.fields.shrink();
        object.create_only.shrink();
        self.objects.replace(ByKey(object));
    }

    /// Look up an object by key.
    pub fn get(&self, key: &Key) -> Option<&Object> {
        self.objects.get(key).map(|entry| &entry.0)
    }

    /// Take an object out, to change it and insert it again (a set cannot lend it mutably, since
    /// a change could move it).
    pub fn remove(&mut self, key: &Key) -> Option<Object> {
        self.objects.take(key).map(|entry| entry.0)
    }

    /// Every object, in key order.
    pub fn objects(&self) -> impl ExactSizeIterator<Item = &Object> + DoubleEndedIterator {
        self.objects.iter().map(|entry| &entry.0)
    }

    /// How many objects there are.
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// Objects of one kind, in key order.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Object> {
        self.objects().filter(move |o| o.key.kind() == kind)
    }
}

impl PartialEq for State {
    /// The same objects, field for field (not only the same keys).
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.objects().eq(other.objects())
    }
}

impl Serialize for State {
    /// `{"objects": {key: object, …}}`, as a map from key to object serialised.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Written<'a> {
            objects: BTreeMap<&'a Key, &'a Object>,
        }
        let objects = self.objects().map(|o| (&o.key, o)).collect();
        Written { objects }.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_the_way_connectwise_compares_names() {
        let a = Key::subcategory("Intermedia", "Hosted Services");
        let b = Key::subcategory("INTERMEDIA ", "hosted services");
        assert_eq!(a, b);
        assert_ne!(a, Key::cross_reference("Intermedia", "Hosted Services"));
        let account = AccountId::new("AB12");
        assert_eq!(
            Key::company(&account),
            Key::company(&AccountId::new("ab12"))
        );
        assert_eq!(Key::company(&account).to_string(), "company AB12");
    }

    // See: issue #7
    #[test]
    fn r7_key_order_without_allocating_equals_the_folded_order() {
        let parts = [
            "acme", "Acme", " ACME ", "acme2", "Acm", "", " ", "Straße", "STRASSE", "École",
            "ÉCOLE", "ΟΔΟΣ", "οδος", "a\tb", "A b", "[x]", "_y", "Z",
        ];
        let mut keys = Vec::new();
        for a in parts {
            let account = AccountId::new(a);
            keys.push(Key::named(Kind::Category, a));
            keys.push(Key::company(&account));
            for b in parts {
                keys.push(Key::subcategory(a, b));
                keys.push(Key::agreement(&account, b, a));
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
    fn keys_name_their_parts() {
        let account = AccountId::new("AB12");
        let addition = Key::addition(&account, "Intermedia", "X", "A1R_1");
        assert_eq!(addition.kind(), Kind::Addition);
        assert_eq!(addition.account().map(AccountId::as_str), Some("AB12"));
        assert_eq!(addition.agreement_type(), Some("Intermedia"));
        assert_eq!(addition.product(), Some("A1R_1"));
        assert_eq!(addition.name(), Some("A1R_1"));
        assert_eq!(
            addition.agreement_key(),
            Some(Key::agreement(&account, "Intermedia", "X"))
        );
        assert_eq!(addition.company_key(), Some(Key::company(&account)));
        assert_eq!(
            addition.names().collect::<Vec<_>>(),
            ["Intermedia", "X", "A1R_1"]
        );
        let sub = Key::subcategory("Intermedia", "Hosted");
        assert_eq!(
            (sub.category(), sub.name()),
            (Some("Intermedia"), Some("Hosted"))
        );
        assert_eq!((sub.account(), sub.product()), (None, None));
        let xref = Key::cross_reference("Intermedia", "mailbox");
        assert_eq!(xref.integration(), Some("Intermedia"));
        assert_eq!(xref.name(), Some("mailbox"));
        assert_eq!(Key::company(&account).name(), None);
        assert_eq!(Key::catalog_item("A1R_1").name(), Some("A1R_1"));
    }

    #[test]
    fn keys_serialise_as_kind_and_parts() {
        let account = AccountId::new("AB12");
        let cases = [
            (
                Key::addition(&account, "Intermedia", "X", "A1R_1"),
                r#"{"kind":"addition","parts":["AB12","Intermedia","X","A1R_1"]}"#,
            ),
            (
                Key::company(&account),
                r#"{"kind":"company","parts":["AB12"]}"#,
            ),
            (
                Key::subcategory("Intermedia", "Hosted"),
                r#"{"kind":"sub_category","parts":["Intermedia","Hosted"]}"#,
            ),
            (
                Key::named(Kind::ProductType, "Intermedia_Services"),
                r#"{"kind":"product_type","parts":["Intermedia_Services"]}"#,
            ),
        ];
        for (key, json) in cases {
            assert_eq!(serde_json::to_string(&key).unwrap(), json);
            let back: Key = serde_json::from_str(json).unwrap();
            assert_eq!(back, key);
            assert_eq!(back.to_string(), key.to_string());
            assert_eq!(serde_json::to_string(&back).unwrap(), json);
        }
        let short = serde_json::from_str::<Key>(r#"{"kind":"addition","parts":["AB12","X"]}"#);
        assert!(
            short
                .unwrap_err()
                .to_string()
                .contains("addition key has 4 part(s), not 2"),
        );
    }

    #[test]
    fn fields_stay_in_name_order_and_replace_by_name() {
        let o = Object::new(Key::catalog_item("A1R_1"))
            .with("price", Value::Bool(true))
            .with("cost", Value::Bool(false))
            .with("price", Value::Bool(false))
            .with("description", Value::Text("a".into()));
        let names: Vec<&str> = o.fields().map(|(f, _)| f).collect();
        assert_eq!(names, ["cost", "description", "price"]);
        assert_eq!(o.get("price"), Some(&Value::Bool(false)));
        assert_eq!(o.get("quantity"), None);
        assert_eq!(
            serde_json::to_string(&o.fields).unwrap(),
            r#"{"cost":{"type":"bool","value":false},"description":{"type":"text","value":"a"},"price":{"type":"bool","value":false}}"#
        );
        assert_eq!(o.fields.to_map().len(), 3);
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
