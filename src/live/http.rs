//! The live reader's [`Source`] over the ConnectWise client: lists through the client's paging,
//! child lists batched through `/system/bundles` with a fallback to one list per parent.
//!
//! Decodes as it reads: a page's records are decoded straight from its bytes, a bundle's as soon
//! as it answers, so no response's JSON outlives its own decoding (issue 13: the snapshot held as
//! JSON was a third of a plan's memory).

use std::collections::BTreeMap;

use futures_util::StreamExt as _;

use super::read::{ListQuery, ReadError, Source};
use super::records::{Record, decode};
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

/// What one bundle of child lists gave, decoded.
enum BundleRead<R> {
    /// The server has no bundles.
    Unsupported,
    /// The parents read in full, and the parents whose list must be read page by page.
    Read {
        records: Vec<(i64, Vec<R>)>,
        unbundled: Vec<i64>,
    },
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

    /// One bundle of child lists, decoded as soon as it answers.
    async fn bundle<R: Record>(
        &self,
        parents: &[i64],
        query: &ListQuery,
    ) -> Result<BundleRead<R>, ReadError> {
        let table = R::TABLE;
        let gets: Vec<BundleGet> = parents
            .iter()
            .map(|&p| {
                BundleGet::list(
                    table.bundle_type,
                    i32::try_from(p).ok(),
                    params::<R>(query),
                    1,
                )
            })
            .collect();
        let outcome = self
            .client
            .bundle_get(&gets)
            .await
            .map_err(|e| read_error(format!("{} (bundled)", table.kind), e))?;
        let results = match outcome {
            BundleOutcome::Unsupported { .. } => return Ok(BundleRead::Unsupported),
            BundleOutcome::Results(results) => results,
        };
        let mut records = Vec::with_capacity(parents.len());
        let mut unbundled = Vec::new();
        for (&parent, result) in parents.iter().zip(results) {
            // A full first page, or a `count` above what came back (a server that caps pages),
            // may have more: that parent is read page by page.
            let full = result.entities.len() >= MAX_PAGE_SIZE as usize;
            let counted_more = result.count.is_some_and(|count| {
                usize::try_from(count).map_or(true, |c| c > result.entities.len())
            });
            if result.is_success() && !full && !counted_more {
                let decoded = result
                    .entities
                    .into_iter()
                    .map(decode::<R>)
                    .collect::<Result<Vec<R>, _>>()
                    .map_err(|e| ReadError {
                        what: format!("{} (bundled)", table.kind),
                        source: Box::new(e),
                    })?;
                records.push((parent, decoded));
            } else {
                // A failed or full first page: read that parent's list in full.
                unbundled.push(parent);
            }
        }
        Ok(BundleRead::Read { records, unbundled })
    }

    /// Every page of one collection path.
    async fn list_at<R: Record>(&self, path: &str, query: &ListQuery) -> Result<Vec<R>, ReadError> {
        self.client
            .endpoint_at::<R>(R::TABLE.kind, path)
            .list_all(&params::<R>(query))
            .await
            .map_err(|e| read_error(R::TABLE.kind, e))
    }

    /// The client, for its request counts.
    pub fn client(&self) -> &Client {
        &self.client
    }
}

fn params<R: Record>(query: &ListQuery) -> ListParams {
    let mut params = ListParams::new();
    if let Some(conditions) = &query.conditions {
        params = params.conditions(Conditions::raw(conditions.clone()));
    }
    params.fields(R::TABLE.fields.split(','))
}

fn read_error(what: impl Into<String>, err: crate::connectwise::Error) -> ReadError {
    ReadError {
        what: what.into(),
        source: Box::new(err),
    }
}

impl Source for ClientSource {
    async fn list<R: Record>(&self, query: ListQuery) -> Result<Vec<R>, ReadError> {
        self.list_at(R::TABLE.path, &query).await
    }

    async fn list_children<R: Record>(
        &self,
        parents: &[i64],
        query: ListQuery,
    ) -> Result<BTreeMap<i64, Vec<R>>, ReadError> {
        let mut out = BTreeMap::new();
        let mut unbundled: Vec<i64> = Vec::new();
        // The first bundle alone tells whether the server has bundles; the rest then go out
        // `concurrency` at a time, in order (issue 7: one after another, 100 bundles at 5,000
        // companies were the longest part of a plan's dependency chain).
        let query_ref = &query;
        let mut chunks = parents.chunks(BUNDLE_SIZE);
        let mut reads: Vec<(Vec<i64>, BundleRead<R>)> = Vec::new();
        if let Some(first) = chunks.next() {
            match self.bundle::<R>(first, &query).await? {
                // No bundles on this server: one list per parent.
                BundleRead::Unsupported => unbundled.extend_from_slice(parents),
                read @ BundleRead::Read { .. } => reads.push((first.to_vec(), read)),
            }
        }
        if unbundled.is_empty() {
            // Owned chunks: a stream of borrowed ones trips the compiler's `Send` inference.
            let rest: Vec<Vec<i64>> = chunks.map(<[i64]>::to_vec).collect();
            let mut rest = futures_util::stream::iter(rest)
                .map(|chunk| async move {
                    let read = self.bundle::<R>(&chunk, query_ref).await;
                    (chunk, read)
                })
                .buffered(self.concurrency);
            while let Some((chunk, read)) = rest.next().await {
                reads.push((chunk, read?));
            }
        }
        for (chunk, read) in reads {
            match read {
                // A server that stops bundling midway: that bundle's parents one by one.
                BundleRead::Unsupported => unbundled.extend(chunk),
                BundleRead::Read {
                    records,
                    unbundled: more,
                } => {
                    out.extend(records);
                    unbundled.extend(more);
                }
            }
        }
        let lists: Vec<(i64, Result<Vec<R>, ReadError>)> = futures_util::stream::iter(unbundled)
            .map(|parent| {
                let path = R::TABLE.child_path(parent);
                async move { (parent, self.list_at::<R>(&path, query_ref).await) }
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
