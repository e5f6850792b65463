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
use cwrecon::sim::{self, Credentials, Faults, RefusedWrite, Store};
use serde_json::{Value, json};

use crate::common;
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
    let applied = Box::pin(cwrecon::commands::apply::apply(
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
            Outcome::Failed { error } => failed.push((op.key.to_string(), error.to_string())),
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
    // ConnectWise's field error, once (it used to be appended a second time).
    assert_eq!(
        failed[0]
            .1
            .matches("contact: InvalidField Contact is inactive.")
            .count(),
        1,
        "{}",
        failed[0].1
    );
    assert_eq!(
        failed[0].1.matches("Contact is inactive.").count(),
        1,
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
    assert_eq!(
        summary.matches("Contact is inactive.").count(),
        1,
        "ConnectWise's field error is shown once: {summary}"
    );
    assert!(
        !summary.contains("Stopped"),
        "a refusal does not stop the apply: {summary}"
    );
    assert!(
        summary.contains("skipped create addition 1002388"),
        "{summary}"
    );
    assert!(!applied.is_complete());
}

/// An apply's output, its journal's lines and the simulator's request log.
type Refused = (
    common::Output,
    Vec<Value>,
    Vec<cwrecon::sim::RequestLogEntry>,
);

/// The examples applied one op at a time (so "after the refusal" is well defined), with every write
/// to agreements refused with `status`: the CLI's output, the journal's lines and the request log.
async fn apply_refusing_agreements(status: u16) -> Refused {
    {
        let t = common::tenant::tenant().await;
        t.with_example_companies().await;
        t.store.set_faults(Faults {
            refused_writes: vec![RefusedWrite {
                path: "/finance/agreements".into(),
                status,
                field: Some("contact".into()),
            }],
            ..Faults::default()
        });
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("journal.jsonl");
        let output = t
            .apply_cli(journal.to_str().unwrap())
            .args(["--concurrency", "1"])
            .run();
        let lines = std::fs::read_to_string(&journal)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (output, lines, t.store.requests())
    }
}

/// What every refused-right test checks: exit 1 (an apply not fully done, README "Exit codes"),
/// the one message (`needle`) said once, the `Stopped: …` line (`says`) on stdout, nothing written
/// after the refused request but the apply lock's own row, and a journal that says what was and
/// was not done, op by op, with the one failure typed `error_kind`. Returns that failure's line.
fn assert_stopped_at_the_first_refusal<'r>(
    status: u16,
    needle: &str,
    says: &str,
    error_kind: &str,
    (output, journal, log): &'r Refused,
) -> &'r Value {
    let shown = output.transcript();
    assert_eq!(output.code, 1, "{shown}");
    assert!(output.stdout.contains(says), "{shown}");
    assert_eq!(shown.matches(needle).count(), 1, "{shown}");
    assert_eq!(shown.matches("Stopped: ").count(), 1, "{shown}");

    // The refused request is the only one: no write after it but the lock's heartbeat and release.
    assert!(
        log.iter().any(|r| r.path.ends_with("/system/bundles")),
        "verified after"
    );
    let refused: Vec<usize> = (0..log.len())
        .filter(|&i| log[i].status == status)
        .collect();
    assert_eq!(refused.len(), 1, "{log:#?}");
    let at = refused[0];
    assert!(
        log[at].method == "POST" && log[at].path.ends_with("/finance/agreements"),
        "{:?}",
        log[at]
    );
    let written_after: Vec<_> = log[at + 1..]
        .iter()
        .filter(|r| {
            // Bundles are reads (the verification), and the lock's row is its own.
            r.method != "GET"
                && !r.path.ends_with("/system/bundles")
                && !r.path.contains("/company/managementItSolutions")
        })
        .collect();
    assert!(written_after.is_empty(), "{written_after:#?}");

    // The journal has every op: what was done, the one failure (typed), and what was not started.
    let ops = output
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("Applied: "))
        .and_then(|l| l.rsplit_once("(of "))
        .and_then(|(_, n)| n.split(' ').next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or_else(|| panic!("{shown}"));
    assert_eq!(journal.len(), ops, "{journal:#?}");
    let outcome = |o: &str| journal.iter().filter(|l| l["outcome"] == o).count();
    assert!(outcome("done") > 0, "{journal:#?}");
    assert_eq!(outcome("failed"), 1, "{journal:#?}");
    let failed = journal.iter().find(|l| l["outcome"] == "failed").unwrap();
    assert_eq!(failed["action"], "create", "{failed}");
    assert!(
        failed["key"].as_str().unwrap().starts_with("agreement "),
        "{failed}"
    );
    assert_eq!(failed["status"], status, "{failed}");
    assert!(failed["error"].is_string(), "{failed}");
    let stopped: Vec<&Value> = journal
        .iter()
        .filter(|l| l["outcome"] == "stopped")
        .collect();
    assert!(!stopped.is_empty(), "the other agreements: {journal:#?}");
    assert!(
        stopped.iter().all(|l| l["reason"]
            .as_str()
            .unwrap()
            .starts_with("ConnectWise refused")),
        "{stopped:#?}"
    );
    assert!(
        journal
            .iter()
            .filter(|l| l["key"].as_str().unwrap().starts_with("addition "))
            .all(|l| l["outcome"] == "skipped" || l["outcome"] == "stopped"),
        "no addition was written: {journal:#?}"
    );
    assert_eq!(
        outcome("done") + outcome("failed") + outcome("skipped") + outcome("stopped"),
        ops
    );
    assert_eq!(failed["error_kind"], error_kind, "{failed}");
    failed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_403_on_agreement_writes_stops_the_apply_with_one_message_naming_the_right() {
    let run = apply_refusing_agreements(403).await;
    let failed = assert_stopped_at_the_first_refusal(
        403,
        "Finance › Agreements (Add: All)",
        "Stopped: ConnectWise refused create agreements (POST /finance/agreements) for lack of a right (403 Forbidden)",
        "forbidden",
        &run,
    );
    assert_eq!(
        failed["right"], "Finance › Agreements (Add: All)",
        "{failed}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_stops_the_apply_with_one_message_naming_the_keys() {
    let run = apply_refusing_agreements(401).await;
    assert_stopped_at_the_first_refusal(
        401,
        "CW_PUBLIC_KEY",
        "Stopped: ConnectWise refused the login on create agreements (POST /finance/agreements) (401 Unauthorized)",
        "unauthorized",
        &run,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_403_on_the_apply_lock_names_the_right_once_and_is_not_asked_again() {
    let t = common::tenant::tenant().await;
    t.store.set_faults(Faults {
        refused_writes: vec![RefusedWrite {
            path: "/company/managementItSolutions".into(),
            status: 403,
            field: None,
        }],
        ..Faults::default()
    });
    let output = t.apply_cli("/dev/null").run();
    let shown = output.transcript();
    assert_eq!(output.code, 1, "{shown}");
    assert_eq!(
        shown.matches("System › Table Setup (Add: All)").count(),
        1,
        "{shown}"
    );
    let lock_posts = t
        .store
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/company/managementItSolutions"))
        .count();
    assert_eq!(lock_posts, 1, "{shown}");
    assert_eq!(t.writes(), 0, "nothing else was written: {shown}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_400_with_field_errors_shows_each_once_and_the_apply_goes_on() {
    let (output, journal, _) = apply_refusing_agreements(400).await;
    let shown = output.transcript();
    assert_eq!(output.code, 1, "{shown}");
    assert!(
        !shown.contains("Stopped"),
        "a refusal does not stop the apply: {shown}"
    );
    let failed: Vec<&str> = output
        .stdout
        .lines()
        .filter(|l| l.starts_with("  failed "))
        .collect();
    assert_eq!(failed.len(), 4, "every agreement is tried: {shown}");
    let field_error = "contact: InvalidField Refused by the simulator's refusedWrites fault.";
    for line in &failed {
        assert_eq!(line.matches(field_error).count(), 1, "{line}");
        assert_eq!(line.matches("refusedWrites").count(), 1, "{line}");
    }
    assert_eq!(shown.matches("refusedWrites").count(), 4, "{shown}");
    let refused: Vec<&Value> = journal
        .iter()
        .filter(|l| l["outcome"] == "failed")
        .collect();
    assert_eq!(refused.len(), 4, "{journal:#?}");
    for line in refused {
        assert_eq!(line["error_kind"], "refused", "{line}");
        assert_eq!(line["status"], 400, "{line}");
        assert_eq!(
            line["field_errors"],
            json!([{
                "field": "contact",
                "code": "InvalidField",
                "message": "Refused by the simulator's refusedWrites fault.",
                "resource": "agreements"
            }]),
            "{line}"
        );
        assert_eq!(
            line["error"]
                .as_str()
                .unwrap()
                .matches("refusedWrites")
                .count(),
            1,
            "{line}"
        );
    }
    assert!(
        journal
            .iter()
            .filter(|l| l["key"].as_str().unwrap().starts_with("addition "))
            .all(|l| l["outcome"] == "skipped"),
        "each refused agreement's additions wait for it: {journal:#?}"
    );
}
