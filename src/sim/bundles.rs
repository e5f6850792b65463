//! `POST /system/bundles` for GET-style requests (API-NOTES.md §1.9).
//!
//! Owns the mapping from a bundle's `resourceType` to a resource and the shape of each result. It
//! refuses writes inside a bundle: whether ConnectWise runs them is UNVERIFIED, so a bundled request
//! that carries an `entity` is answered as a failed result.

use serde_json::{Map, Value, json};

use super::api_error::ApiError;
use super::ops::{self, Ctx};
use super::query::ListQuery;
use super::resources::{RESOURCES, Resource, Route, Target};
use super::rules::model;
use super::store::Store;

/// Serve a bundle body; the result is `BundleResultsCollection`.
pub(crate) fn serve(store: &Store, body: &[u8], ctx: &Ctx) -> Result<Value, ApiError> {
    let raw = std::str::from_utf8(body).unwrap_or_default();
    let value = super::write::parse_json(raw)?;
    let requests = value
        .get("requests")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            ApiError::invalid(
                "bundleRequestsCollection",
                "MissingRequiredField",
                "requests",
                "requests is required.".to_owned(),
            )
        })?;
    let results: Vec<Value> = requests.iter().map(|r| one(store, r, ctx)).collect();
    Ok(json!({ "results": results }))
}

/// Bundle names that are neither a model nor a resource key. UNVERIFIED (API-NOTES.md §1.9: the
/// `resourceType` for additions is not documented); `agreementAddition` is what cwrecon's client sends.
const ALIASES: &[(&str, &str)] = &[("agreementAddition", "additions")];

/// The resource for a `resourceType`: its model name (`Company`, `CatalogItem`), its key
/// (`catalog`) or an alias, case-insensitively.
fn resource_for(resource_type: &str) -> Option<&'static Resource> {
    let key = ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(resource_type))
        .map_or(resource_type, |(_, key)| key);
    RESOURCES
        .iter()
        .find(|r| r.model.eq_ignore_ascii_case(key) || r.key.eq_ignore_ascii_case(key))
}

fn one(store: &Store, request: &Value, ctx: &Ctx) -> Value {
    let sequence = request.get("sequenceNumber").cloned().unwrap_or(json!(0));
    let resource_type = request
        .get("resourceType")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let version = request.get("version").cloned().unwrap_or(json!("2025.1"));
    let api = request.get("apiRequest").cloned().unwrap_or(Value::Null);
    let outcome = run(store, resource_type, &api, ctx);
    let mut result = Map::new();
    result.insert("sequenceNumber".to_owned(), sequence);
    result.insert("resourceType".to_owned(), json!(resource_type));
    result.insert("version".to_owned(), version);
    match outcome {
        Ok(entities) => {
            result.insert("count".to_owned(), json!(entities.len()));
            result.insert("entities".to_owned(), Value::Array(entities));
            result.insert("success".to_owned(), json!(true));
            result.insert("statusCode".to_owned(), json!(200));
        }
        Err(err) => {
            result.insert("success".to_owned(), json!(false));
            result.insert("statusCode".to_owned(), json!(err.status().as_u16()));
            let mut body = err.body();
            if let Some(map) = body.as_object_mut() {
                map.retain(|_, v| !v.is_null());
            }
            result.insert("error".to_owned(), body);
        }
    }
    Value::Object(result)
}

fn run(store: &Store, resource_type: &str, api: &Value, ctx: &Ctx) -> Result<Vec<Value>, ApiError> {
    let resource = resource_for(resource_type).ok_or_else(|| ApiError::NotFound {
        message: format!("Unknown resourceType '{resource_type}'."),
    })?;
    if api.get("entity").is_some_and(|e| !e.is_null()) {
        return Err(ApiError::MethodNotAllowed {
            method: "bundle write".to_owned(),
        });
    }
    let int = |key: &str| api.get(key).and_then(Value::as_i64);
    let parent = if resource.parent_from_path() {
        Some(int("parentId").ok_or_else(|| {
            ApiError::invalid(
                "apiRequest",
                "MissingRequiredField",
                "parentId",
                "parentId is required.".to_owned(),
            )
        })?)
    } else {
        None
    };
    let filters = api.get("filters").cloned().unwrap_or(Value::Null);
    let page = api.get("page").cloned().unwrap_or(Value::Null);
    let mut pairs = Vec::new();
    let mut add = |key: &str, value: Option<&Value>| {
        if let Some(v) = value.filter(|v| !v.is_null()) {
            let text = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            pairs.push((key.to_owned(), text));
        }
    };
    add("conditions", filters.get("conditions"));
    add("orderBy", filters.get("orderBy"));
    add("childConditions", filters.get("childconditions"));
    add("page", page.get("page"));
    add("pageSize", page.get("pageSize"));
    add("fields", api.get("fields"));
    let q = ListQuery::parse(model(resource), pairs)?;
    let data = store.data();
    if let Some(id) = int("id") {
        let route = Route {
            resource,
            parent,
            target: Target::Item(id),
        };
        return Ok(vec![ops::get(&data, &route, id, &q, ctx)?]);
    }
    let route = Route {
        resource,
        parent,
        target: Target::Collection,
    };
    Ok(ops::list(&data, &route, &q, ctx, false)?.records)
}
