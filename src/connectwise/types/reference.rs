//! Reference objects: how one record points at another (`{"id": 1, "name": "Active", "_info": …}`).
//!
//! Owns the reference shapes of API-NOTES.md §2.9. Most references are [`Reference`] (`id`, `name`);
//! those with an `identifier` are [`IdentifierReference`]; a few have their own shape. On write, send at
//! least the `id` (PATCH replaces the whole reference object, §1.7); `_info` is never sent.

use serde::{Deserialize, Serialize};

use super::{Info, info};

/// A reference by `id` and `name` (status, type, site, contact, unit of measure, category, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reference {
    /// The referenced record's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// The referenced record's name, as ConnectWise returns it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Read-only `_info` (`<x>_href`). Never sent.
    #[serde(
        rename = "_info",
        default,
        skip_serializing,
        deserialize_with = "info::deserialize"
    )]
    pub info: Option<Info>,
}

impl Reference {
    /// A reference to the record with this id, as sent in a write.
    pub fn from_id(id: i32) -> Self {
        Reference {
            id: Some(id),
            ..Reference::default()
        }
    }
}

/// A reference that also carries an `identifier` (company, country, member, department).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentifierReference {
    /// The referenced record's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// The referenced record's identifier (a company's "Company ID", a country's ISO code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// The referenced record's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Read-only `_info`. Never sent.
    #[serde(
        rename = "_info",
        default,
        skip_serializing,
        deserialize_with = "info::deserialize"
    )]
    pub info: Option<Info>,
}

impl IdentifierReference {
    /// A reference to the record with this id.
    pub fn from_id(id: i32) -> Self {
        IdentifierReference {
            id: Some(id),
            ..IdentifierReference::default()
        }
    }

    /// A reference by identifier alone (ConnectWise accepts `{"identifier": "X"}` for a company).
    pub fn from_identifier(identifier: impl Into<String>) -> Self {
        IdentifierReference {
            identifier: Some(identifier.into()),
            ..IdentifierReference::default()
        }
    }
}

/// A reference to a catalog item (`product` on additions and cross-references).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IvItemReference {
    /// The catalog item's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// The catalog item's identifier (cwrecon's `<SKU>_<UNIT_COST>`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// Whether the item is serialized.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serialized_flag: Option<bool>,
    /// Read-only `_info` (`catalog_href`, `typeId`). Never sent.
    #[serde(
        rename = "_info",
        default,
        skip_serializing,
        deserialize_with = "info::deserialize"
    )]
    pub info: Option<Info>,
}

impl IvItemReference {
    /// A reference to the catalog item with this id.
    pub fn from_id(id: i32) -> Self {
        IvItemReference {
            id: Some(id),
            ..IvItemReference::default()
        }
    }
}

/// A reference to an agreement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgreementReference {
    /// The agreement's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// The agreement's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The agreement type's name (a string here, not a reference).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// `chargeFirmFlag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charge_firm_flag: Option<bool>,
    /// Read-only `_info`. Never sent.
    #[serde(
        rename = "_info",
        default,
        skip_serializing,
        deserialize_with = "info::deserialize"
    )]
    pub info: Option<Info>,
}

/// A reference to a Management IT solution (`managementSolution` on a company link).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagementSolutionReference {
    /// The solution's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// The solution's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The setup table the solution lives in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub setup_name: Option<String>,
    /// Read-only `_info`. Never sent.
    #[serde(
        rename = "_info",
        default,
        skip_serializing,
        deserialize_with = "info::deserialize"
    )]
    pub info: Option<Info>,
}

/// A reference to a currency: a "fat" reference that carries its formatting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CurrencyReference {
    /// The currency's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// The currency's symbol (`$`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    /// The ISO currency code (`USD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<String>,
    /// ConnectWise's own currency identifier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency_identifier: Option<String>,
    /// How many decimals amounts in this currency show.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_of_decimals: Option<i32>,
    /// The currency's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Read-only `_info`. Never sent.
    #[serde(
        rename = "_info",
        default,
        skip_serializing,
        deserialize_with = "info::deserialize"
    )]
    pub info: Option<Info>,
}

/// One custom field value on a record. PATCH replaces the whole `customFields` array (§1.7).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomFieldValue {
    /// The custom field's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// The field's caption.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// The field's type (`Text`, `Number`, `Checkbox`, …).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// How the value is entered (`EntryField`, `List`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_method: Option<String>,
    /// Decimals shown for numeric fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_of_decimals: Option<i32>,
    /// The value, whose JSON type depends on the field's type; left out when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
    /// ConnectWise's own id for the field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connect_wise_id: Option<String>,
}
