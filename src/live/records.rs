//! The live records: one compact type per ConnectWise kind cwrecon reads, and one [`Table`] per
//! kind that declares where it lives, which fields are asked for, how an object is found again by
//! its natural key, and which security-role right its writes need.
//!
//! Owns the wire shape of what cwrecon reads: each record keeps only the fields the projection,
//! `export`, `reconcile` and apply read, flattened (`type/name` is `type_name`), and is decoded once
//! from the response (unknown fields ignored, no `serde_json::Value` kept). A field of the wrong
//! type is refused: the read fails naming the record, rather than reading as absent. Amounts keep
//! the number as ConnectWise wrote it ([`Amount`]), so an out-of-bounds or unreadable amount is
//! still shown as it was sent. These are cwrecon's only ConnectWise record types: the client
//! (`crate::connectwise`) reads into whichever type it is given, and [`Table::endpoint`] hands it
//! one with the table's path.
//!
//! Owns, too, each kind's path, `fields` list, natural key and role right, written once here:
//! the reader (`read.rs`, `http.rs`) lists with them, `apply::write` posts, patches and looks up
//! lost creates by them, `apply::rights` names the right a refused write needs from them, `doctor`
//! probes every [`READ_TABLES`] path, and the lock and the demo write Management IT, setup and
//! company rows at their tables' paths; `export` reads through the reader.
//!
//! Refuses to know how records are read (`read.rs`: which records a plan needs, and the conditions
//! that narrow a read to them, such as `type/name = …` or `company/id in (…)`), what they mean
//! (`project.rs`), or what a write sends (`apply::write` builds JSON bodies from plan ops; no record
//! type is ever serialized). A [`Table`] is data.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value as Json;

use crate::connectwise::{Client, Endpoint};
use crate::model::{Kind, Money, Quantity};

/// Where one ConnectWise kind lives and how cwrecon asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    /// The name requests are counted under (`companies`, `additions`).
    pub kind: &'static str,
    /// The collection path below the API base; a child collection's holds `{parentId}`.
    pub path: &'static str,
    /// The resource type a `/system/bundles` read names (child collections only, else empty).
    pub bundle_type: &'static str,
    /// The `fields` list sent with every list of this kind.
    pub fields: &'static str,
    /// The fields whose equality finds one object again by its natural key (apply's look-up of a
    /// create whose answer was lost), in the order their values are given.
    pub natural_key: &'static [&'static str],
    /// A condition every natural-key look-up adds (`cancelledDate = null`: active lines only).
    pub natural_key_also: Option<&'static str>,
    /// The security-role right a write to this kind needs: the role screen's module › function
    /// (`crate::apply::Right` adds the level). From docs/getting-started.md §2, UNVERIFIED against
    /// a live tenant (`apply::rights`); `None` for a kind no guide names (countries).
    pub right: Option<&'static str>,
}

impl Table {
    /// The collection path for a child collection's parent.
    pub fn child_path(&self, parent: i64) -> String {
        self.path.replace("{parentId}", &parent.to_string())
    }

    /// A handle on this kind's collection, reading records as `K` (a record type, or
    /// `serde_json::Value` for writes and raw reads).
    pub fn endpoint<K>(&self, client: &Client) -> Endpoint<K> {
        client.endpoint_at(self.kind, self.path)
    }

    /// A handle on a child collection of `parent` (the additions of agreement N, the links of
    /// company N, the cross-references of integration N).
    pub fn child_endpoint<K>(&self, client: &Client, parent: i64) -> Endpoint<K> {
        client.endpoint_at(self.kind, self.child_path(parent))
    }

    /// The natural-key `conditions`: `values` (already written as condition literals: quoted
    /// strings, plain ids) matched to [`Table::natural_key`] in order.
    ///
    /// # Errors
    /// When the number of values differs from the number of key fields (a bug in the caller).
    pub fn natural_key_conditions(&self, values: &[String]) -> Result<String, String> {
        if values.len() != self.natural_key.len() {
            return Err(format!(
                "{} values for the {} natural-key field(s) of {}",
                values.len(),
                self.natural_key.len(),
                self.kind
            ));
        }
        let mut clauses: Vec<String> = self
            .natural_key
            .iter()
            .zip(values)
            .map(|(field, value)| format!("{field} = {value}"))
            .collect();
        clauses.extend(self.natural_key_also.map(str::to_owned));
        Ok(clauses.join(" and "))
    }
}

/// A record type read from ConnectWise, with its table.
pub trait Record: DeserializeOwned + Send + Sync + 'static {
    /// Where the kind lives and how it is asked for.
    const TABLE: &'static Table;

    /// The record's id, to name it in errors.
    fn id(&self) -> Option<i64>;
}

/// Why a record could not be decoded.
#[derive(Debug, thiserror::Error)]
#[error("decode {kind} record {id}")]
pub struct DecodeError {
    /// The table's kind.
    pub kind: &'static str,
    /// The record's id, or `?` when it has none readable.
    pub id: String,
    /// What was wrong.
    #[source]
    pub source: serde_json::Error,
}

/// Decode one record from JSON (a bundle's entity, a test's fixture), naming it on failure.
///
/// # Errors
/// When a field cwrecon reads has another type than ConnectWise documents.
pub fn decode<R: Record>(record: Json) -> Result<R, DecodeError> {
    let id = record
        .get("id")
        .map_or_else(|| "?".to_owned(), ToString::to_string);
    R::deserialize(record).map_err(|source| DecodeError {
        kind: R::TABLE.kind,
        id,
        source,
    })
}

/// An amount as ConnectWise sent it: a JSON number, or anything else (a numeric string, text),
/// kept as its JSON text so a finding can show it as sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Amount {
    /// A JSON number.
    Number(serde_json::Number),
    /// Any other JSON value, as JSON text (`"12.50"`, `"not a number"`).
    Other(Box<str>),
}

impl Amount {
    /// The amount as money, when it is a number cwrecon reads exactly.
    pub fn money(&self) -> Option<Money> {
        self.exact()
    }

    /// The amount as a count, when it is a number cwrecon reads exactly.
    pub fn quantity(&self) -> Option<Quantity> {
        self.exact()
    }

    fn exact<T: DeserializeOwned>(&self) -> Option<T> {
        match self {
            Amount::Number(number) => T::deserialize(number.clone()).ok(),
            Amount::Other(text) => serde_json::from_str(text).ok(),
        }
    }
}

impl std::fmt::Display for Amount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Amount::Number(number) => number.fmt(f),
            Amount::Other(text) => f.write_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Amount, D::Error> {
        Ok(match Json::deserialize(deserializer)? {
            Json::Number(number) => Amount::Number(number),
            other => Amount::Other(other.to_string().into_boxed_str()),
        })
    }
}

/// Nested references (`{"id": 1, "name": "…"}`) read down to the one field cwrecon uses.
mod nested {
    use serde::{Deserialize, Deserializer};

    #[derive(Deserialize)]
    struct Name {
        #[serde(default)]
        name: Option<Box<str>>,
    }

    #[derive(Deserialize)]
    struct Identifier {
        #[serde(default)]
        identifier: Option<Box<str>>,
    }

    #[derive(Deserialize)]
    struct Id {
        #[serde(default)]
        id: Option<i64>,
    }

    #[derive(Deserialize)]
    struct Info {
        #[serde(rename = "lastUpdated")]
        last_updated: Option<Box<str>>,
    }

    /// `{…, "name": "x"}` → `x`.
    pub(super) fn name<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Box<str>>, D::Error> {
        Ok(Option::<Name>::deserialize(d)?.and_then(|r| r.name))
    }

    /// `{…, "identifier": "x"}` → `x`.
    pub(super) fn identifier<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Box<str>>, D::Error> {
        Ok(Option::<Identifier>::deserialize(d)?.and_then(|r| r.identifier))
    }

    /// `{"id": 1, …}` → `1`.
    pub(super) fn id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        Ok(Option::<Id>::deserialize(d)?.and_then(|r| r.id))
    }

    /// `_info: {"lastUpdated": "…"}` → the version token.
    pub(super) fn last_updated<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Box<str>>, D::Error> {
        Ok(Option::<Info>::deserialize(d)?.and_then(|r| r.last_updated))
    }
}

/// The role screen's right most setup tables need (docs/getting-started.md §2).
const TABLE_SETUP: Option<&str> = Some("System › Table Setup");
/// Companies, their Manage ID links and the lookup tables of their creates.
const COMPANY_MAINTENANCE: Option<&str> = Some("Companies › Company Maintenance");
/// Agreements and their additions.
const AGREEMENTS_RIGHT: Option<&str> = Some("Finance › Agreements");

/// Declares a record type and its table together, so neither is written without the other.
macro_rules! record {
    (
        $(#[$meta:meta])*
        $name:ident, $table:ident = {
            kind: $kind:literal, path: $path:literal, bundle: $bundle:literal, fields: $fields:literal,
            key: [$($key:literal),*], also: $also:expr, right: $right:expr $(,)?
        } {
            $($(#[$fmeta:meta])* $field:ident : $ty:ty),* $(,)?
        }
    ) => {
        #[doc = concat!("The table of `", $path, "`.")]
        pub static $table: Table = Table {
            kind: $kind,
            path: $path,
            bundle_type: $bundle,
            fields: $fields,
            natural_key: &[$($key),*],
            natural_key_also: $also,
            right: $right,
        };

        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
        // Every field may be absent (ConnectWise omits nulls, API-NOTES.md §1.8).
        #[serde(default, rename_all = "camelCase")]
        pub struct $name {
            /// The record's id.
            #[serde(default)]
            pub id: Option<i64>,
            $(
                #[doc = concat!("`", stringify!($field), "` (camelCase on the wire).")]
                $(#[$fmeta])* pub $field: $ty,
            )*
            /// `_info/lastUpdated`: the version token a write compares.
            #[serde(rename = "_info", deserialize_with = "nested::last_updated")]
            pub last_updated: Option<Box<str>>,
        }

        impl Record for $name {
            const TABLE: &'static Table = &$table;

            fn id(&self) -> Option<i64> {
                self.id
            }
        }
    };
}

record! {
    /// A product type (`/procurement/types`).
    ProductTypeRecord, PRODUCT_TYPES = {
        kind: "productTypes", path: "/procurement/types", bundle: "",
        fields: "id,name,typeXref,_info/lastUpdated", key: ["name"], also: None, right: TABLE_SETUP,
    } {
        name: Option<Box<str>>,
        type_xref: Option<Box<str>>,
    }
}

record! {
    /// An agreement type (`/finance/agreements/types`).
    AgreementTypeRecord, AGREEMENT_TYPES = {
        kind: "agreementTypes", path: "/finance/agreements/types", bundle: "",
        fields: "id,name,employeeCompRate,employeeCompNotExceed,invoicingCycle,billTime,billExpenses,billProducts,_info/lastUpdated",
        key: ["name"], also: None, right: TABLE_SETUP,
    } {
        name: Option<Box<str>>,
        employee_comp_rate: Option<Box<str>>,
        employee_comp_not_exceed: Option<Box<str>>,
        invoicing_cycle: Option<Box<str>>,
        bill_time: Option<Box<str>>,
        bill_expenses: Option<Box<str>>,
        bill_products: Option<Box<str>>,
    }
}

/// Declares lookup tables whose rows are known by their name alone (units, categories, company
/// statuses and types, countries): one line each, so their shared shape is written once.
macro_rules! named_records {
    ($(
        $(#[$meta:meta])*
        $name:ident, $table:ident: $kind:literal, $path:literal, $fields:literal, $right:expr;
    )*) => {$(
        record! {
            $(#[$meta])*
            $name, $table = {
                kind: $kind, path: $path, bundle: "", fields: $fields,
                key: ["name"], also: None, right: $right,
            } {
                /// `name`.
                name: Option<Box<str>>,
            }
        }
    )*};
}

named_records! {
    /// A unit of measure (`/procurement/unitOfMeasures`).
    UnitOfMeasureRecord, UNITS_OF_MEASURE: "unitsOfMeasure", "/procurement/unitOfMeasures", "id,name,_info/lastUpdated", TABLE_SETUP;
    /// A product category (`/procurement/categories`).
    CategoryRecord, CATEGORIES: "categories", "/procurement/categories", "id,name,_info/lastUpdated", TABLE_SETUP;
    /// A company status (`/company/companies/statuses`), read only when a company may be created.
    CompanyStatusRecord, COMPANY_STATUSES: "companyStatuses", "/company/companies/statuses", "id,name", COMPANY_MAINTENANCE;
    /// A company type (`/company/companies/types`), read only when a company may be created.
    CompanyTypeRecord, COMPANY_TYPES: "companyTypes", "/company/companies/types", "id,name", COMPANY_MAINTENANCE;
    /// A country (`/company/countries`), read only when a company may be created.
    CountryRecord, COUNTRIES: "countries", "/company/countries", "id,name", None;
}

record! {
    /// A product sub-category (`/procurement/subcategories/`: the flat form's list path has a
    /// trailing slash, API-NOTES.md §2.5).
    SubCategoryRecord, SUBCATEGORIES = {
        kind: "subcategories", path: "/procurement/subcategories/", bundle: "",
        fields: "id,name,category,_info/lastUpdated", key: ["name", "category/id"], also: None, right: TABLE_SETUP,
    } {
        name: Option<Box<str>>,
        #[serde(rename = "category", deserialize_with = "nested::name")]
        category_name: Option<Box<str>>,
    }
}

record! {
    /// A Management IT solution (`/company/managementItSolutions`); the apply lock is one too.
    ManagementItSolutionRecord, MANAGEMENT_IT_SOLUTIONS = {
        kind: "managementItSolutions", path: "/company/managementItSolutions", bundle: "",
        fields: "id,name,managementItSolutionType,managementSolutionName,_info/lastUpdated",
        key: ["name"], also: None, right: TABLE_SETUP,
    } {
        name: Option<Box<str>>,
        management_it_solution_type: Option<Box<str>>,
        management_solution_name: Option<Box<str>>,
    }
}

record! {
    /// A Managed Devices Integration (`/company/managedDevicesIntegrations`).
    ManagedDevicesIntegrationRecord, MANAGED_DEVICES_INTEGRATIONS = {
        kind: "managedDevicesIntegrations", path: "/company/managedDevicesIntegrations", bundle: "",
        fields: "id,name,solution,loginBy,defaultBillingLevel,portalUrl,_info/lastUpdated",
        key: ["name"], also: None, right: TABLE_SETUP,
    } {
        name: Option<Box<str>>,
        solution: Option<Box<str>>,
        login_by: Option<Box<str>>,
        default_billing_level: Option<Box<str>>,
        portal_url: Option<Box<str>>,
    }
}

record! {
    /// A cross-reference of a Managed Devices Integration (a child list).
    CrossReferenceRecord, CROSS_REFERENCES = {
        kind: "crossReferences",
        path: "/company/managedDevicesIntegrations/{parentId}/crossReferences",
        bundle: "ManagedDevicesIntegrationCrossReference",
        fields: "id,vendorType,product,agreementType,_info/lastUpdated",
        key: ["vendorType"], also: None, right: TABLE_SETUP,
    } {
        vendor_type: Option<Box<str>>,
        #[serde(rename = "product", deserialize_with = "nested::identifier")]
        product_identifier: Option<Box<str>>,
        #[serde(rename = "agreementType", deserialize_with = "nested::name")]
        agreement_type_name: Option<Box<str>>,
    }
}

record! {
    /// An API member (`/system/apiMembers`).
    ApiMemberRecord, API_MEMBERS = {
        kind: "apiMembers", path: "/system/apiMembers", bundle: "",
        fields: "id,identifier,name,securityRole,emailAddress,_info/lastUpdated",
        key: ["identifier"], also: None, right: Some("System › Member Maintenance"),
    } {
        identifier: Option<Box<str>>,
        name: Option<Box<str>>,
        #[serde(rename = "securityRole", deserialize_with = "nested::name")]
        security_role_name: Option<Box<str>>,
        email_address: Option<Box<str>>,
    }
}

record! {
    /// A catalog item (`/procurement/catalog`).
    CatalogRecord, CATALOG = {
        kind: "catalog", path: "/procurement/catalog", bundle: "",
        fields: "id,identifier,description,customerDescription,cost,price,type,category,subcategory,unitOfMeasure,recurringFlag,taxableFlag,_info/lastUpdated",
        key: ["identifier"], also: None, right: Some("Procurement › Product Catalog"),
    } {
        identifier: Option<Box<str>>,
        description: Option<Box<str>>,
        customer_description: Option<Box<str>>,
        cost: Option<Amount>,
        price: Option<Amount>,
        #[serde(rename = "type", deserialize_with = "nested::name")]
        type_name: Option<Box<str>>,
        #[serde(rename = "category", deserialize_with = "nested::name")]
        category_name: Option<Box<str>>,
        #[serde(rename = "subcategory", deserialize_with = "nested::name")]
        subcategory_name: Option<Box<str>>,
        #[serde(rename = "unitOfMeasure", deserialize_with = "nested::name")]
        unit_of_measure_name: Option<Box<str>>,
        recurring_flag: Option<bool>,
        taxable_flag: Option<bool>,
    }
}

record! {
    /// A company (`/company/companies`), deleted ones (recycle bin) included when asked for.
    CompanyRecord, COMPANIES = {
        kind: "companies", path: "/company/companies", bundle: "",
        fields: "id,identifier,name,deletedFlag,defaultContact,_info/lastUpdated",
        key: ["identifier"], also: None, right: COMPANY_MAINTENANCE,
    } {
        identifier: Option<Box<str>>,
        /// `deletedFlag`: in the recycle bin.
        deleted_flag: Option<bool>,
        #[serde(rename = "defaultContact", deserialize_with = "nested::id")]
        default_contact_id: Option<i64>,
    }
}

impl CompanyRecord {
    /// Whether the company is in the recycle bin.
    pub fn is_deleted(&self) -> bool {
        self.deleted_flag.unwrap_or(false)
    }
}

record! {
    /// A company's Manage ID link (`…/companies/{id}/managementSummaryReports`, a child list).
    LinkRecord, LINKS = {
        kind: "managementSummaryReports",
        path: "/company/companies/{parentId}/managementSummaryReports",
        bundle: "CompanyManagementSummary",
        fields: "id,groupIdentifier,managementSolution,company,_info/lastUpdated",
        key: ["groupIdentifier"], also: None, right: COMPANY_MAINTENANCE,
    } {
        /// `groupIdentifier`: the account (Manage ID) as written in ConnectWise.
        group_identifier: Option<Box<str>>,
        #[serde(rename = "managementSolution", deserialize_with = "nested::name")]
        management_solution_name: Option<Box<str>>,
    }
}

record! {
    /// A contact (`/company/contacts`).
    ContactRecord, CONTACTS = {
        kind: "contacts", path: "/company/contacts", bundle: "",
        fields: "id,firstName,lastName,company,_info/lastUpdated",
        key: ["firstName", "lastName", "company/id"], also: None, right: Some("Companies › Contacts"),
    } {
        first_name: Option<Box<str>>,
        last_name: Option<Box<str>>,
        #[serde(rename = "company", deserialize_with = "nested::id")]
        company_id: Option<i64>,
    }
}

record! {
    /// An agreement (`/finance/agreements`).
    AgreementRecord, AGREEMENTS = {
        kind: "agreements", path: "/finance/agreements", bundle: "",
        fields: "id,name,type,company,startDate,billingCycle,cancelledFlag,_info/lastUpdated",
        key: ["name", "company/id"], also: None, right: AGREEMENTS_RIGHT,
    } {
        name: Option<Box<str>>,
        #[serde(rename = "type", deserialize_with = "nested::name")]
        type_name: Option<Box<str>>,
        #[serde(rename = "company", deserialize_with = "nested::id")]
        company_id: Option<i64>,
        /// `startDate` (`2026-01-01T00:00:00Z`).
        start_date: Option<Box<str>>,
        #[serde(rename = "billingCycle", deserialize_with = "nested::name")]
        billing_cycle_name: Option<Box<str>>,
        /// `cancelledFlag`: the agreement no longer bills.
        cancelled_flag: Option<bool>,
    }
}

record! {
    /// An agreement addition (`…/agreements/{id}/additions`, a child list).
    AdditionRecord, ADDITIONS = {
        kind: "additions", path: "/finance/agreements/{parentId}/additions", bundle: "Addition",
        fields: "id,product,quantity,unitPrice,billCustomer,cancelledDate,agreementId,_info/lastUpdated",
        key: ["product/id"], also: Some("cancelledDate = null"), right: AGREEMENTS_RIGHT,
    } {
        #[serde(rename = "product", deserialize_with = "nested::identifier")]
        product_identifier: Option<Box<str>>,
        quantity: Option<Amount>,
        unit_price: Option<Amount>,
        bill_customer: Option<Box<str>>,
        /// `cancelledDate`: set once the line is cancelled (billing history).
        cancelled_date: Option<Box<str>>,
    }
}

/// The table of a canonical kind's ConnectWise records.
pub fn table_of(kind: Kind) -> &'static Table {
    match kind {
        Kind::ProductType => &PRODUCT_TYPES,
        Kind::AgreementType => &AGREEMENT_TYPES,
        Kind::UnitOfMeasure => &UNITS_OF_MEASURE,
        Kind::Category => &CATEGORIES,
        Kind::SubCategory => &SUBCATEGORIES,
        Kind::ManagementItSolution => &MANAGEMENT_IT_SOLUTIONS,
        Kind::ManagedDevicesIntegration => &MANAGED_DEVICES_INTEGRATIONS,
        Kind::CrossReference => &CROSS_REFERENCES,
        Kind::ApiMember => &API_MEMBERS,
        Kind::CatalogItem => &CATALOG,
        Kind::Company => &COMPANIES,
        Kind::CompanyLink => &LINKS,
        Kind::Contact => &CONTACTS,
        Kind::Agreement => &AGREEMENTS,
        Kind::Addition => &ADDITIONS,
    }
}

/// Every table: each kind cwrecon reads or writes, and the company lookup tables.
pub static TABLES: [&Table; 18] = [
    &PRODUCT_TYPES,
    &AGREEMENT_TYPES,
    &UNITS_OF_MEASURE,
    &CATEGORIES,
    &SUBCATEGORIES,
    &MANAGEMENT_IT_SOLUTIONS,
    &MANAGED_DEVICES_INTEGRATIONS,
    &CROSS_REFERENCES,
    &API_MEMBERS,
    &CATALOG,
    &COMPANIES,
    &LINKS,
    &CONTACTS,
    &AGREEMENTS,
    &ADDITIONS,
    &COMPANY_STATUSES,
    &COMPANY_TYPES,
    &COUNTRIES,
];

/// Every top-level collection cwrecon reads, in the order `doctor` checks them.
pub static READ_TABLES: [&Table; 12] = [
    &PRODUCT_TYPES,
    &AGREEMENT_TYPES,
    &UNITS_OF_MEASURE,
    &CATEGORIES,
    &SUBCATEGORIES,
    &CATALOG,
    &COMPANIES,
    &CONTACTS,
    &AGREEMENTS,
    &API_MEMBERS,
    &MANAGEMENT_IT_SOLUTIONS,
    &MANAGED_DEVICES_INTEGRATIONS,
];

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_record_keeps_what_cwrecon_reads_and_ignores_unknown_fields() {
        let company: CompanyRecord = decode(json!({
            "id": 7, "identifier": "Acme", "name": "Acme Corp", "deletedFlag": true,
            "defaultContact": {"id": 12, "name": "Ann"}, "status": {"id": 1, "name": "Active"},
            "_info": {"lastUpdated": "2026-01-01T00:00:00Z", "updatedBy": "x"}, "unknownField": [1, 2],
        }))
        .unwrap();
        assert_eq!(company.id, Some(7));
        assert_eq!(company.identifier.as_deref(), Some("Acme"));
        assert!(company.is_deleted());
        assert_eq!(company.default_contact_id, Some(12));
        assert_eq!(
            company.last_updated.as_deref(),
            Some("2026-01-01T00:00:00Z")
        );
    }

    #[test]
    fn nulls_and_absent_fields_read_as_absent() {
        let addition: AdditionRecord =
            decode(json!({"id": 1, "product": null, "cancelledDate": null, "_info": null}))
                .unwrap();
        assert_eq!(addition.product_identifier, None);
        assert_eq!(addition.cancelled_date, None);
        assert_eq!(addition.last_updated, None);
        assert_eq!(addition.quantity, None);
    }

    #[test]
    fn a_field_of_the_wrong_type_is_refused_naming_the_record() {
        let err = decode::<CompanyRecord>(json!({"id": 42, "identifier": 5})).unwrap_err();
        assert_eq!(err.kind, "companies");
        assert_eq!(err.id, "42");
        assert_eq!(err.to_string(), "decode companies record 42");
        assert!(
            err.source.to_string().contains("invalid type"),
            "{}",
            err.source
        );
        let err = decode::<AgreementRecord>(json!({"id": 3, "type": {"name": ["Intermedia"]}}))
            .unwrap_err();
        assert_eq!(err.to_string(), "decode agreements record 3");
    }

    #[test]
    fn amounts_keep_the_number_as_sent() {
        let addition: AdditionRecord = decode(
            json!({"id": 1, "quantity": 7e28, "unitPrice": "not a number", "product": {"identifier": "A"}}),
        )
        .unwrap();
        let quantity = addition.quantity.unwrap();
        assert_eq!(quantity.to_string(), json!(7e28).to_string());
        assert!(quantity.quantity().is_some());
        let price = addition.unit_price.unwrap();
        assert_eq!(price.to_string(), "\"not a number\"");
        assert_eq!(price.money(), None);
        let text: AdditionRecord = decode(json!({"id": 2, "unitPrice": "12.50"})).unwrap();
        assert_eq!(
            text.unit_price.and_then(|p| p.money()),
            Some(Money::parse("12.5").unwrap())
        );
    }

    #[test]
    fn natural_key_conditions_follow_the_table() {
        assert_eq!(
            ADDITIONS
                .natural_key_conditions(&["12".to_owned()])
                .unwrap(),
            "product/id = 12 and cancelledDate = null"
        );
        assert_eq!(
            CONTACTS
                .natural_key_conditions(&["\"A\"".into(), "\"B\"".into(), "3".into()])
                .unwrap(),
            "firstName = \"A\" and lastName = \"B\" and company/id = 3"
        );
        assert!(CONTACTS.natural_key_conditions(&[]).is_err());
    }
}
