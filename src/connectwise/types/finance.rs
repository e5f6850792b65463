//! Finance records: agreements, agreement types and agreement additions.
//!
//! Owns the wire shapes of `/finance/agreements`, `/finance/agreements/types` and
//! `/finance/agreements/{parentId}/additions` (API-NOTES.md §2.6). Refuses floats: quantities and
//! money are [`Decimal`](rust_decimal::Decimal), read from ConnectWise's JSON numbers through their shortest
//! decimal text and written back as JSON numbers.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{
    AgreementReference, CurrencyReference, CustomFieldValue, IdentifierReference, Info,
    IvItemReference, Reference, decimal, info,
};
use crate::connectwise::resource::Resource;

/// An agreement (`/finance/agreements`).
///
/// A PUT must carry the "required on updates" fields; prefer PATCH (API-NOTES.md §3.4).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Agreement {
    /// The record id; read-only, assigned by ConnectWise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// `name`: at most 100 characters; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `type`: reference (`AgreementTypeReference`); required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#type: Option<Reference>,
    /// `company`: reference (`CompanyReference`); required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<IdentifierReference>,
    /// `contact`: reference (`ContactReference`); required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<Reference>,
    /// `site`: reference (`SiteReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<Reference>,
    /// `subContractCompany`: reference (`CompanyReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_contract_company: Option<IdentifierReference>,
    /// `subContractContact`: reference (`ContactReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_contract_contact: Option<Reference>,
    /// `parentAgreement`: reference (`AgreementReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_agreement: Option<AgreementReference>,
    /// `customerPO`: at most 50 characters.
    #[serde(rename = "customerPO", skip_serializing_if = "Option::is_none")]
    pub customer_po: Option<String>,
    /// `location`: reference (`SystemLocationReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Reference>,
    /// `department`: reference (`SystemDepartmentReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<IdentifierReference>,
    /// `restrictLocationFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restrict_location_flag: Option<bool>,
    /// `restrictDepartmentFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restrict_department_flag: Option<bool>,
    /// `startDate`: date-time, `yyyy-MM-ddTHH:mm:ssZ`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// `endDate`: date-time, `yyyy-MM-ddTHH:mm:ssZ`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    /// `noEndingDateFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_ending_date_flag: Option<bool>,
    /// `opportunity`: reference (`OpportunityReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opportunity: Option<Reference>,
    /// `cancelledFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancelled_flag: Option<bool>,
    /// `dateCancelled`: date-time, `yyyy-MM-ddTHH:mm:ssZ`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_cancelled: Option<String>,
    /// `reasonCancelled`: at most 100 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_cancelled: Option<String>,
    /// `sla`: reference (`SLAReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sla: Option<Reference>,
    /// `workOrder`: at most 20 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_order: Option<String>,
    /// `internalNotes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_notes: Option<String>,
    /// `applicationUnits`: one of `Amount`, `Hours`, `Incidents`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_units: Option<String>,
    /// `applicationLimit`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub application_limit: Option<Decimal>,
    /// `applicationCycle`: one of `Contract2Weeks`, `Contract4Weeks`, `ContractYear`, `CalendarMonth`, `CalendarQuarter`, `CalendarWeek`, `ContractQuarter`, `CalendarYear`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_cycle: Option<String>,
    /// `applicationUnlimitedFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_unlimited_flag: Option<bool>,
    /// `oneTimeFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub one_time_flag: Option<bool>,
    /// `coverAgreementTime`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cover_agreement_time: Option<bool>,
    /// `coverAgreementProduct`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cover_agreement_product: Option<bool>,
    /// `coverAgreementExpense`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cover_agreement_expense: Option<bool>,
    /// `coverSalesTax`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cover_sales_tax: Option<bool>,
    /// `carryOverUnused`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carry_over_unused: Option<bool>,
    /// `allowOverruns`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_overruns: Option<bool>,
    /// `expiredDays`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expired_days: Option<i32>,
    /// `limit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i32>,
    /// `expireWhenZero`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expire_when_zero: Option<bool>,
    /// `chargeToFirm`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charge_to_firm: Option<bool>,
    /// `employeeCompRate`: one of `Actual`, `Hourly`; required on updates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employee_comp_rate: Option<String>,
    /// `employeeCompNotExceed`: one of `Billing`, `Amount`, `Percent`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employee_comp_not_exceed: Option<String>,
    /// `compHourlyRate`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub comp_hourly_rate: Option<Decimal>,
    /// `compLimitAmount`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub comp_limit_amount: Option<Decimal>,
    /// `billingCycle`: reference (`BillingCycleReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_cycle: Option<Reference>,
    /// `billOneTimeFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bill_one_time_flag: Option<bool>,
    /// `billingTerms`: reference (`BillingTermsReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_terms: Option<Reference>,
    /// `invoicingCycle`: one of `ContractYear`, `CalendarYear`; required on updates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoicing_cycle: Option<String>,
    /// `billToCompany`: reference (`CompanyReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bill_to_company: Option<IdentifierReference>,
    /// `billToContact`: reference (`ContactReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bill_to_contact: Option<Reference>,
    /// `billToSite`: reference (`SiteReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bill_to_site: Option<Reference>,
    /// `billAmount`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub bill_amount: Option<Decimal>,
    /// `taxable`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taxable: Option<bool>,
    /// `prorateFirstBill`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub prorate_first_bill: Option<Decimal>,
    /// `billStartDate`: date-time, `yyyy-MM-ddTHH:mm:ssZ`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bill_start_date: Option<String>,
    /// `taxCode`: reference (`TaxCodeReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_code: Option<Reference>,
    /// `restrictDownPayment`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restrict_down_payment: Option<bool>,
    /// `prorateFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prorate_flag: Option<bool>,
    /// `invoiceProratedAdditionsFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice_prorated_additions_flag: Option<bool>,
    /// `invoiceDescription`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice_description: Option<String>,
    /// `topComment`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_comment: Option<bool>,
    /// `bottomComment`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bottom_comment: Option<bool>,
    /// `workRole`: reference (`WorkRoleReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_role: Option<Reference>,
    /// `workType`: reference (`WorkTypeReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_type: Option<Reference>,
    /// `projectType`: reference (`ProjectTypeReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_type: Option<Reference>,
    /// `invoiceTemplate`: reference (`InvoiceTemplateReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice_template: Option<Reference>,
    /// `billTime`: one of `Billable`, `DoNotBill`, `NoCharge`, `NoDefault`; required on updates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bill_time: Option<String>,
    /// `billExpenses`: one of `Billable`, `DoNotBill`, `NoCharge`, `NoDefault`; required on updates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bill_expenses: Option<String>,
    /// `billProducts`: one of `Billable`, `DoNotBill`, `NoCharge`, `NoDefault`; required on updates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bill_products: Option<String>,
    /// `billableTimeInvoice`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billable_time_invoice: Option<bool>,
    /// `billableExpenseInvoice`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billable_expense_invoice: Option<bool>,
    /// `billableProductInvoice`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billable_product_invoice: Option<bool>,
    /// `currency`: reference (`CurrencyReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<CurrencyReference>,
    /// `periodType`: one of `Current`, `Future`, `Both`, `Undefined`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_type: Option<String>,
    /// `autoInvoiceFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_invoice_flag: Option<bool>,
    /// `billZeroAmountFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bill_zero_amount_flag: Option<bool>,
    /// `nextInvoiceDate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_invoice_date: Option<String>,
    /// `companyLocation`: reference (`SystemLocationReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_location: Option<Reference>,
    /// `shipToCompany`: reference (`CompanyReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ship_to_company: Option<IdentifierReference>,
    /// `shipToContact`: reference (`ContactReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ship_to_contact: Option<Reference>,
    /// `shipToSite`: reference (`SiteReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ship_to_site: Option<Reference>,
    /// `agreementStatus`: one of `Active`, `Cancelled`, `Expired`, `Inactive`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreement_status: Option<String>,
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

impl Resource for Agreement {
    const KIND: &'static str = "agreements";
    const PATH: &'static str = "/finance/agreements";
    type Parent = ();
}

/// An agreement type setup row (`/finance/agreements/types`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgreementType {
    /// The record id; read-only, assigned by ConnectWise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// `name`: at most 50 characters; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `prefixSuffixOption`: one of `Prefix`, `Suffix`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix_suffix_option: Option<String>,
    /// `defaultFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_flag: Option<bool>,
    /// `inactiveFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inactive_flag: Option<bool>,
    /// `prePaymentFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_payment_flag: Option<bool>,
    /// `invoicePreSuffix`: at most 5 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice_pre_suffix: Option<String>,
    /// `location`: reference (`SystemLocationReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Reference>,
    /// `department`: reference (`SystemDepartmentReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<IdentifierReference>,
    /// `restrictLocationFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restrict_location_flag: Option<bool>,
    /// `restrictDepartmentFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restrict_department_flag: Option<bool>,
    /// `sla`: reference (`SLAReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sla: Option<Reference>,
    /// `applicationUnits`: one of `Amount`, `Hours`, `Incidents`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_units: Option<String>,
    /// `applicationLimit`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub application_limit: Option<Decimal>,
    /// `applicationCycle`: one of `Contract2Weeks`, `Contract4Weeks`, `ContractYear`, `CalendarMonth`, `CalendarQuarter`, `CalendarWeek`, `ContractQuarter`, `CalendarYear`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_cycle: Option<String>,
    /// `applicationUnlimitedFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_unlimited_flag: Option<bool>,
    /// `oneTimeFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub one_time_flag: Option<bool>,
    /// `coverAgreementTimeFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cover_agreement_time_flag: Option<bool>,
    /// `coverAgreementProductFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cover_agreement_product_flag: Option<bool>,
    /// `coverAgreementExpenseFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cover_agreement_expense_flag: Option<bool>,
    /// `coverSalesTaxFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cover_sales_tax_flag: Option<bool>,
    /// `carryOverUnusedFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carry_over_unused_flag: Option<bool>,
    /// `allowOverrunsFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_overruns_flag: Option<bool>,
    /// `expiredDays`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expired_days: Option<i32>,
    /// `limit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i32>,
    /// `expireWhenZero`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expire_when_zero: Option<bool>,
    /// `chargeToFirmFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charge_to_firm_flag: Option<bool>,
    /// `employeeCompRate`: one of `Actual`, `Hourly`; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employee_comp_rate: Option<String>,
    /// `employeeCompNotExceed`: one of `Billing`, `Amount`, `Percent`; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employee_comp_not_exceed: Option<String>,
    /// `compHourlyRate`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub comp_hourly_rate: Option<Decimal>,
    /// `compLimitAmount`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub comp_limit_amount: Option<Decimal>,
    /// `billingCycle`: reference (`BillingCycleReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_cycle: Option<Reference>,
    /// `billOneTimeFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bill_one_time_flag: Option<bool>,
    /// `billingTerms`: reference (`BillingTermsReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_terms: Option<Reference>,
    /// `invoicingCycle`: one of `ContractYear`, `CalendarYear`; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoicing_cycle: Option<String>,
    /// `billAmount`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub bill_amount: Option<Decimal>,
    /// `taxableFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taxable_flag: Option<bool>,
    /// `restrictDownPaymentFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restrict_down_payment_flag: Option<bool>,
    /// `invoiceDescription`: at most 4000 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice_description: Option<String>,
    /// `topCommentFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_comment_flag: Option<bool>,
    /// `bottomCommentFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bottom_comment_flag: Option<bool>,
    /// `workRole`: reference (`WorkRoleReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_role: Option<Reference>,
    /// `workType`: reference (`WorkTypeReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_type: Option<Reference>,
    /// `projectType`: reference (`ProjectTypeReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_type: Option<Reference>,
    /// `invoiceTemplate`: reference (`InvoiceTemplateReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice_template: Option<Reference>,
    /// `billTime`: one of `Billable`, `DoNotBill`, `NoCharge`, `NoDefault`; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bill_time: Option<String>,
    /// `billExpenses`: one of `Billable`, `DoNotBill`, `NoCharge`, `NoDefault`; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bill_expenses: Option<String>,
    /// `billProducts`: one of `Billable`, `DoNotBill`, `NoCharge`, `NoDefault`; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bill_products: Option<String>,
    /// `billableTimeInvoiceFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billable_time_invoice_flag: Option<bool>,
    /// `billableExpenseInvoiceFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billable_expense_invoice_flag: Option<bool>,
    /// `billableProductInvoiceFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billable_product_invoice_flag: Option<bool>,
    /// `copyWorkRolesFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_work_roles_flag: Option<bool>,
    /// `copyWorkTypesFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_work_types_flag: Option<bool>,
    /// `exclusionWorkRoleIds`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusion_work_role_ids: Option<Vec<i32>>,
    /// `addAllWorkRoleExclusions`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub add_all_work_role_exclusions: Option<bool>,
    /// `removeAllWorkRoleExclusions`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remove_all_work_role_exclusions: Option<bool>,
    /// `exclusionWorkTypeIds`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusion_work_type_ids: Option<Vec<i32>>,
    /// `addAllWorkTypeExclusions`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub add_all_work_type_exclusions: Option<bool>,
    /// `removeAllWorkTypeExclusions`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remove_all_work_type_exclusions: Option<bool>,
    /// `integrationXRef`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integration_x_ref: Option<String>,
    /// `prorateFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prorate_flag: Option<bool>,
    /// `emailTemplate`: reference (`EmailTemplateReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_template: Option<Reference>,
    /// `autoInvoiceFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_invoice_flag: Option<bool>,
    /// `billZeroAmountFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bill_zero_amount_flag: Option<bool>,
    /// `invoiceProratedAdditionsFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice_prorated_additions_flag: Option<bool>,
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

impl Resource for AgreementType {
    const KIND: &'static str = "agreementTypes";
    const PATH: &'static str = "/finance/agreements/types";
    type Parent = ();
}

/// One billable line of an agreement. Child of an agreement (`/finance/agreements/{parentId}/additions`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Addition {
    /// The record id; read-only, assigned by ConnectWise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// `product`: reference (`IvItemReference`); required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<IvItemReference>,
    /// `quantity`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub quantity: Option<Decimal>,
    /// `lessIncluded`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub less_included: Option<Decimal>,
    /// `unitPrice`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub unit_price: Option<Decimal>,
    /// `unitCost`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub unit_cost: Option<Decimal>,
    /// `billCustomer`: one of `Billable`, `DoNotBill`, `NoCharge`; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bill_customer: Option<String>,
    /// `effectiveDate`: date-time, `yyyy-MM-ddTHH:mm:ssZ`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_date: Option<String>,
    /// `cancelledDate`: date-time, `yyyy-MM-ddTHH:mm:ssZ`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancelled_date: Option<String>,
    /// `taxableFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taxable_flag: Option<bool>,
    /// `serialNumber`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    /// `invoiceDescription`: at most 6000 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice_description: Option<String>,
    /// `purchaseItemFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_item_flag: Option<bool>,
    /// `specialOrderFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub special_order_flag: Option<bool>,
    /// `agreementId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreement_id: Option<i32>,
    /// `description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `billedQuantity`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub billed_quantity: Option<Decimal>,
    /// `uom`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uom: Option<String>,
    /// `extPrice`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub ext_price: Option<Decimal>,
    /// `extCost`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub ext_cost: Option<Decimal>,
    /// `sequenceNumber`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub sequence_number: Option<Decimal>,
    /// `margin`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub margin: Option<Decimal>,
    /// `prorateCost`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub prorate_cost: Option<Decimal>,
    /// `proratePrice`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub prorate_price: Option<Decimal>,
    /// `extendedProrateCost`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub extended_prorate_cost: Option<Decimal>,
    /// `extendedProratePrice`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub extended_prorate_price: Option<Decimal>,
    /// `prorateCurrentPeriodFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prorate_current_period_flag: Option<bool>,
    /// `opportunity`: reference (`OpportunityReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opportunity: Option<Reference>,
    /// `agreementStatus`: one of `Active`, `Cancelled`, `Expired`, `Inactive`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreement_status: Option<String>,
    /// `invoiceGrouping`: reference (`InvoiceGroupingReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice_grouping: Option<Reference>,
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

impl Resource for Addition {
    const KIND: &'static str = "additions";
    const PATH: &'static str = "/finance/agreements/{parentId}/additions";
    type Parent = i32;
}
