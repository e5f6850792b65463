//! Managed-services records: the per-company Management ID link, Management IT solutions, and
//! Managed Devices Integrations with their product cross-references.
//!
//! Owns the wire shapes of `/company/companies/{parentId}/managementSummaryReports` (the company link:
//! `groupIdentifier` is the vendor account id, API-NOTES.md §2.2), `/company/managementItSolutions` (§2.3),
//! and `/company/managedDevicesIntegrations` with `/{parentId}/crossReferences` (§2.4). Refuses floats:
//! numbers are [`Decimal`](rust_decimal::Decimal).

use serde::{Deserialize, Serialize};

use super::{
    AgreementReference, IdentifierReference, Info, IvItemReference, ManagementSolutionReference,
    Reference, info,
};
use crate::connectwise::resource::Resource;

/// A company's link to a management solution: its "Management ID" (`groupIdentifier`) for the
/// `managementSolution`. Child of a company (`/company/companies/{parentId}/managementSummaryReports`).
///
/// The many report counters are left out; they are not managed and are ignored on read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyManagementSummary {
    /// The record id; read-only, assigned by ConnectWise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// `managementSolution`: reference (`ManagementSolutionReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub management_solution: Option<ManagementSolutionReference>,
    /// `groupIdentifier`: at most 100 characters; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_identifier: Option<String>,
    /// `deviceType`: one of `WorkstationsAndServers`, `BackupStats`, `Servers`, `Workstations`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_type: Option<String>,
    /// `agreement`: reference (`AgreementReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreement: Option<AgreementReference>,
    /// `company`: reference (`CompanyReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<IdentifierReference>,
    /// Read-only metadata (`_info`: `lastUpdated`, `updatedBy`, `*_href` links). Never sent.
    #[serde(
        rename = "_info",
        default,
        skip_serializing,
        deserialize_with = "info::deserialize"
    )]
    pub info: Option<Info>,
}

impl Resource for CompanyManagementSummary {
    const KIND: &'static str = "managementSummaryReports";
    const PATH: &'static str = "/company/companies/{parentId}/managementSummaryReports";
    type Parent = i32;
}

/// A Management IT setup row (`/company/managementItSolutions`), e.g. the custom solution "Intermedia".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagementItSolution {
    /// The record id; read-only, assigned by ConnectWise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// `name`: at most 30 characters; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `managementItSolutionType`: one of `LevelPlatforms`, `NAble`, `Continuum`, `Custom`; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub management_it_solution_type: Option<String>,
    /// `managementSolutionName`: at most 30 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub management_solution_name: Option<String>,
    /// `managementServerUrl`: at most 200 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub management_server_url: Option<String>,
    /// `webserviceOverrideUrl`: at most 200 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webservice_override_url: Option<String>,
    /// `portalOverrideLoginUrl`: at most 200 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub portal_override_login_url: Option<String>,
    /// `globalLoginFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub global_login_flag: Option<bool>,
    /// `globalLoginUsername`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub global_login_username: Option<String>,
    /// `usingSslFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub using_ssl_flag: Option<bool>,
    /// `nAbleUsername`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n_able_username: Option<String>,
    /// `overrideWebServiceLocationFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub override_web_service_location_flag: Option<bool>,
    /// `overrideLoginLocationFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub override_login_location_flag: Option<bool>,
    /// `continuumApiUsername`: at most 100 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continuum_api_username: Option<String>,
    /// `levelApiUsername`: at most 100 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level_api_username: Option<String>,
    /// `levelVarDomain`: at most 100 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level_var_domain: Option<String>,
    /// `noDisplayFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_display_flag: Option<bool>,
    /// Read-only metadata (`_info`: `lastUpdated`, `updatedBy`, `*_href` links). Never sent.
    #[serde(
        rename = "_info",
        default,
        skip_serializing,
        deserialize_with = "info::deserialize"
    )]
    pub info: Option<Info>,
}

impl Resource for ManagementItSolution {
    const KIND: &'static str = "managementItSolutions";
    const PATH: &'static str = "/company/managementItSolutions";
    type Parent = ();
}

/// A Managed Devices Integration setup row (`/company/managedDevicesIntegrations`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedDevicesIntegration {
    /// The record id; read-only, assigned by ConnectWise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// `name`: at most 30 characters; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `solution`: at most 30 characters; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub solution: Option<String>,
    /// `portalUrl`: at most 200 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub portal_url: Option<String>,
    /// `loginBy`: one of `Global`, `Member`; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_by: Option<String>,
    /// `globalLoginUsername`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub global_login_username: Option<String>,
    /// `defaultBillingLevel`: one of `Detail`, `Summary`; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_billing_level: Option<String>,
    /// `managementItSetupType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub management_it_setup_type: Option<String>,
    /// `defaultLocation`: reference (`SystemLocationReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_location: Option<Reference>,
    /// `defaultDepartment`: reference (`SystemDepartmentReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_department: Option<IdentifierReference>,
    /// `integratorLogin`: reference (`IntegratorLoginReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integrator_login: Option<Reference>,
    /// `matchOnSerialNumberFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub match_on_serial_number_flag: Option<bool>,
    /// `disableNewCrossReferencesFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_new_cross_references_flag: Option<bool>,
    /// `configBillCustomerFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_bill_customer_flag: Option<bool>,
    /// Read-only metadata (`_info`: `lastUpdated`, `updatedBy`, `*_href` links). Never sent.
    #[serde(
        rename = "_info",
        default,
        skip_serializing,
        deserialize_with = "info::deserialize"
    )]
    pub info: Option<Info>,
}

impl Resource for ManagedDevicesIntegration {
    const KIND: &'static str = "managedDevicesIntegrations";
    const PATH: &'static str = "/company/managedDevicesIntegrations";
    type Parent = ();
}

/// A product cross-reference of a Managed Devices Integration: which product belongs to the solution.
/// Child of an integration (`/company/managedDevicesIntegrations/{parentId}/crossReferences`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedDevicesIntegrationCrossReference {
    /// The record id; read-only, assigned by ConnectWise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// `managedDevicesIntegration`: reference (`ManagedDevicesIntegrationReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub managed_devices_integration: Option<Reference>,
    /// `vendorType`: at most 255 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor_type: Option<String>,
    /// `vendorLevel`: at most 255 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor_level: Option<String>,
    /// `agreementType`: reference (`AgreementTypeReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreement_type: Option<Reference>,
    /// `product`: reference (`IvItemReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<IvItemReference>,
    /// `configurationType`: reference (`ConfigurationTypeReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub configuration_type: Option<Reference>,
    /// `inactiveFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inactive_flag: Option<bool>,
    /// Read-only metadata (`_info`: `lastUpdated`, `updatedBy`, `*_href` links). Never sent.
    #[serde(
        rename = "_info",
        default,
        skip_serializing,
        deserialize_with = "info::deserialize"
    )]
    pub info: Option<Info>,
}

impl Resource for ManagedDevicesIntegrationCrossReference {
    const KIND: &'static str = "crossReferences";
    const PATH: &'static str = "/company/managedDevicesIntegrations/{parentId}/crossReferences";
    type Parent = i32;
}
