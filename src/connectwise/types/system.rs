//! System records: members, API members and the server's version information.
//!
//! Owns the wire shapes of `/system/members`, `/system/apiMembers` and `/system/info` (API-NOTES.md §2.7,
//! §2.8). Refuses to model passwords or tokens: those fields are left out so they are never read into
//! memory or logged.

use serde::{Deserialize, Serialize};

use super::{CustomFieldValue, IdentifierReference, Info, Reference, info};
use crate::connectwise::resource::Resource;

/// An API member (`/system/apiMembers`); there is no DELETE.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiMember {
    /// The record id; read-only, assigned by ConnectWise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// `identifier`: at most 15 characters; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// `name`: at most 30 characters; required on updates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `emailAddress`: at most 250 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
    /// `inactiveFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inactive_flag: Option<bool>,
    /// `inactiveDate`: date-time, `yyyy-MM-ddTHH:mm:ssZ`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inactive_date: Option<String>,
    /// `timeZone`: reference (`TimeZoneSetupReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<Reference>,
    /// `securityRole`: reference (`SecurityRoleReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_role: Option<Reference>,
    /// `structureLevel`: reference (`StructureReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub structure_level: Option<Reference>,
    /// `securityLocation`: reference (`SystemLocationReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_location: Option<Reference>,
    /// `defaultLocation`: reference (`SystemLocationReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_location: Option<Reference>,
    /// `defaultDepartment`: reference (`SystemDepartmentReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_department: Option<IdentifierReference>,
    /// `salesDefaultLocation`: reference (`SystemLocationReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sales_default_location: Option<Reference>,
    /// `serviceDefaultBoard`: reference (`BoardReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_default_board: Option<Reference>,
    /// `notes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// `excludedServiceBoardIds`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded_service_board_ids: Option<Vec<i32>>,
    /// `blockPriceFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_price_flag: Option<bool>,
    /// `blockCostFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_cost_flag: Option<bool>,
    /// Read-only metadata (`_info`: `lastUpdated`, `updatedBy`, `*_href` links). Never sent.
    #[serde(
        rename = "_info",
        default,
        skip_serializing,
        deserialize_with = "info::deserialize"
    )]
    pub info: Option<Info>,
}

impl Resource for ApiMember {
    const KIND: &'static str = "apiMembers";
    const PATH: &'static str = "/system/apiMembers";
    type Parent = ();
}

/// A member (`/system/members`); there is no DELETE. A modelled subset of the fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// The record id; read-only, assigned by ConnectWise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// `identifier`: at most 15 characters; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// `disableOnlineFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_online_flag: Option<bool>,
    /// `licenseClass`: one of `A`, `C`, `F`, `X`; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license_class: Option<String>,
    /// `notes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// `inactiveDate`: date-time, `yyyy-MM-ddTHH:mm:ssZ`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inactive_date: Option<String>,
    /// `inactiveFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inactive_flag: Option<bool>,
    /// `firstName`: at most 30 characters; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// `middleInitial`: at most 1 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub middle_initial: Option<String>,
    /// `lastName`: at most 30 characters; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// `hireDate`: date-time, `yyyy-MM-ddTHH:mm:ssZ`; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hire_date: Option<String>,
    /// `country`: reference (`CountryReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<IdentifierReference>,
    /// `officeEmail`: at most 250 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office_email: Option<String>,
    /// `defaultEmail`: one of `Office`, `Mobile`, `Home`; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_email: Option<String>,
    /// `primaryEmail`: at most 250 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_email: Option<String>,
    /// `officePhone`: at most 15 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office_phone: Option<String>,
    /// `defaultPhone`: one of `Office`, `Mobile`, `Home`; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_phone: Option<String>,
    /// `securityRole`: reference (`SecurityRoleReference`); required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_role: Option<Reference>,
    /// `title`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `type`: reference (`MemberTypeReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#type: Option<Reference>,
    /// `timeZone`: reference (`TimeZoneSetupReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<Reference>,
    /// `adminFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_flag: Option<bool>,
    /// `defaultLocation`: reference (`SystemLocationReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_location: Option<Reference>,
    /// `defaultDepartment`: reference (`SystemDepartmentReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_department: Option<IdentifierReference>,
    /// `reportsTo`: reference (`MemberReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reports_to: Option<IdentifierReference>,
    /// Read-only metadata (`_info`: `lastUpdated`, `updatedBy`, `*_href` links). Never sent.
    #[serde(
        rename = "_info",
        default,
        skip_serializing,
        deserialize_with = "info::deserialize"
    )]
    pub info: Option<Info>,
    /// `customFields`: custom fields; PATCH replaces the whole array.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_fields: Option<Vec<CustomFieldValue>>,
}

impl Resource for Member {
    const KIND: &'static str = "members";
    const PATH: &'static str = "/system/members";
    type Parent = ();
}

/// The server's version information (`GET /system/info`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemInfo {
    /// `version`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `isCloud`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_cloud: Option<bool>,
    /// `serverTimeZone`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_time_zone: Option<String>,
    /// `licenseBits`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license_bits: Option<Vec<LicenseBit>>,
    /// `cloudRegion`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_region: Option<String>,
    /// `maxWorkFlowRecordsAllowed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_work_flow_records_allowed: Option<i32>,
}

/// One licence flag in [`SystemInfo`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LicenseBit {
    /// `name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `activeFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_flag: Option<bool>,
}
