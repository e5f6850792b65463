//! Procurement records: catalog items (products) and their setup tables.
//!
//! Owns the wire shapes of `/procurement/catalog`, `/procurement/types`, `/procurement/unitOfMeasures`,
//! `/procurement/categories` and `/procurement/subcategories/` (API-NOTES.md §2.5; the flat sub-category
//! path really ends in a slash). Refuses floats: prices and costs are [`Decimal`](rust_decimal::Decimal).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{CustomFieldValue, IdentifierReference, Info, Reference, decimal, info};
use crate::connectwise::resource::Resource;

/// A catalog item (`/procurement/catalog`): one product, named `<SKU>_<UNIT_COST>` by cwrecon.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogItem {
    /// The record id; read-only, assigned by ConnectWise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// `identifier`: at most 75 characters; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// `description`: at most 60 characters; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `inactiveFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inactive_flag: Option<bool>,
    /// `subcategory`: reference (`ProductSubCategoryReference`); required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subcategory: Option<Reference>,
    /// `type`: reference (`ProductTypeReference`); required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#type: Option<Reference>,
    /// `productClass`: one of `Agreement`, `Bundle`, `Inventory`, `NonInventory`, `Service`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_class: Option<String>,
    /// `serializedFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serialized_flag: Option<bool>,
    /// `serializedCostFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serialized_cost_flag: Option<bool>,
    /// `phaseProductFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase_product_flag: Option<bool>,
    /// `unitOfMeasure`: reference (`UnitOfMeasureReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_of_measure: Option<Reference>,
    /// `minStockLevel`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_stock_level: Option<i32>,
    /// `price`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub price: Option<Decimal>,
    /// `cost`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub cost: Option<Decimal>,
    /// `priceAttribute`: one of `FixedFee`, `NotToExceed`, `OverrideRate`, `TimeAndMaterials`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_attribute: Option<String>,
    /// `taxableFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taxable_flag: Option<bool>,
    /// `dropShipFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop_ship_flag: Option<bool>,
    /// `specialOrderFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub special_order_flag: Option<bool>,
    /// `customerDescription`: at most 6000 characters; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_description: Option<String>,
    /// `manufacturer`: reference (`ManufacturerReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manufacturer: Option<Reference>,
    /// `manufacturerPartNumber`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manufacturer_part_number: Option<String>,
    /// `vendor`: reference (`CompanyReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<IdentifierReference>,
    /// `vendorSku`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor_sku: Option<String>,
    /// `notes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// `integrationXRef`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integration_x_ref: Option<String>,
    /// `sla`: reference (`SLAReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sla: Option<Reference>,
    /// `entityType`: reference (`EntityTypeReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_type: Option<Reference>,
    /// `recurringFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurring_flag: Option<bool>,
    /// `recurringRevenue`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub recurring_revenue: Option<Decimal>,
    /// `recurringCost`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub recurring_cost: Option<Decimal>,
    /// `recurringOneTimeFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurring_one_time_flag: Option<bool>,
    /// `recurringBillCycle`: reference (`BillingCycleReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurring_bill_cycle: Option<Reference>,
    /// `recurringCycleType`: one of `ContractYear`, `CalendarYear`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurring_cycle_type: Option<String>,
    /// `calculatedPriceFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calculated_price_flag: Option<bool>,
    /// `calculatedCostFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calculated_cost_flag: Option<bool>,
    /// `category`: reference (`ProductCategoryReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Reference>,
    /// `calculatedPrice`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub calculated_price: Option<Decimal>,
    /// `calculatedCost`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub calculated_cost: Option<Decimal>,
    /// `billableOption`: one of `Billable`, `DoNotBill`, `NoCharge`, `NoDefault`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billable_option: Option<String>,
    /// `connectWiseID`.
    #[serde(rename = "connectWiseID", skip_serializing_if = "Option::is_none")]
    pub connect_wise_id: Option<String>,
    /// `agreementType`: reference (`AgreementTypeReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreement_type: Option<Reference>,
    /// `markupPercentage`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "decimal::option",
        default
    )]
    pub markup_percentage: Option<Decimal>,
    /// `markupFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub markup_flag: Option<bool>,
    /// `autoUpdateUnitCostFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_update_unit_cost_flag: Option<bool>,
    /// `autoUpdateUnitPriceFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_update_unit_price_flag: Option<bool>,
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

impl Resource for CatalogItem {
    const KIND: &'static str = "catalogItems";
    const PATH: &'static str = "/procurement/catalog";
    type Parent = ();
}

/// A product type setup row (`/procurement/types`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductType {
    /// The record id; read-only, assigned by ConnectWise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// `name`: at most 50 characters; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `inactiveFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inactive_flag: Option<bool>,
    /// `typeXref`: one of `InventoryPart`, `NonInventoryPart`, `OtherCharge`, `Service`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_xref: Option<String>,
    /// `defaultFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_flag: Option<bool>,
    /// Read-only metadata (`_info`: `lastUpdated`, `updatedBy`, `*_href` links). Never sent.
    #[serde(
        rename = "_info",
        default,
        skip_serializing,
        deserialize_with = "info::deserialize"
    )]
    pub info: Option<Info>,
}

impl Resource for ProductType {
    const KIND: &'static str = "productTypes";
    const PATH: &'static str = "/procurement/types";
    type Parent = ();
}

/// A unit of measure setup row (`/procurement/unitOfMeasures`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnitOfMeasure {
    /// The record id; read-only, assigned by ConnectWise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// `name`: at most 50 characters; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `inactiveFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inactive_flag: Option<bool>,
    /// `defaultFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_flag: Option<bool>,
    /// `uomScheduleXref`: at most 31 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uom_schedule_xref: Option<String>,
    /// Read-only metadata (`_info`: `lastUpdated`, `updatedBy`, `*_href` links). Never sent.
    #[serde(
        rename = "_info",
        default,
        skip_serializing,
        deserialize_with = "info::deserialize"
    )]
    pub info: Option<Info>,
}

impl Resource for UnitOfMeasure {
    const KIND: &'static str = "unitOfMeasures";
    const PATH: &'static str = "/procurement/unitOfMeasures";
    type Parent = ();
}

/// A product category (`/procurement/categories`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Category {
    /// The record id; read-only, assigned by ConnectWise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// `name`: at most 50 characters; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `inactiveFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inactive_flag: Option<bool>,
    /// `priceLevelXref`: at most 10 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_level_xref: Option<String>,
    /// `integrationXref`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integration_xref: Option<String>,
    /// `locationIds`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_ids: Option<Vec<i32>>,
    /// `defaultFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_flag: Option<bool>,
    /// `addAllLocations`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub add_all_locations: Option<bool>,
    /// `removeAllLocations`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remove_all_locations: Option<bool>,
    /// Read-only metadata (`_info`: `lastUpdated`, `updatedBy`, `*_href` links). Never sent.
    #[serde(
        rename = "_info",
        default,
        skip_serializing,
        deserialize_with = "info::deserialize"
    )]
    pub info: Option<Info>,
}

impl Resource for Category {
    const KIND: &'static str = "categories";
    const PATH: &'static str = "/procurement/categories";
    type Parent = ();
}

/// A product sub-category (`/procurement/subcategories/`); `category` links it to its category.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubCategory {
    /// The record id; read-only, assigned by ConnectWise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// `name`: at most 50 characters; required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `inactiveFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inactive_flag: Option<bool>,
    /// `integrationXref`: at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integration_xref: Option<String>,
    /// `defaultFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_flag: Option<bool>,
    /// `category`: reference (`ProductCategoryReference`); required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Reference>,
    /// Read-only metadata (`_info`: `lastUpdated`, `updatedBy`, `*_href` links). Never sent.
    #[serde(
        rename = "_info",
        default,
        skip_serializing,
        deserialize_with = "info::deserialize"
    )]
    pub info: Option<Info>,
}

impl Resource for SubCategory {
    const KIND: &'static str = "subcategories";
    const PATH: &'static str = "/procurement/subcategories/";
    type Parent = ();
}
