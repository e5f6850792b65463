//! A simulator tenant for tests: an in-process `cwrecon sim` on `127.0.0.1:0` with its own store,
//! the real client pointed at it, and a way to change records by hand as an admin would.
#![allow(dead_code, unreachable_pub)]
#![expect(
    clippy::unwrap_used,
    reason = "test setup: a failure here is a failed test"
)]

use cwrecon::connectwise::{BaseUrl, Client, ClientConfig};
use cwrecon::sim::{self, Credentials, Running, Store};
use serde_json::{Value, json};

pub struct Tenant {
    pub running: Running,
    pub store: Store,
    pub client: Client,
}

pub async fn tenant() -> Tenant {
    let store = Store::with_credentials(Credentials::defaults());
    let running = sim::start(store.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let c = Credentials::defaults();
    let config = ClientConfig::new(
        BaseUrl::from_site(&running.api_url()).unwrap(),
        c.company_id.clone(),
        c.public_key.clone(),
        c.private_key.clone(),
        c.client_id.clone(),
    )
    .with_requests_per_minute(100_000);
    let client = Client::new(config).unwrap();
    Tenant {
        running,
        store,
        client,
    }
}

impl Tenant {
    /// Create a record by hand, as a ConnectWise admin would, and return its id.
    pub async fn post(&self, path: &str, body: Value) -> i64 {
        let url = format!("{}{path}", self.running.api_url());
        let c = Credentials::defaults();
        let response = reqwest::Client::new()
            .post(url)
            .header("Authorization", c.authorization())
            .header("clientId", &c.client_id)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {body}");
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
        let url = format!("{}{path}", self.running.api_url());
        let c = Credentials::defaults();
        let mut request = reqwest::Client::new()
            .request(method, url)
            .header("Authorization", c.authorization())
            .header("clientId", &c.client_id);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response.json().await.unwrap_or(Value::Null)
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
            ("CWRECON_TODAY", "2026-11-25".to_owned()),
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
