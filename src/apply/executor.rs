//! The executor: runs a plan's ops against ConnectWise in order, level by level, concurrently
//! within a level, and reports what happened to every op.
//!
//! Owns four rules. Order: an op runs only after every op it depends on succeeded; a failed op
//! skips its dependants (transitively) and nothing else. Stop: a failure that no later write can
//! get past (401 bad keys, 403 a missing right; [`ApplyError::stop_reason`]) starts no further op.
//! Idempotence: a create whose response was
//! lost (the write may have committed) is looked up by its natural key before any retry, so a
//! retry never duplicates an object. Honesty: every op ends as done, failed (with ConnectWise's
//! message and fields, typed as an [`ApplyError`]) or skipped (naming the op it waited for, or why
//! the run stopped); nothing is left unreported.
//! Knows nothing of HTTP: a [`Target`] performs writes and lookups.

use std::collections::BTreeMap;
use std::future::Future;

use futures_util::StreamExt as _;
use serde::Serialize;
use serde_json::Value as Json;

use super::error::{ApplyError, Standalone};
use super::write::{Lookup, Refs, Write, lookup_for, write_for};
use crate::model::Kind;
use crate::plan::{Action, Op, Plan};

/// A failed write, as the executor needs to see it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", Standalone(error))]
pub struct WriteFailure {
    /// What went wrong, typed: the executor decides from it whether the apply goes on.
    pub error: ApplyError,
    /// The request may have reached ConnectWise and committed (timeout, reset, 5xx after send).
    pub may_have_committed: bool,
    /// The answer says the site is not ConnectWise's API (`connectwise::Error::suggests_wrong_site`).
    pub wrong_site: bool,
}

/// Where writes go: the ConnectWise client, or anything that answers like it.
pub trait Target: Sync {
    /// Perform one write; returns the record ConnectWise answered with (`null` for a delete).
    fn write(&self, write: &Write) -> impl Future<Output = Result<Json, WriteFailure>> + Send;
    /// List the records matching a natural-key lookup.
    fn find(&self, lookup: &Lookup)
    -> impl Future<Output = Result<Vec<Json>, WriteFailure>> + Send;
    /// Why no further op may start (the apply lock was lost, the run interrupted); `None` to go on.
    fn halted(&self) -> Option<String> {
        None
    }
}

/// What happened to one op.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Applied. `id` is the record's id; `recovered` says a lost create was found by its key.
    Done {
        /// The record id.
        id: Option<i64>,
        /// Found by natural key after a lost response, not re-created.
        recovered: bool,
        /// Not created: found by its natural key just before the create (another writer made it
        /// after the plan), and adopted.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        already_existed: bool,
    },
    /// ConnectWise refused it, or it kept failing.
    Failed {
        /// Why.
        #[serde(flatten)]
        error: ApplyError,
    },
    /// Not attempted because an op it depends on did not succeed.
    Skipped {
        /// The index of the op it waited for.
        because_of: usize,
    },
    /// Not attempted because the run stopped before it (the apply lock was lost, Ctrl-C, or a 401
    /// or 403 on an earlier op).
    Stopped {
        /// Why the run stopped.
        reason: String,
    },
}

/// How many times a create is tried, counting lookups that find nothing after a lost response.
pub const CREATE_ATTEMPTS: usize = 3;

/// Run every op of `plan`, starting from the ids in `refs`. Returns one outcome per op, in order.
pub async fn execute<T: Target>(
    plan: &Plan,
    refs: Refs,
    target: &T,
    concurrency: usize,
) -> Vec<Outcome> {
    execute_with(plan, refs, target, concurrency, &|_, _| {}).await
}

/// [`execute`], telling `on_outcome` about each op as soon as its outcome is known (for the
/// journal and progress), so a crash mid-apply still leaves a record of what was done.
///
/// The first failure whose [`ApplyError::stop_reason`] says so (a 401 or 403) stops the run: no op
/// starts after it, and each op not started ends [`Outcome::Stopped`] with that reason. Ops already
/// in flight at that moment finish.
pub async fn execute_with<T: Target>(
    plan: &Plan,
    mut refs: Refs,
    target: &T,
    concurrency: usize,
    on_outcome: &(dyn Fn(usize, &Outcome) + Sync),
) -> Vec<Outcome> {
    let stop = Stop {
        target,
        reason: std::sync::OnceLock::new(),
    };
    let mut outcomes: Vec<Option<Outcome>> = vec![None; plan.ops.len()];
    for batch in batches(plan) {
        let mut runnable = Vec::new();
        for i in batch {
            match blocked_by(&plan.ops[i], &outcomes) {
                Some(dependency) => {
                    let skipped = Outcome::Skipped {
                        because_of: dependency,
                    };
                    on_outcome(i, &skipped);
                    outcomes[i] = Some(skipped);
                }
                None => runnable.push(i),
            }
        }
        let refs_now = refs.clone();
        let results: Vec<(usize, Outcome)> = futures_util::stream::iter(runnable)
            .map(|i| {
                let refs = &refs_now;
                let stop = &stop;
                async move {
                    let outcome = stop.run(&plan.ops[i], refs).await;
                    on_outcome(i, &outcome);
                    (i, outcome)
                }
            })
            .buffer_unordered(concurrency.max(1))
            .collect()
            .await;
        for (i, outcome) in results {
            if let Outcome::Done { id: Some(id), .. } = outcome {
                refs.insert(plan.ops[i].key.clone(), id);
            }
            outcomes[i] = Some(outcome);
        }
    }
    outcomes
        .into_iter()
        .map(|o| {
            o.unwrap_or(Outcome::Failed {
                error: ApplyError::Internal {
                    message: "op was never scheduled".to_owned(),
                },
            })
        })
        .collect()
}

/// The run's stop rule: the target's own halt (the apply lock lost), or the first failure that
/// stops the apply.
struct Stop<'a, T> {
    target: &'a T,
    /// Set once, by the first failure whose policy is to stop.
    reason: std::sync::OnceLock<String>,
}

impl<T: Target> Stop<'_, T> {
    /// Why no op may start now, if so.
    fn halted(&self) -> Option<String> {
        self.reason.get().cloned().or_else(|| self.target.halted())
    }

    /// Run one op unless the run has stopped, and stop it when the op's failure says so.
    async fn run(&self, op: &Op, refs: &Refs) -> Outcome {
        if let Some(reason) = self.halted() {
            return Outcome::Stopped { reason };
        }
        let outcome = run_op(op, refs, self.target).await;
        if let Outcome::Failed { error } = &outcome
            && let Some(reason) = error.stop_reason()
            && self.reason.set(reason).is_ok()
        {
            // Shown once, in the apply's summary; the log only records when it happened.
            tracing::info!("{}", self.reason.get().map_or("", String::as_str));
        }
        outcome
    }
}

/// Groups of op indices that may run together: consecutive ops with the same level and direction.
/// Plans are ordered so that dependencies always come in an earlier group.
fn batches(plan: &Plan) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut current: Option<(u8, bool)> = None;
    for (i, op) in plan.ops.iter().enumerate() {
        let group = (op.kind().level(), op.action.is_removal());
        let depends_on_current = out
            .last()
            .is_some_and(|b| op.depends_on.iter().any(|d| b.contains(d)));
        if current == Some(group) && !depends_on_current {
            if let Some(last) = out.last_mut() {
                last.push(i);
            }
        } else {
            out.push(vec![i]);
            current = Some(group);
        }
    }
    out
}

/// The first dependency that did not succeed.
fn blocked_by(op: &Op, outcomes: &[Option<Outcome>]) -> Option<usize> {
    op.depends_on
        .iter()
        .copied()
        .find(|&d| !matches!(outcomes.get(d), Some(Some(Outcome::Done { .. }))))
}

async fn run_op<T: Target>(op: &Op, refs: &Refs, target: &T) -> Outcome {
    let write = match write_for(op, refs) {
        Ok(write) => write,
        Err(missing) => {
            return Outcome::Failed {
                error: missing.into(),
            };
        }
    };
    if op.action != Action::Create {
        return match target.write(&write).await {
            Ok(record) => Outcome::Done {
                id: record_id(&record).or(op.assumed.id),
                recovered: false,
                already_existed: false,
            },
            Err(failure) => Outcome::Failed {
                error: failure.error,
            },
        };
    }
    create(op, refs, &write, target).await
}

/// Kinds ConnectWise keeps no unique key for: a create of one is preceded by a look-up by its
/// natural key, so a record another writer made after the plan is adopted, not duplicated (a
/// duplicate agreement or addition bills a customer twice).
fn has_no_unique_key(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Agreement | Kind::Addition | Kind::CrossReference | Kind::CompanyLink | Kind::Contact
    )
}

/// Create, and after a lost response, look before trying again. Kinds without a unique key are
/// looked up before the first try as well.
async fn create<T: Target>(op: &Op, refs: &Refs, write: &Write, target: &T) -> Outcome {
    if has_no_unique_key(op.kind()) {
        match find_existing(op, refs, target).await {
            Ok(Some(id)) => return adopt(op, refs, id, target).await,
            Ok(None) => {}
            Err(error) => return Outcome::Failed { error },
        }
    }
    let mut last_error = None;
    for _ in 0..CREATE_ATTEMPTS {
        match target.write(write).await {
            Ok(record) => {
                return Outcome::Done {
                    id: record_id(&record),
                    recovered: false,
                    already_existed: false,
                };
            }
            Err(failure) if !failure.may_have_committed => {
                return Outcome::Failed {
                    error: failure.error,
                };
            }
            Err(failure) => last_error = Some(failure.error),
        }
        match find_existing(op, refs, target).await {
            Ok(Some(id)) => {
                return Outcome::Done {
                    id: Some(id),
                    recovered: true,
                    already_existed: false,
                };
            }
            Ok(None) => {}
            Err(error) => return Outcome::Failed { error },
        }
    }
    Outcome::Failed {
        error: ApplyError::LostCreate {
            last: Box::new(last_error.unwrap_or_else(|| ApplyError::Internal {
                message: "a create was never tried".to_owned(),
            })),
            attempts: CREATE_ATTEMPTS,
        },
    }
}

/// Adopt the record another writer made: give it the op's declared fields (one PATCH), so the
/// apply converges as if it had created it.
async fn adopt<T: Target>(op: &Op, refs: &Refs, id: i64, target: &T) -> Outcome {
    tracing::warn!(
        "{} already exists (id {id}): adopted, not created again",
        op.key
    );
    let mut update = op.clone();
    update.action = Action::Update;
    update.assumed.id = Some(id);
    update.changes.retain(|c| c.after.is_some());
    let done = Outcome::Done {
        id: Some(id),
        recovered: false,
        already_existed: true,
    };
    if update.changes.is_empty() {
        return done;
    }
    let written = match write_for(&update, refs) {
        Ok(write) => target.write(&write).await.map_err(|f| f.error),
        Err(missing) => Err(missing.into()),
    };
    match written {
        Ok(_) => done,
        Err(error) => Outcome::Failed {
            error: ApplyError::AdoptFailed {
                key: op.key.to_string(),
                id,
                error: Box::new(error),
            },
        },
    }
}

async fn find_existing<T: Target>(
    op: &Op,
    refs: &Refs,
    target: &T,
) -> Result<Option<i64>, ApplyError> {
    let lookup = lookup_for(op, refs)?;
    let found = target.find(&lookup).await.map_err(|f| f.error)?;
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(record_id(one)),
        many => Err(ApplyError::Duplicates {
            key: op.key.to_string(),
            count: many.len(),
        }),
    }
}

fn record_id(record: &Json) -> Option<i64> {
    record.get("id").and_then(Json::as_i64)
}

/// Counts of outcomes, for the summary.
pub fn tally(outcomes: &[Outcome]) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for outcome in outcomes {
        let name = match outcome {
            Outcome::Done { .. } => "done",
            Outcome::Failed { .. } => "failed",
            Outcome::Skipped { .. } | Outcome::Stopped { .. } => "skipped",
        };
        *counts.entry(name).or_insert(0) += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    //! Scheduling logic only (which op runs, which is skipped, when a lookup happens), with a
    //! scripted target. Behaviour against ConnectWise is tested over HTTP against the simulator.
    use std::sync::Mutex;

    use serde_json::json;

    use super::*;
    use crate::live::Snapshot;
    use crate::model::Date;

    const YAML: &str = "setup:\n  product_types: [{ name: Intermedia_Services }]\n  agreement_types: [{ name: Intermedia }]\n  units_of_measure: [{ name: Unit }]\n  categories: [{ name: Intermedia }]\n  subcategories: [{ name: Intermedia Services, category: Intermedia }]\n  management_it_solutions: [{ name: Intermedia }]\nproducts:\n  - { sku: A1R, unit_cost: 1, description: a }\n  - { sku: B1R, unit_cost: 1, description: b }\ncompanies:\n  - account: '1'\n    identifier: One\n    contact: { first_name: A, last_name: B }\n    create: { name: One, address: { country: United States } }\n    agreement: { name: X, start_date: 2026-01-01, additions: [{ product: A1R_1, quantity: 1 }, { product: B1R_1, quantity: 2 }] }\n  - account: '2'\n    identifier: Two\n    contact: { first_name: C, last_name: D }\n    create: { name: Two, address: { country: United States } }\n    agreement: { name: Y, start_date: 2026-01-01, additions: [{ product: A1R_1, quantity: 1 }] }\n";

    /// Answers every write with a new id, except as scripted.
    struct Scripted {
        next: Mutex<i64>,
        refuse_path_containing: Option<&'static str>,
        /// Writes to this path are refused 403 (the role lacks the right).
        forbid_path: Option<&'static str>,
        lose_first_response_of: Option<&'static str>,
        /// Lookups under this path find a record (another writer made it after the plan).
        exists_under: Option<&'static str>,
        log: Mutex<Vec<String>>,
    }

    impl Scripted {
        fn new() -> Scripted {
            Scripted {
                next: Mutex::new(1),
                refuse_path_containing: None,
                forbid_path: None,
                lose_first_response_of: None,
                exists_under: None,
                log: Mutex::new(Vec::new()),
            }
        }
    }

    impl Target for Scripted {
        async fn write(&self, write: &Write) -> Result<Json, WriteFailure> {
            let (path, body) = match write {
                Write::Post { path, body, .. } | Write::Patch { path, body, .. } => {
                    (path.clone(), body.clone())
                }
                Write::Delete { path, .. } => (path.clone(), Json::Null),
            };
            let verb = if matches!(write, Write::Patch { .. }) {
                "patch"
            } else {
                "write"
            };
            self.log.lock().unwrap().push(format!("{verb} {path}"));
            if self
                .refuse_path_containing
                .is_some_and(|p| path.contains(p) && body.get("name") == Some(&json!("Y")))
            {
                return Err(WriteFailure {
                    error: ApplyError::Refused {
                        status: 400,
                        field_errors: Vec::new(),
                        detail: "400 InvalidObject: contact: contact is required".into(),
                    },
                    may_have_committed: false,
                    wrong_site: false,
                });
            }
            if self.forbid_path == Some(path.as_str()) {
                return Err(WriteFailure {
                    error: ApplyError::Forbidden {
                        call: format!("create ({path})"),
                        right: crate::apply::Right::for_request(&reqwest::Method::POST, &path),
                        detail: format!("create ({path}): 403 Forbidden"),
                    },
                    may_have_committed: false,
                    wrong_site: false,
                });
            }
            let id = {
                let mut next = self.next.lock().unwrap();
                *next += 1;
                *next
            };
            let lose = self.lose_first_response_of.is_some_and(|p| {
                path.contains(p)
                    && self
                        .log
                        .lock()
                        .unwrap()
                        .iter()
                        .filter(|l| l.contains(p))
                        .count()
                        == 1
            });
            if lose {
                return Err(WriteFailure {
                    error: ApplyError::Request {
                        detail: "connection reset".into(),
                    },
                    may_have_committed: true,
                    wrong_site: false,
                });
            }
            Ok(json!({ "id": id }))
        }

        async fn find(&self, lookup: &Lookup) -> Result<Vec<Json>, WriteFailure> {
            self.log
                .lock()
                .unwrap()
                .push(format!("find {} {}", lookup.path, lookup.conditions));
            // Only the lost create is there to be found; nothing exists before it is created.
            if self
                .lose_first_response_of
                .is_some_and(|p| lookup.path.contains(p))
                || self.exists_under == Some(lookup.path.as_str())
            {
                Ok(vec![json!({ "id": 999 })])
            } else {
                Ok(Vec::new())
            }
        }
    }

    fn plan() -> Plan {
        let config = crate::config::load_texts([("t.yaml", YAML)]).unwrap();
        crate::plan::assemble(
            &config,
            &Snapshot::default(),
            Date::parse("2026-11-25").unwrap(),
        )
        .plan
    }

    /// The plan executed one op at a time against a target `script`ed so: the plan, the
    /// outcomes and the target's log.
    async fn one_by_one(script: impl FnOnce(&mut Scripted)) -> (Plan, Vec<Outcome>, Vec<String>) {
        let plan = plan();
        let mut target = Scripted::new();
        script(&mut target);
        let outcomes = execute(&plan, refs(), &target, 1).await;
        let log = target.log.lock().unwrap().clone();
        (plan, outcomes, log)
    }

    /// How many lines of `log` are `which`.
    fn count(log: &[String], which: impl Fn(&str) -> bool) -> usize {
        log.iter().filter(|l| which(l)).count()
    }

    fn refs() -> Refs {
        let mut refs = Refs::default();
        refs.insert_lookup("status", "Active", 1);
        refs.insert_lookup("type", "Client", 1);
        refs.insert_lookup("country", "United States", 1);
        refs
    }

    #[tokio::test]
    async fn everything_runs_when_nothing_fails() {
        let plan = plan();
        let outcomes = execute(&plan, refs(), &Scripted::new(), 4).await;
        assert_eq!(
            tally(&outcomes).get("done"),
            Some(&plan.ops.len()),
            "{outcomes:#?}"
        );
    }

    #[tokio::test]
    async fn a_refused_agreement_skips_only_its_own_additions() {
        let plan = plan();
        let mut target = Scripted::new();
        target.refuse_path_containing = Some("/finance/agreements");
        let outcomes = execute(&plan, refs(), &target, 4).await;
        let by_key: Vec<(String, &Outcome)> = plan
            .ops
            .iter()
            .map(|o| o.key.to_string())
            .zip(outcomes.iter())
            .collect();
        let failed: Vec<&String> = by_key
            .iter()
            .filter(|(_, o)| matches!(o, Outcome::Failed { .. }))
            .map(|(k, _)| k)
            .collect();
        assert_eq!(failed, ["agreement 2 / Intermedia / Y"]);
        let skipped: Vec<&String> = by_key
            .iter()
            .filter(|(_, o)| matches!(o, Outcome::Skipped { .. }))
            .map(|(k, _)| k)
            .collect();
        assert_eq!(skipped, ["addition 2 / Intermedia / Y / A1R_1"]);
        let t = tally(&outcomes);
        assert_eq!(t.get("done"), Some(&(plan.ops.len() - 2)));
    }

    #[tokio::test]
    async fn a_lost_create_is_found_by_its_key_not_created_twice() {
        let (_, outcomes, log) =
            one_by_one(|t| t.lose_first_response_of = Some("/procurement/catalog")).await;
        let catalog_posts = count(&log, |l| l.starts_with("write /procurement/catalog"));
        assert_eq!(
            catalog_posts, 2,
            "the lost one and the other product: {log:#?}"
        );
        assert!(
            log.iter()
                .any(|l| l.starts_with("find /procurement/catalog identifier = ")),
            "{log:#?}"
        );
        assert!(outcomes.iter().any(|o| matches!(
            o,
            Outcome::Done {
                id: Some(999),
                recovered: true,
                ..
            }
        )));
        assert!(outcomes.iter().all(|o| matches!(o, Outcome::Done { .. })));
    }

    #[tokio::test]
    async fn an_agreement_made_after_the_plan_is_adopted_and_its_additions_go_on_it() {
        let (plan, outcomes, log) =
            one_by_one(|t| t.exists_under = Some("/finance/agreements")).await;
        assert!(
            !log.iter().any(|l| l == "write /finance/agreements"),
            "no agreement is created: {log:#?}"
        );
        assert_eq!(
            count(&log, |l| l == "patch /finance/agreements"),
            2,
            "each adopted agreement is given the configured fields: {log:#?}"
        );
        assert!(
            log.iter()
                .any(|l| l.starts_with("write /finance/agreements/999/additions")),
            "{log:#?}"
        );
        let adopted = plan
            .ops
            .iter()
            .zip(&outcomes)
            .filter(|(op, o)| {
                op.kind() == Kind::Agreement
                    && matches!(
                        o,
                        Outcome::Done {
                            id: Some(999),
                            already_existed: true,
                            ..
                        }
                    )
            })
            .count();
        assert_eq!(adopted, 2, "{outcomes:#?}");
    }

    #[tokio::test]
    async fn a_403_starts_no_further_op_and_each_op_not_started_names_the_one_reason() {
        let (_, outcomes, log) = one_by_one(|t| t.forbid_path = Some("/finance/agreements")).await;
        let agreement_writes = count(&log, |l| l == "write /finance/agreements");
        assert_eq!(agreement_writes, 1, "only the first is tried: {log:#?}");
        assert_eq!(
            log.last().map(String::as_str),
            Some("write /finance/agreements"),
            "nothing after it: {log:#?}"
        );
        let failed: Vec<&Outcome> = outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Failed { .. }))
            .collect();
        assert_eq!(failed.len(), 1, "{outcomes:#?}");
        let Outcome::Failed { error } = failed[0] else {
            unreachable!()
        };
        let reason = error.stop_reason().unwrap();
        assert!(
            reason.contains("Finance › Agreements (Add: All)"),
            "{reason}"
        );
        let first_failed = outcomes
            .iter()
            .position(|o| matches!(o, Outcome::Failed { .. }))
            .unwrap();
        let not_started: Vec<&Outcome> = outcomes[first_failed + 1..]
            .iter()
            .filter(|o| !matches!(o, Outcome::Skipped { .. }))
            .collect();
        assert!(!not_started.is_empty(), "{outcomes:#?}");
        assert!(
            not_started
                .iter()
                .all(|o| matches!(o, Outcome::Stopped { reason: r } if *r == reason)),
            "{outcomes:#?}"
        );
    }

    /// A target whose run was stopped (the apply lock lost).
    struct Halted(Scripted);

    impl Target for Halted {
        async fn write(&self, write: &Write) -> Result<Json, WriteFailure> {
            self.0.write(write).await
        }
        async fn find(&self, lookup: &Lookup) -> Result<Vec<Json>, WriteFailure> {
            self.0.find(lookup).await
        }
        fn halted(&self) -> Option<String> {
            Some("lock lost: the lock row was deleted".to_owned())
        }
    }

    #[tokio::test]
    async fn once_the_run_is_halted_no_op_starts_and_each_says_why() {
        let plan = plan();
        let target = Halted(Scripted::new());
        let outcomes = execute(&plan, refs(), &target, 4).await;
        assert!(target.0.log.lock().unwrap().is_empty(), "nothing written");
        assert!(
            outcomes.iter().all(|o| match o {
                Outcome::Stopped { reason } => reason.starts_with("lock lost"),
                Outcome::Skipped { .. } => true,
                _ => false,
            }),
            "{outcomes:#?}"
        );
        assert_eq!(tally(&outcomes).get("skipped"), Some(&plan.ops.len()));
    }
}
