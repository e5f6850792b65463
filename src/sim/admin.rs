//! The admin API under `/_sim/`, outside the ConnectWise base path: read the request log, reset or
//! replace state, purge the recycle bin, and change faults at runtime.
//!
//! Owns these test and benchmark controls. It refuses authentication (it is meant for a local
//! address) and ConnectWise shapes (its bodies are the simulator's own).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::faults::Faults;
use super::store::{LoadError, Store};

/// The admin routes.
pub(crate) fn routes() -> Router<Store> {
    Router::new()
        .route("/_sim/requests", get(requests).delete(clear_requests))
        .route("/_sim/reset", post(reset))
        .route("/_sim/faults", get(faults).put(set_faults))
        .route("/_sim/state", get(state).put(set_state))
        .route("/_sim/purge", post(purge))
}

async fn requests(State(store): State<Store>) -> Response {
    axum::Json(store.requests()).into_response()
}

async fn clear_requests(State(store): State<Store>) -> StatusCode {
    store.clear_requests();
    StatusCode::NO_CONTENT
}

async fn reset(State(store): State<Store>) -> StatusCode {
    store.reset();
    store.clear_requests();
    StatusCode::NO_CONTENT
}

async fn faults(State(store): State<Store>) -> Response {
    axum::Json(store.faults()).into_response()
}

async fn set_faults(State(store): State<Store>, body: axum::body::Bytes) -> Response {
    match serde_json::from_slice::<Faults>(&body) {
        Ok(faults) => {
            store.set_faults(faults);
            axum::Json(store.faults()).into_response()
        }
        Err(err) => (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({ "error": err.to_string() })),
        )
            .into_response(),
    }
}

async fn state(State(store): State<Store>) -> Response {
    axum::Json(store.state()).into_response()
}

async fn set_state(State(store): State<Store>, body: axum::body::Bytes) -> Response {
    let result = serde_json::from_slice::<Value>(&body)
        .map_err(LoadError::Json)
        .and_then(|v| store.load_value(v));
    match result {
        Ok(()) => {
            store.touch();
            StatusCode::NO_CONTENT.into_response()
        }
        Err(LoadError::Json(err)) => (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({ "error": err.to_string() })),
        )
            .into_response(),
        Err(LoadError::Version(v)) => (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({ "error": format!("unsupported state version {v}") })),
        )
            .into_response(),
    }
}

async fn purge(State(store): State<Store>) -> Response {
    let purged = store.purge_deleted_companies();
    axum::Json(json!({ "purged": purged })).into_response()
}
