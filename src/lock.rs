//! One writer per tenant: the apply lock, kept in ConnectWise itself.
//!
//! Owns the lock's record, how it is taken, kept alive, given back and broken. Two applies at once
//! (two merges in a row, a re-run) would each plan against a tenant the other is changing and bill
//! every customer twice, so every apply holds this lock from before it reads the tenant until after
//! it has verified its result.
//!
//! **Where it lives.** A Management IT solution row (`/company/managementItSolutions`, a kind apply
//! writes already, so the API member has the right) named [`LOCK_NAME`], of type `Custom`, hidden
//! from ConnectWise's pickers (`noDisplayFlag`). Its `managementServerUrl` (at most 200 characters)
//! holds the record as a URL, `cwrecon-lock://<lock id>?holder=…&since=…&expires=…`, so it parses
//! back and is still a valid URL if ConnectWise validates the field (UNVERIFIED: API-NOTES.md §2.3
//! gives only its length).
//!
//! **Taking it.** List the rows named [`LOCK_NAME`]; delete the expired ones (a crashed apply); if
//! a live one is left, the tenant is held. Otherwise POST our row, then list again: ignoring expired
//! rows, the lowest record id wins, and a loser deletes its own row and waits. ConnectWise may or
//! may not refuse a second row with the same name (the simulator does; real ConnectWise is
//! UNVERIFIED), so the list decides, not the create. This is mutual exclusion without a unique key,
//! given two properties of the server: reads see every write that finished before them, and record
//! ids grow with creation order. Say A's row has the lower id. Then A's row was created before B's,
//! so B's list (made after B's create finished) shows A's row and B loses; A, whatever its list
//! shows, only ever loses to a lower id. So at most one apply wins, and the owner of the lowest live
//! row always does: two applies at once never both lose.
//!
//! **Keeping it.** While the apply runs, a heartbeat re-checks that our row is still ours and moves
//! its expiry ([`TTL`] ahead, every third of it). If the row is gone or carries another lock id, or
//! it could not be renewed before it would expire, the lock is lost: no new op starts, and the ops
//! left are reported as skipped ("lock lost"). The apply never keeps writing without the lock.
//! Expiry is compared with the local clock of whoever reads it, so clocks must agree to within a
//! few minutes (the heartbeat keeps a third of the TTL as margin).
//!
//! **Trust.** Everything read back from the tenant is untrusted: the record is bounded, stripped of
//! control and invisible characters, and a record that does not parse is held by "unknown" (never
//! free) unless its expiry is readable and past.
//!
//! Refuses to talk HTTP itself: it writes and lists through an [`apply::Target`](crate::apply::Target),
//! so every apply path (CLI, library, demo) locks the same way.

use std::fmt::Write as _;
use std::future::Future;
use std::hash::{BuildHasher as _, Hasher as _};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde_json::{Value as Json, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::apply::{Lookup, Target, Write, WriteFailure};

/// The lock row's name (the `name` field, at most 30 characters in ConnectWise).
pub const LOCK_NAME: &str = crate::model::LOCK_ROW_NAME;
/// How long a lock lives without a heartbeat: a crashed apply blocks others at most this long.
pub const TTL: Duration = Duration::from_mins(10);
/// How often a waiting apply looks again.
pub const POLL: Duration = Duration::from_secs(5);

/// The lock is a Management IT solution row: its path, kind and look-up by name are that table's.
static TABLE: &crate::live::Table = &crate::live::records::MANAGEMENT_IT_SOLUTIONS;
const SCHEME: &str = "cwrecon-lock";
/// `managementServerUrl` holds at most 200 characters (API-NOTES.md §2.3).
const MAX_URL: usize = 200;
/// A holder is shown in at most this many characters.
const MAX_HOLDER: usize = 80;
/// What is read from the tenant is cut to this many characters before it is parsed or shown.
const MAX_READ: usize = 400;

/// Whether a Management IT solution row is the apply lock (never a configured solution).
fn is_lock_row(row: &Json) -> bool {
    row.get("name")
        .and_then(Json::as_str)
        .is_some_and(crate::model::is_lock_row_name)
}

/// The lock's record: who holds it, since when, until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Random hex chosen by the holder; `row-<id>` when the row's record could not be read.
    pub lock_id: String,
    /// `user@host pid N`, plus the CI run when there is one; `unknown` when unreadable.
    pub holder: String,
    /// When it was taken.
    pub since: Option<OffsetDateTime>,
    /// When it lapses unless renewed; `None` (unreadable) never lapses.
    pub expires: Option<OffsetDateTime>,
}

impl Record {
    fn new(lock_id: &str, holder: &str, now: OffsetDateTime, ttl: Duration) -> Record {
        Record {
            lock_id: lock_id.to_owned(),
            holder: safe_holder(holder),
            since: Some(now),
            expires: Some(now + ttl),
        }
    }

    /// The record as the URL stored in `managementServerUrl` (at most 200 characters).
    fn to_url(&self) -> String {
        let mut holder: String = self.holder.clone();
        loop {
            let url = self.url_with(&holder);
            if url.len() <= MAX_URL || holder.is_empty() {
                return url;
            }
            holder.pop();
        }
    }

    fn url_with(&self, holder: &str) -> String {
        // The lock id is our own hex, so this cannot fail; a record that says so is still valid.
        let Ok(mut url) = url::Url::parse(&format!("{SCHEME}://{}", self.lock_id)) else {
            return format!("{SCHEME}://invalid");
        };
        url.query_pairs_mut()
            .append_pair("holder", holder)
            .append_pair("since", &stamp(self.since))
            .append_pair("expires", &stamp(self.expires));
        url.to_string()
    }

    /// Read a record back from the tenant. Never fails: what cannot be read is "unknown".
    pub fn parse(text: Option<&str>, row_id: i64) -> Record {
        let unknown = Record {
            lock_id: format!("row-{row_id}"),
            holder: "unknown".to_owned(),
            since: None,
            expires: None,
        };
        let Some(text) = text else {
            return unknown;
        };
        let bounded: String = text.chars().take(MAX_READ).collect();
        let Ok(url) = url::Url::parse(&bounded) else {
            return unknown;
        };
        let param = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        let time =
            |name: &str| param(name).and_then(|v| OffsetDateTime::parse(v.trim(), &Rfc3339).ok());
        let expires = time("expires");
        let lock_id = url
            .host_str()
            .filter(|_| url.scheme() == SCHEME)
            .filter(|h| is_lock_id(h))
            .map(str::to_owned);
        match lock_id {
            Some(lock_id) => Record {
                lock_id,
                holder: param("holder").map_or_else(|| "unknown".to_owned(), |h| clean(&h)),
                since: time("since"),
                expires,
            },
            // An unreadable record is held by "unknown", but a readable past expiry still frees it.
            None => Record { expires, ..unknown },
        }
    }

    /// Whether the record has lapsed at `now` (an unreadable expiry never lapses).
    pub fn is_expired(&self, now: OffsetDateTime) -> bool {
        self.expires.is_some_and(|e| e <= now)
    }
}

impl std::fmt::Display for Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "held by {}, since {}, expires {}, lock id {}",
            self.holder,
            shown(self.since),
            shown(self.expires),
            self.lock_id
        )
    }
}

fn stamp(time: Option<OffsetDateTime>) -> String {
    time.and_then(|t| t.replace_nanosecond(0).ok())
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

fn shown(time: Option<OffsetDateTime>) -> String {
    let text = stamp(time);
    if text.is_empty() {
        "unknown".to_owned()
    } else {
        text
    }
}

/// Lock ids are our own: 1 to 32 lowercase hex digits.
fn is_lock_id(text: &str) -> bool {
    (1..=32).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Text from the tenant made safe to show: no control or invisible characters, bounded.
fn clean(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|c| !crate::output::terminal::is_hidden(*c))
        .collect();
    let kept = kept.trim();
    if kept.chars().count() > MAX_HOLDER {
        let mut cut: String = kept.chars().take(MAX_HOLDER - 1).collect();
        cut.push('…');
        cut
    } else if kept.is_empty() {
        "unknown".to_owned()
    } else {
        kept.to_owned()
    }
}

/// Our own holder text: a plain character set, so the URL stays short and readable.
fn safe_holder(text: &str) -> String {
    let safe: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " @._:/#+-=".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(MAX_HOLDER)
        .collect();
    safe.trim().to_owned()
}

/// `user@host pid N`, plus the CI run (GitHub Actions or GitLab CI) when there is one.
pub fn local_holder() -> String {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let user = var("USER")
        .or_else(|| var("USERNAME"))
        .unwrap_or_else(|| "unknown".to_owned());
    let host = var("HOSTNAME")
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_owned())
                .filter(|h| !h.is_empty())
        })
        .unwrap_or_else(|| "unknown-host".to_owned());
    let mut holder = format!("{user}@{host} pid {}", std::process::id());
    if let (Some(repo), Some(run)) = (var("GITHUB_REPOSITORY"), var("GITHUB_RUN_ID")) {
        let _ = write!(holder, " github {repo} run {run}");
    } else if let (Some(project), Some(job)) = (var("CI_PROJECT_PATH"), var("CI_JOB_ID")) {
        let _ = write!(holder, " gitlab {project} job {job}");
    }
    safe_holder(&holder)
}

/// A fresh lock id: 16 hex digits from the standard library's randomly keyed hasher (unique per
/// run, which is all a lock id needs; it is no secret).
fn new_lock_id() -> String {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    hasher.write_i128(OffsetDateTime::now_utc().unix_timestamp_nanos());
    format!("{:016x}", hasher.finish())
}

/// How an apply takes and keeps the lock.
#[derive(Debug, Clone)]
pub struct LockOptions {
    /// How long to wait for another apply's lock (zero: fail at once, as Terraform does).
    pub timeout: Duration,
    /// How long the lock lives without a heartbeat.
    pub ttl: Duration,
    /// How often a waiting apply looks again.
    pub poll: Duration,
    /// Recorded in the lock: who holds it.
    pub holder: String,
    /// Stop starting ops on the first Ctrl-C (the CLI; a library caller handles its own signals).
    pub stop_on_interrupt: bool,
}

impl Default for LockOptions {
    fn default() -> LockOptions {
        LockOptions {
            timeout: Duration::ZERO,
            ttl: TTL,
            poll: POLL,
            holder: local_holder(),
            stop_on_interrupt: false,
        }
    }
}

/// Why the lock could not be taken, kept or broken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another apply holds the tenant.
    #[error(
        "take the apply lock: ConnectWise is locked by another apply ({record}); waited {waited}s. Let it finish and run again, or wait longer with --lock-timeout 10m. If that apply is dead (killed, its runner gone), its lock lapses at the expiry shown; to break it now: cwrecon unlock {lock_id}",
        lock_id = record.lock_id,
        waited = waited.as_secs()
    )]
    Held {
        /// The holder's record.
        record: Record,
        /// How long this apply waited.
        waited: Duration,
    },
    /// A lock request failed.
    #[error("{what} (the apply lock): {message}")]
    Request {
        /// What was being done.
        what: &'static str,
        /// ConnectWise's answer.
        message: String,
        /// The answer says the site is not ConnectWise's API.
        wrong_site: bool,
        /// ConnectWise refused the login or the right (401, 403): asking again cannot help.
        refused: bool,
    },
    /// `unlock` was given a lock id that does not hold the tenant.
    #[error(
        "unlock {given}: no lock with that id; {}",
        if current.is_empty() { "the tenant is not locked".to_owned() } else { format!("the tenant is locked: {}", current.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")) }
    )]
    NoSuchLock {
        /// The lock id typed.
        given: String,
        /// The locks there are.
        current: Vec<Record>,
    },
}

impl LockError {
    fn request(what: &'static str, failure: &WriteFailure) -> LockError {
        LockError::Request {
            what,
            message: failure.to_string(),
            wrong_site: failure.wrong_site,
            refused: failure.error.stop_reason().is_some(),
        }
    }
}

/// A lock row as read back.
#[derive(Debug, Clone)]
struct Row {
    id: i64,
    record: Record,
}

/// The lock rows by their name (the table's natural key), with the one field the lock keeps in them.
fn lookup() -> Result<Lookup, LockError> {
    let conditions = TABLE
        .natural_key_conditions(&[crate::live::quote(LOCK_NAME)])
        .map_err(|message| LockError::Request {
            what: "list",
            message,
            wrong_site: false,
            refused: false,
        })?;
    Ok(Lookup {
        kind: TABLE.kind,
        path: TABLE.path.to_owned(),
        conditions,
        fields: &["id", "name", "managementServerUrl"],
    })
}

async fn rows<T: Target>(target: &T) -> Result<Vec<Row>, LockError> {
    let found = target
        .find(&lookup()?)
        .await
        .map_err(|f| LockError::request("list", &f))?;
    let mut rows: Vec<Row> = found
        .iter()
        .filter(|r| is_lock_row(r))
        .filter_map(|r| {
            let id = r.get("id").and_then(Json::as_i64)?;
            let text = r.get("managementServerUrl").and_then(Json::as_str);
            Some(Row {
                id,
                record: Record::parse(text, id),
            })
        })
        .collect();
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}

/// The lock rows there are now (for `doctor` and `unlock`).
///
/// # Errors
/// When ConnectWise cannot be listed.
pub async fn current<T: Target>(target: &T) -> Result<Vec<Record>, LockError> {
    Ok(rows(target).await?.into_iter().map(|r| r.record).collect())
}

async fn delete<T: Target>(target: &T, id: i64) -> Result<(), WriteFailure> {
    target
        .write(&Write::Delete {
            kind: TABLE.kind,
            path: TABLE.path.to_owned(),
            id,
        })
        .await
        .map(|_| ())
}

fn body(record: &Record) -> Json {
    json!({
        "name": LOCK_NAME,
        "managementItSolutionType": "Custom",
        "managementSolutionName": LOCK_NAME,
        "managementServerUrl": record.to_url(),
        "noDisplayFlag": true,
    })
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

enum Attempt {
    Won(Row),
    HeldBy(Record),
}

/// One try: clear expired rows, create ours, and let the lowest live id win.
async fn try_once<T: Target>(
    target: &T,
    lock_id: &str,
    options: &LockOptions,
) -> Result<Attempt, LockError> {
    for row in rows(target).await? {
        if !row.record.is_expired(now()) {
            return Ok(Attempt::HeldBy(row.record));
        }
        // A crashed apply's lock. Another waiter may delete it first: that is fine.
        if let Err(failure) = delete(target, row.id).await {
            tracing::debug!("deleting the expired lock row {}: {}", row.id, failure);
        }
        tracing::warn!("took over an expired apply lock ({})", row.record);
    }
    let record = Record::new(lock_id, &options.holder, now(), options.ttl);
    let created = target
        .write(&Write::Post {
            kind: TABLE.kind,
            path: TABLE.path.to_owned(),
            body: body(&record),
        })
        .await;
    // Whatever the create answered (a duplicate refused, a lost response), the list decides.
    let rows = rows(target).await?;
    let at = now();
    let Some(ours) = rows.iter().find(|r| r.record.lock_id == lock_id).cloned() else {
        if let Some(other) = rows.iter().find(|r| !r.record.is_expired(at)) {
            return Ok(Attempt::HeldBy(other.record.clone()));
        }
        let failure = created.err();
        return Err(LockError::Request {
            what: "create",
            wrong_site: failure.as_ref().is_some_and(|f| f.wrong_site),
            refused: failure
                .as_ref()
                .is_some_and(|f| f.error.stop_reason().is_some()),
            message: failure.map_or_else(
                || "created, but the new row was not listed".to_owned(),
                |f| f.to_string(),
            ),
        });
    };
    let winner = rows
        .iter()
        .find(|r| r.id == ours.id || !r.record.is_expired(at));
    match winner {
        Some(w) if w.id != ours.id => {
            let holder = w.record.clone();
            delete(target, ours.id)
                .await
                .map_err(|f| LockError::request("delete our losing row", &f))?;
            Ok(Attempt::HeldBy(holder))
        }
        _ => Ok(Attempt::Won(ours)),
    }
}

/// Take the tenant's apply lock, waiting up to `options.timeout` for another apply to finish.
///
/// # Errors
/// [`LockError::Held`] when another apply still holds it after the timeout; [`LockError::Request`]
/// when ConnectWise refused a lock request for another reason.
pub async fn acquire<T: Target>(target: &T, options: &LockOptions) -> Result<Held, LockError> {
    let started = std::time::Instant::now();
    let lock_id = new_lock_id();
    let mut told = false;
    let mut failures = 0;
    loop {
        let attempt = match try_once(target, &lock_id, options).await {
            Ok(attempt) => attempt,
            Err(err) => {
                // A refused or failed lock request (a 500, a lost response): never leave our own row
                // behind to block others for a whole TTL, and try again a few times, as the rest of
                // an apply retries its writes.
                forget(target, &lock_id).await;
                failures += 1;
                // A site that is not the API will not become one, and refused keys or a missing
                // right stay so (the apply's one error policy): no point asking again.
                let hopeless = matches!(
                    err,
                    LockError::Request {
                        wrong_site: true,
                        ..
                    } | LockError::Request { refused: true, .. }
                );
                if failures >= LOCK_REQUEST_ATTEMPTS || hopeless {
                    return Err(err);
                }
                tracing::warn!("taking the apply lock failed, trying again: {err}");
                tokio::time::sleep(Duration::from_millis(500) * failures).await;
                continue;
            }
        };
        match attempt {
            Attempt::Won(row) => {
                tracing::info!("took the apply lock ({})", row.record);
                return Ok(Held {
                    row_id: row.id,
                    record: row.record,
                    options: options.clone(),
                    lost: Arc::new(OnceLock::new()),
                });
            }
            Attempt::HeldBy(record) => {
                let waited = started.elapsed();
                if waited >= options.timeout {
                    return Err(LockError::Held { record, waited });
                }
                if !told {
                    crate::output::notice(&format!("Waiting for the apply lock ({record})."));
                    told = true;
                }
                let jitter = Duration::from_millis(u64::from(std::process::id() % 500));
                tokio::time::sleep(
                    (options.poll + jitter).min(options.timeout.saturating_sub(waited)),
                )
                .await;
            }
        }
    }
}

/// How many times taking the lock is tried when a lock request fails.
const LOCK_REQUEST_ATTEMPTS: u32 = 3;

/// Delete any row carrying `lock_id`, best effort: a failure here only means the row lapses later.
async fn forget<T: Target>(target: &T, lock_id: &str) {
    let Ok(rows) = rows(target).await else {
        return;
    };
    for row in rows.iter().filter(|r| r.record.lock_id == lock_id) {
        if let Err(failure) = delete(target, row.id).await {
            tracing::warn!("could not delete our lock row {}: {failure}", row.id);
        }
    }
}

/// The lock, held by this apply.
#[derive(Debug)]
pub struct Held {
    row_id: i64,
    record: Record,
    options: LockOptions,
    /// Set once, when the lock is lost or the apply interrupted: why no new op may start.
    lost: Arc<OnceLock<String>>,
}

impl Held {
    /// The record this apply holds.
    pub fn record(&self) -> &Record {
        &self.record
    }

    /// Why ops must stop, if they must.
    pub fn stopped(&self) -> Option<&str> {
        self.lost.get().map(String::as_str)
    }

    /// `target`, refusing to start any op once the lock is lost.
    pub fn guard<'a, T: Target>(&self, target: &'a T) -> Guarded<'a, T> {
        Guarded {
            target,
            lost: Arc::clone(&self.lost),
        }
    }

    /// Run `body` while a heartbeat keeps the lock alive.
    pub async fn hold<T: Target, F: Future>(&self, target: &T, body: F) -> F::Output {
        tokio::select! {
            biased;
            out = body => out,
            never = self.heartbeat(target) => match never {},
        }
    }

    async fn heartbeat<T: Target>(&self, target: &T) -> std::convert::Infallible {
        let interval = self.options.ttl / 3;
        let mut expires = self.record.expires.unwrap_or_else(now);
        loop {
            if self.stopped().is_some() {
                return std::future::pending().await;
            }
            self.pause(interval).await;
            if self.stopped().is_some() {
                continue;
            }
            match self.renew(target).await {
                Ok(renewed) => expires = renewed,
                Err(Renewal::Lost(reason)) => self.stop(&reason),
                Err(Renewal::Failed(message)) if now() + interval >= expires => self.stop(
                    &format!("lock lost: it could not be renewed before it lapses ({message})"),
                ),
                Err(Renewal::Failed(message)) => {
                    tracing::warn!("renewing the apply lock failed, will retry: {message}");
                }
            }
        }
    }

    /// Sleep, or stop ops on Ctrl-C when asked to (a second Ctrl-C exits at once).
    async fn pause(&self, interval: Duration) {
        if !self.options.stop_on_interrupt {
            return tokio::time::sleep(interval).await;
        }
        tokio::select! {
            () = tokio::time::sleep(interval) => {}
            signal = tokio::signal::ctrl_c() => {
                if signal.is_ok() {
                    if self.stopped().is_some() {
                        crate::output::notice(&format!("Interrupted again: exiting now. The apply lock stays until it lapses or `cwrecon unlock {}`.", self.record.lock_id));
                        std::process::exit(130);
                    }
                    crate::output::notice("Interrupted: no new op starts; finishing those in flight, then releasing the apply lock (Ctrl-C again to exit at once).");
                    self.stop("interrupted (Ctrl-C)");
                }
            }
        }
    }

    fn stop(&self, reason: &str) {
        if self.lost.set(reason.to_owned()).is_ok() {
            crate::output::notice(&format!(
                "Stopping: {reason}; ops not yet started are skipped."
            ));
        }
    }

    async fn renew<T: Target>(&self, target: &T) -> Result<OffsetDateTime, Renewal> {
        let rows = rows(target)
            .await
            .map_err(|e| Renewal::Failed(e.to_string()))?;
        match rows.iter().find(|r| r.id == self.row_id) {
            None => {
                return Err(Renewal::Lost(
                    "lock lost: the lock row was deleted (cwrecon unlock?)".to_owned(),
                ));
            }
            Some(row) if row.record.lock_id != self.record.lock_id => {
                return Err(Renewal::Lost(format!(
                    "lock lost: the lock is now {}",
                    row.record
                )));
            }
            Some(_) => {}
        }
        let at = now();
        let record = Record {
            expires: Some(at + self.options.ttl),
            ..self.record.clone()
        };
        let patch =
            json!([{ "op": "replace", "path": "managementServerUrl", "value": record.to_url() }]);
        target
            .write(&Write::Patch {
                kind: TABLE.kind,
                path: TABLE.path.to_owned(),
                id: self.row_id,
                body: patch,
            })
            .await
            .map_err(|f| Renewal::Failed(f.to_string()))?;
        Ok(at + self.options.ttl)
    }

    /// Give the lock back (delete our row if it is still ours); a failure is reported on stderr
    /// with how to break the lock, since it then lapses only at its expiry.
    pub async fn release_or_warn<T: Target>(self, target: &T) {
        let lock_id = self.record.lock_id.clone();
        if let Err(err) = self.release(target).await {
            crate::output::notice(&format!(
                "warning: the apply lock could not be released ({err}); it lapses by itself, or break it now: cwrecon unlock {lock_id}"
            ));
        }
    }

    /// Give the lock back: delete our row if it is still ours.
    ///
    /// # Errors
    /// When ConnectWise cannot be listed or the row cannot be deleted; the lock then lapses at its
    /// expiry.
    pub async fn release<T: Target>(self, target: &T) -> Result<(), LockError> {
        let mut failures = 0;
        loop {
            match self.release_once(target).await {
                Ok(()) => return Ok(()),
                Err(err) => {
                    failures += 1;
                    if failures >= LOCK_REQUEST_ATTEMPTS {
                        return Err(err);
                    }
                    tokio::time::sleep(Duration::from_millis(500) * failures).await;
                }
            }
        }
    }

    async fn release_once<T: Target>(&self, target: &T) -> Result<(), LockError> {
        let rows = rows(target).await?;
        if let Some(row) = rows
            .iter()
            .find(|r| r.id == self.row_id && r.record.lock_id == self.record.lock_id)
        {
            delete(target, row.id)
                .await
                .map_err(|f| LockError::request("delete", &f))?;
        }
        Ok(())
    }
}

enum Renewal {
    Lost(String),
    Failed(String),
}

/// A [`Target`] that starts no op once the lock is lost.
#[derive(Debug)]
pub struct Guarded<'a, T> {
    target: &'a T,
    lost: Arc<OnceLock<String>>,
}

impl<T: Target> Target for Guarded<'_, T> {
    async fn write(&self, write: &Write) -> Result<Json, WriteFailure> {
        if let Some(reason) = self.lost.get() {
            return Err(WriteFailure {
                error: crate::apply::ApplyError::Halted {
                    reason: reason.clone(),
                },
                may_have_committed: false,
                wrong_site: false,
            });
        }
        self.target.write(write).await
    }

    async fn find(&self, lookup: &Lookup) -> Result<Vec<Json>, WriteFailure> {
        self.target.find(lookup).await
    }

    fn halted(&self) -> Option<String> {
        self.lost.get().cloned()
    }
}

/// Break the lock whose lock id is `lock_id` (`cwrecon unlock`), after `confirm` agrees.
///
/// # Errors
/// [`LockError::NoSuchLock`] when no lock has that id (nothing is deleted), or a failed request.
pub async fn unlock<T: Target>(
    target: &T,
    lock_id: &str,
    confirm: impl FnOnce(&Record) -> bool,
) -> Result<Option<Record>, LockError> {
    let rows = rows(target).await?;
    let wanted = lock_id.trim();
    let Some(row) = rows.iter().find(|r| r.record.lock_id == wanted) else {
        return Err(LockError::NoSuchLock {
            given: clean(wanted),
            current: rows.into_iter().map(|r| r.record).collect(),
        });
    };
    if !confirm(&row.record) {
        return Ok(None);
    }
    delete(target, row.id)
        .await
        .map_err(|f| LockError::request("delete", &f))?;
    Ok(Some(row.record.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> OffsetDateTime {
        OffsetDateTime::parse(text, &Rfc3339).unwrap()
    }

    #[test]
    fn a_record_round_trips_through_its_url_within_200_characters() {
        let long_holder = "runner@".to_owned() + &"h".repeat(300);
        let record = Record::new(
            "0123456789abcdef",
            &long_holder,
            at("2026-12-02T07:00:00Z"),
            TTL,
        );
        let url = record.to_url();
        assert!(url.len() <= 200, "{} characters: {url}", url.len());
        assert!(
            url.starts_with("cwrecon-lock://0123456789abcdef?holder="),
            "{url}"
        );
        let back = Record::parse(Some(&url), 7);
        assert_eq!(back.lock_id, "0123456789abcdef");
        assert_eq!(back.since, Some(at("2026-12-02T07:00:00Z")));
        assert_eq!(back.expires, Some(at("2026-12-02T07:10:00Z")));
        assert!(back.holder.starts_with("runner@hhh"), "{}", back.holder);
    }

    #[test]
    fn an_unreadable_record_is_held_by_unknown_unless_its_expiry_is_past() {
        let now = at("2026-12-02T07:00:00Z");
        for text in [
            None,
            Some(""),
            Some("not a url"),
            Some("https://example.com/x"),
        ] {
            let record = Record::parse(text, 42);
            assert_eq!(record.holder, "unknown");
            assert_eq!(record.lock_id, "row-42");
            assert!(!record.is_expired(now), "{text:?} must never read as free");
        }
        let lapsed = Record::parse(Some("garbage://?expires=2026-12-01T00:00:00Z"), 5);
        assert!(lapsed.is_expired(now));
        assert_eq!(lapsed.holder, "unknown");
    }

    #[test]
    fn hostile_holder_text_is_bounded_and_clean() {
        let hostile = format!(
            "cwrecon-lock://abc?holder={}&expires=2099-01-01T00:00:00Z",
            "%1B%5B31m%07evil%E2%80%AE%0A::error::x".repeat(50)
        );
        let record = Record::parse(Some(&hostile), 1);
        assert!(
            record.holder.chars().count() <= MAX_HOLDER,
            "{}",
            record.holder
        );
        assert!(
            !record
                .holder
                .chars()
                .any(crate::output::terminal::is_hidden),
            "{:?}",
            record.holder
        );
        assert_eq!(record.lock_id, "abc");
        let huge = "x".repeat(10_000_000);
        assert_eq!(Record::parse(Some(&huge), 3).holder, "unknown");
    }

    #[test]
    fn durations_are_seconds_minutes_or_hours() {
        assert_eq!(crate::connectwise::parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(
            crate::connectwise::parse_duration("90s"),
            Ok(Duration::from_secs(90))
        );
        assert_eq!(
            crate::connectwise::parse_duration("10m"),
            Ok(Duration::from_mins(10))
        );
        assert_eq!(
            crate::connectwise::parse_duration("1h"),
            Ok(Duration::from_hours(1))
        );
        assert!(crate::connectwise::parse_duration("ten").is_err());
        assert!(crate::connectwise::parse_duration("5d").is_err());
        assert!(crate::connectwise::parse_duration("99999999999999999999h").is_err());
    }

    #[test]
    fn our_holder_text_stays_plain() {
        assert_eq!(safe_holder("a\u{1b}[b c\n"), "a__b c_");
        assert!(is_lock_id(&new_lock_id()));
    }
}
