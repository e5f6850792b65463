//! The live tenant: what cwrecon reads from ConnectWise, and its projection onto the canonical model.
//!
//! Owns the mapping from ConnectWise records to canonical objects (`project.rs`) and the snapshot
//! of raw records it works from (`snapshot.rs`). Reading over the network lives beside it and only
//! fills a [`Snapshot`]; everything else here is pure.

mod http;
mod project;
mod read;
mod snapshot;

pub use http::{BUNDLE_SIZE, ClientSource};
pub use project::{Projection, project};
pub use read::{
    ListQuery, MAX_CONDITIONS, ReadError, Source, in_clauses, quote, read_owned_tenant,
    read_snapshot,
};
pub use snapshot::Snapshot;
pub(crate) use snapshot::{id, text, typed};
