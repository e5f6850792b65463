//! The records read from ConnectWise, before projection: typed and compact ([`super::records`]),
//! decoded once as they arrive.

use std::collections::BTreeMap;

use super::records::{
    AdditionRecord, AgreementRecord, AgreementTypeRecord, ApiMemberRecord, CatalogRecord,
    CategoryRecord, CompanyRecord, CompanyStatusRecord, CompanyTypeRecord, ContactRecord,
    CountryRecord, CrossReferenceRecord, LinkRecord, ManagedDevicesIntegrationRecord,
    ManagementItSolutionRecord, ProductTypeRecord, SubCategoryRecord, UnitOfMeasureRecord,
};

/// Every record a plan needs. Child records are keyed by their parent's id.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// `/procurement/types`.
    pub product_types: Vec<ProductTypeRecord>,
    /// `/finance/agreements/types`.
    pub agreement_types: Vec<AgreementTypeRecord>,
    /// `/procurement/unitOfMeasures`.
    pub units_of_measure: Vec<UnitOfMeasureRecord>,
    /// `/procurement/categories`.
    pub categories: Vec<CategoryRecord>,
    /// `/procurement/subcategories/`.
    pub subcategories: Vec<SubCategoryRecord>,
    /// `/company/managementItSolutions` (without the apply lock's row).
    pub management_it_solutions: Vec<ManagementItSolutionRecord>,
    /// `/company/managedDevicesIntegrations`.
    pub managed_devices_integrations: Vec<ManagedDevicesIntegrationRecord>,
    /// `…/managedDevicesIntegrations/{id}/crossReferences`, by integration id.
    pub cross_references: BTreeMap<i64, Vec<CrossReferenceRecord>>,
    /// `/system/apiMembers`.
    pub api_members: Vec<ApiMemberRecord>,
    /// `/procurement/catalog` (owned items and items with a desired identifier).
    pub catalog: Vec<CatalogRecord>,
    /// `/company/companies`, including deleted ones (recycle bin) that hold a desired identifier.
    pub companies: Vec<CompanyRecord>,
    /// `…/companies/{id}/managementSummaryReports`, by company id.
    pub links: BTreeMap<i64, Vec<LinkRecord>>,
    /// `/company/contacts` of the relevant companies.
    pub contacts: Vec<ContactRecord>,
    /// `/finance/agreements` of the relevant companies.
    pub agreements: Vec<AgreementRecord>,
    /// The candidates for shared agreements (agreements cwrecon does not own) of the companies
    /// with a vendor that bills on one; their additions hold only owned products (`live::shared`).
    pub shared_agreements: Vec<AgreementRecord>,
    /// `…/agreements/{id}/additions`, by agreement id.
    pub additions: BTreeMap<i64, Vec<AdditionRecord>>,
    /// `/company/companies/statuses`, read only when a company may be created.
    pub company_statuses: Vec<CompanyStatusRecord>,
    /// `/company/companies/types`, read only when a company may be created.
    pub company_types: Vec<CompanyTypeRecord>,
    /// `/company/countries`, read only when a company may be created.
    pub countries: Vec<CountryRecord>,
}
