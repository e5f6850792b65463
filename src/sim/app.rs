//! The HTTP surface: [`app`] builds the router, the API layer applies rate limits, faults and the
//! request log, and the API handler authenticates and dispatches to [`super::ops`].
//!
//! Owns status codes, headers (`Link`, `Retry-After`) and the mapping from paths to operations
//! (API-NOTES.md §1.1–§1.5). It refuses record logic and persistence.

use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde_json::{Value, json};

use super::api_error::ApiError;
use super::credentials::AuthFailure;
use super::defaults::API_MEMBER;
use super::faults::{RequestLogEntry, Verdict, decide};
use super::ops::{self, Ctx};
use super::query::ListQuery;
use super::resources::{Route, Target, route};
use super::rules::model;
use super::store::Store;
use super::write::format_datetime;

/// The API base path (the `v4_6_release/` codebase, API-NOTES.md §1.1).
pub const API_BASE: &str = "/v4_6_release/apis/3.0";

/// The tenant's own codebase, as `GET /login/companyinfo/{id}` names it. Like ConnectWise, the
/// simulator serves the API under it as well as under the `v4_6_release/` router, so a client that
/// asks for the codebase is seen to use what it was told.
pub const CODEBASE: &str = "v2025_1/";

/// The API base under [`CODEBASE`].
pub const VERSIONED_API_BASE: &str = "/v2025_1/apis/3.0";

/// The path below whichever API base a request used.
fn below_api_base(path: &str) -> &str {
    path.strip_prefix(API_BASE)
        .or_else(|| path.strip_prefix(VERSIONED_API_BASE))
        .unwrap_or_default()
}

/// Marks a response whose connection must drop before it is sent (an injected fault after a commit).
#[derive(Debug, Clone, Copy)]
pub(crate) struct DropConnection;

/// Whether a response asks for its connection to be dropped (see [`super::server`]).
pub(crate) fn should_drop(response: &Response) -> bool {
    response.extensions().get::<DropConnection>().is_some()
}

/// The simulator's router over `store`: the API under [`API_BASE`], `GET /login/companyinfo/{id}`,
/// and the admin API under `/_sim/`.
pub fn app(store: Store) -> Router {
    // `route_layer`: faults, rate limit and the log apply to API routes only, not to the fallback.
    let api = Router::new()
        .route(&format!("{API_BASE}/{{*rest}}"), any(api_handler))
        .route(&format!("{VERSIONED_API_BASE}/{{*rest}}"), any(api_handler))
        .route_layer(middleware::from_fn_with_state(store.clone(), api_layer));
    Router::new()
        .route("/login/companyinfo/{company_id}", get(company_info))
        .merge(super::admin::routes())
        .merge(api)
        .fallback(not_found)
        .with_state(store)
}

/// Anything outside the API base, `/login` and `/_sim`: ConnectWise's 404 shape.
async fn not_found() -> Response {
    ApiError::NotFound {
        message: "The requested resource was not found.".to_owned(),
    }
    .into_response()
}

/// Rate limit, faults and the request log, around every API request.
async fn api_layer(State(store): State<Store>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    let is_write = method != Method::GET && method != Method::HEAD;
    let verdict = decide(&mut store.runtime(), is_write, started);
    let response = match verdict {
        Verdict::RateLimited { retry_after } => {
            ApiError::RateLimited { retry_after }.into_response()
        }
        Verdict::Fail { status, delay } => {
            tokio::time::sleep(delay).await;
            ApiError::Injected { status }.into_response()
        }
        Verdict::Serve { delay, drop_after } => {
            tokio::time::sleep(delay).await;
            let mut response = next.run(request).await;
            if drop_after && response.status().is_success() {
                response.extensions_mut().insert(DropConnection);
            }
            response
        }
    };
    let entry = RequestLogEntry {
        method: method.to_string(),
        path,
        query,
        status: response.status().as_u16(),
        duration_us: u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
    };
    tracing::debug!(method = %entry.method, path = %entry.path, status = entry.status, "sim request");
    store.runtime().log.push(entry);
    response
}

async fn api_handler(
    State(store): State<Store>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match serve_api(&store, &method, &uri, &headers, &body) {
        Ok(response) => response,
        Err(err) => err.into_response(),
    }
}

fn serve_api(
    store: &Store,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response, ApiError> {
    let rest = below_api_base(uri.path());
    let ctx = Ctx {
        base: base_url(headers),
        now: format_datetime(time::OffsetDateTime::now_utc()),
        who: API_MEMBER.to_owned(),
    };
    if rest == "/system/info" {
        // The path exists for GET only: any other method is 405, as for every served path.
        if *method != Method::GET {
            return Err(ApiError::MethodNotAllowed {
                method: method.to_string(),
            });
        }
        // DATABRANCH: /system/info needs no auth (API-NOTES.md §2.8).
        return Ok(axum::Json(system_info()).into_response());
    }
    authenticate(store, headers)?;
    let is_write = *method != Method::GET && *method != Method::HEAD;
    if is_write && let Some(refused) = store.runtime().faults.refused_write(rest) {
        return Err(ApiError::refused_write(refused));
    }
    if rest == "/system/bundles" {
        if *method != Method::POST {
            return Err(ApiError::MethodNotAllowed {
                method: method.to_string(),
            });
        }
        let response = super::bundles::serve(store, body, &ctx)?;
        return Ok((StatusCode::CREATED, axum::Json(response)).into_response());
    }
    let route = route(rest).ok_or_else(|| ApiError::NotFound {
        message: "The requested resource was not found.".to_owned(),
    })?;
    if !ops::allows(&route, method) {
        return Err(ApiError::MethodNotAllowed {
            method: method.to_string(),
        });
    }
    let raw = std::str::from_utf8(body).map_err(|_| ApiError::Binding {
        message: "The request body is not UTF-8.".to_owned(),
    })?;
    let pairs = query_pairs(uri);
    dispatch(store, &route, method, uri, headers, raw, pairs, &ctx)
}

#[expect(
    clippy::too_many_arguments,
    reason = "one request's parts, passed once to the dispatcher"
)]
fn dispatch(
    store: &Store,
    route: &Route,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    raw: &str,
    pairs: Vec<(String, String)>,
    ctx: &Ctx,
) -> Result<Response, ApiError> {
    let json = |status: StatusCode, value: Value| (status, axum::Json(value)).into_response();
    let response = match (route.target, method.clone()) {
        (Target::Collection, Method::GET) => {
            let q = ListQuery::parse(model(route.resource), pairs)?;
            let forward_only = headers
                .get("pagination-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.eq_ignore_ascii_case("forward-only"));
            let page = ops::list(&store.data(), route, &q, ctx, forward_only)?;
            let url = format!("{}{}", ctx.base, below_api_base(uri.path()));
            let link = if forward_only {
                page.last_id
                    .map(|last| format!("<{}>; rel=\"next\"", q.page_url(&url, "pageId", last)))
            } else {
                Some(super::query::link_header(&q, &url, page.pages))
            };
            let mut response = json(StatusCode::OK, Value::Array(page.records));
            if let Some(link) = link.and_then(|l| HeaderValue::from_str(&l).ok()) {
                response.headers_mut().insert(header::LINK, link);
            }
            response
        }
        (Target::Collection, _) => json(
            StatusCode::CREATED,
            ops::create(&mut store.data(), route, raw, ctx)?,
        ),
        (Target::Count, _) => {
            let q = ListQuery::parse(model(route.resource), pairs)?;
            json(StatusCode::OK, ops::count(&store.data(), route, &q, ctx)?)
        }
        (Target::Item(id), Method::GET) => {
            let q = ListQuery::parse(model(route.resource), pairs)?;
            json(StatusCode::OK, ops::get(&store.data(), route, id, &q, ctx)?)
        }
        (Target::Item(id), Method::PUT) => json(
            StatusCode::OK,
            ops::replace(&mut store.data(), route, id, raw, ctx)?,
        ),
        (Target::Item(id), Method::PATCH) => json(
            StatusCode::OK,
            ops::patch(&mut store.data(), route, id, raw, ctx)?,
        ),
        (Target::Item(id), _) => {
            ops::delete(&mut store.data(), route, id, ctx)?;
            StatusCode::NO_CONTENT.into_response()
        }
    };
    if *method != Method::GET {
        store.touch();
    }
    Ok(response)
}

fn authenticate(store: &Store, headers: &HeaderMap) -> Result<(), ApiError> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    match store
        .credentials()
        .check(text("authorization"), text("clientid"))
    {
        Ok(()) => Ok(()),
        Err(AuthFailure::BadCredentials) => Err(ApiError::Unauthorized),
        Err(AuthFailure::BadClientId) => Err(ApiError::Forbidden),
    }
}

/// `http://host/v4_6_release/apis/3.0`, from the request's `Host`.
fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}{API_BASE}")
}

pub(crate) fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    axum::extract::Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map(|q| q.0)
        .unwrap_or_default()
}

/// `GET /system/info` (API-NOTES.md §1.1, ETL sample).
fn system_info() -> Value {
    json!({
        "version": "v2025.1.10333",
        "isCloud": false,
        "serverTimeZone": "GMT Standard Time",
        "licenseBits": [{ "name": "PocketPC", "activeFlag": true }],
        "cloudRegion": "NA",
        "maxWorkFlowRecordsAllowed": 10000
    })
}

/// `GET /login/companyinfo/{companyId}` (API-NOTES.md §1.1): the codebase clients build URLs from.
async fn company_info(State(store): State<Store>, Path(company_id): Path<String>) -> Response {
    if !company_id.eq_ignore_ascii_case(&store.credentials().company_id) {
        // UNVERIFIED: what ConnectWise answers for an unknown company (API-NOTES.md §1.1).
        return ApiError::NotFound {
            message: format!("Company '{company_id}' not found."),
        }
        .into_response();
    }
    axum::Json(json!({
        "CompanyName": "cwrecon simulator",
        "Codebase": CODEBASE,
        "VersionCode": "v2025.1",
        "VersionNumber": "v4.6.10333",
        "CompanyID": store.credentials().company_id,
        "IsCloud": "False"
    }))
    .into_response()
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt as _;

    use super::*;
    use crate::sim::{Credentials, Faults};

    fn request(method: &str, path: &str, body: &str) -> Request<Body> {
        let credentials = Credentials::defaults();
        Request::builder()
            .method(method)
            .uri(format!("{API_BASE}{path}"))
            .header("authorization", credentials.authorization())
            .header("clientid", credentials.client_id)
            .header("content-type", "application/json")
            .body(Body::from(body.to_owned()))
            .expect("a valid request")
    }

    #[tokio::test]
    async fn writes_are_marked_for_dropping_and_reads_never_are() {
        let store = Store::with_credentials(Credentials::defaults());
        store.set_faults(Faults {
            drop_rate: 1.0,
            ..Faults::default()
        });
        let app = app(store.clone());
        let write = app
            .clone()
            .oneshot(request("POST", "/procurement/types", r#"{"name":"T"}"#))
            .await
            .expect("infallible");
        assert_eq!(write.status(), StatusCode::CREATED);
        assert!(should_drop(&write));
        let read = app
            .oneshot(request("GET", "/procurement/types", ""))
            .await
            .expect("infallible");
        assert_eq!(read.status(), StatusCode::OK);
        assert!(!should_drop(&read));
        assert_eq!(store.requests().len(), 2);
    }

    #[tokio::test]
    async fn failed_writes_are_not_dropped() {
        let store = Store::with_credentials(Credentials::defaults());
        store.set_faults(Faults {
            drop_rate: 1.0,
            ..Faults::default()
        });
        let response = app(store)
            .oneshot(request("POST", "/procurement/types", "{}"))
            .await
            .expect("infallible");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(!should_drop(&response), "only committed writes drop");
    }
}
