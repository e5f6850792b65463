//! The ConnectWise Manage REST client and the pieces of its protocol shared with the simulator.

pub mod conditions;
