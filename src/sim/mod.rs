//! A ConnectWise Manage-compatible HTTP server (`cwrecon sim`). Placeholder until issue #3 lands.

/// Options of `cwrecon sim`.
#[derive(Debug, Clone, clap::Args)]
pub struct SimArgs {
    /// Address to listen on; port 0 picks a free port and prints it.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: std::net::SocketAddr,
}

/// Why the simulator could not run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The simulator is not built yet.
    #[error("run the simulator: not implemented yet")]
    NotImplemented,
}

/// Serve the simulator until interrupted.
#[expect(clippy::unused_async, reason = "placeholder until the simulator lands")]
pub async fn serve(_args: SimArgs) -> Result<crate::Exit, Error> {
    Err(Error::NotImplemented)
}
