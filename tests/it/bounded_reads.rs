//! Bounded reads (issue 11, point 5) over real HTTP: a server that streams a huge body, one that
//! pages forever, a proxy that serves fewer rows than asked and sends no `Link`, a burst of 429s,
//! and a command deadline. No timing assertions: the servers count, the tests compare counts and
//! order.
#![expect(
    clippy::unwrap_used,
    reason = "test setup: a failure here is a failed test"
)]

use crate::common;
use crate::common::sim::{api_url, client_config, serve as serve_router};

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cwrecon::connectwise::{BaseUrl, Client, ClientConfig, ListParams, RetryPolicy};
use cwrecon::live::records::{COMPANIES, CompanyRecord};
use secrecy::SecretString;

type Handler = dyn Fn(&str, &str) -> Response + Send + Sync;

/// A loopback server answering `handler(path, query)`; returns its API base URL.
async fn serve(handler: impl Fn(&str, &str) -> Response + Send + Sync + 'static) -> String {
    async fn answer(State(handler): State<Arc<Handler>>, request: Request) -> Response {
        let path = request.uri().path().to_owned();
        let query = request.uri().query().unwrap_or_default().to_owned();
        handler(&path, &query)
    }
    let handler: Arc<Handler> = Arc::new(handler);
    let app = axum::Router::new().fallback(answer).with_state(handler);
    api_url(serve_router(app).await)
}

fn config(base: &str) -> ClientConfig {
    ClientConfig::new(
        BaseUrl::from_site(base).unwrap(),
        "acme",
        SecretString::from("pub-key"),
        SecretString::from("priv-key"),
        "client",
    )
    .with_retry(RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(10),
        max_retry_after: Duration::from_secs(5),
    })
}

fn json(body: String) -> Response {
    (StatusCode::OK, [("content-type", "application/json")], body).into_response()
}

fn page_of(query: &str) -> u32 {
    query
        .split('&')
        .find_map(|p| p.strip_prefix("page="))
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
}

fn page_size_of(query: &str) -> usize {
    query
        .split('&')
        .find_map(|p| p.strip_prefix("pageSize="))
        .and_then(|p| p.parse().ok())
        .unwrap_or(25)
}

/// `[{"id":first},…]` of `count` records.
fn records(first: usize, count: usize) -> String {
    let rows: Vec<String> = (first..first + count)
        .map(|id| format!(r#"{{"id":{id},"identifier":"C{id}"}}"#))
        .collect();
    format!("[{}]", rows.join(","))
}

/// A 100 MB body, produced a chunk at a time as the client reads it; `produced` counts the bytes
/// the server managed to hand to the socket.
fn endless_body(produced: Arc<AtomicUsize>, declare_length: bool) -> Response {
    const CHUNK: usize = 64 * 1024;
    const TOTAL: usize = 100 * 1024 * 1024;
    let chunk = format!("[{}", r#"{"id":1},"#.repeat(CHUNK / 9));
    let stream = futures_util::stream::iter(0..TOTAL / chunk.len()).map(move |_| {
        produced.fetch_add(chunk.len(), Ordering::Relaxed);
        Ok::<_, std::io::Error>(chunk.clone())
    });
    let mut response = Response::new(Body::from_stream(stream));
    if declare_length {
        response.headers_mut().insert(
            "content-length",
            (TOTAL / (CHUNK / 9 * 9 + 1) * (CHUNK / 9 * 9 + 1))
                .to_string()
                .parse()
                .unwrap(),
        );
    }
    response
}

use futures_util::StreamExt as _;

#[tokio::test]
async fn a_100_mb_body_is_refused_at_the_cap_without_being_buffered() {
    let produced = Arc::new(AtomicUsize::new(0));
    let counter = produced.clone();
    let base = serve(move |_, _| endless_body(counter.clone(), false)).await;
    let client = Client::new(config(&base).with_max_response_bytes(1024 * 1024)).unwrap();
    let err = COMPANIES
        .endpoint::<CompanyRecord>(&client)
        .list_all(&ListParams::new())
        .await
        .unwrap_err();
    let message = err.to_string();
    assert!(message.contains("list companies"), "{message}");
    assert!(message.contains("1048576 bytes"), "{message}");
    assert!(
        message.contains("--max-response-bytes") && message.contains("CWRECON_MAX_RESPONSE_BYTES"),
        "{message}"
    );
    // The client stopped reading: the server could not hand over more than the socket buffers.
    let sent = produced.load(Ordering::Relaxed);
    assert!(sent < 50 * 1024 * 1024, "{sent} bytes were produced");
    assert_eq!(client.total_requests(), 1, "a refused body is not retried");
}

#[tokio::test]
async fn a_declared_length_over_the_cap_is_refused_before_the_body_is_read() {
    let produced = Arc::new(AtomicUsize::new(0));
    let counter = produced.clone();
    let base = serve(move |_, _| endless_body(counter.clone(), true)).await;
    let client = Client::new(config(&base).with_max_response_bytes(1024 * 1024)).unwrap();
    let err = COMPANIES
        .endpoint::<CompanyRecord>(&client)
        .list_all(&ListParams::new())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("1048576 bytes"), "{err}");
}

#[tokio::test]
async fn endless_paging_stops_at_the_record_cap_with_an_error() {
    let served = Arc::new(AtomicUsize::new(0));
    let counter = served.clone();
    // Every page is full and has a `next`; ids move on, so only the cap can stop it.
    let base = serve(move |path, query| {
        counter.fetch_add(1, Ordering::Relaxed);
        let page = page_of(query) as usize;
        let size = page_size_of(query);
        let mut response = json(records((page - 1) * size + 1, size));
        let link = format!(
            r#"<http://h{path}?page={}&pageSize={size}>; rel="next""#,
            page + 1
        );
        response.headers_mut().insert("link", link.parse().unwrap());
        response
    })
    .await;
    let client = Client::new(config(&base).with_max_records(5_000)).unwrap();
    let err = COMPANIES
        .endpoint::<CompanyRecord>(&client)
        .list_all(&ListParams::new())
        .await
        .unwrap_err();
    let message = err.to_string();
    assert!(message.contains("list companies"), "{message}");
    assert!(message.contains("5000 records"), "{message}");
    assert!(
        message.contains("--max-records") && message.contains("CWRECON_MAX_RECORDS"),
        "{message}"
    );
    assert!(served.load(Ordering::Relaxed) <= 6, "it stopped at the cap");
}

#[tokio::test]
async fn a_page_that_repeats_the_previous_one_is_an_error_not_a_loop() {
    // A server that ignores `page` and sends no `Link`: the same short page forever.
    let base = serve(|_, _| json(records(1, 3))).await;
    let client = Client::new(config(&base)).unwrap();
    let err = COMPANIES
        .endpoint::<CompanyRecord>(&client)
        .list_all(&ListParams::new())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("page 2") && err.to_string().contains("repeats"),
        "{err}"
    );
    assert_eq!(client.total_requests(), 2);
}

#[tokio::test]
async fn a_proxy_capping_pages_without_link_loses_no_rows() {
    // 35 records; the proxy serves at most 10 a page whatever pageSize says, and no `Link`.
    let base = serve(|_, query| {
        let page = page_of(query) as usize;
        let first = (page - 1) * 10 + 1;
        let count = 35usize.saturating_sub(first - 1).min(10);
        json(records(first, count))
    })
    .await;
    let client = Client::new(config(&base)).unwrap();
    let all = COMPANIES
        .endpoint::<CompanyRecord>(&client)
        .list_all(&ListParams::new())
        .await
        .unwrap();
    let ids: Vec<i64> = all.iter().filter_map(|c| c.id).collect();
    assert_eq!(ids, (1..=35).collect::<Vec<i64>>());
    assert_eq!(client.total_requests(), 5, "four pages and the empty one");
}

/// Several requests in flight hit one throttling episode: each is answered 429 once (the server
/// holds its 429s until all six have arrived, so they are one episode), and every retry comes after
/// the last 429, with no request refused twice and one pause announced.
#[tokio::test]
async fn concurrent_requests_hitting_one_429_all_proceed_after_the_pause() {
    #[derive(Clone, Default)]
    struct Throttle {
        events: Arc<Mutex<Vec<&'static str>>>,
        arrived: Arc<AtomicUsize>,
        all_in: Arc<tokio::sync::Notify>,
    }
    async fn answer(State(t): State<Throttle>) -> Response {
        if t.arrived.fetch_add(1, Ordering::SeqCst) < 6 {
            if t.arrived.load(Ordering::SeqCst) >= 6 {
                t.all_in.notify_waiters();
            } else {
                let notified = t.all_in.notified();
                if t.arrived.load(Ordering::SeqCst) < 6 {
                    notified.await;
                }
            }
            t.events.lock().unwrap().push("429");
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", "1")],
                r#"{"error":"ConnectWiseAPI","message":"Too many requests."}"#,
            )
                .into_response();
        }
        t.events.lock().unwrap().push("200");
        json(r#"{"id":1,"identifier":"A"}"#.to_owned())
    }
    let throttle = Throttle::default();
    let app = axum::Router::new()
        .fallback(answer)
        .with_state(throttle.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let notices = Arc::new(AtomicUsize::new(0));
    let counter = notices.clone();
    let client = Client::new(
        config(&format!("http://{addr}"))
            .with_concurrency(6)
            .with_throttle_notice(move |_| {
                counter.fetch_add(1, Ordering::Relaxed);
            }),
    )
    .unwrap();
    let tasks: Vec<_> = (1..=6)
        .map(|id| {
            let endpoint = COMPANIES.endpoint::<CompanyRecord>(&client);
            tokio::spawn(async move { endpoint.get(id).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let events = throttle.events.lock().unwrap().clone();
    assert_eq!(
        events,
        [["429"; 6], ["200"; 6]].concat(),
        "each request retried exactly once, every retry after the pause"
    );
    assert_eq!(client.retries(), 6);
    // One throttling episode, one pause: the six 429s share it rather than each starting its own.
    assert_eq!(notices.load(Ordering::Relaxed), 1);
}

/// The CLI against a fake ConnectWise: every list is empty except `path_marker`, answered by
/// `special`.
async fn fake_tenant(
    marker: &'static str,
    special: impl Fn(&str) -> Response + Send + Sync + 'static,
) -> String {
    serve(move |path, query| {
        if path.contains(marker) {
            special(query)
        } else if path.ends_with("/system/info") {
            json(r#"{"version":"v2025.1"}"#.to_owned())
        } else {
            json("[]".to_owned())
        }
    })
    .await
}

async fn run_plan(base: String, env: &[(&str, &str)]) -> common::Output {
    let mut cli = common::Cli::new()
        .args(["plan", "examples/intermedia"])
        .env("CW_SITE", &base)
        .env("CW_COMPANY_ID", "acme")
        .env("CW_PUBLIC_KEY", "pub")
        .env("CW_PRIVATE_KEY", "priv")
        .env("CW_CLIENT_ID", "client")
        .env("CWRECON_TODAY", "2026-11-25");
    for (key, value) in env {
        cli = cli.env(key, value);
    }
    tokio::task::spawn_blocking(move || cli.run())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_names_the_response_cap_and_how_to_raise_it() {
    let produced = Arc::new(AtomicUsize::new(0));
    let base = fake_tenant("/procurement/types", move |_| {
        endless_body(produced.clone(), false)
    })
    .await;
    let output = run_plan(base, &[("CWRECON_MAX_RESPONSE_BYTES", "1048576")]).await;
    assert_eq!(output.code, 1, "{}", output.transcript());
    assert!(
        output.stderr.contains("productTypes")
            && output.stderr.contains("1048576 bytes")
            && output.stderr.contains("CWRECON_MAX_RESPONSE_BYTES"),
        "{}",
        output.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_stops_endless_paging_at_the_record_cap() {
    let base = fake_tenant("/procurement/types", |query| {
        let page = page_of(query) as usize;
        let size = page_size_of(query);
        json(records((page - 1) * size + 1, size))
    })
    .await;
    let output = run_plan(base, &[("CWRECON_MAX_RECORDS", "3000")]).await;
    assert_eq!(output.code, 1, "{}", output.transcript());
    assert!(
        output.stderr.contains("3000 records") && output.stderr.contains("--max-records"),
        "{}",
        output.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_throttle_is_announced_once_and_the_deadline_stops_the_command() {
    // Every request is throttled for 2 s at a time: after the first pause, the second would end
    // past the command's 3 s deadline, so the command stops there.
    let base = serve(|_, _| {
        (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "2")],
            r#"{"error":"ConnectWiseAPI","message":"Too many requests."}"#,
        )
            .into_response()
    })
    .await;
    let output = run_plan(base, &[("CWRECON_TIMEOUT", "3s")]).await;
    assert_eq!(output.code, 1, "{}", output.transcript());
    assert_eq!(
        output
            .stderr
            .matches("ConnectWise is throttling; waiting 2s (Retry-After)")
            .count(),
        1,
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("deadline") && output.stderr.contains("--timeout"),
        "{}",
        output.stderr
    );
}

/// A proxy in front of `upstream` that serves at most `cap` rows a page (it rewrites `pageSize`)
/// and drops the `Link` header, as some API gateways do.
async fn capping_proxy(upstream: String, cap: usize) -> String {
    #[derive(Clone)]
    struct Proxy {
        upstream: String,
        cap: usize,
        http: reqwest::Client,
    }
    async fn forward(State(p): State<Proxy>, request: Request) -> Response {
        let (parts, body) = request.into_parts();
        let body = axum::body::to_bytes(body, 1 << 24).await.unwrap();
        let path = parts
            .uri
            .path()
            .strip_prefix("/v4_6_release/apis/3.0")
            .unwrap_or(parts.uri.path());
        let query: Vec<String> = parts
            .uri
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|q| !q.is_empty())
            .map(|q| {
                if q.starts_with("pageSize=") {
                    format!("pageSize={}", p.cap)
                } else {
                    q.to_owned()
                }
            })
            .collect();
        let url = format!("{}{path}?{}", p.upstream, query.join("&"));
        let mut outgoing = p
            .http
            .request(parts.method.clone(), url)
            .body(body.to_vec());
        for (name, value) in &parts.headers {
            if name != "host" && name != "content-length" {
                outgoing = outgoing.header(name, value);
            }
        }
        let answer = outgoing.send().await.unwrap();
        let status = answer.status();
        let content_type = answer
            .headers()
            .get("content-type")
            .cloned()
            .unwrap_or_else(|| "application/json".parse().unwrap());
        let bytes = answer.bytes().await.unwrap();
        let mut response = Response::new(Body::from(bytes));
        *response.status_mut() = status;
        response.headers_mut().insert("content-type", content_type);
        response
    }
    let proxy = Proxy {
        upstream,
        cap,
        http: reqwest::Client::new(),
    };
    let app = axum::Router::new().fallback(forward).with_state(proxy);
    api_url(serve_router(app).await)
}

/// Applied directly, then planned through a proxy that serves 3 rows a page without `Link`: the
/// plan sees every record (9 catalog items, 4 companies…) and wants nothing, where it used to
/// stop at the first short page and want duplicates.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_through_a_page_capping_proxy_wants_no_duplicates() {
    let t = common::tenant::tenant().await;
    t.with_example_companies().await;
    let applied = t.apply_cli("/dev/null").run();
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    let proxy = capping_proxy(t.running.api_url(), 3).await;
    let cli = t
        .cli(&["plan", "examples/intermedia", "--detailed-exitcode"])
        .env("CW_SITE", &proxy);
    let output = tokio::task::spawn_blocking(move || cli.run())
        .await
        .unwrap();
    assert_eq!(output.code, 0, "{}", output.transcript());
    assert!(
        output.stdout.contains("no changes"),
        "{}",
        output.transcript()
    );
}

/// Past the command's deadline, apply sends no write: every op fails naming the deadline (and is
/// reported so), and the tenant is unchanged. (The reads here go through a client without a
/// deadline, so the plan is made and the result read back.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_deadline_apply_stops_at_the_lock_and_writes_nothing() {
    let t = common::tenant::tenant().await;
    t.with_example_companies().await;
    let config = cwrecon::config::load(&["examples/intermedia".into()]).unwrap();
    let late =
        Client::new(client_config(&t.running.api_url()).with_deadline(Duration::ZERO)).unwrap();
    let source = cwrecon::live::ClientSource::new(t.client.clone(), 4);
    let target = cwrecon::apply::ClientTarget::new(late);
    let writes = t.writes();
    // The apply lock is the first write an apply makes, so a command already past its deadline
    // stops there: before it has read the tenant, and with nothing written.
    let refused = Box::pin(cwrecon::commands::apply::apply(
        &config,
        &source,
        &target,
        cwrecon::model::Date::parse("2026-11-25").unwrap(),
        false,
        4,
    ))
    .await
    .expect_err("past its deadline, apply cannot take the lock");
    assert_eq!(t.writes(), writes, "no write was sent");
    let message = format!("{refused}: {:?}", std::error::Error::source(&refused));
    assert!(
        message.contains("deadline") && message.contains("--timeout"),
        "{message}"
    );
}
