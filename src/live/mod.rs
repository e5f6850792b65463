//! The live tenant: what cwrecon reads from ConnectWise, and its projection onto the canonical model.
//!
//! Owns the compact records read from ConnectWise and the table of each kind (`records.rs`: path,
//! fields, natural key), the one company matcher (`matcher.rs`), the mapping from records to
//! canonical objects (`project.rs`) and the snapshot of records it works from (`snapshot.rs`).
//! Reading over the network lives beside it and only fills a [`Snapshot`]; everything else here is
//! pure.

mod http;
mod matcher;
mod project;
mod read;
pub mod records;
mod shared;
mod snapshot;

pub use http::{BUNDLE_SIZE, ClientSource};
pub use matcher::{CompanyMatch, CompanyMatcher, is_solution_link};
pub use project::{Projection, SharedAgreement, SharedAgreements, project};
pub use read::{
    ListQuery, MAX_CONDITIONS, ReadError, Source, in_clauses, quote, read_owned_tenant,
    read_snapshot,
};
pub use records::{Record, Table};
pub use snapshot::Snapshot;
