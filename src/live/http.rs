//! The live reader's [`Source`] over the ConnectWise client: lists through the client's paging,
//! child lists batched through `/system/bundles` with a fallback to one list per parent.

use std::collections::BTreeMap;

use futures_util::StreamExt as _;
use serde_json::Value as Json;

use super::read::{ListQuery, ReadError, Source};
use crate::connectwise::{BundleGet, BundleOutcome, Client, Conditions, ListParams, MAX_PAGE_SIZE};

/// How many child lists go in one bundle. ConnectWise documents no limit; a few dozen keeps each
/// bundle's answer well under a megabyte.
pub const BUNDLE_SIZE: usize = 50;

/// Reads through a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientSource {
    client: Client,
    concurrency: usize,
}

impl ClientSource {
    /// A source over `client`, running at most `concurrency` child lists at once when it cannot
    /// bundle them.
    pub fn new(client: Client, concurrency: usize) -> ClientSource {
        ClientSource {
            client,
            concurrency: concurrency.max(1),
        }
    }

    /// One bundle of child lists.
    async fn bundle(
        &self,
        kind: &'static str,
        gets: Vec<BundleGet>,
    ) -> Result<BundleOutcome, ReadError> {
        self.client
            .bundle_get(&gets)
            .await
            .map_err(|e| read_error(format!("{kind} (bundled)"), e))
    }

    /// The client, for its request counts.
    pub fn client(&self) -> &Client {
        &self.client
    }
}

fn params(query: &ListQuery) -> ListParams {
    let mut params = ListParams::new();
    if let Some(conditions) = &query.conditions {
        params = params.conditions(Conditions::raw(conditions.clone()));
    }
    if let Some(fields) = &query.fields {
        params = params.fields(fields.split(','));
    }
    params
}

fn read_error(what: impl Into<String>, err: crate::connectwise::Error) -> ReadError {
    ReadError {
        what: what.into(),
        source: Box::new(err),
    }
}

impl Source for ClientSource {
    async fn list(
        &self,
        kind: &'static str,
        path: &str,
        query: ListQuery,
    ) -> Result<Vec<Json>, ReadError> {
        self.client
            .raw_endpoint(kind, path)
            .list_all(&params(&query))
            .await
            .map_err(|e| read_error(kind, e))
    }

    async fn list_children(
        &self,
        kind: &'static str,
        resource_type: &'static str,
        path: &str,
        parents: &[i64],
        query: ListQuery,
    ) -> Result<BTreeMap<i64, Vec<Json>>, ReadError> {
        let mut out = BTreeMap::new();
        let mut unbundled: Vec<i64> = Vec::new();
        // The first bundle alone tells whether the server has bundles; the rest then go out
        // `concurrency` at a time, in order (issue 7: one after another, 100 bundles at 5,000
        // companies were the longest part of a plan's dependency chain).
        let chunks: Vec<&[i64]> = parents.chunks(BUNDLE_SIZE).collect();
        let mut gets = chunks.iter().map(|chunk| {
            chunk
                .iter()
                .map(|&p| BundleGet::list(resource_type, i32::try_from(p).ok(), params(&query), 1))
                .collect::<Vec<BundleGet>>()
        });
        let mut outcomes = Vec::with_capacity(chunks.len());
        if let Some(first) = gets.next() {
            outcomes.push(self.bundle(kind, first).await?);
        }
        if !matches!(outcomes.first(), Some(BundleOutcome::Unsupported { .. })) {
            let rest: Vec<Vec<BundleGet>> = gets.collect();
            let rest: Vec<Result<BundleOutcome, ReadError>> = futures_util::stream::iter(rest)
                .map(|g| self.bundle(kind, g))
                .buffered(self.concurrency)
                .collect()
                .await;
            for outcome in rest {
                outcomes.push(outcome?);
            }
        }
        for (chunk, outcome) in chunks.iter().zip(outcomes) {
            match outcome {
                BundleOutcome::Unsupported { .. } => {
                    // No bundles on this server: one list per parent from here on.
                    unbundled.extend(parents.iter().skip(out.len() + unbundled.len()));
                    break;
                }
                BundleOutcome::Results(results) => {
                    for (&parent, result) in chunk.iter().zip(results) {
                        // A full first page, or a `count` above what came back (a server
                        // that caps pages), may have more: that parent is read page by page.
                        let full = result.entities.len() >= MAX_PAGE_SIZE as usize;
                        let counted_more = result.count.is_some_and(|count| {
                            usize::try_from(count).map_or(true, |c| c > result.entities.len())
                        });
                        if result.is_success() && !full && !counted_more {
                            out.insert(parent, result.entities);
                        } else {
                            // A failed or full first page: read that parent's list in full.
                            unbundled.push(parent);
                        }
                    }
                }
            }
        }
        let template = path.to_owned();
        let lists: Vec<(i64, Result<Vec<Json>, ReadError>)> = futures_util::stream::iter(unbundled)
            .map(|parent| {
                let path = template.replace("{parentId}", &parent.to_string());
                let query = query.clone();
                async move { (parent, self.list(kind, &path, query).await) }
            })
            .buffer_unordered(self.concurrency)
            .collect()
            .await;
        for (parent, records) in lists {
            out.insert(parent, records?);
        }
        Ok(out)
    }
}
