//! Company-area records: companies, their statuses and types, countries and contacts.
//!
//! Owns the wire shapes of `/company/companies`, `/company/companies/statuses`, `/company/companies/types`,
//! `/company/countries` and `/company/contacts` (API-NOTES.md §2.1). Field names follow the 2025.1 model;
//! every field is optional so a partial `fields=` read or an omitted null deserializes, and a `None` is
//! never sent. Refuses to hold floats: numbers are [`Decimal`](rust_decimal::Decimal).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{
    CurrencyReference, CustomFieldValue, IdentifierReference, Info, Reference, decimal, info,
};
use crate::connectwise::resource::Resource;

/// A ConnectWise company (`/company/companies`).
///
/// `types` can be sent only on create; afterwards ConnectWise wants `typeAssociations` (API-NOTES.md §3.1).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Company {
    /// The record id; read-only, assigned by ConnectWise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// `identifier`: at most 156 characters; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// `name`: at most 156 characters; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `status`: reference (`CompanyStatusReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Reference>,
    /// `addressLine1`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line1: Option<String>,
    /// `addressLine2`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line2: Option<String>,
    /// `city`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// `state`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// `zip`: at most 12 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    /// `country`: reference (`CountryReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<IdentifierReference>,
    /// `phoneNumber`: at most 30 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// `faxNumber`: at most 30 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fax_number: Option<String>,
    /// `website`: at most 255 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// `territory`: reference (`SystemLocationReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub territory: Option<Reference>,
    /// `market`: reference (`MarketDescriptionReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub market: Option<Reference>,
    /// `accountNumber`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_number: Option<String>,
    /// `defaultContact`: reference (`ContactReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_contact: Option<Reference>,
    /// `dateAcquired`: date-time, `yyyy-MM-ddTHH:mm:ssZ`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_acquired: Option<String>,
    /// `sicCode`: reference (`SicCodeReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sic_code: Option<Reference>,
    /// `parentCompany`: reference (`CompanyReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_company: Option<IdentifierReference>,
    /// `annualRevenue`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub annual_revenue: Option<Decimal>,
    /// `creditLimit`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub credit_limit: Option<Decimal>,
    /// `additionalDebt`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub additional_debt: Option<Decimal>,
    /// `numberOfEmployees`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_of_employees: Option<i32>,
    /// `yearEstablished`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year_established: Option<i32>,
    /// `revenueYear`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revenue_year: Option<i32>,
    /// `ownershipType`: reference (`OwnershipTypeReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ownership_type: Option<Reference>,
    /// `timeZoneSetup`: reference (`TimeZoneSetupReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone_setup: Option<Reference>,
    /// `leadSource`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_source: Option<String>,
    /// `leadFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_flag: Option<bool>,
    /// `unsubscribeFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsubscribe_flag: Option<bool>,
    /// `calendar`: reference (`CalendarReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calendar: Option<Reference>,
    /// `userDefinedField1`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_defined_field1: Option<String>,
    /// `userDefinedField2`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_defined_field2: Option<String>,
    /// `userDefinedField3`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_defined_field3: Option<String>,
    /// `userDefinedField4`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_defined_field4: Option<String>,
    /// `userDefinedField5`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_defined_field5: Option<String>,
    /// `userDefinedField6`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_defined_field6: Option<String>,
    /// `userDefinedField7`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_defined_field7: Option<String>,
    /// `userDefinedField8`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_defined_field8: Option<String>,
    /// `userDefinedField9`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_defined_field9: Option<String>,
    /// `userDefinedField10`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_defined_field10: Option<String>,
    /// `vendorIdentifier`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor_identifier: Option<String>,
    /// `taxIdentifier`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_identifier: Option<String>,
    /// `taxCode`: reference (`TaxCodeReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_code: Option<Reference>,
    /// `billingTerms`: reference (`BillingTermsReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_terms: Option<Reference>,
    /// `invoiceTemplate`: reference (`InvoiceTemplateReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice_template: Option<Reference>,
    /// `pricingSchedule`: reference (`PricingScheduleReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pricing_schedule: Option<Reference>,
    /// `companyEntityType`: reference (`EntityTypeReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_entity_type: Option<Reference>,
    /// `billToCompany`: reference (`CompanyReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bill_to_company: Option<IdentifierReference>,
    /// `billingSite`: reference (`SiteReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_site: Option<Reference>,
    /// `billingContact`: reference (`ContactReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_contact: Option<Reference>,
    /// `invoiceDeliveryMethod`: reference (`BillingDeliveryReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice_delivery_method: Option<Reference>,
    /// `emailTemplate`: reference (`EmailTemplateReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_template: Option<Reference>,
    /// `invoiceToEmailAddress`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice_to_email_address: Option<String>,
    /// `invoiceCCEmailAddress`.
    #[serde(
        rename = "invoiceCCEmailAddress",
        skip_serializing_if = "Option::is_none"
    )]
    pub invoice_cc_email_address: Option<String>,
    /// `deletedFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_flag: Option<bool>,
    /// `dateDeleted`: date-time, `yyyy-MM-ddTHH:mm:ssZ`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_deleted: Option<String>,
    /// `deletedBy`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_by: Option<String>,
    /// `mobileGuid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile_guid: Option<String>,
    /// `facebookUrl`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facebook_url: Option<String>,
    /// `twitterUrl`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub twitter_url: Option<String>,
    /// `linkedInUrl`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linked_in_url: Option<String>,
    /// `currency`: reference (`CurrencyReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<CurrencyReference>,
    /// `territoryManager`: reference (`MemberReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub territory_manager: Option<IdentifierReference>,
    /// `resellerIdentifier`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reseller_identifier: Option<String>,
    /// `isVendorFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_vendor_flag: Option<bool>,
    /// `types`: references (`CompanyTypeReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub types: Option<Vec<Reference>>,
    /// `site`: reference (`SiteReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<Reference>,
    /// `integratorTags`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integrator_tags: Option<Vec<String>>,
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

impl Resource for Company {
    const KIND: &'static str = "companies";
    const PATH: &'static str = "/company/companies";
    type Parent = ();
}

/// A company status setup row (`/company/companies/statuses`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyStatus {
    /// The record id; read-only, assigned by ConnectWise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// `name`: at most 50 characters; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `defaultFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_flag: Option<bool>,
    /// `inactiveFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inactive_flag: Option<bool>,
    /// `notifyFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify_flag: Option<bool>,
    /// `disallowSavingFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disallow_saving_flag: Option<bool>,
    /// `notificationMessage`: at most 500 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notification_message: Option<String>,
    /// `customNoteFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_note_flag: Option<bool>,
    /// `cancelOpenTracksFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancel_open_tracks_flag: Option<bool>,
    /// `track`: reference (`TrackReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub track: Option<Reference>,
    /// Read-only metadata (`_info`: `lastUpdated`, `updatedBy`, `*_href` links). Never sent.
    #[serde(
        rename = "_info",
        default,
        skip_serializing,
        deserialize_with = "info::deserialize"
    )]
    pub info: Option<Info>,
    /// `connectWiseId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connect_wise_id: Option<String>,
}

impl Resource for CompanyStatus {
    const KIND: &'static str = "companyStatuses";
    const PATH: &'static str = "/company/companies/statuses";
    type Parent = ();
}

/// A company type setup row (`/company/companies/types`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyType {
    /// The record id; read-only, assigned by ConnectWise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// `name`: at most 50 characters; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `defaultFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_flag: Option<bool>,
    /// `vendorFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor_flag: Option<bool>,
    /// `serviceAlertFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_alert_flag: Option<bool>,
    /// `serviceAlertMessage`: at most 150 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_alert_message: Option<String>,
    /// Read-only metadata (`_info`: `lastUpdated`, `updatedBy`, `*_href` links). Never sent.
    #[serde(
        rename = "_info",
        default,
        skip_serializing,
        deserialize_with = "info::deserialize"
    )]
    pub info: Option<Info>,
    /// `connectWiseId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connect_wise_id: Option<String>,
}

impl Resource for CompanyType {
    const KIND: &'static str = "companyTypes";
    const PATH: &'static str = "/company/companies/types";
    type Parent = ();
}

/// A country setup row (`/company/countries`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Country {
    /// The record id; read-only, assigned by ConnectWise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// `name`: at most 50 characters; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `defaultFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_flag: Option<bool>,
    /// `currency`: reference (`CurrencyReference`); required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<CurrencyReference>,
    /// `cityCaption`: at most 25 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city_caption: Option<String>,
    /// `stateCaption`: at most 25 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_caption: Option<String>,
    /// `zipCaption`: at most 25 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip_caption: Option<String>,
    /// `zipMinimumLength`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip_minimum_length: Option<i32>,
    /// `dialingPrefix`: at most 5 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dialing_prefix: Option<String>,
    /// `addressFormat`: reference (`AddressFormatReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_format: Option<Reference>,
    /// `countryCode`: at most 2 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// `coreEntityCountryCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub core_entity_country_code: Option<String>,
    /// `localizationCaptionOne`: at most 25 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub localization_caption_one: Option<String>,
    /// `localizationValueOne`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub localization_value_one: Option<String>,
    /// Read-only metadata (`_info`: `lastUpdated`, `updatedBy`, `*_href` links). Never sent.
    #[serde(
        rename = "_info",
        default,
        skip_serializing,
        deserialize_with = "info::deserialize"
    )]
    pub info: Option<Info>,
}

impl Resource for Country {
    const KIND: &'static str = "countries";
    const PATH: &'static str = "/company/countries";
    type Parent = ();
}

/// A contact (`/company/contacts`).
///
/// A modelled subset of the 2025.1 fields; unknown response fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    /// The record id; read-only, assigned by ConnectWise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// `firstName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// `lastName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// `company`: reference (`CompanyReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<IdentifierReference>,
    /// `site`: reference (`SiteReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<Reference>,
    /// `addressLine1`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line1: Option<String>,
    /// `addressLine2`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line2: Option<String>,
    /// `city`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// `state`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// `zip`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    /// `country`: reference (`CountryReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<IdentifierReference>,
    /// `relationship`: reference (`RelationshipReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationship: Option<Reference>,
    /// `department`: reference (`ContactDepartmentReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<Reference>,
    /// `inactiveFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inactive_flag: Option<bool>,
    /// `title`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `defaultPhoneType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_phone_type: Option<String>,
    /// `defaultPhoneNbr`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_phone_nbr: Option<String>,
    /// `defaultPhoneExtension`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_phone_extension: Option<String>,
    /// `defaultBillingFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_billing_flag: Option<bool>,
    /// `defaultFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_flag: Option<bool>,
    /// `communicationItems`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub communication_items: Option<Vec<CommunicationItem>>,
    /// `types`: references (`ContactTypeReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub types: Option<Vec<Reference>>,
    /// `integratorTags`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integrator_tags: Option<Vec<String>>,
    /// `customFields`: custom fields; PATCH replaces the whole array.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_fields: Option<Vec<CustomFieldValue>>,
    /// `ignoreDuplicates`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_duplicates: Option<bool>,
    /// Read-only metadata (`_info`: `lastUpdated`, `updatedBy`, `*_href` links). Never sent.
    #[serde(
        rename = "_info",
        default,
        skip_serializing,
        deserialize_with = "info::deserialize"
    )]
    pub info: Option<Info>,
}

impl Resource for Contact {
    const KIND: &'static str = "contacts";
    const PATH: &'static str = "/company/contacts";
    type Parent = ();
}

/// One phone number, fax number or email address of a contact.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommunicationItem {
    /// The record id; read-only, assigned by ConnectWise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// `type`: reference (`CommunicationTypeReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#type: Option<Reference>,
    /// `value`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// `extension`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// `defaultFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_flag: Option<bool>,
    /// `domain`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// `communicationType`: one of `Email`, `Fax`, `Phone`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub communication_type: Option<String>,
}
