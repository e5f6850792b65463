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
