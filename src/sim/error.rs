//! Why the simulator could not run: the only errors that leave `cwrecon sim`.
//!
//! Owns the failures of starting and stopping (binding, state files). Request-level failures never
//! get here; they are HTTP answers ([`super::api_error`]).

use std::net::SocketAddr;

/// Why the simulator could not run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The listening socket could not be opened.
    #[error("listen on {addr}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A state or seed file could not be read or written.
    #[error(transparent)]
    State(#[from] super::store::StateError),
    /// Printing the address failed.
    #[error("print the listening address")]
    Announce {
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}
