//! The fewest requests cwrecon's read strategy needs for a tenant, and the wall time that implies.
//!
//! The strategy's limits are fixed: 1,000 records a page (the API's maximum), `conditions` of at
//! most [`MAX_CONDITIONS`] characters (ConnectWise URLs fail beyond about 2,000), and
//! [`BUNDLE_SIZE`] child lists a bundle. The minimum packs every request to those limits. The
//! reads form a chain of three stages (each needs ids from the one before): setup tables, owned
//! catalog, owned agreements and the companies named by identifier; then the companies' links; then
//! their contacts and the agreements' additions.

use cwrecon::live::{BUNDLE_SIZE, MAX_CONDITIONS, quote};

/// What the minimum is computed from.
#[derive(Debug, Clone)]
pub(crate) struct Inputs {
    /// Setup tables read whole (one request each).
    pub(crate) setup_lists: usize,
    /// Owned catalog items.
    pub(crate) catalog: usize,
    /// Owned agreements.
    pub(crate) agreements: usize,
    /// Company identifiers named by the configuration.
    pub(crate) identifiers: Vec<String>,
    /// Live ids of the companies that matter.
    pub(crate) company_ids: Vec<i64>,
    /// Managed Devices Integrations (their cross-references are bundled).
    pub(crate) integrations: usize,
}

/// The minimum by stage.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Minimum {
    pub(crate) stages: [usize; 3],
}

impl Minimum {
    pub(crate) fn total(&self) -> usize {
        self.stages.iter().sum()
    }

    /// `Σ ceil(stage / concurrency) × latency`: the dependency chain at full concurrency.
    pub(crate) fn chain_seconds(&self, concurrency: usize, latency_ms: u64) -> f64 {
        let rounds: usize = self
            .stages
            .iter()
            .map(|s| s.div_ceil(concurrency.max(1)))
            .sum();
        secs(rounds) * ms(latency_ms) / 1000.0
    }

    /// `requests / rate`: the time the rate limit allows for them.
    pub(crate) fn rate_seconds(&self, requests_per_minute: u32) -> f64 {
        if requests_per_minute == 0 {
            return 0.0;
        }
        secs(self.total()) * 60.0 / f64::from(requests_per_minute)
    }

    /// The lower bound on plan wall time: the larger of the two.
    pub(crate) fn lower_bound(&self, concurrency: usize, latency_ms: u64, rpm: u32) -> f64 {
        self.chain_seconds(concurrency, latency_ms)
            .max(self.rate_seconds(rpm))
    }
}

#[expect(
    clippy::cast_precision_loss,
    reason = "request counts are far below 2^52"
)]
fn secs(n: usize) -> f64 {
    n as f64
}

#[expect(
    clippy::cast_precision_loss,
    reason = "latencies are far below 2^52 ms"
)]
fn ms(n: u64) -> f64 {
    n as f64
}

/// Requests to send `values` (each followed by a comma) in `in (…)` lists of at most `budget`.
fn packed(lengths: impl Iterator<Item = usize>, budget: usize) -> usize {
    let total: usize = lengths.map(|l| l + 1).sum();
    total.div_ceil(budget.max(1))
}

/// The minimum for `inputs`.
pub(crate) fn minimum(inputs: &Inputs) -> Minimum {
    let page = 1_000;
    // The same budget `in_clauses` gives the companies' clause (its prefix asks for deleted
    // companies too).
    let prefix = "(deletedFlag = true or deletedFlag = false) and ";
    let company_budget = MAX_CONDITIONS - (prefix.len() + "identifier".len() + 10);
    let companies = packed(
        inputs.identifiers.iter().map(|i| quote(i).len()),
        company_budget,
    );
    let contacts = packed(
        inputs.company_ids.iter().map(|i| i.to_string().len()),
        MAX_CONDITIONS - ("company/id".len() + 10),
    );
    let stage1 = inputs.setup_lists
        + inputs.catalog.div_ceil(page).max(1)
        + inputs.agreements.div_ceil(page).max(1)
        + companies;
    let stage2 =
        inputs.company_ids.len().div_ceil(BUNDLE_SIZE) + inputs.integrations.div_ceil(BUNDLE_SIZE);
    let stage3 = contacts + inputs.agreements.div_ceil(BUNDLE_SIZE);
    Minimum {
        stages: [stage1, stage2, stage3],
    }
}
