//! Bundled reads through `POST /system/bundles` (API-NOTES.md §1.9).
//!
//! Owns the bundle body (`{requests: [{sequenceNumber, resourceType, version, apiRequest}]}`), matching
//! each result back to its request by sequence number, and detecting a server that has no bundles
//! (404, 405, 400 or 501 on the bundle call itself), so callers fall back to single requests.
//! Refuses writes: whether POST/PATCH/DELETE work inside a bundle is unverified, so only reads are
//! built. The `resourceType` names are ConnectWise's and partly unverified; callers pass them.

use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::request::{ListParams, MAX_PAGE_SIZE, Request};
use super::{Client, Error};

/// One read inside a bundle.
#[derive(Debug, Clone, PartialEq)]
pub struct BundleGet {
    /// ConnectWise's resource type name (`company`, `agreement`, …).
    pub resource_type: String,
    /// A single record's id, or `None` for a list.
    pub id: Option<i32>,
    /// The parent record's id for child resources.
    pub parent_id: Option<i32>,
    /// Filters, fields, order and page size of a list.
    pub params: ListParams,
    /// The page of a list (1-based).
    pub page: u32,
}

impl BundleGet {
    /// A page of a list, of a child collection when `parent_id` is given.
    pub fn list(
        resource_type: impl Into<String>,
        parent_id: Option<i32>,
        params: ListParams,
        page: u32,
    ) -> BundleGet {
        BundleGet {
            resource_type: resource_type.into(),
            id: None,
            parent_id,
            params,
            page,
        }
    }

    /// One record by id.
    pub fn by_id(resource_type: impl Into<String>, parent_id: Option<i32>, id: i32) -> BundleGet {
        BundleGet {
            resource_type: resource_type.into(),
            id: Some(id),
            parent_id,
            params: ListParams::new().order_by(None),
            page: 1,
        }
    }
}

#[derive(Debug, Serialize)]
struct BundleBody<'a> {
    requests: Vec<WireRequest<'a>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct WireRequest<'a> {
    sequence_number: i32,
    resource_type: &'a str,
    version: &'a str,
    api_request: ApiRequest<'a>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ApiRequest<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_id: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    filters: Option<Filters<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<PageValues>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<String>,
}

/// `FilterValues`; note the lower-case `childconditions`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Filters<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    conditions: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    order_by: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    childconditions: Option<&'a str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PageValues {
    page: u32,
    page_size: u32,
}

/// Build the `POST /system/bundles` request for some reads.
///
/// # Errors
/// [`Error::Encode`] when the body cannot be serialized.
pub fn bundle_request(gets: &[BundleGet], version: &str) -> Result<Request, Error> {
    let requests = gets
        .iter()
        .zip(1..)
        .map(|(get, sequence_number)| {
            let p = &get.params;
            let filters =
                (p.conditions.is_some() || p.child_conditions.is_some() || p.order_by.is_some())
                    .then(|| Filters {
                        conditions: p.conditions.as_ref().map(super::Conditions::as_str),
                        order_by: p.order_by.as_deref(),
                        childconditions: p.child_conditions.as_ref().map(super::Conditions::as_str),
                    });
            WireRequest {
                sequence_number,
                resource_type: &get.resource_type,
                version,
                api_request: ApiRequest {
                    id: get.id,
                    parent_id: get.parent_id,
                    filters,
                    page: get.id.is_none().then(|| PageValues {
                        page: get.page.max(1),
                        page_size: p.page_size.clamp(1, MAX_PAGE_SIZE),
                    }),
                    fields: (!p.fields.is_empty()).then(|| p.fields.join(",")),
                },
            }
        })
        .collect();
    Request::bundle(&BundleBody { requests })
}

/// The result of one bundled read.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleResult {
    /// The request's sequence number (1-based, in the order given).
    #[serde(default)]
    pub sequence_number: i32,
    /// The resource type echoed back.
    #[serde(default)]
    pub resource_type: Option<String>,
    /// The records read.
    #[serde(default)]
    pub entities: Vec<serde_json::Value>,
    /// How many records matched, when sent.
    #[serde(default)]
    pub count: Option<i64>,
    /// Whether this read succeeded.
    #[serde(default)]
    pub success: Option<bool>,
    /// The HTTP status this read would have had.
    #[serde(default)]
    pub status_code: Option<u16>,
    /// The error of a failed read.
    #[serde(default)]
    pub error: Option<ApiError>,
}

impl BundleResult {
    /// Whether the read succeeded (`success`, else a 2xx `statusCode`, else no error).
    pub fn is_success(&self) -> bool {
        self.success.unwrap_or_else(|| {
            self.status_code
                .map_or(self.error.is_none(), |s| (200..300).contains(&s))
        })
    }

    /// The records as typed values.
    ///
    /// # Errors
    /// When a record does not have the shape of `K`.
    pub fn entities_as<K: serde::de::DeserializeOwned>(&self) -> Result<Vec<K>, serde_json::Error> {
        self.entities
            .iter()
            .map(|e| serde_json::from_value(e.clone()))
            .collect()
    }
}

#[derive(Debug, Deserialize)]
struct BundleResults {
    #[serde(default)]
    results: Vec<BundleResult>,
}

/// What a bundle call produced.
#[derive(Debug, Clone, PartialEq)]
pub enum BundleOutcome {
    /// One result per request, in request order (a result the server left out is a failed one).
    Results(Vec<BundleResult>),
    /// The server has no bundles (it answered this status): send the reads one by one.
    Unsupported {
        /// The status of the bundle call.
        status: u16,
    },
}

/// Put results in request order, one per request.
fn in_request_order(count: usize, results: Vec<BundleResult>) -> Vec<BundleResult> {
    let mut ordered: Vec<BundleResult> = (1..=count)
        .map(|n| BundleResult {
            sequence_number: i32::try_from(n).unwrap_or(i32::MAX),
            success: Some(false),
            ..BundleResult::default()
        })
        .collect();
    for result in results {
        let Ok(index) = usize::try_from(result.sequence_number - 1) else {
            continue;
        };
        if let Some(slot) = ordered.get_mut(index) {
            *slot = result;
        }
    }
    ordered
}

impl Client {
    /// Send reads as one bundle (`POST /system/bundles`). Counted as one `bundles` request.
    ///
    /// ```no_run
    /// # async fn demo(client: cwrecon::connectwise::Client) -> Result<(), cwrecon::connectwise::Error> {
    /// use cwrecon::connectwise::{BundleGet, BundleOutcome, ListParams};
    /// let gets = [BundleGet::list("agreementAddition", Some(7), ListParams::new(), 1)];
    /// match client.bundle_get(&gets).await? {
    ///     BundleOutcome::Results(results) => println!("{}", results[0].entities.len()),
    ///     BundleOutcome::Unsupported { .. } => println!("fall back to single requests"),
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Client::send_json`], except the statuses that mean "no bundles here" (400, 404, 405,
    /// 501), which are [`BundleOutcome::Unsupported`].
    pub async fn bundle_get(&self, gets: &[BundleGet]) -> Result<BundleOutcome, Error> {
        if gets.is_empty() {
            return Ok(BundleOutcome::Results(Vec::new()));
        }
        let request = bundle_request(gets, self.api_version())?;
        match self.send(&request).await {
            Ok(response) => {
                let results: BundleResults = super::client::decode(&request, &response.body)?;
                Ok(BundleOutcome::Results(in_request_order(
                    gets.len(),
                    results.results,
                )))
            }
            Err(Error::Http { status, .. }) if matches!(status.as_u16(), 400 | 404 | 405 | 501) => {
                tracing::info!(
                    status = status.as_u16(),
                    "bundles not supported; falling back"
                );
                Ok(BundleOutcome::Unsupported {
                    status: status.as_u16(),
                })
            }
            Err(err) => Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connectwise::Conditions;

    #[test]
    fn bundle_body_shape() {
        let gets = [
            BundleGet::list(
                "agreementAddition",
                Some(7),
                ListParams::new()
                    .conditions(Conditions::eq(
                        "cancelledDate",
                        crate::connectwise::Literal::Null,
                    ))
                    .fields(["id", "quantity"]),
                1,
            ),
            BundleGet::by_id("company", None, 250),
        ];
        let request = bundle_request(&gets, "2025.1").unwrap();
        assert_eq!(request.call.path, "/system/bundles");
        assert_eq!(request.kind, "bundles");
        assert!(request.resend_safe && !request.is_write());
        assert_eq!(
            request.body.unwrap().to_string(),
            r#"{"requests":[{"apiRequest":{"fields":"id,quantity","filters":{"conditions":"cancelledDate = null","orderBy":"id asc"},"page":{"page":1,"pageSize":1000},"parentId":7},"resourceType":"agreementAddition","sequenceNumber":1,"version":"2025.1"},{"apiRequest":{"id":250},"resourceType":"company","sequenceNumber":2,"version":"2025.1"}]}"#
        );
    }

    #[test]
    fn results_are_matched_by_sequence_number() {
        let body = br#"{"results":[
            {"sequenceNumber":2,"resourceType":"company","entities":[{"id":250,"name":"Acme"}],"success":true,"statusCode":200},
            {"sequenceNumber":1,"entities":[],"success":false,"statusCode":404,"error":{"code":"NotFound","message":"x","errors":null}}
        ]}"#;
        let parsed: BundleResults = serde_json::from_slice(body).unwrap();
        let ordered = in_request_order(3, parsed.results);
        assert!(!ordered[0].is_success());
        assert_eq!(
            ordered[0].error.as_ref().unwrap().code.as_deref(),
            Some("NotFound")
        );
        assert!(ordered[1].is_success());
        let companies: Vec<serde_json::Value> = ordered[1].entities_as().unwrap();
        assert_eq!(companies[0]["name"], "Acme");
        assert!(!ordered[2].is_success(), "a missing result is a failure");
    }
}
