//! The shape of one configuration file, as serde and schemars see it.
//!
//! Owns field names, defaults and documentation (doc comments become the JSON Schema's descriptions,
//! which editors show). Refuses to check meaning: lengths, references and uniqueness belong to
//! `validate.rs`, where every problem can be reported at once with its place. Every struct denies
//! unknown fields, so a typo is an error rather than a silently ignored setting.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::span::Spanned;
use crate::model::{Date, Money, Quantity, exact};

/// One configuration file. Every section is optional; all files given to cwrecon merge into one
/// desired state. Lists concatenate; `integration`, `policy` and `connection` may appear in one file
/// only, and `integration` not beside `integrations`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
#[schemars(title = "cwrecon configuration")]
pub struct ConfigFile {
    /// The vendor integration's conventions, for a configuration of one vendor (shorthand for a
    /// list of one under `integrations`). Intermedia's are the defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration: Option<Spanned<Integration>>,
    /// Several vendor integrations, one per vendor the MSP resells; each names its own marks
    /// (`name`, `product_type`, and `agreement_type` unless its agreements are shared).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub integrations: Vec<Spanned<Integration>>,
    /// Defaults for this file's entries: `integration` names the vendor of every product in this
    /// file that does not name its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defaults: Option<Spanned<FileDefaults>>,
    /// What happens to additions cwrecon owns, and the safety rails of `plan` and `apply`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<Spanned<Policy>>,
    /// Where ConnectWise is and which environment variables hold the API keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<Spanned<Connection>>,
    /// ConnectWise setup tables the integration needs.
    #[serde(default, skip_serializing_if = "Setup::is_empty")]
    pub setup: Setup,
    /// Billable items: each distinct (SKU, unit cost) becomes one catalog item.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<Spanned<Product>>,
    /// Customers: the vendor account, the ConnectWise company, its agreement and additions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub companies: Vec<Spanned<Company>>,
    /// Vendor export profiles: how a vendor's billing report reads, for an integration's
    /// `export: { profile: NAME }`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub profiles: Vec<Spanned<super::profile::ExportProfile>>,
}

/// The vendor integration's conventions: names that mark what cwrecon owns in ConnectWise.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct Integration {
    /// Management IT custom solution name (max 30); company links (Manage IDs) are recorded under it.
    #[serde(default = "defaults::solution_name")]
    pub name: Spanned<String>,
    /// Product type of every catalog item the integration owns (max 50).
    #[serde(default = "defaults::product_type")]
    pub product_type: Spanned<String>,
    /// Agreement type of every agreement the integration owns (max 50).
    #[serde(default = "defaults::agreement_type")]
    pub agreement_type: Spanned<String>,
    /// Unit of measure of catalog items (max 50).
    #[serde(default = "defaults::unit_of_measure")]
    pub unit_of_measure: Spanned<String>,
    /// Product category of catalog items (max 50).
    #[serde(default = "defaults::category")]
    pub category: Spanned<String>,
    /// Product sub-category of catalog items, within `category` (max 50).
    #[serde(default = "defaults::subcategory")]
    pub subcategory: Spanned<String>,
    /// Catalog identifier rule. `{sku}` and `{unit_cost}` are replaced; the unit cost is written
    /// without trailing zeros (7.25, 7.5, 0).
    #[serde(default = "defaults::identifier_format")]
    pub identifier_format: Spanned<String>,
    /// Billing cycle of agreements the integration creates (a ConnectWise billing cycle name).
    #[serde(default = "defaults::billing_cycle")]
    pub billing_cycle: Spanned<String>,
    /// How the vendor's billing export reads: `intermedia` (built in, the default) or
    /// `{ profile: NAME }`, a profile declared under `profiles`.
    #[serde(default, skip_serializing_if = "super::profile::Export::is_builtin")]
    pub export: super::profile::Export,
    /// Where the vendor's additions live: on agreements of `agreement_type` that cwrecon owns
    /// (`own`, the default), or on each customer's shared agreement, which cwrecon never creates,
    /// changes or cancels (`shared`).
    #[serde(default, skip_serializing_if = "Placement::is_own")]
    pub agreements: Placement,
    /// With `agreements: shared`: the agreement type that finds a company's shared agreement when
    /// the company names none (`shared_agreement`); used only when exactly one active agreement
    /// of this type exists for the company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_agreement_type: Option<Spanned<String>>,
}

/// Where an integration's additions live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// On agreements of the integration's agreement type, created and owned by cwrecon.
    #[default]
    Own,
    /// On the customer's shared agreement, which cwrecon reads and never writes.
    Shared,
}

impl Placement {
    /// Whether additions go on the integration's own agreements.
    pub fn is_own(&self) -> bool {
        *self == Placement::Own
    }
}

/// Defaults for the entries of one file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct FileDefaults {
    /// The integration (by name) of every product in this file that names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration: Option<Spanned<String>>,
}

impl Default for Integration {
    fn default() -> Self {
        Integration {
            name: defaults::solution_name(),
            product_type: defaults::product_type(),
            agreement_type: defaults::agreement_type(),
            unit_of_measure: defaults::unit_of_measure(),
            category: defaults::category(),
            subcategory: defaults::subcategory(),
            identifier_format: defaults::identifier_format(),
            billing_cycle: defaults::billing_cycle(),
            export: super::profile::Export::default(),
            agreements: Placement::Own,
            shared_agreement_type: None,
        }
    }
}

/// Defaults: Intermedia's conventions for the ConnectWise export.
mod defaults {
    use super::Spanned;

    pub(super) fn solution_name() -> Spanned<String> {
        Spanned::unwritten("Intermedia".to_owned())
    }
    pub(super) fn product_type() -> Spanned<String> {
        Spanned::unwritten("Intermedia_Services".to_owned())
    }
    pub(super) fn agreement_type() -> Spanned<String> {
        Spanned::unwritten("Intermedia".to_owned())
    }
    pub(super) fn unit_of_measure() -> Spanned<String> {
        Spanned::unwritten("Unit".to_owned())
    }
    pub(super) fn category() -> Spanned<String> {
        Spanned::unwritten("Intermedia".to_owned())
    }
    pub(super) fn subcategory() -> Spanned<String> {
        Spanned::unwritten("Intermedia Services".to_owned())
    }
    pub(super) fn identifier_format() -> Spanned<String> {
        Spanned::unwritten("{sku}_{unit_cost}".to_owned())
    }
    pub(super) fn billing_cycle() -> Spanned<String> {
        Spanned::unwritten("Monthly".to_owned())
    }
    pub(super) fn removal() -> super::RemovalPolicy {
        super::RemovalPolicy::Cancel
    }
    pub(super) fn max_removed_percent() -> Spanned<u8> {
        Spanned::unwritten(25)
    }
    pub(super) fn min_owned_additions() -> Spanned<u32> {
        Spanned::unwritten(10)
    }
    pub(super) fn max_revenue_drop_percent() -> Spanned<u8> {
        Spanned::unwritten(10)
    }
}

/// Policies for additions cwrecon owns, and the safety rails.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct Policy {
    /// What happens to an owned addition that the configuration no longer lists.
    #[serde(default = "defaults::removal")]
    pub removed_additions: RemovalPolicy,
    /// The effective date given to new additions.
    #[serde(default)]
    pub effective_date: Spanned<EffectiveDate>,
    /// The cancelled date given to cancelled additions.
    #[serde(default)]
    pub cancelled_date: CancelledDate,
    /// Limits beyond which `plan` and `apply` refuse to go without `--allow-destructive`.
    #[serde(default)]
    pub safety: Safety,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            removed_additions: defaults::removal(),
            effective_date: Spanned::unwritten(EffectiveDate::default()),
            cancelled_date: CancelledDate::default(),
            safety: Safety::default(),
        }
    }
}

/// What happens to an owned addition that is no longer desired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RemovalPolicy {
    /// Set its cancelled date (billing stops; history stays). The default.
    Cancel,
    /// Set its quantity to 0 and keep it active.
    Zero,
    /// Delete it from the agreement.
    Delete,
    /// Leave it as it is.
    Keep,
}

/// The effective date of a new addition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EffectiveDate {
    /// The first day of the current billing month, never before the agreement's start. The default.
    #[default]
    BillingMonthStart,
    /// The day the change is applied.
    Today,
    /// The agreement's start date.
    AgreementStart,
    /// A fixed date.
    On(Date),
}

/// The cancelled date of a cancelled addition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CancelledDate {
    /// The last day of the current billing month. The default.
    #[default]
    BillingMonthEnd,
    /// The day the change is applied.
    Today,
}

/// Safety rails: a plan beyond these limits is blocked (exit 3) unless explicitly allowed.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct Safety {
    /// Block when more than this percentage of owned additions would be cancelled, zeroed or deleted.
    #[serde(default = "defaults::max_removed_percent")]
    pub max_removed_additions_percent: Spanned<u8>,
    /// The removal limit applies only once at least this many additions are owned.
    #[serde(default = "defaults::min_owned_additions")]
    pub min_owned_additions: Spanned<u32>,
    /// Block when total monthly recurring revenue would drop by more than this percentage.
    #[serde(default = "defaults::max_revenue_drop_percent")]
    pub max_revenue_drop_percent: Spanned<u8>,
}

impl Default for Safety {
    fn default() -> Self {
        Safety {
            max_removed_additions_percent: defaults::max_removed_percent(),
            min_owned_additions: defaults::min_owned_additions(),
            max_revenue_drop_percent: defaults::max_revenue_drop_percent(),
        }
    }
}

/// Where ConnectWise is. Keys are never written here: `public_key` and `private_key` name environment
/// variables as `${env:NAME}`. Anything left out falls back to `CW_SITE`, `CW_COMPANY_ID`,
/// `CW_PUBLIC_KEY`, `CW_PRIVATE_KEY` and `CW_CLIENT_ID`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct Connection {
    /// API host (`api-na.myconnectwise.net`) or full base URL; may be `${env:NAME}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<Spanned<String>>,
    /// ConnectWise company id used to log in; may be `${env:NAME}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_id: Option<Spanned<String>>,
    /// The integration's clientId (a GUID from developer.connectwise.com); may be `${env:NAME}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<Spanned<String>>,
    /// The API member's public key: only `${env:NAME}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<Spanned<String>>,
    /// The API member's private key: only `${env:NAME}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key: Option<Spanned<String>>,
}

/// ConnectWise setup tables. Rows are matched by name, case-insensitively, as ConnectWise does.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct Setup {
    /// Product types (Procurement > Product Types).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub product_types: Vec<Spanned<ProductType>>,
    /// Agreement types (Finance > Agreement Types), with the billing fields ConnectWise requires.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agreement_types: Vec<Spanned<AgreementType>>,
    /// Units of measure (Procurement > Unit of Measure).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units_of_measure: Vec<Spanned<NamedRow>>,
    /// Product categories (Procurement > Categories).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<Spanned<NamedRow>>,
    /// Product sub-categories, each within a category.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subcategories: Vec<Spanned<SubCategory>>,
    /// Management IT solutions (System > Setup Tables > Management IT), e.g. a custom "Intermedia".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub management_it_solutions: Vec<Spanned<ManagementItSolution>>,
    /// Managed Devices Integrations and the products they cross-reference.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub managed_devices_integrations: Vec<Spanned<ManagedDevicesIntegration>>,
    /// The API member the integration logs in as, where it is managed here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_member: Option<Spanned<ApiMember>>,
}

impl Setup {
    /// Whether no setup table is declared.
    pub fn is_empty(&self) -> bool {
        self == &Setup::default()
    }
}

/// Calls `$each!` with the names of [`Setup`]'s lists (every field but `api_member`), so that code
/// treating every list alike (merging files, merging vendors' rows) names them in one place.
macro_rules! setup_lists {
    ($each:ident) => {
        $each!(
            product_types,
            agreement_types,
            units_of_measure,
            categories,
            subcategories,
            management_it_solutions,
            managed_devices_integrations
        )
    };
}
pub(crate) use setup_lists;

/// A setup row that is only a name (unit of measure, category).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct NamedRow {
    /// The row's name (max 50).
    pub name: Spanned<String>,
}

/// A product type.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct ProductType {
    /// The type's name (max 50).
    pub name: Spanned<String>,
    /// The accounting cross-reference class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_xref: Option<TypeXref>,
}

/// ConnectWise's product type classes (`typeXref`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum TypeXref {
    /// An inventory part.
    InventoryPart,
    /// A non-inventory part.
    NonInventoryPart,
    /// Another charge.
    OtherCharge,
    /// A service (hosted email, backup, voice).
    Service,
}

/// An agreement type with the billing fields ConnectWise requires on create.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct AgreementType {
    /// The type's name (max 50).
    pub name: Spanned<String>,
    /// How employee compensation is computed (`employeeCompRate`).
    #[serde(default)]
    pub employee_comp_rate: EmployeeCompRate,
    /// What employee compensation may not exceed (`employeeCompNotExceed`).
    #[serde(default)]
    pub employee_comp_not_exceed: EmployeeCompNotExceed,
    /// Invoicing cycle (`invoicingCycle`).
    #[serde(default)]
    pub invoicing_cycle: InvoicingCycle,
    /// Whether time on the agreement is billed (`billTime`).
    #[serde(default)]
    pub bill_time: BillOption,
    /// Whether expenses are billed (`billExpenses`).
    #[serde(default)]
    pub bill_expenses: BillOption,
    /// Whether products are billed (`billProducts`).
    #[serde(default)]
    pub bill_products: BillOption,
}

/// `employeeCompRate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
pub enum EmployeeCompRate {
    /// Actual rate. The default.
    #[default]
    Actual,
    /// Hourly rate.
    Hourly,
}

/// `employeeCompNotExceed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
pub enum EmployeeCompNotExceed {
    /// Not above billing. The default.
    #[default]
    Billing,
    /// Not above an amount.
    Amount,
    /// Not above a percentage.
    Percent,
}

/// `invoicingCycle`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
pub enum InvoicingCycle {
    /// Contract year.
    ContractYear,
    /// Calendar year. The default.
    #[default]
    CalendarYear,
}

/// `billTime`, `billExpenses`, `billProducts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
pub enum BillOption {
    /// Billable. The default.
    #[default]
    Billable,
    /// Do not bill.
    DoNotBill,
    /// No charge.
    NoCharge,
    /// No default.
    NoDefault,
}

/// A product sub-category within a category.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct SubCategory {
    /// The sub-category's name (max 50), unique within its category.
    pub name: Spanned<String>,
    /// The category it belongs to.
    pub category: Spanned<String>,
}

/// A Management IT solution.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct ManagementItSolution {
    /// The solution's name (max 30). Company links are recorded under the integration's solution.
    pub name: Spanned<String>,
    /// The solution type; vendors such as Intermedia use `Custom`.
    #[serde(default)]
    pub solution_type: SolutionType,
    /// For `Custom`: the solution name shown on companies (max 30); defaults to `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solution_name: Option<Spanned<String>>,
}

/// `managementItSolutionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
pub enum SolutionType {
    /// A custom solution. The default.
    #[default]
    Custom,
    /// Level Platforms.
    LevelPlatforms,
    /// N-able.
    NAble,
    /// Continuum.
    Continuum,
}

/// A Managed Devices Integration and its cross-references.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct ManagedDevicesIntegration {
    /// The integration's name (max 30).
    pub name: Spanned<String>,
    /// The Management IT solution it belongs to (max 30).
    pub solution: Spanned<String>,
    /// How the vendor logs in (`loginBy`).
    #[serde(default)]
    pub login_by: LoginBy,
    /// Billing detail level (`defaultBillingLevel`).
    #[serde(default)]
    pub default_billing_level: BillingLevel,
    /// The vendor portal's address (max 200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portal_url: Option<Spanned<String>>,
    /// Which catalog items belong to the solution, and under which vendor type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cross_references: Vec<Spanned<CrossReference>>,
}

/// `loginBy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
pub enum LoginBy {
    /// One global login. The default.
    #[default]
    Global,
    /// A login per member.
    Member,
}

/// `defaultBillingLevel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
pub enum BillingLevel {
    /// One line per device.
    Detail,
    /// One summary line. The default.
    #[default]
    Summary,
}

/// A cross-reference: a vendor type mapped to a catalog item.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct CrossReference {
    /// The vendor's type for this item (max 255); usually the SKU.
    pub vendor_type: Spanned<String>,
    /// The catalog identifier of a product declared in `products` (e.g. `MXS10C01SUNR_7.25`).
    pub product: Spanned<String>,
    /// Agreement type of the cross-reference; defaults to the integration's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement_type: Option<Spanned<String>>,
}

/// The API member the integration logs in as.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct ApiMember {
    /// Member identifier (max 15).
    pub identifier: Spanned<String>,
    /// Display name (max 30).
    pub name: Spanned<String>,
    /// Security role name (e.g. `Admin`).
    pub security_role: Spanned<String>,
    /// Contact e-mail (max 250).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Spanned<String>>,
}

/// A billable item: one vendor SKU at one unit cost, one ConnectWise catalog item.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct Product {
    /// The integration (by name) whose catalog item this is: required with several integrations
    /// (or set once per file under `defaults`), implicit with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration: Option<Spanned<String>>,
    /// The vendor's SKU (letters, digits, `.` and `-`).
    pub sku: Spanned<String>,
    /// What the vendor charges per unit; part of the catalog identifier.
    #[serde(deserialize_with = "exact::money")]
    #[schemars(with = "Money")]
    pub unit_cost: Spanned<Money>,
    /// The catalog price per unit. Left unmanaged when omitted: a price edited in ConnectWise survives.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "exact::money_opt"
    )]
    #[schemars(with = "Option<Money>")]
    pub retail_price: Option<Spanned<Money>>,
    /// Catalog description (max 60).
    pub description: Spanned<String>,
    /// Customer-facing description (max 6000); defaults to `description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_description: Option<Spanned<String>>,
    /// Recurring or one-time; when omitted, the SKU's last letter says: `R` recurring, `O` one-time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing: Option<Spanned<Billing>>,
    /// Whether the item is taxable. Left unmanaged when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxable: Option<bool>,
}

/// `billCustomer` of an addition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum BillCustomer {
    /// Billed. The default.
    Billable,
    /// Not billed.
    DoNotBill,
    /// Shown on the invoice at no charge.
    NoCharge,
}

/// How an item bills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Billing {
    /// Every billing cycle.
    Recurring,
    /// Once (a setup fee).
    OneTime,
}

/// A customer: the ConnectWise company, and its account and additions at each vendor.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct Company {
    /// The vendor's account id, recorded on the company as its Manage ID: after Unicode NFKC
    /// normalisation (full-width digits read as digits), 1 to 100 ASCII letters, digits, `-`, `_`
    /// and `.`. Two accounts equal after normalisation, regardless of case, are one account.
    /// The one-vendor shorthand; with several integrations, write `vendors` instead.
    #[serde(default, skip_serializing_if = "is_blank")]
    pub account: Spanned<String>,
    /// The ConnectWise company identifier ("Company ID", max 25): matched when no company carries
    /// the account's Manage ID yet.
    pub identifier: Spanned<String>,
    /// What to create when no company matches. Without it, an unmatched company is an error.
    // Boxed, like `contact` and `agreement`: an absent part then costs a pointer, not its whole
    // size (a company was 1.1 KB inline; 56 MB at 50,000 companies, issue 13).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create: Option<Box<Spanned<CompanyCreate>>>,
    /// The contact the agreement is for; used when the company has no default contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Box<Spanned<Contact>>>,
    /// The integration's agreement with this company (the one-vendor shorthand, beside `account`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<Box<Spanned<Agreement>>>,
    /// The company's account at each vendor it buys from, keyed by integration name (matched
    /// case-insensitively), with that vendor's additions.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub vendors: BTreeMap<String, Spanned<CompanyVendor>>,
    /// The name of the company's shared agreement (not owned by cwrecon) that holds the
    /// additions of integrations with `agreements: shared`; when omitted, it is found by the
    /// integration's `shared_agreement_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_agreement: Option<Spanned<String>>,
}

/// A company's account at one vendor, and where that vendor's additions go.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct CompanyVendor {
    /// The vendor's account id (its Manage ID under the vendor's solution); the same rules as a
    /// company's `account`. Unique per integration: two vendors may use the same account id.
    pub account: Spanned<String>,
    /// For an integration with its own agreements: its agreement with this company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<Box<Spanned<Agreement>>>,
    /// For an integration with `agreements: shared`: its additions, placed on the company's
    /// shared agreement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additions: Option<Vec<Spanned<Addition>>>,
}

/// Whether a text was left out (an empty text is never valid where one is written).
fn is_blank(value: &Spanned<String>) -> bool {
    value.is_empty()
}

impl Company {
    /// A company of a one-vendor configuration with only its account and identifier written
    /// (what `import` and `export` start from).
    pub fn one_vendor(account: &str, identifier: &str) -> Company {
        Company {
            account: Spanned::unwritten(account.to_owned()),
            identifier: Spanned::unwritten(identifier.to_owned()),
            create: None,
            contact: None,
            agreement: None,
            vendors: BTreeMap::new(),
            shared_agreement: None,
        }
    }

    /// The vendor account as the one identity every later stage compares
    /// ([`AccountId`](crate::model::AccountId)): normalised, case-insensitive.
    pub fn account_id(&self) -> crate::model::AccountId {
        crate::model::AccountId::new(&self.account)
    }
}

/// A company to create.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct CompanyCreate {
    /// Company name (max 50).
    pub name: Spanned<String>,
    /// Company status name.
    #[serde(default = "default_status")]
    pub status: Spanned<String>,
    /// Company type name.
    #[serde(default = "default_company_type", rename = "type")]
    pub company_type: Spanned<String>,
    /// The address; ConnectWise needs at least one field, and the vendor export a country.
    pub address: Spanned<Address>,
    /// Main phone number (max 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<Spanned<String>>,
    /// Web site (max 255).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<Spanned<String>>,
}

fn default_status() -> Spanned<String> {
    Spanned::unwritten("Active".to_owned())
}

fn default_company_type() -> Spanned<String> {
    Spanned::unwritten("Client".to_owned())
}

/// A postal address.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct Address {
    /// First line (max 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line1: Option<Spanned<String>>,
    /// Second line (max 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<Spanned<String>>,
    /// City (max 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<Spanned<String>>,
    /// State or region (max 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<Spanned<String>>,
    /// Postal code (max 12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip: Option<Spanned<String>>,
    /// Country name as in ConnectWise (e.g. `United States`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<Spanned<String>>,
}

/// A contact person.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct Contact {
    /// First name (max 30).
    pub first_name: Spanned<String>,
    /// Last name (max 30).
    pub last_name: Spanned<String>,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Spanned<String>>,
}

/// The integration's agreement with one company.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct Agreement {
    /// Agreement name (max 100); with the company and type it identifies the agreement.
    pub name: Spanned<String>,
    /// Agreement type; defaults to the integration's.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub agreement_type: Option<Spanned<String>>,
    /// When the agreement starts.
    pub start_date: Spanned<Date>,
    /// Billing cycle; defaults to the integration's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_cycle: Option<Spanned<String>>,
    /// Leave the live agreement's billing cycle as it is (even none) instead of setting the
    /// integration's default; a new agreement still gets the default. Not with `billing_cycle`
    /// (an error). `export` writes it for an agreement without a billing cycle.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub keep_billing_cycle: bool,
    /// Effective date of new additions; defaults to the policy's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_date: Option<Spanned<EffectiveDate>>,
    /// What happens to owned additions no longer listed; defaults to the policy's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed_additions: Option<RemovalPolicy>,
    /// The billable lines: one per product.
    #[serde(default)]
    pub additions: Vec<Spanned<Addition>>,
}

/// One billable line on an agreement.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct Addition {
    /// The catalog identifier of a product declared in `products` (e.g. `MXS10C01SUNR_7.25`).
    pub product: Spanned<String>,
    /// How many units the customer has now (the vendor's product count).
    #[serde(deserialize_with = "exact::quantity")]
    #[schemars(with = "Quantity")]
    pub quantity: Spanned<Quantity>,
    /// A per-customer price; defaults to the product's retail price.
    // Boxed, like `effective_date`: most additions write neither, and a configuration holds one
    // `Addition` per billable line for the whole run (500,000 at 50,000 companies; issue 13).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "exact::money_opt_boxed"
    )]
    #[schemars(with = "Option<Money>")]
    pub unit_price: Option<Box<Spanned<Money>>>,
    /// Whether the customer is billed for it (`billCustomer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_customer: Option<BillCustomer>,
    /// Effective date when the addition is created; defaults to the agreement's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Spanned<EffectiveDate>>")]
    pub effective_date: Option<Box<Spanned<EffectiveDate>>>,
}
