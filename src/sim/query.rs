//! The query string of a GET: paging, `conditions`, `childConditions`, `orderBy`, `fields`.
//!
//! Owns parsing and checking those parameters against a model (API-NOTES.md §1.5, §1.6) into a
//! [`ListQuery`], and building the RFC 5988 `Link` header. It refuses to touch records.

use std::fmt::Write as _;

use crate::connectwise::conditions::{self, Expr};

use super::api_error::ApiError;
use super::filter::{self, Scope, SortKey};
use super::model::Model;

/// Page size when none is asked for (API-NOTES.md §1.5).
pub(crate) const DEFAULT_PAGE_SIZE: usize = 25;
/// Larger page sizes are silently capped (API-NOTES.md §1.5, DATABRANCH).
pub(crate) const MAX_PAGE_SIZE: usize = 1000;

/// A checked list query.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListQuery {
    pub(crate) conditions: Option<Expr>,
    pub(crate) child_conditions: Option<Expr>,
    pub(crate) custom_field_conditions: Option<Expr>,
    pub(crate) order: Vec<SortKey>,
    pub(crate) fields: Option<Vec<Vec<String>>>,
    pub(crate) page: usize,
    pub(crate) page_size: usize,
    pub(crate) page_id: Option<i64>,
    /// The raw pairs, to rebuild `Link` URLs.
    pub(crate) pairs: Vec<(String, String)>,
}

impl ListQuery {
    /// Parse and check the query pairs of a request against `model`.
    pub(crate) fn parse(
        model: &Model,
        pairs: Vec<(String, String)>,
    ) -> Result<ListQuery, ApiError> {
        let bad = |message: String| ApiError::BadQuery { message };
        let mut q = ListQuery {
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
            ..ListQuery::default()
        };
        for (key, value) in &pairs {
            // ASP.NET binds query parameters case-insensitively.
            match key.to_ascii_lowercase().as_str() {
                "conditions" if !value.trim().is_empty() => {
                    let expr = conditions::parse(value).map_err(|e| bad(e.message))?;
                    filter::check(model, &expr, Scope::Record).map_err(bad)?;
                    q.conditions = Some(expr);
                }
                "childconditions" if !value.trim().is_empty() => {
                    let expr = conditions::parse(value).map_err(|e| bad(e.message))?;
                    filter::check(model, &expr, Scope::Children).map_err(bad)?;
                    q.child_conditions = Some(expr);
                }
                "customfieldconditions" if !value.trim().is_empty() => {
                    let expr = conditions::parse(value).map_err(|e| bad(e.message))?;
                    filter::check_custom(model, &expr).map_err(bad)?;
                    q.custom_field_conditions = Some(expr);
                }
                "orderby" if !value.trim().is_empty() => {
                    q.order = filter::parse_order(model, value).map_err(bad)?;
                }
                "fields" if !value.trim().is_empty() => {
                    q.fields = Some(filter::parse_fields(model, value).map_err(bad)?);
                }
                "page" => q.page = parse_number(key, value)?.max(1),
                "pagesize" => {
                    let size = parse_number(key, value)?;
                    q.page_size = if size == 0 {
                        DEFAULT_PAGE_SIZE
                    } else {
                        size.min(MAX_PAGE_SIZE)
                    };
                }
                "pageid" if !value.is_empty() => {
                    q.page_id = Some(i64::try_from(parse_number(key, value)?).unwrap_or(i64::MAX));
                }
                _ => {}
            }
        }
        q.pairs = pairs;
        Ok(q)
    }

    /// Whether `conditions` mention `field` anywhere (deleted companies show only when asked for).
    pub(crate) fn mentions(&self, field: &str) -> bool {
        fn walk(expr: &Expr, field: &str) -> bool {
            match expr {
                Expr::And(c) | Expr::Or(c) => c.iter().any(|e| walk(e, field)),
                Expr::Cmp(cmp) => cmp.field.first().is_some_and(|f| f == field),
            }
        }
        self.conditions.as_ref().is_some_and(|e| walk(e, field))
    }

    /// A URL for another page: the same query with `pageSize` and then `page` (or `pageId`) last,
    /// because clients such as pyconnectwise parse `page=(\d+)>; rel=`.
    pub(crate) fn page_url(&self, base_url: &str, page_key: &str, page: i64) -> String {
        let mut serializer = Vec::new();
        for (k, v) in &self.pairs {
            let lower = k.to_ascii_lowercase();
            if lower == "page" || lower == "pagesize" || lower == "pageid" {
                continue;
            }
            serializer.push(format!("{}={}", encode(k), encode(v)));
        }
        serializer.push(format!("pageSize={}", self.page_size));
        serializer.push(format!("{page_key}={page}"));
        format!("{base_url}?{}", serializer.join("&"))
    }
}

fn parse_number(key: &str, value: &str) -> Result<usize, ApiError> {
    value
        .trim()
        .parse::<usize>()
        .map_err(|_| ApiError::BadQuery {
            message: format!("The value '{value}' is not valid for {key}."),
        })
}

/// Percent-encode a query component (unreserved characters and `/` stay as they are).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(char::from(byte));
            }
            other => {
                let _ = write!(out, "%{other:02X}");
            }
        }
    }
    out
}

/// The navigable `Link` header for page `page` of `pages` (API-NOTES.md §1.5): `first` and `last`
/// always, `prev` and `next` only when such a page exists.
pub(crate) fn link_header(q: &ListQuery, base_url: &str, pages: usize) -> String {
    let pages = i64::try_from(pages.max(1)).unwrap_or(i64::MAX);
    let page = i64::try_from(q.page).unwrap_or(i64::MAX);
    let mut links = vec![format!(
        "<{}>; rel=\"first\"",
        q.page_url(base_url, "page", 1)
    )];
    if page > 1 {
        links.push(format!(
            "<{}>; rel=\"prev\"",
            q.page_url(base_url, "page", (page - 1).min(pages))
        ));
    }
    if page < pages {
        links.push(format!(
            "<{}>; rel=\"next\"",
            q.page_url(base_url, "page", page + 1)
        ));
    }
    links.push(format!(
        "<{}>; rel=\"last\"",
        q.page_url(base_url, "page", pages)
    ));
    links.join(", ")
}
