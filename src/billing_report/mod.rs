//! Vendor data: turning a vendor's billing export into what the configuration declares.

pub mod intermedia;
