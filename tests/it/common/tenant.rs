//! A simulator tenant for tests: an in-process simulator ([`Sim`]) with the real client pointed at
//! it, a way to change records by hand as an admin would, and the states most tests start from
//! (the example companies made by hand; the examples applied).
#![allow(dead_code, unreachable_pub)]
#![expect(
    clippy::unwrap_used,
    reason = "test setup: a failure here is a failed test"
)]

use std::ops::Deref;

use cwrecon::apply::ClientTarget;
use cwrecon::connectwise::Client;
use cwrecon::live::ClientSource;
use cwrecon::sim::Credentials;
use serde_json::{Value, json};

use super::examples::{EXAMPLES, TODAY, today};
use super::sim::Sim;

/// A simulator and the real client pointed at it. Its `running` and `store` are the simulator's.
pub struct Tenant {
    pub sim: Sim,
    pub client: Client,
}

impl Deref for Tenant {
    type Target = Sim;

    fn deref(&self) -> &Sim {
        &self.sim
    }
}

pub async fn tenant() -> Tenant {
    let sim = Sim::start().await;
    let client = sim.client();
    Tenant { sim, client }
}

/// A tenant with the example companies made by hand ([`Tenant::with_example_companies`]).
pub async fn examples_tenant() -> Tenant {
    let t = tenant().await;
    t.with_example_companies().await;
    t
}

/// A tenant the examples were applied to: the converged state drift scenarios start from.
pub async fn converged() -> Tenant {
    let t = examples_tenant().await;
    let applied = t.apply_examples().await;
    assert!(applied.is_complete(), "{}", applied.summary());
    t
}

impl Tenant {
    /// Apply `examples/intermedia` through the library, as of [`today`].
    pub async fn apply_examples(&self) -> cwrecon::commands::apply::Applied {
        let config = cwrecon::config::load(&[EXAMPLES.into()]).unwrap();
        let source = ClientSource::new(self.client.clone(), 4);
        let target = ClientTarget::new(self.client.clone());
        Box::pin(cwrecon::commands::apply::apply(
            &config,
            &source,
            &target,
            today(),
            false,
            4,
        ))
        .await
        .unwrap()
        .unwrap_or_else(|refused| panic!("{refused}"))
    }

    /// Create a record by hand, as a ConnectWise admin would, and return its id.
    pub async fn post(&self, path: &str, body: Value) -> i64 {
        let body = self.send(reqwest::Method::POST, path, Some(body)).await;
        body["id"].as_i64().unwrap()
    }

    /// Writes to the tenant, not counting the apply lock's own (create, heartbeat, release: all on
    /// `/company/managementItSolutions`, which an apply writes otherwise only to create the
    /// integration's solution once).
    pub fn writes(&self) -> usize {
        self.store
            .requests()
            .iter()
            .filter(|r| {
                r.method != "GET"
                    && !r.path.ends_with("/system/bundles")
                    && !r.path.contains("/company/managementItSolutions")
            })
            .count()
    }
}

impl Tenant {
    /// What the examples expect to exist already: Acme and Bluebird, each with a contact (Acme is
    /// matched by identifier and linked, Bluebird likewise).
    pub async fn with_example_companies(&self) {
        let acme = self
            .post(
                "/company/companies",
                json!({"identifier": "AcmeCorp", "name": "Acme Corp", "city": "Austin"}),
            )
            .await;
        self.post(
            "/company/contacts",
            json!({"firstName": "Jo", "lastName": "Acme", "company": {"id": acme}}),
        )
        .await;
        let bluebird = self
            .post("/company/companies", json!({"identifier": "BluebirdDental", "name": "Bluebird Dental", "city": "Austin"}))
            .await;
        self.post(
            "/company/contacts",
            json!({"firstName": "Maria", "lastName": "Lopez", "company": {"id": bluebird}}),
        )
        .await;
    }

    /// Send any request by hand and return the JSON answer.
    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.sim.request(method, path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer = self.sim.send(request).await;
        assert!(
            (200..300).contains(&answer.status),
            "{path}: {} {}",
            answer.status,
            answer.body
        );
        answer.body
    }

    /// List records by hand.
    pub async fn list(&self, path: &str, conditions: &str) -> Vec<Value> {
        let encoded: String = url_encode(conditions);
        let answer = self
            .send(
                reqwest::Method::GET,
                &format!("{path}?pageSize=1000&conditions={encoded}"),
                None,
            )
            .await;
        answer.as_array().cloned().unwrap_or_default()
    }

    /// PATCH one field by hand.
    pub async fn patch(&self, path: &str, field: &str, value: Value) {
        self.send(
            reqwest::Method::PATCH,
            path,
            Some(json!([{ "op": "replace", "path": field, "value": value }])),
        )
        .await;
    }

    /// The environment that points the `cwrecon` binary at this tenant.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let c = Credentials::defaults();
        vec![
            ("CW_SITE", self.running.api_url()),
            ("CW_COMPANY_ID", c.company_id.clone()),
            ("CW_PUBLIC_KEY", "sim-public-key".to_owned()),
            ("CW_PRIVATE_KEY", "sim-private-key".to_owned()),
            ("CW_CLIENT_ID", c.client_id.clone()),
            ("CWRECON_TODAY", TODAY.to_owned()),
        ]
    }

    /// The `cwrecon` binary, pointed at this tenant.
    pub fn cli(&self, args: &[&str]) -> super::Cli {
        let mut cli = super::Cli::new().args(args.iter().copied());
        for (key, value) in self.env() {
            cli = cli.env(key, &value);
        }
        cli
    }

    /// `cwrecon apply examples/intermedia --auto-approve --journal JOURNAL`, pointed at this tenant
    /// (more arguments may follow before `run`).
    pub fn apply_cli(&self, journal: &str) -> super::Cli {
        self.cli(&["apply", EXAMPLES, "--auto-approve", "--journal", journal])
    }

    /// How many API requests the tenant has answered.
    pub fn request_count(&self) -> usize {
        self.store.requests().len()
    }
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Redact what changes from run to run (timestamps, ports) in the snapshots taken while the
/// returned guard lives.
pub fn redactions() -> insta::internals::SettingsBindDropGuard {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z",
        "[timestamp]",
    );
    settings.add_filter(r"127\.0\.0\.1:\d+", "[sim]");
    // Record ids depend on the order concurrent creates were answered in.
    settings.add_filter(r#""id": \d+"#, r#""id": "[id]""#);
    settings.bind_to_scope()
}

/// Each op of a plan as `verb key` (`create company link 1002388`).
pub fn op_lines(plan: &cwrecon::plan::Plan) -> Vec<String> {
    plan.ops
        .iter()
        .map(|op| format!("{} {}", op.action.verb(), op.key))
        .collect()
}

/// The ids of the setup rows a catalog item needs ([`Tenant::catalog_rows`]).
pub struct CatalogRows {
    pub product_type: i64,
    pub category: i64,
    pub sub: i64,
    pub unit: i64,
}

/// The ids of what [`Tenant::hand_made_setup`] made.
pub struct HandMadeSetup {
    pub solution: i64,
    pub agreement_type: i64,
    pub item: i64,
}

/// One company [`Tenant::hand_made_company`] makes.
pub struct HandMadeCompany<'a> {
    pub identifier: &'a str,
    pub name: &'a str,
    /// The vendor account its link carries.
    pub account: &'a str,
    pub agreement: &'a str,
    pub billing_cycle: Option<&'a str>,
    /// The unit price of its one addition (7 of the catalog item).
    pub unit_price: f64,
}

impl Tenant {
    /// The integration's setup rows and one catalog item (`MXS10C01SUNR_7.25`), made by hand as
    /// an admin would before cwrecon ever ran.
    pub async fn hand_made_setup(&self) -> HandMadeSetup {
        let CatalogRows {
            product_type,
            category,
            sub,
            unit,
        } = self
            .catalog_rows(
                json!({"name": "Intermedia_Services", "typeXref": "Service"}),
                "Intermedia",
                "Intermedia Services",
                "Unit",
            )
            .await;
        let solution = self.post("/company/managementItSolutions", json!({"name": "Intermedia", "managementItSolutionType": "Custom", "managementSolutionName": "Intermedia"})).await;
        let agreement_type = self.post("/finance/agreements/types", json!({"name": "Intermedia", "employeeCompRate": "Actual", "employeeCompNotExceed": "Billing", "invoicingCycle": "CalendarYear", "billTime": "Billable", "billExpenses": "Billable", "billProducts": "Billable"})).await;
        let item = self.post("/procurement/catalog", json!({"identifier": "MXS10C01SUNR_7.25", "description": "Exchange mailbox", "customerDescription": "Exchange mailbox", "subcategory": {"id": sub}, "category": {"id": category}, "type": {"id": product_type}, "unitOfMeasure": {"id": unit}, "cost": 7.25, "price": 12.0, "recurringFlag": true})).await;
        HandMadeSetup {
            solution,
            agreement_type,
            item,
        }
    }

    /// The setup rows a catalog item needs, made by hand: a product type (its record), a category,
    /// a sub-category in it and a unit of measure.
    pub async fn catalog_rows(
        &self,
        product_type: Value,
        category: &str,
        sub: &str,
        unit: &str,
    ) -> CatalogRows {
        let product_type = self.post("/procurement/types", product_type).await;
        let category = self
            .post("/procurement/categories", json!({"name": category}))
            .await;
        let sub = self
            .post(
                "/procurement/subcategories/",
                json!({"name": sub, "category": {"id": category}}),
            )
            .await;
        let unit = self
            .post("/procurement/unitOfMeasures", json!({"name": unit}))
            .await;
        CatalogRows {
            product_type,
            category,
            sub,
            unit,
        }
    }

    /// A company made by hand on top of [`Tenant::hand_made_setup`]: a contact, a link carrying
    /// its account, and an agreement with one addition.
    pub async fn hand_made_company(&self, setup: &HandMadeSetup, made: &HandMadeCompany<'_>) {
        let company = self
            .post(
                "/company/companies",
                json!({"identifier": made.identifier, "name": made.name, "city": "Austin"}),
            )
            .await;
        let contact = self
            .post(
                "/company/contacts",
                json!({"firstName": "Ann", "lastName": "Hand", "company": {"id": company}}),
            )
            .await;
        self.post(
            &format!("/company/companies/{company}/managementSummaryReports"),
            json!({"groupIdentifier": made.account, "managementSolution": {"id": setup.solution}}),
        )
        .await;
        let mut agreement = json!({"name": made.agreement, "type": {"id": setup.agreement_type}, "company": {"id": company}, "contact": {"id": contact}, "startDate": "2026-02-01T00:00:00Z"});
        if let Some(cycle) = made.billing_cycle {
            agreement["billingCycle"] = json!({"name": cycle});
        }
        let agreement = self.post("/finance/agreements", agreement).await;
        self.post(&format!("/finance/agreements/{agreement}/additions"), json!({"product": {"id": setup.item}, "quantity": 7, "unitPrice": made.unit_price, "billCustomer": "Billable", "effectiveDate": "2026-02-01T00:00:00Z"})).await;
    }
}
