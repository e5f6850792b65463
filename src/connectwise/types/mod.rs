//! Typed ConnectWise records: what the client reads and writes, field for field.
//!
//! Owns the wire shapes (serde, camelCase, the 2025.1 model) and nothing else: no normalisation, no
//! comparison rules — those belong to the canonical model the plan diffs. Invariants:
//! - every field is an `Option`: ConnectWise leaves nulls out of responses (API-NOTES.md §1.8), a
//!   `fields=` read returns only some keys, and a `None` is never serialized, so a body never sends
//!   `null`;
//! - unknown response fields are ignored, so a newer server does not break reads;
//! - `_info` is read into [`Info`] and never sent;
//! - numbers with a fraction are [`Decimal`](rust_decimal::Decimal), never floats (see [`decimal`]).

mod company;
pub mod decimal;
mod finance;
pub mod info;
mod management;
mod procurement;
mod reference;
mod system;

pub use company::{CommunicationItem, Company, CompanyStatus, CompanyType, Contact, Country};
pub use finance::{Addition, Agreement, AgreementType};
pub use info::Info;
pub use management::{
    CompanyManagementSummary, ManagedDevicesIntegration, ManagedDevicesIntegrationCrossReference,
    ManagementItSolution,
};
pub use procurement::{CatalogItem, Category, ProductType, SubCategory, UnitOfMeasure};
pub use reference::{
    AgreementReference, CurrencyReference, CustomFieldValue, IdentifierReference, IvItemReference,
    ManagementSolutionReference, Reference,
};
pub use system::{ApiMember, LicenseBit, Member, SystemInfo};

/// A reference to a company (`{id, identifier, name}`).
pub type CompanyReference = IdentifierReference;
/// A reference to a country (`{id, identifier, name}`; `identifier` is the ISO code).
pub type CountryReference = IdentifierReference;

/// The body of `GET …/count` (`{"count": N}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Count {
    /// How many records matched.
    pub count: u64,
}

#[cfg(test)]
mod tests {
    use std::str::FromStr as _;

    use rust_decimal::Decimal;

    use super::*;

    #[test]
    fn company_response_reads_with_unknown_fields_and_omitted_nulls() {
        let json = r#"{
            "id": 250, "identifier": "AcmeCorp", "name": "Acme Corp",
            "status": {"id": 1, "name": "Active", "_info": {"status_href": "https://h/x/1"}},
            "city": "Austin", "faxNumber": "",
            "country": {"id": 1, "identifier": "US", "name": "United States"},
            "types": [{"id": 1, "name": "Client"}],
            "annualRevenue": 1234567.89,
            "deletedFlag": false,
            "someFieldFrom2026": {"nested": [1, 2]},
            "customFields": [{"id": 3, "caption": "Tier", "type": "Text", "entryMethod": "EntryField", "numberOfDecimals": 0}],
            "_info": {"lastUpdated": "2020-10-15T14:09:53Z", "updatedBy": "labtech", "reports_href": "https://h/r"}
        }"#;
        let company: Company = serde_json::from_str(json).unwrap();
        assert_eq!(company.identifier.as_deref(), Some("AcmeCorp"));
        assert_eq!(
            company.status.as_ref().unwrap().name.as_deref(),
            Some("Active")
        );
        assert_eq!(
            company.country.as_ref().unwrap().identifier.as_deref(),
            Some("US")
        );
        assert_eq!(company.types.as_ref().unwrap()[0].id, Some(1));
        assert_eq!(
            company.annual_revenue,
            Some(Decimal::from_str("1234567.89").unwrap())
        );
        assert_eq!(company.fax_number.as_deref(), Some(""));
        assert_eq!(company.state, None);
        assert_eq!(
            company.info.as_ref().unwrap()["lastUpdated"],
            "2020-10-15T14:09:53Z"
        );
        let sent = serde_json::to_value(&company).unwrap();
        let keys: Vec<&str> = sent
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "annualRevenue",
                "city",
                "country",
                "customFields",
                "deletedFlag",
                "faxNumber",
                "id",
                "identifier",
                "name",
                "status",
                "types"
            ]
        );
        assert!(!sent.to_string().contains("_info") && !sent.to_string().contains("null"));
    }

    #[test]
    fn addition_money_is_exact_and_written_as_numbers() {
        let json = r#"{"id": 3, "product": {"id": 12, "identifier": "MXS10C01SUNR_7.25", "_info": {"typeId": 4}},
            "quantity": 42.0, "unitPrice": 12.0, "unitCost": 7.25, "billCustomer": "Billable",
            "effectiveDate": "2026-01-01T00:00:00Z", "agreementId": 7, "extPrice": 504.0}"#;
        let addition: Addition = serde_json::from_str(json).unwrap();
        assert_eq!(addition.unit_cost, Some(Decimal::from_str("7.25").unwrap()));
        assert_eq!(addition.quantity, Some(Decimal::from(42)));
        assert_eq!(
            addition.product.as_ref().unwrap().info.as_ref().unwrap()["typeId"],
            "4"
        );
        let back = serde_json::to_string(&Addition {
            id: None,
            agreement_id: None,
            ext_price: None,
            ..addition
        })
        .unwrap();
        assert_eq!(
            back,
            r#"{"product":{"id":12,"identifier":"MXS10C01SUNR_7.25"},"quantity":42,"unitPrice":12,"unitCost":7.25,"billCustomer":"Billable","effectiveDate":"2026-01-01T00:00:00Z"}"#
        );
    }

    #[test]
    fn odd_field_names_keep_their_wire_spelling() {
        let item = CatalogItem {
            connect_wise_id: Some("x".into()),
            integration_x_ref: Some("y".into()),
            r#type: Some(Reference::from_id(1)),
            ..CatalogItem::default()
        };
        assert_eq!(
            serde_json::to_string(&item).unwrap(),
            r#"{"type":{"id":1},"integrationXRef":"y","connectWiseID":"x"}"#
        );
        let agreement: Agreement =
            serde_json::from_str(r#"{"customerPO":"PO-1","type":{"id":2,"name":"Intermedia"}}"#)
                .unwrap();
        assert_eq!(agreement.customer_po.as_deref(), Some("PO-1"));
        assert_eq!(
            agreement.r#type.unwrap().name.as_deref(),
            Some("Intermedia")
        );
        let company: Company =
            serde_json::from_str(r#"{"invoiceCCEmailAddress":"a@b.c"}"#).unwrap();
        assert_eq!(company.invoice_cc_email_address.as_deref(), Some("a@b.c"));
    }

    #[test]
    fn management_link_and_system_info() {
        let link: CompanyManagementSummary = serde_json::from_str(
            r#"{"id":5,"groupIdentifier":"1002345","managementSolution":{"id":2,"name":"Intermedia","setupName":"Custom"},
               "company":{"id":250,"identifier":"AcmeCorp"},"totalServers":3,"cpuUtilization":0.5}"#,
        )
        .unwrap();
        assert_eq!(link.group_identifier.as_deref(), Some("1002345"));
        assert_eq!(link.management_solution.unwrap().id, Some(2));
        let info: SystemInfo = serde_json::from_str(
            r#"{"version":"v2025.1.10333","isCloud":false,"serverTimeZone":"GMT Standard Time","licenseBits":[{"name":"PocketPC","activeFlag":true}]}"#,
        )
        .unwrap();
        assert_eq!(info.version.as_deref(), Some("v2025.1.10333"));
        assert_eq!(info.license_bits.unwrap().len(), 1);
    }
}
