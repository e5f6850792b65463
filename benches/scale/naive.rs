//! The naive baseline: the per-object strategy scripts written against ConnectWise typically use,
//! one request at a time: the owned catalog, then per company its record by identifier, its
//! management links, its agreements, and each agreement's additions. Same client, same limiter,
//! same simulator settings as cwrecon's plan; concurrency 1.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use cwrecon::connectwise::{Client, Conditions, ListParams};
use serde_json::{Value as Json, json};

use super::Error;

/// What the baseline did.
pub(crate) struct Naive {
    pub(crate) wall: Duration,
    pub(crate) requests: BTreeMap<String, u64>,
    pub(crate) companies_found: usize,
    pub(crate) additions: usize,
}

impl Naive {
    pub(crate) fn to_json(&self) -> Json {
        json!({
            "wallSeconds": self.wall.as_secs_f64(),
            "requestsTotal": self.requests.values().sum::<u64>(),
            "requestsByKind": self.requests,
            "companiesFound": self.companies_found,
            "additionsRead": self.additions,
        })
    }
}

fn id(record: &Json) -> Option<i64> {
    record.get("id").and_then(Json::as_i64)
}

fn filtered(conditions: String) -> ListParams {
    ListParams::new().conditions(Conditions::raw(conditions))
}

/// Read what a plan needs, object by object.
pub(crate) async fn run(client: &Client, identifiers: &[String]) -> Result<Naive, Error> {
    let started = Instant::now();
    client
        .raw_endpoint("catalog", "/procurement/catalog")
        .list_all(&filtered("type/name = \"Intermedia_Services\"".to_owned()))
        .await?;
    let mut companies_found = 0;
    let mut additions = 0;
    for identifier in identifiers {
        let companies = client
            .raw_endpoint("companies", "/company/companies")
            .list_all(&filtered(format!("identifier = \"{identifier}\"")))
            .await?;
        let Some(company) = companies.first().and_then(id) else {
            continue;
        };
        companies_found += 1;
        client
            .raw_endpoint(
                "managementSummaryReports",
                format!("/company/companies/{company}/managementSummaryReports"),
            )
            .list_all(&ListParams::new())
            .await?;
        let agreements = client
            .raw_endpoint("agreements", "/finance/agreements")
            .list_all(&filtered(format!(
                "company/id = {company} and type/name = \"Intermedia\""
            )))
            .await?;
        for agreement in agreements.iter().filter_map(id) {
            additions += client
                .raw_endpoint(
                    "additions",
                    format!("/finance/agreements/{agreement}/additions"),
                )
                .list_all(&ListParams::new())
                .await?
                .len();
        }
    }
    Ok(Naive {
        wall: started.elapsed(),
        requests: client.request_counts(),
        companies_found,
        additions,
    })
}
