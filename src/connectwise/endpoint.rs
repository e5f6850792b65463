//! `Endpoint<K>`: typed reads and writes of one resource collection.
//!
//! Owns the typed verbs — `get`, `get_opt`, `list_all`, `list_page`, `count`, `create`, `patch`,
//! `put`, `delete` — and paging: `list_all` follows the `Link` header's `rel="next"` page number with
//! `pageSize=1000`, and, when a server sends no `Link` header, reads on until a page comes back
//! empty. A short page does not end a list (issue 11: a proxy that serves fewer rows than asked
//! would otherwise cut every list short, and the plan would create duplicates).
//!
//! Refuses to page forever: a list stops with an error at the client's record cap
//! ([`Error::TooManyRecords`]), at a `next` that does not move forward ([`Error::Paging`]), and at
//! a page that repeats the previous page's records ([`Error::PageRepeats`]). Refuses to send
//! anything itself: every request goes through [`Client::send`].

use std::hash::{BuildHasher as _, RandomState};
use std::marker::PhantomData;

use super::client::decode;
use super::paging::{NextPage, next_page};
use super::request::{ListParams, PatchOp, Request};
use super::{Client, Error};

/// The most pages `list_all` reads before deciding paging is broken (100 million records).
const MAX_PAGES: u32 = 100_000;

/// A typed handle on one collection path: `client.endpoint_at::<K>(kind, path)`, where `K` is a
/// record type the caller decodes into (the live records, `crate::live::records`, make these
/// from their tables), or `serde_json::Value` for raw reads and writes.
pub struct Endpoint<K> {
    client: Client,
    kind: &'static str,
    path: String,
    _kind: PhantomData<fn() -> K>,
}

impl<K> Clone for Endpoint<K> {
    fn clone(&self) -> Self {
        Endpoint {
            client: self.client.clone(),
            kind: self.kind,
            path: self.path.clone(),
            _kind: PhantomData,
        }
    }
}

impl<K> std::fmt::Debug for Endpoint<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("client", &self.client)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// The body of `GET …/count` (`{"count": N}`).
#[derive(serde::Deserialize)]
struct Count {
    count: u64,
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<K> {
    /// The records on the page.
    pub records: Vec<K>,
    /// The next page's number, when there is one.
    pub next: Option<u32>,
}

impl Client {
    /// An untyped handle on any collection path, reading records as JSON: for callers that
    /// look records up by conditions only (apply's natural-key look-up, `doctor`). `kind` names
    /// its requests in the counts.
    pub fn raw_endpoint(
        &self,
        kind: &'static str,
        path: impl Into<String>,
    ) -> Endpoint<serde_json::Value> {
        self.endpoint_at(kind, path)
    }

    /// A handle on any collection path reading records as `K`, decoded straight from each page's
    /// bytes (the live reader's compact records, `crate::live`). `kind` names its requests in the
    /// counts.
    pub fn endpoint_at<K>(&self, kind: &'static str, path: impl Into<String>) -> Endpoint<K> {
        Endpoint {
            client: self.clone(),
            kind,
            path: path.into(),
            _kind: PhantomData,
        }
    }
}

impl<K: serde::de::DeserializeOwned> Endpoint<K> {
    /// The collection path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Read one record by id.
    ///
    /// ```no_run
    /// # async fn demo(client: cwrecon::connectwise::Client) -> Result<(), cwrecon::connectwise::Error> {
    /// use cwrecon::live::records::{COMPANIES, CompanyRecord};
    /// let company = COMPANIES.endpoint::<CompanyRecord>(&client).get(250).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Client::send_json`]; a missing record is [`Error::Http`] with 404.
    pub async fn get(&self, id: i32) -> Result<K, Error> {
        self.client
            .send_json(&Request::get(self.kind, &self.path, id, &[]))
            .await
    }

    /// Read one record by id; `None` when ConnectWise answers 404.
    ///
    /// ```no_run
    /// # async fn demo(client: cwrecon::connectwise::Client) -> Result<(), cwrecon::connectwise::Error> {
    /// use cwrecon::live::records::{AGREEMENTS, AgreementRecord};
    /// let agreements = AGREEMENTS.endpoint::<AgreementRecord>(&client);
    /// if agreements.get_opt(7).await?.is_none() { println!("gone"); }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Endpoint::get`], except 404.
    pub async fn get_opt(&self, id: i32) -> Result<Option<K>, Error> {
        match self.get(id).await {
            Ok(record) => Ok(Some(record)),
            Err(err) if err.is_not_found() => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// Read one page.
    ///
    /// ```no_run
    /// # async fn demo(client: cwrecon::connectwise::Client) -> Result<(), cwrecon::connectwise::Error> {
    /// use cwrecon::connectwise::ListParams;
    /// use cwrecon::live::records::{COMPANIES, CompanyRecord};
    /// let page = COMPANIES.endpoint::<CompanyRecord>(&client).list_page(&ListParams::new(), 1).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Client::send_json`].
    pub async fn list_page(&self, params: &ListParams, page: u32) -> Result<Page<K>, Error> {
        self.fetch_page(params, page).await.map(|(page, _)| page)
    }

    /// One page, and the fingerprint that tells whether it repeats the page before it.
    async fn fetch_page(
        &self,
        params: &ListParams,
        page: u32,
    ) -> Result<(Page<K>, Fingerprint), Error> {
        let request = Request::list(self.kind, &self.path, params, page);
        let response = self.client.send(&request).await?;
        let records: Vec<K> = decode(&request, &response.body)?;
        let next = match next_page(response.link.as_deref()) {
            NextPage::Page(n) => Some(n),
            NextPage::None => None,
            // No usable `Link`: only an empty page ends the list. A short page may come from a
            // proxy that caps page sizes; stopping there would lose the rest.
            // The last page number there is ends the list too, never wrapping or panicking (a
            // server's `Link` may have jumped there).
            NextPage::Unknown => page.checked_add(1).filter(|_| !records.is_empty()),
        };
        let fingerprint = Fingerprint::of(&response.body);
        Ok((Page { records, next }, fingerprint))
    }

    /// Read every matching record, page after page (1000 a page unless `params` says otherwise).
    ///
    /// ```no_run
    /// # async fn demo(client: cwrecon::connectwise::Client) -> Result<(), cwrecon::connectwise::Error> {
    /// use cwrecon::connectwise::{Conditions, ListParams};
    /// use cwrecon::live::records::{CATALOG, CatalogRecord};
    /// let params = ListParams::new()
    ///     .conditions(Conditions::eq("type/name", "Intermedia_Services"))
    ///     .fields(CATALOG.fields.split(','));
    /// let items = CATALOG.endpoint::<CatalogRecord>(&client).list_all(&params).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Client::send_json`], naming the page that failed; [`Error::Paging`] when the server's
    /// `next` links do not move forward.
    pub async fn list_all(&self, params: &ListParams) -> Result<Vec<K>, Error> {
        let mut pager = self.pager(params.clone());
        let mut all = Vec::new();
        while let Some(records) = pager.next_page().await? {
            all.extend(records);
        }
        Ok(all)
    }

    /// Read matching records a page at a time, for callers that process pages as they arrive.
    pub fn pager(&self, params: ListParams) -> Pager<K> {
        Pager {
            endpoint: self.clone(),
            params,
            next: Some(1),
            pages: 0,
            records: 0,
            previous: None,
        }
    }

    /// Count matching records (`GET …/count`; `fields` and `orderBy` are not sent).
    ///
    /// ```no_run
    /// # async fn demo(client: cwrecon::connectwise::Client) -> Result<(), cwrecon::connectwise::Error> {
    /// use cwrecon::connectwise::ListParams;
    /// use cwrecon::live::records::{COMPANIES, CompanyRecord};
    /// let n = COMPANIES.endpoint::<CompanyRecord>(&client).count(&ListParams::new()).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Client::send_json`].
    pub async fn count(&self, params: &ListParams) -> Result<u64, Error> {
        let count: Count = self
            .client
            .send_json(&Request::count(self.kind, &self.path, params))
            .await?;
        Ok(count.count)
    }
}

impl<K: serde::Serialize + serde::de::DeserializeOwned> Endpoint<K> {
    /// Create a record; ConnectWise answers with the record as stored (id, defaults, `_info`).
    /// A create is never resent after it may have reached the server: on failure check
    /// [`Error::may_have_committed`] and look the record up by its natural key.
    ///
    /// ```no_run
    /// # async fn demo(client: cwrecon::connectwise::Client) -> Result<(), cwrecon::connectwise::Error> {
    /// use cwrecon::live::records::PRODUCT_TYPES;
    /// let row = serde_json::json!({"name": "Intermedia_Services"});
    /// let created = PRODUCT_TYPES.endpoint(&client).create(&row).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Client::send_json`]; a refused record is [`Error::Http`] with 400 and `errors[]`.
    pub async fn create(&self, record: &K) -> Result<K, Error> {
        let request = Request::create(self.kind, &self.path, record)?;
        self.client.send_json(&request).await
    }

    /// Update some fields of a record with PATCH operations; answers with the updated record.
    ///
    /// ```no_run
    /// # async fn demo(client: cwrecon::connectwise::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use cwrecon::connectwise::PatchOp;
    /// use cwrecon::live::records::ADDITIONS;
    /// let ops = [PatchOp::replace("quantity", &42)?];
    /// ADDITIONS.child_endpoint::<serde_json::Value>(&client, 7).patch(3, &ops).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Endpoint::create`].
    pub async fn patch(&self, id: i32, ops: &[PatchOp]) -> Result<K, Error> {
        let request = Request::patch(self.kind, &self.path, id, ops)?;
        self.client.send_json(&request).await
    }

    /// Replace a record whole (PUT): every field left out is reset by ConnectWise, so prefer
    /// [`Endpoint::patch`].
    ///
    /// ```no_run
    /// # async fn demo(client: cwrecon::connectwise::Client) -> Result<(), cwrecon::connectwise::Error> {
    /// use cwrecon::live::records::CATEGORIES;
    /// let ep = CATEGORIES.endpoint::<serde_json::Value>(&client);
    /// let mut row = ep.get(4).await?;
    /// row["inactiveFlag"] = false.into();
    /// ep.put(4, &row).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Client::send_json`].
    pub async fn put(&self, id: i32, record: &K) -> Result<K, Error> {
        let request = Request::put(self.kind, &self.path, id, record)?;
        self.client.send_json(&request).await
    }

    /// Delete a record.
    ///
    /// ```no_run
    /// # async fn demo(client: cwrecon::connectwise::Client) -> Result<(), cwrecon::connectwise::Error> {
    /// use cwrecon::live::records::ADDITIONS;
    /// ADDITIONS.child_endpoint::<serde_json::Value>(&client, 7).delete(3).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Client::send`].
    pub async fn delete(&self, id: i32) -> Result<(), Error> {
        self.client
            .send(&Request::delete(self.kind, &self.path, id))
            .await
            .map(|_| ())
    }
}

/// Pages of a list, read one at a time: `while let Some(page) = pager.next_page().await? { … }`.
#[derive(Debug)]
pub struct Pager<K> {
    endpoint: Endpoint<K>,
    params: ListParams,
    next: Option<u32>,
    pages: u32,
    /// Records read so far, against the client's cap.
    records: u64,
    /// The last page's fingerprint, to catch a server that serves one page forever.
    previous: Option<Fingerprint>,
}

/// What a page holds, for comparing it with the next: its records' ids in order, or, for records
/// without ids, a hash of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Fingerprint {
    Ids(Vec<i64>),
    Body(u64),
}

/// Only the `id` of a record; everything else is skipped unread.
#[derive(serde::Deserialize)]
struct IdOnly {
    #[serde(default)]
    id: Option<i64>,
}

impl Fingerprint {
    fn of(body: &[u8]) -> Fingerprint {
        let ids: Vec<i64> = serde_json::from_slice::<Vec<IdOnly>>(body)
            .map(|rows| rows.into_iter().filter_map(|r| r.id).collect())
            .unwrap_or_default();
        if ids.is_empty() {
            // One fixed hasher per process: the same bytes always hash alike within a read.
            static HASHER: std::sync::OnceLock<RandomState> = std::sync::OnceLock::new();
            Fingerprint::Body(HASHER.get_or_init(RandomState::new).hash_one(body))
        } else {
            Fingerprint::Ids(ids)
        }
    }
}

impl<K: serde::de::DeserializeOwned> Pager<K> {
    /// The next page's records, or `None` after the last page.
    ///
    /// ```no_run
    /// # async fn demo(client: cwrecon::connectwise::Client) -> Result<(), cwrecon::connectwise::Error> {
    /// use cwrecon::connectwise::ListParams;
    /// use cwrecon::live::records::{COMPANIES, CompanyRecord};
    /// let mut pager = COMPANIES.endpoint::<CompanyRecord>(&client).pager(ListParams::new());
    /// while let Some(page) = pager.next_page().await? {
    ///     println!("{} companies", page.len());
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Endpoint::list_page`]; [`Error::Paging`] when the server's `next` links do not move
    /// forward or paging goes on past 100,000 pages; [`Error::PageRepeats`] when a page holds the
    /// previous page's records again; [`Error::TooManyRecords`] past the client's record cap.
    pub async fn next_page(&mut self) -> Result<Option<Vec<K>>, Error> {
        let Some(page) = self.next else {
            return Ok(None);
        };
        if self.pages >= MAX_PAGES {
            return Err(self.paging_error(page));
        }
        let (Page { records, next }, fingerprint) =
            self.endpoint.fetch_page(&self.params, page).await?;
        self.pages += 1;
        if !records.is_empty() && self.previous.as_ref() == Some(&fingerprint) {
            return Err(Error::PageRepeats {
                call: Box::new(self.call(page)),
            });
        }
        self.previous = Some(fingerprint);
        self.records = self
            .records
            .saturating_add(u64::try_from(records.len()).unwrap_or(u64::MAX));
        let cap = self.endpoint.client.max_records();
        if self.records > cap {
            return Err(Error::TooManyRecords {
                call: Box::new(self.call(page)),
                limit: cap,
            });
        }
        self.next = match next {
            // An empty page ends the list whatever the links say.
            Some(_) if records.is_empty() => None,
            Some(n) if n > page => Some(n),
            Some(_) => return Err(self.paging_error(page)),
            None => None,
        };
        Ok(Some(records))
    }

    fn call(&self, page: u32) -> super::Call {
        Request::list(self.endpoint.kind, &self.endpoint.path, &self.params, page).call
    }

    fn paging_error(&self, page: u32) -> Error {
        Error::Paging {
            call: Box::new(self.call(page)),
            pages: self.pages,
        }
    }
}
