//! The simulator's state: the tables of records, plus the runtime knobs (credentials, faults, rate
//! window, request log) that one running simulator shares between requests.
//!
//! Owns storage, persistence (state files), reset and purge. It refuses HTTP and validation: handlers
//! in [`super::ops`] decide what to write, and this module only keeps it. One `std` mutex guards the
//! data; no lock is held across an `.await`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use rand::SeedableRng as _;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::credentials::Credentials;
use super::faults::{Faults, RequestLogEntry};

/// Version of the state file format.
const STATE_VERSION: u32 = 1;

/// A shared handle on one simulator's state. Cloning shares it.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    data: Mutex<Data>,
    initial: Mutex<Data>,
    runtime: Mutex<Runtime>,
    credentials: Credentials,
    changed: tokio::sync::Notify,
}

/// Everything that changes per request besides the records.
pub(crate) struct Runtime {
    pub(crate) faults: Faults,
    pub(crate) rng: StdRng,
    pub(crate) window_start: Instant,
    pub(crate) window_count: u32,
    pub(crate) log: Vec<RequestLogEntry>,
}

/// All records, by table. This is what state files hold.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Data {
    pub(crate) version: u32,
    pub(crate) tables: BTreeMap<String, Table>,
}

/// One table: its records and the next id to hand out, plus an index of rows by parent so a
/// child collection (`/finance/agreements/{id}/additions`) costs its own rows, not the table's.
/// The rows are private so that every change keeps the index.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "StoredTable")]
pub(crate) struct Table {
    pub(crate) next_id: i64,
    rows: BTreeMap<i64, Row>,
    /// `(parent, id)` of every row with a parent; derived, so not in state files.
    #[serde(skip)]
    by_parent: BTreeSet<(i64, i64)>,
}

/// A table as state files hold it (no index).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StoredTable {
    next_id: i64,
    rows: BTreeMap<i64, Row>,
}

impl From<StoredTable> for Table {
    fn from(stored: StoredTable) -> Table {
        let by_parent = stored
            .rows
            .values()
            .filter_map(|row| Some((row.parent?, row.id)))
            .collect();
        Table {
            next_id: stored.next_id,
            rows: stored.rows,
            by_parent,
        }
    }
}

impl Table {
    /// The rows, in id order.
    pub(crate) fn rows(&self) -> impl Iterator<Item = &Row> {
        self.rows.values()
    }

    /// The rows whose parent is `parent`, in id order.
    pub(crate) fn children(&self, parent: i64) -> impl Iterator<Item = &Row> {
        self.by_parent
            .range((parent, i64::MIN)..=(parent, i64::MAX))
            .filter_map(|(_, id)| self.rows.get(id))
    }

    pub(crate) fn get(&self, id: i64) -> Option<&Row> {
        self.rows.get(&id)
    }

    /// The highest id in use.
    fn last_id(&self) -> Option<i64> {
        self.rows.keys().next_back().copied()
    }

    /// Store `row` under its id, replacing the row of that id.
    pub(crate) fn put(&mut self, row: Row) {
        if let Some(old) = self.rows.get(&row.id) {
            self.unindex(old.parent, old.id);
        }
        if let Some(parent) = row.parent {
            self.by_parent.insert((parent, row.id));
        }
        self.rows.insert(row.id, row);
    }

    /// Change the row of `id` in place, if there is one.
    pub(crate) fn modify(&mut self, id: i64, change: impl FnOnce(&mut Row)) {
        if let Some(mut row) = self.rows.remove(&id) {
            self.unindex(row.parent, id);
            change(&mut row);
            self.put(row);
        }
    }

    pub(crate) fn remove(&mut self, id: i64) -> Option<Row> {
        let row = self.rows.remove(&id)?;
        self.unindex(row.parent, id);
        Some(row)
    }

    /// Keep only the rows `keep` accepts.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&Row) -> bool) {
        let by_parent = &mut self.by_parent;
        self.rows.retain(|_, row| {
            let kept = keep(row);
            if !kept && let Some(parent) = row.parent {
                by_parent.remove(&(parent, row.id));
            }
            kept
        });
    }

    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    fn unindex(&mut self, parent: Option<i64>, id: i64) {
        if let Some(parent) = parent {
            self.by_parent.remove(&(parent, id));
        }
    }
}

/// One stored record. References in `fields` are kept as `{"id": n}` for simulated targets and
/// rendered fresh on every read, so a renamed status shows its new name everywhere, as in ConnectWise.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Row {
    pub(crate) id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) parent: Option<i64>,
    pub(crate) fields: Map<String, Value>,
    pub(crate) info: RowInfo,
}

/// The bookkeeping ConnectWise reports in `_info`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct RowInfo {
    pub(crate) date_entered: String,
    pub(crate) entered_by: String,
    pub(crate) last_updated: String,
    pub(crate) updated_by: String,
}

/// Why a state or seed file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// Reading or writing the file failed.
    #[error("access state file {path}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a simulator state.
    #[error("read state file {path}")]
    Parse {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// The file's version is not this simulator's.
    #[error("read state file {path}: version {found} is not supported (expected {STATE_VERSION})")]
    Version {
        /// The file.
        path: String,
        /// Its version.
        found: u32,
    },
}

impl Store {
    /// A store with the built-in defaults (company statuses and types, countries, a member and an API
    /// member), the credentials from the environment (or their defaults) and no faults.
    pub fn new() -> Store {
        Store::from_data(super::defaults::data(), Credentials::from_env())
    }

    /// A store with the built-in defaults and the given credentials.
    pub fn with_credentials(credentials: Credentials) -> Store {
        Store::from_data(super::defaults::data(), credentials)
    }

    pub(crate) fn from_data(data: Data, credentials: Credentials) -> Store {
        let faults = Faults::default();
        let runtime = Runtime {
            rng: StdRng::seed_from_u64(faults.seed),
            faults,
            window_start: Instant::now(),
            window_count: 0,
            log: Vec::new(),
        };
        Store {
            inner: Arc::new(Inner {
                initial: Mutex::new(data.clone()),
                data: Mutex::new(data),
                runtime: Mutex::new(runtime),
                credentials,
                changed: tokio::sync::Notify::new(),
            }),
        }
    }

    /// Replace all records with a state file's (as written by [`Store::save`] or `GET /_sim/state`).
    /// The loaded state also becomes what `POST /_sim/reset` returns to.
    pub fn load(&self, path: &Path) -> Result<(), StateError> {
        let text = std::fs::read_to_string(path).map_err(|source| StateError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let value: Value = serde_json::from_str(&text).map_err(|source| StateError::Parse {
            path: path.display().to_string(),
            source,
        })?;
        self.load_value(value).map_err(|err| match err {
            LoadError::Json(source) => StateError::Parse {
                path: path.display().to_string(),
                source,
            },
            LoadError::Version(found) => StateError::Version {
                path: path.display().to_string(),
                found,
            },
        })
    }

    pub(crate) fn load_value(&self, value: Value) -> Result<(), LoadError> {
        let data: Data = serde_json::from_value(value).map_err(LoadError::Json)?;
        if data.version != STATE_VERSION {
            return Err(LoadError::Version(data.version));
        }
        *lock(&self.inner.initial) = data.clone();
        *lock(&self.inner.data) = data;
        Ok(())
    }

    /// Write all records to `path` (atomically: a temporary file renamed over it; never through
    /// a link at `path`).
    pub fn save(&self, path: &Path) -> Result<(), StateError> {
        // A JSON `Value` always serialises.
        let text = serde_json::to_string_pretty(&self.state()).unwrap_or_default();
        crate::files::replace(path, text.as_bytes()).map_err(|source| StateError::Io {
            path: path.display().to_string(),
            source,
        })
    }

    /// All records as a state document (`{"version":1,"tables":{…}}`).
    pub fn state(&self) -> Value {
        // Maps with string and integer keys of JSON values always serialise.
        serde_json::to_value(&*lock(&self.inner.data)).unwrap_or_default()
    }

    /// Return to the state the store started with (defaults, seed or loaded state file).
    pub fn reset(&self) {
        let initial = lock(&self.inner.initial).clone();
        *lock(&self.inner.data) = initial;
        self.inner.changed.notify_one();
    }

    /// Remove deleted companies from the recycle bin, freeing their identifiers. Returns how many.
    pub fn purge_deleted_companies(&self) -> usize {
        let mut data = lock(&self.inner.data);
        let table = data.tables.entry("companies".to_owned()).or_default();
        let before = table.len();
        table.retain(|row| row.fields.get("deletedFlag") != Some(&Value::Bool(true)));
        let purged = before - table.len();
        drop(data);
        self.inner.changed.notify_one();
        purged
    }

    /// Add a generated tenant (see [`super::generate::Tenant`]) to the current records; the result
    /// also becomes the reset point.
    pub fn generate(&self, tenant: &super::generate::Tenant) {
        let mut data = lock(&self.inner.data);
        super::generate::fill(&mut data, tenant);
        *lock(&self.inner.initial) = data.clone();
    }

    /// The request log: every API request since start or the last [`Store::clear_requests`].
    pub fn requests(&self) -> Vec<RequestLogEntry> {
        self.runtime().log.clone()
    }

    /// Empty the request log.
    pub fn clear_requests(&self) {
        self.runtime().log.clear();
    }

    /// The current fault settings.
    pub fn faults(&self) -> Faults {
        self.runtime().faults.clone()
    }

    /// Change the fault settings; the random source restarts from the new seed, so a test that sets
    /// faults sees the same sequence of injected failures on every run.
    pub fn set_faults(&self, faults: Faults) {
        let mut runtime = self.runtime();
        runtime.rng = StdRng::seed_from_u64(faults.seed);
        runtime.window_start = Instant::now();
        runtime.window_count = 0;
        runtime.faults = faults;
    }

    pub(crate) fn credentials(&self) -> &Credentials {
        &self.inner.credentials
    }

    pub(crate) fn data(&self) -> MutexGuard<'_, Data> {
        lock(&self.inner.data)
    }

    pub(crate) fn runtime(&self) -> MutexGuard<'_, Runtime> {
        lock(&self.inner.runtime)
    }

    /// Tell the state-file writer that records changed.
    pub(crate) fn touch(&self) {
        self.inner.changed.notify_one();
    }

    /// Wait until records change.
    pub(crate) async fn changed(&self) {
        self.inner.changed.notified().await;
    }
}

impl Default for Store {
    fn default() -> Self {
        Store::new()
    }
}

/// Why a state document was refused.
#[derive(Debug)]
pub(crate) enum LoadError {
    Json(serde_json::Error),
    Version(u32),
}

/// Lock a mutex; a poisoned lock (a panic in another request) still holds consistent data because
/// every write replaces whole rows, so it is used as is.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Data {
    /// An empty state of the current version.
    pub(crate) fn empty() -> Data {
        Data {
            version: STATE_VERSION,
            tables: BTreeMap::new(),
        }
    }

    pub(crate) fn table(&self, name: &str) -> Option<&Table> {
        self.tables.get(name)
    }

    pub(crate) fn table_mut(&mut self, name: &str) -> &mut Table {
        self.tables.entry(name.to_owned()).or_default()
    }

    pub(crate) fn row(&self, table: &str, id: i64) -> Option<&Row> {
        self.table(table)?.get(id)
    }

    pub(crate) fn rows(&self, table: &str) -> impl Iterator<Item = &Row> {
        self.table(table).into_iter().flat_map(Table::rows)
    }

    /// The rows of `table` whose parent is `parent`, in id order.
    pub(crate) fn children(&self, table: &str, parent: i64) -> impl Iterator<Item = &Row> {
        self.table(table)
            .into_iter()
            .flat_map(move |t| t.children(parent))
    }

    /// Insert a new row, handing out the next id.
    pub(crate) fn insert(
        &mut self,
        table: &str,
        parent: Option<i64>,
        fields: Map<String, Value>,
        info: RowInfo,
    ) -> i64 {
        let t = self.table_mut(table);
        let id = t.next_id.max(t.last_id().unwrap_or(0)) + 1;
        t.next_id = id;
        t.put(Row {
            id,
            parent,
            fields,
            info,
        });
        id
    }
}

impl RowInfo {
    /// Bookkeeping for a row created now by `who`.
    pub(crate) fn new(now: &str, who: &str) -> RowInfo {
        RowInfo {
            date_entered: now.to_owned(),
            entered_by: who.to_owned(),
            last_updated: now.to_owned(),
            updated_by: who.to_owned(),
        }
    }
}

/// A reference as stored: just the id.
pub(crate) fn id_ref(id: i64) -> Value {
    json!({ "id": id })
}
