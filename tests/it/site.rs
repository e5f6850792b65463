//! Every form of `CW_SITE` a user copies reaches the API, through the real binary and the simulator
//! over HTTP: an origin with or without a slash (the codebase is asked of the server), the full API
//! URL, a URL copied from the browser. A wrong site is reported with a hint naming `CW_SITE` and
//! `cwrecon doctor`, never as a bare status line.
#![expect(
    clippy::unwrap_used,
    reason = "test setup: a failure here is a failed test"
)]

use crate::common;
use crate::common::sim::{api_url, serve};

use crate::common::tenant::{Tenant, tenant};

/// The origin of the simulator: `http://127.0.0.1:PORT`.
fn origin(t: &Tenant) -> String {
    t.running
        .api_url()
        .strip_suffix(cwrecon::sim::API_BASE)
        .unwrap()
        .to_owned()
}

/// Plan the examples with `CW_SITE` set to `site`; the API paths the simulator was asked.
fn plan_with_site(t: &Tenant, site: &str) -> (common::Output, Vec<String>) {
    let before = t.store.requests().len();
    let output = t
        .cli(&["plan", "examples/intermedia"])
        .env("CW_SITE", site)
        .run();
    let paths = t.store.requests()[before..]
        .iter()
        .map(|r| r.path.clone())
        .collect();
    (output, paths)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_form_of_the_site_reaches_the_api() {
    let t = tenant().await;
    t.with_example_companies().await;
    let origin = origin(&t);
    let versioned = cwrecon::sim::VERSIONED_API_BASE;
    for (site, base) in [
        // No codebase named: the server is asked (`/login/companyinfo`) and names `v2025_1/`.
        (origin.clone(), versioned),
        (format!("{origin}/"), versioned),
        // The full API URL is taken as given.
        (t.running.api_url(), cwrecon::sim::API_BASE),
        (format!("{}/", t.running.api_url()), cwrecon::sim::API_BASE),
        // A page copied from the browser gives its codebase; its query and fragment are dropped.
        (
            format!("{origin}/v2025_1/ConnectWise.aspx?locale=en_US#startscreen"),
            versioned,
        ),
    ] {
        let (output, paths) = plan_with_site(&t, &site);
        assert_eq!(output.code, 0, "{site}: {}", output.transcript());
        assert!(!paths.is_empty(), "{site}: no API request");
        assert!(
            paths.iter().all(|p| p.starts_with(base)),
            "{site}: every request under {base}: {paths:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_an_answer_the_codebase_falls_back_to_the_router() {
    let t = tenant().await;
    let site = cwrecon::connectwise::Site::parse(&origin(&t)).unwrap();
    let asked = cwrecon::connectwise::resolve_site(&site, "cwrecon").await;
    assert_eq!(asked.path(), cwrecon::sim::VERSIONED_API_BASE);
    // The simulator knows no company `nobody`: no codebase, so the `v4_6_release/` router.
    let fallback = cwrecon::connectwise::resolve_site(&site, "nobody").await;
    assert_eq!(fallback.path(), cwrecon::connectwise::DEFAULT_CODEBASE_PATH);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_site_is_reported_with_a_hint_in_every_command() {
    let t = tenant().await;
    let wrong = format!("{}/wrong/apis/3.0", origin(&t));
    for args in [
        &["plan", "examples/intermedia"][..],
        &["apply", "examples/intermedia", "--auto-approve"][..],
        &["export", "--out", "/nonexistent/never-written"][..],
        &[
            "reconcile",
            "intermedia",
            "examples/billing/intermedia-export.csv",
            "examples/intermedia",
        ][..],
    ] {
        let output = t.cli(args).env("CW_SITE", &wrong).run();
        assert_eq!(output.code, 1, "{args:?}: {}", output.transcript());
        assert!(
            output
                .stderr
                .contains("hint: this does not look like ConnectWise's API: check CW_SITE")
                && output.stderr.contains("`cwrecon doctor`"),
            "{args:?}: {}",
            output.stderr
        );
    }
    let doctor = t.cli(&["doctor"]).env("CW_SITE", &wrong).run();
    assert_eq!(doctor.code, 1, "{}", doctor.transcript());
    assert!(doctor.stdout.contains("check CW_SITE"), "{}", doctor.stdout);
}

/// A web server that answers every request with an HTML page, as a wrong host or a login portal
/// does.
async fn web_page_server() -> String {
    use axum::response::Html;
    let app = axum::Router::new()
        .fallback(|| async { Html("<!DOCTYPE html><html><body>Sign in</body></html>") });
    api_url(serve(app).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_web_page_instead_of_the_api_is_reported_with_the_hint() {
    let t = tenant().await;
    let site = web_page_server().await;
    let output = t
        .cli(&["plan", "examples/intermedia"])
        .env("CW_SITE", &site)
        .run();
    assert_eq!(output.code, 1, "{}", output.transcript());
    assert!(
        output
            .stderr
            .contains("hint: this does not look like ConnectWise's API"),
        "{}",
        output.stderr
    );
}
