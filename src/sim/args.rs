//! The options of `cwrecon sim`.
//!
//! Owns the command line of the simulator and its translation into [`Faults`] and a [`Tenant`]. It
//! refuses to start anything; [`super::server`] does.

use std::net::SocketAddr;
use std::path::PathBuf;

use super::faults::Faults;
use super::generate::Tenant;

const ENV_HELP: &str = "\
Credentials (the only ones accepted; keys are never printed or logged):
  CW_COMPANY_ID   Basic auth user is `companyId+publicKey`  [default: cwrecon]
  CW_PUBLIC_KEY   public key                      [default: sim-public-key]
  CW_PRIVATE_KEY  private key (the password)     [default: sim-private-key]
  CW_CLIENT_ID    required `clientId` header
                  [default: 00000000-0000-4000-8000-00000000c1d0]

Serves http://ADDR/v4_6_release/apis/3.0/... and GET /login/companyinfo/{companyId}.
Admin API (no auth): GET|DELETE /_sim/requests, POST /_sim/reset, GET|PUT /_sim/faults,
GET|PUT /_sim/state, POST /_sim/purge (empty the company recycle bin).

Examples:
  cwrecon sim --listen 127.0.0.1:8080
  cwrecon sim --state demo.json          keep records across restarts
  cwrecon sim --generate companies=1000,catalog=200,agreements=1,additions=5
  cwrecon sim --rate-limit 1000 --error-rate 0.05 --drop-rate 0.02 --fault-seed 7

Prints `listening on http://HOST:PORT` on stdout once it accepts connections.";

/// Options of `cwrecon sim`.
#[derive(Debug, Clone, clap::Args)]
#[command(after_long_help = ENV_HELP)]
pub struct SimArgs {
    /// Address to listen on; port 0 picks a free port and prints it.
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
    pub listen: SocketAddr,
    /// Load records from FILE at start (if it exists) and save them there after every change and on
    /// exit, so a demo survives a restart.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Start from the records in FILE (a state file, e.g. from `GET /_sim/state`) instead of the
    /// built-in defaults; never written.
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,
    /// Add a synthetic tenant for benchmarks: comma-separated KEY=N with keys companies, catalog,
    /// agreements (per company) and additions (per agreement).
    /// Not with --state: a restart would generate the tenant again on top of the saved one.
    #[arg(long, value_name = "SPEC", conflicts_with = "state")]
    pub generate: Option<Tenant>,
    /// Requests per minute before answering 429 with Retry-After (0: unlimited).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub rate_limit: u32,
    /// Added latency per API request, in milliseconds.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub latency_ms: u64,
    /// Extra random latency per API request, uniformly 0..=MS.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub jitter_ms: u64,
    /// Fraction (0-1) of API requests answered 500 or 503 without being served.
    #[arg(long, default_value_t = 0.0, value_name = "FRACTION")]
    pub error_rate: f64,
    /// Fraction (0-1) of writes that commit and then drop the connection before answering.
    #[arg(long, default_value_t = 0.0, value_name = "FRACTION")]
    pub drop_rate: f64,
    /// Fraction (0-1) of API requests answered 429 at random (dynamic throttling), with
    /// `Retry-After: 1`.
    #[arg(long, default_value_t = 0.0, value_name = "FRACTION")]
    pub throttle_rate: f64,
    /// Seed for jitter, errors and drops: the same seed and requests give the same faults.
    #[arg(long, default_value_t = 42, value_name = "N")]
    pub fault_seed: u64,
}

impl SimArgs {
    /// The fault settings these options ask for.
    pub fn faults(&self) -> Faults {
        Faults {
            latency_ms: self.latency_ms,
            jitter_ms: self.jitter_ms,
            error_rate: self.error_rate,
            drop_rate: self.drop_rate,
            rate_limit_per_minute: self.rate_limit,
            throttle_rate: self.throttle_rate,
            throttle_retry_after: 1,
            seed: self.fault_seed,
            refused_writes: Vec::new(),
        }
    }
}
