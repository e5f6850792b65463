//! Canonical value types shared by the configuration, the live snapshot and the plan.
//!
//! Owns how money, quantities, dates and identities (vendor accounts, keys) are represented and
//! compared, so that the desired and the live side can never disagree about `7.5` and `7.50`, or
//! about `ab12` and `AB12`. Pure and synchronous.

mod date;
mod decimal;
mod identity;
pub mod input;
mod name;
mod state;

pub use date::Date;
pub use decimal::{Money, Quantity, exact};
pub use identity::{AccountId, IntegrationId};
pub use name::{LOCK_ROW_NAME, fold_name, is_lock_row_name, same_name};
pub use state::{Fields, Finding, Key, Kind, Object, State, Value};
