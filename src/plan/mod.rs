//! Planning: what must change in ConnectWise for it to match the configuration.
//!
//! Owns the projection of the configuration onto the canonical model (`desired.rs`), the diff of
//! desired against live (`diff.rs`), the ordering of the resulting ops, and their rendering. Pure and
//! synchronous: the live state is read elsewhere and handed in, so every rule here is tested without
//! a network or a runtime.

mod assemble;
mod desired;
mod diff;
mod op;
pub mod render;
mod revenue;
pub mod saved;

pub use assemble::{assemble, assemble_projected, keep_kinds};
pub use desired::{Desired, desired, desired_with, effective_date};
pub use diff::{DiffContext, cancelled_date, diff};
pub use op::{Action, Assumed, Change, Op, Plan, Revenue, VendorRevenue};
pub use revenue::{Breach, revenue, safety_breaches};
pub(crate) use revenue::{bills, catalog_price_in, catalog_price_of, is_recurring};
