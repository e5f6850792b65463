//! The one simulator harness: start a simulator on `127.0.0.1:0` with its own store, serve any
//! other router (a simulator behind a fault layer, a fake ConnectWise) the same way, point the real
//! client at either, and talk to the simulator by hand over real HTTP with reqwest, authenticated
//! as a ConnectWise client would be.

#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;

use cwrecon::connectwise::{BaseUrl, Client, ClientConfig};
use cwrecon::sim::{self, API_BASE, Credentials, Running, Store};
use serde_json::Value;

/// A running simulator and a client for it.
pub struct Sim {
    pub running: Running,
    pub store: Store,
    pub http: reqwest::Client,
    pub credentials: Credentials,
}

/// One answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

impl Sim {
    /// A simulator with the built-in defaults and the default credentials.
    pub async fn start() -> Sim {
        Sim::with_store(Store::with_credentials(Credentials::defaults())).await
    }

    pub async fn with_store(store: Store) -> Sim {
        let running = sim::start(store.clone(), "127.0.0.1:0".parse().expect("test setup"))
            .await
            .expect("the simulator binds 127.0.0.1:0");
        Sim {
            running,
            store,
            http: reqwest::Client::new(),
            credentials: Credentials::defaults(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.running.api_url())
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, self.url(path))
            .header("Authorization", self.credentials.authorization())
            .header("clientId", &self.credentials.client_id)
    }

    pub async fn send(&self, builder: reqwest::RequestBuilder) -> Answer {
        let response = builder.send().await.expect("test setup");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("test setup");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("test setup")
        };
        Answer {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(self.request(reqwest::Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        self.send(self.request(reqwest::Method::POST, path).json(body))
            .await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Answer {
        self.send(self.request(reqwest::Method::PUT, path).json(body))
            .await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Answer {
        self.send(self.request(reqwest::Method::PATCH, path).json(body))
            .await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(self.request(reqwest::Method::DELETE, path)).await
    }

    /// POST and expect 201; returns the new id.
    pub async fn create(&self, path: &str, body: &Value) -> i64 {
        let answer = self.post(path, body).await;
        assert_eq!(answer.status, 201, "POST {path}: {}", answer.body);
        answer.body["id"].as_i64().expect("test setup")
    }

    /// POST `company`, then `contact` in it; returns both ids.
    pub async fn company_with_contact(&self, company: &Value, mut contact: Value) -> (i64, i64) {
        let company = self.create("/company/companies", company).await;
        contact["company"] = serde_json::json!({ "id": company });
        let contact = self.create("/company/contacts", &contact).await;
        (company, contact)
    }

    /// The admin API.
    pub fn admin(&self, path: &str) -> String {
        format!("{}{path}", self.running.url())
    }

    /// The real client, pointed at this simulator.
    pub fn client(&self) -> Client {
        client(&self.running.api_url())
    }
}

/// Serve `app` on a free loopback port until the test ends; its address.
pub async fn serve(app: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("test setup: bind 127.0.0.1:0");
    let address = listener.local_addr().expect("test setup");
    tokio::spawn(async move { axum::serve(listener, app).await });
    address
}

/// The API base URL of a server at `address`: `http://127.0.0.1:PORT/v4_6_release/apis/3.0`.
pub fn api_url(address: SocketAddr) -> String {
    format!("http://{address}{API_BASE}")
}

/// The real client's configuration for a simulator (or a router wrapping one) at `api_url`: the
/// simulator's default credentials, and no client-side throttle (what a test times is never the
/// pause between requests).
pub fn client_config(api_url: &str) -> ClientConfig {
    let c = Credentials::defaults();
    ClientConfig::new(
        BaseUrl::from_site(api_url).expect("test setup: the simulator's URL"),
        c.company_id.clone(),
        c.public_key.clone(),
        c.private_key.clone(),
        c.client_id.clone(),
    )
    .with_requests_per_minute(1_000_000)
}

/// The real client for a simulator at `api_url` ([`client_config`]).
pub fn client(api_url: &str) -> Client {
    Client::new(client_config(api_url)).expect("test setup: the client")
}

/// `../shared/connectwise/<name>` beside the repository, as CI lays it out.
pub fn shared(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/connectwise")
        .join(name)
}

/// The spec subset (`manage-subset.openapi.json`).
pub fn spec() -> Value {
    let path = shared("manage-subset.openapi.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| {
        panic!(
            "read {} ({err}); CI puts shared/ beside the clone",
            path.display()
        )
    });
    serde_json::from_str(&text).expect("the spec is JSON")
}
