//! The ConnectWise Manage REST client and the pieces of its protocol shared with the simulator.

pub mod conditions;

pub use conditions::{Comparison, Expr as Conditions, Op as ConditionOp, Value as ConditionValue};
