//! Pure request builders: what to send, with no I/O, no credentials and no clock.
//!
//! Owns URLs (paths, `page`/`pageSize`/`conditions`/`childConditions`/`fields`/`orderBy`, encoded by
//! [`query`](super::query)), PATCH bodies (`[{op, path, value}]`, whole reference objects per
//! API-NOTES.md §1.7) and the per-kind name requests are counted under. Refuses to add auth headers,
//! `clientId` or `Accept`: only [`Client::send`](super::Client::send) does that, so a [`Request`] can
//! be printed, compared in tests and logged without any secret in it.

use reqwest::Method;
use serde::Serialize;
use url::Url;

use super::error::Call;
use super::query::{Conditions, encode_query};
use super::{BaseUrl, Error};

/// The largest page ConnectWise serves (API-NOTES.md §1.5).
pub const MAX_PAGE_SIZE: u32 = 1000;

/// One ConnectWise request, before credentials are added.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// What is being done, for errors and logs.
    pub call: Call,
    /// The kind the request is counted under (`companies`, `additions`, `bundles`).
    pub kind: String,
    /// The encoded query string, without `?`.
    pub query: Option<String>,
    /// The JSON body of a write.
    pub body: Option<serde_json::Value>,
    /// Whether sending the request twice is harmless (always true for GET, PUT and DELETE).
    pub resend_safe: bool,
    /// Whether the request changes data (false for GET and for a bundle of reads).
    pub write: bool,
}

impl Request {
    fn new(kind: &str, action: &str, method: Method, path: String) -> Request {
        let resend_safe = !matches!(method, Method::POST | Method::PATCH);
        let write = method != Method::GET;
        Request {
            call: Call {
                action: format!("{action} {kind}"),
                method,
                path,
                page: None,
            },
            kind: kind.to_owned(),
            query: None,
            body: None,
            resend_safe,
            write,
        }
    }

    /// `GET {path}?…&page=N&pageSize=…`: one page of a list.
    pub fn list(kind: &str, path: &str, params: &ListParams, page: u32) -> Request {
        let mut request = Request::new(kind, "list", Method::GET, path.to_owned());
        request.call.page = Some(page);
        let mut pairs = params.filter_pairs();
        pairs.push(("page", page.to_string()));
        pairs.push((
            "pageSize",
            params.page_size.clamp(1, MAX_PAGE_SIZE).to_string(),
        ));
        request.query = Some(encode_pairs(&pairs));
        request
    }

    /// `GET {path}/count?conditions=…`.
    pub fn count(kind: &str, path: &str, params: &ListParams) -> Request {
        let mut request = Request::new(kind, "count", Method::GET, sub_path(path, "count"));
        let pairs: Vec<_> = params
            .filter_pairs()
            .into_iter()
            .filter(|(name, _)| *name != "fields" && *name != "orderBy")
            .collect();
        request.query = (!pairs.is_empty()).then(|| encode_pairs(&pairs));
        request
    }

    /// `GET {path}/{id}`, with `fields` when only some are needed.
    pub fn get(kind: &str, path: &str, id: i32, fields: &[String]) -> Request {
        let mut request = Request::new(kind, "get", Method::GET, item_path(path, id));
        if !fields.is_empty() {
            let joined = fields.join(",");
            request.query = Some(encode_query([("fields", joined.as_str())]));
        }
        request
    }

    /// `POST {path}` with the record as the body.
    ///
    /// # Errors
    /// [`Error::Encode`] when the record cannot be serialized.
    pub fn create<T: Serialize>(kind: &str, path: &str, record: &T) -> Result<Request, Error> {
        Request::new(kind, "create", Method::POST, path.to_owned()).with_body(record)
    }

    /// `PUT {path}/{id}`: a full replace; every field left out is reset by ConnectWise.
    ///
    /// # Errors
    /// [`Error::Encode`] when the record cannot be serialized.
    pub fn put<T: Serialize>(
        kind: &str,
        path: &str,
        id: i32,
        record: &T,
    ) -> Result<Request, Error> {
        Request::new(kind, "replace", Method::PUT, item_path(path, id)).with_body(record)
    }

    /// `PATCH {path}/{id}` with `[{op, path, value}]`.
    ///
    /// # Errors
    /// [`Error::Encode`] when the operations cannot be serialized.
    pub fn patch(kind: &str, path: &str, id: i32, ops: &[PatchOp]) -> Result<Request, Error> {
        Request::new(kind, "update", Method::PATCH, item_path(path, id)).with_body(&ops)
    }

    /// `DELETE {path}/{id}`.
    pub fn delete(kind: &str, path: &str, id: i32) -> Request {
        Request::new(kind, "delete", Method::DELETE, item_path(path, id))
    }

    /// `GET {path}` of a singleton such as `/system/info`.
    pub fn get_singleton(kind: &str, path: &str) -> Request {
        Request::new(kind, "get", Method::GET, path.to_owned())
    }

    /// `POST /system/bundles` with a bundle of reads (API-NOTES.md §1.9). Reads only: resending it
    /// is safe.
    ///
    /// # Errors
    /// [`Error::Encode`] when the bundle cannot be serialized.
    pub fn bundle<T: Serialize>(body: &T) -> Result<Request, Error> {
        let mut request = Request::new(
            "bundles",
            "read",
            Method::POST,
            "/system/bundles".to_owned(),
        )
        .with_body(body)?;
        "read bundled requests".clone_into(&mut request.call.action);
        request.resend_safe = true;
        request.write = false;
        Ok(request)
    }

    fn with_body<T: Serialize>(mut self, body: &T) -> Result<Request, Error> {
        let value = serde_json::to_value(body).map_err(|source| Error::Encode {
            call: Box::new(self.call.clone()),
            source,
        })?;
        self.body = Some(value);
        Ok(self)
    }

    /// Mark a write as safe to send twice (e.g. a PATCH that only replaces fields), so transport
    /// errors and 502/503/504 are retried for it too.
    #[must_use]
    pub fn resend_safe(mut self) -> Request {
        self.resend_safe = true;
        self
    }

    /// Whether the request changes data.
    pub fn is_write(&self) -> bool {
        self.write
    }

    /// The full URL under a base URL.
    pub fn url(&self, base: &BaseUrl) -> Url {
        base.join(&self.call.path, self.query.as_deref())
    }
}

fn item_path(path: &str, id: i32) -> String {
    sub_path(path, &id.to_string())
}

fn sub_path(path: &str, tail: &str) -> String {
    format!("{}/{tail}", path.trim_end_matches('/'))
}

/// What a list or count reads: filters, fields, order and page size.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct ListParams {
    /// `conditions`.
    pub conditions: Option<Conditions>,
    /// `childConditions` (filters on array children such as `types/id = 1`).
    pub child_conditions: Option<Conditions>,
    /// `fields`: only these top-level or nested paths are returned (empty = all). `_info` must be
    /// listed to be returned.
    pub fields: Vec<String>,
    /// `orderBy` (default `id asc`, so pages do not shift while they are read).
    pub order_by: Option<String>,
    /// `pageSize` (default and maximum 1000).
    pub page_size: u32,
}

impl Default for ListParams {
    fn default() -> Self {
        ListParams {
            conditions: None,
            child_conditions: None,
            fields: Vec::new(),
            order_by: Some("id asc".to_owned()),
            page_size: MAX_PAGE_SIZE,
        }
    }
}

impl ListParams {
    /// Everything, 1000 a page, by id.
    pub fn new() -> ListParams {
        ListParams::default()
    }

    /// Only records matching `conditions`.
    pub fn conditions(mut self, conditions: Conditions) -> ListParams {
        self.conditions = Some(conditions);
        self
    }

    /// Only records whose children match `child_conditions`.
    pub fn child_conditions(mut self, child_conditions: Conditions) -> ListParams {
        self.child_conditions = Some(child_conditions);
        self
    }

    /// Only these fields.
    pub fn fields<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> ListParams {
        self.fields = fields.into_iter().map(Into::into).collect();
        self
    }

    /// Another order (`name asc`), or none.
    pub fn order_by(mut self, order_by: Option<&str>) -> ListParams {
        self.order_by = order_by.map(str::to_owned);
        self
    }

    /// Another page size (clamped to 1..=1000 when sent).
    pub fn page_size(mut self, page_size: u32) -> ListParams {
        self.page_size = page_size;
        self
    }

    fn filter_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(c) = &self.conditions {
            pairs.push(("conditions", c.as_str().to_owned()));
        }
        if let Some(c) = &self.child_conditions {
            pairs.push(("childConditions", c.as_str().to_owned()));
        }
        if !self.fields.is_empty() {
            pairs.push(("fields", self.fields.join(",")));
        }
        if let Some(o) = &self.order_by {
            pairs.push(("orderBy", o.clone()));
        }
        pairs
    }
}

fn encode_pairs(pairs: &[(&'static str, String)]) -> String {
    encode_query(pairs.iter().map(|(name, value)| (*name, value.as_str())))
}

/// One PATCH operation: `{"op": "replace", "path": "status", "value": {"id": 42}}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatchOp {
    /// `add`, `replace` or `remove`.
    pub op: PatchKind,
    /// The top-level field name, case-sensitive, without a leading `/`.
    pub path: String,
    /// The new value; a reference is replaced as a whole object, never through a sub-path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
}

/// The operation of a [`PatchOp`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PatchKind {
    /// Set a field that had no value.
    Add,
    /// Replace a field's value.
    Replace,
    /// Clear a field.
    Remove,
}

impl PatchOp {
    /// Replace `field` with `value` (a reference as a whole object: `{"id": 42}`).
    ///
    /// # Errors
    /// When `value` cannot be serialized.
    pub fn replace<T: Serialize>(field: &str, value: &T) -> Result<PatchOp, serde_json::Error> {
        Ok(PatchOp {
            op: PatchKind::Replace,
            path: field.trim_start_matches('/').to_owned(),
            value: Some(serde_json::to_value(value)?),
        })
    }

    /// Clear `field`.
    pub fn remove(field: &str) -> PatchOp {
        PatchOp {
            op: PatchKind::Remove,
            path: field.trim_start_matches('/').to_owned(),
            value: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn base() -> BaseUrl {
        BaseUrl::from_site("api-na.myconnectwise.net").unwrap()
    }

    #[test]
    fn list_url_encodes_every_parameter() {
        let params = ListParams::new()
            .conditions(
                Conditions::eq("name", r#"A&B "x" 50% + [y]"#)
                    .and(Conditions::eq("inactiveFlag", false)),
            )
            .child_conditions(Conditions::eq("types/id", 1))
            .fields(["id", "name", "status/id", "_info"])
            .order_by(Some("name asc"));
        let request = Request::list("companies", "/company/companies", &params, 2);
        assert_eq!(
            request.url(&base()).as_str(),
            "https://api-na.myconnectwise.net/v4_6_release/apis/3.0/company/companies?\
             conditions=%28name%20%3D%20%22A%26B%20%5C%22x%5C%22%2050%25%20%2B%20%5By%5D%22%29%20and%20%28inactiveFlag%20%3D%20false%29\
             &childConditions=types/id%20%3D%201\
             &fields=id,name,status/id,_info\
             &orderBy=name%20asc&page=2&pageSize=1000"
        );
        assert_eq!(
            request.call.to_string(),
            "list companies (GET /company/companies, page 2)"
        );
        assert!(!request.is_write() && request.resend_safe);
    }

    #[test]
    fn list_defaults_and_page_size_clamp() {
        let request = Request::list("countries", "/company/countries", &ListParams::new(), 1);
        assert_eq!(
            request.query.as_deref(),
            Some("orderBy=id%20asc&page=1&pageSize=1000")
        );
        let params = ListParams::new().order_by(None).page_size(5000);
        let request = Request::list("countries", "/company/countries", &params, 1);
        assert_eq!(request.query.as_deref(), Some("page=1&pageSize=1000"));
    }

    #[test]
    fn item_count_and_trailing_slash_paths() {
        let b = base();
        let get = Request::get("subcategories", "/procurement/subcategories/", 9, &[]);
        assert_eq!(get.call.path, "/procurement/subcategories/9");
        assert!(
            get.url(&b)
                .as_str()
                .ends_with("/apis/3.0/procurement/subcategories/9")
        );
        let get = Request::get(
            "companies",
            "/company/companies",
            9,
            &["id".into(), "name".into()],
        );
        assert_eq!(get.query.as_deref(), Some("fields=id,name"));
        let count = Request::count(
            "additions",
            "/finance/agreements/7/additions",
            &ListParams::new()
                .conditions(Conditions::eq(
                    "cancelledDate",
                    crate::connectwise::Literal::Null,
                ))
                .fields(["id"]),
        );
        assert_eq!(count.call.path, "/finance/agreements/7/additions/count");
        assert_eq!(
            count.query.as_deref(),
            Some("conditions=cancelledDate%20%3D%20null")
        );
        let count = Request::count("companies", "/company/companies", &ListParams::new());
        assert_eq!(count.query, None);
        let delete = Request::delete("additions", "/finance/agreements/7/additions", 3);
        assert_eq!(delete.call.method, Method::DELETE);
        assert_eq!(delete.call.path, "/finance/agreements/7/additions/3");
        assert!(delete.resend_safe && delete.is_write());
    }

    #[test]
    fn create_and_put_send_the_body_and_are_flagged_as_writes() {
        let addition = json!({"billCustomer": "Billable", "product": {"id": 12}, "quantity": 42});
        let create =
            Request::create("additions", "/finance/agreements/7/additions", &addition).unwrap();
        assert_eq!(create.call.method, Method::POST);
        assert!(!create.resend_safe && create.is_write());
        assert_eq!(
            create.body.unwrap().to_string(),
            r#"{"billCustomer":"Billable","product":{"id":12},"quantity":42}"#
        );
        let put =
            Request::put("additions", "/finance/agreements/7/additions", 3, &addition).unwrap();
        assert_eq!(put.call.method, Method::PUT);
        assert!(put.resend_safe);
        assert_eq!(
            put.call.to_string(),
            "replace additions (PUT /finance/agreements/7/additions/3)"
        );
    }

    #[test]
    fn patch_bodies_replace_whole_references() {
        let ops = [
            PatchOp::replace("status", &json!({"id": 42})).unwrap(),
            PatchOp::replace("/quantity", &json!(7.25)).unwrap(),
            PatchOp::remove("cancelledDate"),
        ];
        let request =
            Request::patch("additions", "/finance/agreements/7/additions", 3, &ops).unwrap();
        assert_eq!(request.call.method, Method::PATCH);
        assert!(!request.resend_safe);
        assert!(request.clone().resend_safe().resend_safe);
        assert_eq!(
            request.body.unwrap().to_string(),
            r#"[{"op":"replace","path":"status","value":{"id":42}},{"op":"replace","path":"quantity","value":7.25},{"op":"remove","path":"cancelledDate"}]"#
        );
    }
}
