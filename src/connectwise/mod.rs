//! The ConnectWise Manage REST client and the pieces of its protocol shared with the simulator.

/// The `conditions` grammar (syntax tree, parser, printer), shared by the client and the simulator.
pub mod conditions;
