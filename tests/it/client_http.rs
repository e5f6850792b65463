//! Behaviour of `connectwise::Client` over real HTTP: a tiny server on `127.0.0.1:0` plays canned
//! responses (429 with `Retry-After`, 503s, a 400 `InvalidObject`, paged lists with `Link` headers,
//! dropped connections), and the tests check what the client sent, how often, and what it reported.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use cwrecon::connectwise::{
    BaseUrl, BundleGet, BundleOutcome, Client, ClientConfig, Conditions, Error, ListParams,
    PatchOp, RetryPolicy,
};
use cwrecon::live::records::{ADDITIONS, AdditionRecord, COMPANIES, CompanyRecord, PRODUCT_TYPES};
use secrecy::SecretString;
use serde_json::{Value as Json, json as body};

use crate::common::sim::{api_url, serve as serve_router};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

const PUBLIC: &str = "pub-KEY-do-not-leak";
const PRIVATE: &str = "priv-KEY-do-not-leak";

/// One request the server saw.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    query: String,
    headers: HeaderMap,
    body: String,
}

type Script = dyn Fn(&Seen, usize) -> Response + Send + Sync;

#[derive(Clone)]
struct Shared {
    seen: Arc<Mutex<Vec<Seen>>>,
    script: Arc<Script>,
}

struct Server {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("test server setup").clone()
    }
}

async fn record(State(shared): State<Shared>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .expect("test server setup");
    let seen = Seen {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or("").to_owned(),
        headers: parts.headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let index = {
        let mut all = shared.seen.lock().expect("test server setup");
        all.push(seen.clone());
        all.len() - 1
    };
    (shared.script)(&seen, index)
}

/// Serve `script(request, index_of_request)` on a free loopback port.
async fn serve(script: impl Fn(&Seen, usize) -> Response + Send + Sync + 'static) -> Server {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let shared = Shared {
        seen: seen.clone(),
        script: Arc::new(script),
    };
    let app = axum::Router::new().fallback(record).with_state(shared);
    Server {
        base: api_url(serve_router(app).await),
        seen,
    }
}

fn fast_retry(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(10),
        max_retry_after: Duration::from_secs(1),
    }
}

fn client(base: &str, max_attempts: u32) -> Client {
    let config = ClientConfig::new(
        BaseUrl::from_site(base).expect("test server setup"),
        "acme",
        SecretString::from(PUBLIC),
        SecretString::from(PRIVATE),
        "11111111-2222-3333-4444-555555555555",
    )
    .with_retry(fast_retry(max_attempts))
    .with_timeout(Duration::from_secs(5));
    Client::new(config).expect("test server setup")
}

fn json(status: u16, body: &str) -> Response {
    (
        StatusCode::from_u16(status).expect("test server setup"),
        [("content-type", "application/json")],
        body.to_owned(),
    )
        .into_response()
}

fn assert_no_secret(text: &str) {
    assert!(!text.contains("KEY-do-not-leak"), "a key leaked: {text}");
}

#[tokio::test]
async fn sends_auth_client_id_and_pinned_accept() {
    let server = serve(|_, _| json(200, r#"{"version":"v2025.1.1","isCloud":false}"#)).await;
    let client = client(&server.base, 5);
    let info = client.system_info().await.unwrap();
    assert_eq!(info.version.as_deref(), Some("v2025.1.1"));
    let seen = server.seen();
    let headers = &seen[0].headers;
    let expected = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(format!("acme+{PUBLIC}:{PRIVATE}"))
    };
    assert_eq!(
        headers["authorization"],
        format!("Basic {expected}").as_str()
    );
    assert_eq!(headers["clientid"], "11111111-2222-3333-4444-555555555555");
    assert_eq!(
        headers["accept"],
        "application/vnd.connectwise.com+json; version=2025.1"
    );
    assert_eq!(seen[0].path, "/v4_6_release/apis/3.0/system/info");
    assert_no_secret(&format!("{client:?}"));
}

#[tokio::test]
async fn retries_429_honouring_retry_after_then_succeeds() {
    let server = serve(|_, i| {
        if i == 0 {
            (
                StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", "1")],
                r#"{"error":"ConnectWiseAPI","message":"Too many requests. Please try again in 1 seconds."}"#,
            )
                .into_response()
        } else {
            json(200, r#"{"id":250,"identifier":"AcmeCorp","name":"Acme"}"#)
        }
    })
    .await;
    let client = client(&server.base, 5);
    let company = COMPANIES
        .endpoint::<CompanyRecord>(&client)
        .get(250)
        .await
        .unwrap();
    assert_eq!(company.identifier.as_deref(), Some("AcmeCorp"));
    assert_eq!(server.seen().len(), 2);
    assert_eq!(client.request_counts()["companies"], 2);
}

#[tokio::test]
async fn retries_503_twice_then_succeeds() {
    let server = serve(|_, i| {
        if i < 2 {
            json(503, "")
        } else {
            json(200, r#"{"count":7}"#)
        }
    })
    .await;
    let client = client(&server.base, 5);
    let n = COMPANIES
        .endpoint::<CompanyRecord>(&client)
        .count(&ListParams::new().conditions(Conditions::eq("deletedFlag", false)))
        .await
        .unwrap();
    assert_eq!(n, 7);
    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    assert_eq!(
        seen[2].path,
        "/v4_6_release/apis/3.0/company/companies/count"
    );
    assert_eq!(seen[2].query, "conditions=deletedFlag%20%3D%20false");
}

#[tokio::test]
async fn invalid_object_is_decoded_and_never_retried() {
    let server = serve(|_, _| {
        json(
            400,
            r#"{"code":"InvalidObject","message":"productType object is invalid","errors":[{"code":"ObjectExists","message":"The name already exists.","resource":"productType","field":"name"}]}"#,
        )
    })
    .await;
    let client = client(&server.base, 5);
    let row = body!({"name": "Intermedia_Services"});
    let err = PRODUCT_TYPES
        .endpoint::<Json>(&client)
        .create(&row)
        .await
        .unwrap_err();
    assert!(err.is_validation());
    assert!(!err.may_have_committed());
    let api = err.api_error().unwrap();
    assert_eq!(api.errors[0].field.as_deref(), Some("name"));
    assert_eq!(
        err.to_string(),
        "create productTypes (POST /procurement/types): 400 Bad Request InvalidObject: productType object is invalid; name: ObjectExists The name already exists."
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].body, r#"{"name":"Intermedia_Services"}"#);
    assert_eq!(seen[0].headers["content-type"], "application/json");
}

#[tokio::test]
async fn a_write_answered_503_is_not_resent_and_may_have_committed() {
    let server = serve(|_, _| json(503, "")).await;
    let client = client(&server.base, 5);
    let addition = body!({"product": {"id": 12}, "billCustomer": "Billable"});
    let err = ADDITIONS
        .child_endpoint::<Json>(&client, 7)
        .create(&addition)
        .await
        .unwrap_err();
    assert!(err.may_have_committed() && !err.is_validation());
    assert_eq!(server.seen().len(), 1);
    assert_eq!(
        err.to_string(),
        "create additions (POST /finance/agreements/7/additions): 503 Service Unavailable"
    );
}

#[tokio::test]
async fn list_all_follows_link_next() {
    let server = serve(|seen, _| {
        let page: u32 = seen
            .query
            .split('&')
            .find_map(|p| p.strip_prefix("page="))
            .unwrap()
            .parse()
            .unwrap();
        let url = |n: u32| {
            format!(
                "<http://proxy.example/v4_6_release/apis/3.0/company/companies?pageSize=2&page={n}>"
            )
        };
        let link = match page {
            1 => format!(r#"{}; rel="next", {}; rel="last""#, url(2), url(3)),
            2 => format!(r#"{}; rel="next", {}; rel="last""#, url(3), url(3)),
            _ => format!(r#"{}; rel="first""#, url(1)),
        };
        let body = match page {
            1 => r#"[{"id":1,"name":"A"},{"id":2,"name":"B"}]"#,
            2 => r#"[{"id":3,"name":"C"},{"id":4,"name":"D"}]"#,
            _ => r#"[{"id":5,"name":"E"}]"#,
        };
        (StatusCode::OK, [("link", link)], body.to_owned()).into_response()
    })
    .await;
    let client = client(&server.base, 5);
    let params = ListParams::new()
        .conditions(Conditions::eq("name", "A&B \"q\""))
        .fields(["id", "name"])
        .page_size(2);
    let companies = COMPANIES
        .endpoint::<CompanyRecord>(&client)
        .list_all(&params)
        .await
        .unwrap();
    let ids: Vec<i64> = companies.iter().filter_map(|c| c.id).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    let queries: Vec<String> = server.seen().into_iter().map(|s| s.query).collect();
    insta::assert_snapshot!(queries.join("\n"), @r"
    conditions=name%20%3D%20%22A%26B%20%5C%22q%5C%22%22&fields=id,name&orderBy=id%20asc&page=1&pageSize=2
    conditions=name%20%3D%20%22A%26B%20%5C%22q%5C%22%22&fields=id,name&orderBy=id%20asc&page=2&pageSize=2
    conditions=name%20%3D%20%22A%26B%20%5C%22q%5C%22%22&fields=id,name&orderBy=id%20asc&page=3&pageSize=2
    ");
    assert_eq!(client.request_counts()["companies"], 3);
}

#[tokio::test]
async fn list_all_without_link_reads_while_pages_are_full() {
    let server = serve(|seen, _| {
        if seen.query.contains("page=1&") {
            json(200, r#"[{"id":1},{"id":2}]"#)
        } else if seen.query.contains("page=2&") {
            json(200, r#"[{"id":3},{"id":4}]"#)
        } else {
            json(200, "[]")
        }
    })
    .await;
    let client = client(&server.base, 5);
    let all = COMPANIES
        .endpoint::<CompanyRecord>(&client)
        .list_all(&ListParams::new().page_size(2))
        .await
        .unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn get_opt_maps_404_to_none_and_patch_sends_operations() {
    let server = serve(|seen, _| match seen.method.as_str() {
        "GET" => json(
            404,
            r#"{"code":"NotFound","message":"Agreement Addition Not Found","errors":null}"#,
        ),
        _ => json(200, r#"{"id":3,"quantity":42.0,"product":{"id":12}}"#),
    })
    .await;
    let client = client(&server.base, 5);
    let additions = ADDITIONS.child_endpoint::<Json>(&client, 7);
    assert_eq!(additions.get_opt(3).await.unwrap(), None);
    let updated = additions
        .patch(3, &[PatchOp::replace("quantity", &42).unwrap()])
        .await
        .unwrap();
    assert_eq!(updated["quantity"], 42.0);
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "a 404 is not retried");
    assert_eq!(seen[1].method, "PATCH");
    assert_eq!(
        seen[1].path,
        "/v4_6_release/apis/3.0/finance/agreements/7/additions/3"
    );
    assert_eq!(
        seen[1].body,
        r#"[{"op":"replace","path":"quantity","value":42}]"#
    );
}

#[tokio::test]
async fn bundles_results_and_unsupported() {
    let server = serve(|seen, _| {
        if seen.body.contains("\"parentId\":7") {
            json(
                200,
                r#"{"results":[{"sequenceNumber":1,"resourceType":"agreementAddition","entities":[{"id":3,"product":{"id":12}}],"success":true,"statusCode":200}]}"#,
            )
        } else {
            json(404, r#"{"code":"NotFound","message":"not found","errors":null}"#)
        }
    })
    .await;
    let client = client(&server.base, 5);
    let gets = [BundleGet::list(
        "agreementAddition",
        Some(7),
        ListParams::new(),
        1,
    )];
    let BundleOutcome::Results(results) = client.bundle_get(&gets).await.unwrap() else {
        panic!("expected results");
    };
    let additions: Vec<AdditionRecord> = results[0].entities_as().unwrap();
    assert_eq!(additions[0].id, Some(3));
    let gets = [BundleGet::by_id("company", None, 250)];
    assert_eq!(
        client.bundle_get(&gets).await.unwrap(),
        BundleOutcome::Unsupported { status: 404 }
    );
    assert_eq!(client.request_counts()["bundles"], 2);
    assert_eq!(
        server.seen()[0].path,
        "/v4_6_release/apis/3.0/system/bundles"
    );
}

/// The retried status set, pinned: every status answered to a GET (two attempts allowed) and to a
/// POST, and how many requests the server saw.
#[tokio::test]
async fn retried_status_set() {
    let statuses = [
        400u16, 401, 403, 404, 405, 409, 415, 422, 429, 500, 501, 502, 503, 504,
    ];
    let mut lines = Vec::new();
    for status in statuses {
        let server = serve(move |_, _| {
            let mut response = json(status, r#"{"code":"X","message":"canned","errors":null}"#);
            if status == 429 {
                response
                    .headers_mut()
                    .insert("retry-after", "0".parse().unwrap());
            }
            response
        })
        .await;
        let client = client(&server.base, 2);
        let companies = COMPANIES.endpoint::<Json>(&client);
        let get = companies.get(1).await.unwrap_err();
        let get_attempts = server.seen().len();
        let post = companies.create(&body!({})).await.unwrap_err();
        let post_attempts = server.seen().len() - get_attempts;
        assert_no_secret(&format!("{get} {get:?} {post} {post:?}"));
        lines.push(format!(
            "{status}: get {} post {} validation={} auth={} post_may_have_committed={}",
            if get_attempts > 1 { "retried" } else { "once" },
            if post_attempts > 1 { "retried" } else { "once" },
            get.is_validation(),
            get.is_auth(),
            post.may_have_committed(),
        ));
    }
    insta::assert_snapshot!(lines.join("\n"), @r"
    400: get once post once validation=true auth=false post_may_have_committed=false
    401: get once post once validation=false auth=true post_may_have_committed=false
    403: get once post once validation=false auth=true post_may_have_committed=false
    404: get once post once validation=false auth=false post_may_have_committed=false
    405: get once post once validation=false auth=false post_may_have_committed=false
    409: get once post once validation=true auth=false post_may_have_committed=false
    415: get once post once validation=false auth=false post_may_have_committed=false
    422: get once post once validation=true auth=false post_may_have_committed=false
    429: get retried post retried validation=false auth=false post_may_have_committed=false
    500: get retried post once validation=false auth=false post_may_have_committed=true
    501: get once post once validation=false auth=false post_may_have_committed=true
    502: get retried post once validation=false auth=false post_may_have_committed=true
    503: get retried post once validation=false auth=false post_may_have_committed=true
    504: get retried post once validation=false auth=false post_may_have_committed=true
    ");
}

/// A raw HTTP server that drops the first `drops` connections after reading the request, then
/// answers every later one with `body`. Returns the base URL and a counter of connections.
async fn dropping_server(drops: usize, body: &'static str) -> (String, Arc<Mutex<usize>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("test server setup");
    let addr = listener.local_addr().expect("test server setup");
    let count = Arc::new(Mutex::new(0usize));
    let counter = count.clone();
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.expect("test server setup");
            let n = {
                let mut c = counter.lock().expect("test server setup");
                *c += 1;
                *c
            };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let _ = socket.read(&mut buf).await;
                if n <= drops {
                    drop(socket);
                    return;
                }
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (format!("http://{addr}"), count)
}

#[tokio::test]
async fn a_dropped_connection_is_retried_for_reads() {
    let (base, count) = dropping_server(1, r#"{"id":1,"name":"Acme"}"#).await;
    let client = client(&base, 5);
    let company = COMPANIES.endpoint::<Json>(&client).get(1).await.unwrap();
    assert_eq!(company["name"], "Acme");
    assert_eq!(*count.lock().unwrap(), 2);
}

#[tokio::test]
async fn a_dropped_connection_after_a_create_may_have_committed() {
    let (base, count) = dropping_server(usize::MAX, "{}").await;
    let client = client(&base, 5);
    let err = COMPANIES
        .endpoint::<Json>(&client)
        .create(&body!({}))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { attempts: 1, .. }),
        "{err:?}"
    );
    assert!(err.may_have_committed());
    assert_eq!(*count.lock().unwrap(), 1, "a create is never resent");
    assert_eq!(
        err.to_string(),
        "create companies (POST /company/companies): connection lost"
    );
    assert_no_secret(&format!("{err:?}"));
}

#[tokio::test]
async fn connection_refused_is_a_transport_error_that_did_not_commit() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = client(&format!("http://{addr}"), 2);
    let err = COMPANIES
        .endpoint::<Json>(&client)
        .create(&body!({}))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { attempts: 2, .. }),
        "{err:?}"
    );
    assert!(!err.may_have_committed());
}

#[tokio::test]
async fn concurrent_requests_share_the_client() {
    let server = serve(|_, _| json(200, r#"{"id":1}"#)).await;
    let client = client(&server.base, 5);
    let tasks: Vec<_> = (1..=20)
        .map(|id| {
            let endpoint = COMPANIES.endpoint::<CompanyRecord>(&client);
            tokio::spawn(async move { endpoint.get(id).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(client.total_requests(), 20);
}

/// Capture everything the client logs at TRACE level, with span fields, while `body` runs.
#[tokio::test(flavor = "current_thread")]
async fn logs_name_method_path_and_status_but_never_keys() {
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = serve(|_, i| {
        if i == 0 {
            json(503, "")
        } else {
            json(
                401,
                r#"{"code":"Unauthorized","message":"bad login","errors":null}"#,
            )
        }
    })
    .await;
    let client = client(&server.base, 5);
    let err = COMPANIES
        .endpoint::<CompanyRecord>(&client)
        .get(9)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));
    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert_no_secret(&logs);
    assert!(!logs.to_lowercase().contains("authorization"), "{logs}");
    assert!(logs.contains("retrying ConnectWise request"), "{logs}");
    assert!(logs.contains("path=/company/companies/9"), "{logs}");
    assert!(logs.contains("attempt=2"), "{logs}");
    assert!(logs.contains("status=401"), "{logs}");
}

/// The concurrency bound holds across tasks: a server that counts requests in flight never sees
/// more than the configured number at once.
#[tokio::test]
async fn concurrency_is_bounded() {
    #[derive(Clone, Default)]
    struct Gauge {
        now: Arc<Mutex<usize>>,
        max: Arc<Mutex<usize>>,
    }
    async fn slow(State(gauge): State<Gauge>) -> Response {
        {
            let mut now = gauge.now.lock().unwrap();
            *now += 1;
            let mut max = gauge.max.lock().unwrap();
            *max = (*max).max(*now);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        *gauge.now.lock().unwrap() -= 1;
        json(200, r#"{"id":1}"#)
    }
    let gauge = Gauge::default();
    let app = axum::Router::new().fallback(slow).with_state(gauge.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let config = ClientConfig::new(
        BaseUrl::from_site(&format!("http://{addr}")).unwrap(),
        "acme",
        SecretString::from(PUBLIC),
        SecretString::from(PRIVATE),
        "client",
    )
    .with_concurrency(3)
    .with_requests_per_minute(0);
    let client = Client::new(config).unwrap();
    let tasks: Vec<_> = (1..=12)
        .map(|id| {
            let endpoint = COMPANIES.endpoint::<CompanyRecord>(&client);
            tokio::spawn(async move { endpoint.get(id).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let max = *gauge.max.lock().unwrap();
    assert!(
        (1..=3).contains(&max),
        "{max} requests were in flight at once"
    );
    assert_eq!(client.request_counts()["companies"], 12);
}

#[tokio::test]
async fn a_link_that_does_not_move_forward_is_an_error_not_a_loop() {
    let server = serve(|_, _| {
        (
            StatusCode::OK,
            [("link", r#"<http://h/x?page=1&pageSize=1000>; rel="next""#)],
            r#"[{"id":1}]"#,
        )
            .into_response()
    })
    .await;
    let client = client(&server.base, 5);
    let err = COMPANIES
        .endpoint::<CompanyRecord>(&client)
        .list_all(&ListParams::new())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "list companies (GET /company/companies, page 1): paging does not move forward (1 pages read)"
    );
    assert_eq!(server.seen().len(), 1);
}
