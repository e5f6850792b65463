//! A ConnectWise that refuses one company's agreement (400 InvalidObject): every other company is
//! still applied, the refused agreement's additions are skipped because of it, and the failure is
//! reported with ConnectWise's field and message. The server is the simulator's router behind a
//! layer that refuses that one request, served over real HTTP.

#![expect(
    clippy::unwrap_used,
    reason = "test setup: a failure here is a failed test"
)]

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use cwrecon::apply::{ClientTarget, Outcome};
use cwrecon::connectwise::Client;
use cwrecon::live::ClientSource;
use cwrecon::model::{Date, Kind};
use cwrecon::sim::{self, Credentials, Store};
use serde_json::json;

use crate::common::sim::{api_url, client, serve};

async fn refuse_bluebirds_agreement(request: Request, next: Next) -> Response {
    let is_agreement_post =
        request.method() == Method::POST && request.uri().path().ends_with("/finance/agreements");
    if !is_agreement_post {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, 1 << 20).await.unwrap_or_default();
    if String::from_utf8_lossy(&bytes).contains("Intermedia - Bluebird") {
        let body = json!({
            "code": "InvalidObject",
            "message": "agreement object is invalid",
            "errors": [{ "code": "InvalidField", "message": "Contact is inactive.", "resource": "agreement", "field": "contact" }]
        });
        return (StatusCode::BAD_REQUEST, axum::Json(body)).into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The simulator behind the refusing layer, over HTTP, with Acme and Bluebird made by hand.
async fn refusing_tenant() -> Client {
    let store = Store::with_credentials(Credentials::defaults());
    let router = sim::app(store.clone()).layer(middleware::from_fn(refuse_bluebirds_agreement));
    let client = client(&api_url(serve(router).await));
    let post = |path: &'static str, body: serde_json::Value| {
        let client = client.clone();
        async move {
            let request = cwrecon::connectwise::Request::create("setup", path, &body).unwrap();
            client
                .send_json::<serde_json::Value>(&request)
                .await
                .unwrap()["id"]
                .as_i64()
                .unwrap()
        }
    };
    let acme = post(
        "/company/companies",
        json!({"identifier": "AcmeCorp", "name": "Acme", "city": "Austin"}),
    )
    .await;
    post(
        "/company/contacts",
        json!({"firstName": "Jo", "lastName": "Acme", "company": {"id": acme}}),
    )
    .await;
    let bluebird = post(
        "/company/companies",
        json!({"identifier": "BluebirdDental", "name": "Bluebird", "city": "Austin"}),
    )
    .await;
    post(
        "/company/contacts",
        json!({"firstName": "Maria", "lastName": "Lopez", "company": {"id": bluebird}}),
    )
    .await;
    client
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_refused_agreement_leaves_every_other_company_applied() {
    let client = refusing_tenant().await;
    let config = cwrecon::config::load(&["examples/intermedia".into()]).unwrap();
    let source = ClientSource::new(client.clone(), 4);
    let target = ClientTarget::new(client.clone());
    let today = Date::parse("2026-11-25").unwrap();
    let applied = Box::pin(cwrecon::workflow::apply(
        &config, &source, &target, today, false, 4,
    ))
    .await
    .unwrap()
    .unwrap();

    let ops = &applied.report.plan.ops;
    let mut failed = Vec::new();
    let mut skipped = Vec::new();
    for (op, outcome) in ops.iter().zip(&applied.outcomes) {
        match outcome {
            Outcome::Failed { error } => failed.push((op.key.to_string(), error.clone())),
            Outcome::Skipped { because_of } => {
                skipped.push((op.key.to_string(), ops[*because_of].key.to_string()));
            }
            Outcome::Done { .. } => {}
            Outcome::Stopped { reason } => panic!("the run stopped: {reason}"),
        }
    }
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert_eq!(
        failed[0].0,
        "agreement 1002388 / Intermedia / Intermedia - Bluebird"
    );
    assert!(
        failed[0].1.contains("contact: Contact is inactive."),
        "{}",
        failed[0].1
    );
    assert_eq!(skipped.len(), 3, "Bluebird's three additions: {skipped:#?}");
    assert!(
        skipped
            .iter()
            .all(|(k, cause)| k.starts_with("addition 1002388") && cause.contains("Bluebird"))
    );
    // Everyone else's agreement and additions went in.
    let done_agreements = ops
        .iter()
        .zip(&applied.outcomes)
        .filter(|(op, o)| op.kind() == Kind::Agreement && matches!(o, Outcome::Done { .. }))
        .count();
    assert_eq!(done_agreements, 3);
    let summary = applied.summary();
    assert!(
        summary.contains("failed  create agreement 1002388"),
        "{summary}"
    );
    assert!(
        summary.contains("skipped create addition 1002388"),
        "{summary}"
    );
    assert!(!applied.is_complete());
}
