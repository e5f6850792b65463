//! The raw records read from ConnectWise, before projection.

use std::collections::BTreeMap;

use serde_json::Value as Json;

/// Every record a plan needs, as ConnectWise returned it (JSON objects). Child records are keyed by
/// their parent's id.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// `/procurement/types`.
    pub product_types: Vec<Json>,
    /// `/finance/agreements/types`.
    pub agreement_types: Vec<Json>,
    /// `/procurement/unitOfMeasures`.
    pub units_of_measure: Vec<Json>,
    /// `/procurement/categories`.
    pub categories: Vec<Json>,
    /// `/procurement/subcategories/`.
    pub subcategories: Vec<Json>,
    /// `/company/managementItSolutions`.
    pub management_it_solutions: Vec<Json>,
    /// `/company/managedDevicesIntegrations`.
    pub managed_devices_integrations: Vec<Json>,
    /// `…/managedDevicesIntegrations/{id}/crossReferences`, by integration id.
    pub cross_references: BTreeMap<i64, Vec<Json>>,
    /// `/system/apiMembers`.
    pub api_members: Vec<Json>,
    /// `/procurement/catalog` (owned items and items with a desired identifier).
    pub catalog: Vec<Json>,
    /// `/company/companies`, including deleted ones (recycle bin) that hold a desired identifier.
    pub companies: Vec<Json>,
    /// `…/companies/{id}/managementSummaryReports`, by company id.
    pub links: BTreeMap<i64, Vec<Json>>,
    /// `/company/contacts` of the relevant companies.
    pub contacts: Vec<Json>,
    /// `/finance/agreements` of the relevant companies.
    pub agreements: Vec<Json>,
    /// `…/agreements/{id}/additions`, by agreement id.
    pub additions: BTreeMap<i64, Vec<Json>>,
    /// `/company/companies/statuses`, read only when a company may be created.
    pub company_statuses: Vec<Json>,
    /// `/company/companies/types`, read only when a company may be created.
    pub company_types: Vec<Json>,
    /// `/company/countries`, read only when a company may be created.
    pub countries: Vec<Json>,
}

/// Read a field by path (`type/name`), as a string.
pub(crate) fn text<'a>(record: &'a Json, path: &str) -> Option<&'a str> {
    field(record, path).and_then(Json::as_str)
}

/// Read a field by path.
pub(crate) fn field<'a>(record: &'a Json, path: &str) -> Option<&'a Json> {
    path.split('/')
        .try_fold(record, |value, part| value.get(part))
        .filter(|v| !v.is_null())
}

/// Read a field by path as a typed value (an amount, a count); `None` when absent or unreadable.
pub(crate) fn typed<T: serde::de::DeserializeOwned>(record: &Json, path: &str) -> Option<T> {
    field(record, path).and_then(|v| T::deserialize(v).ok())
}

/// A record's id.
pub(crate) fn id(record: &Json) -> Option<i64> {
    record.get("id").and_then(Json::as_i64)
}
