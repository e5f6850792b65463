//! Saved plans (`plan --out plan.json`, `apply plan.json`): reading one back, and deciding whether
//! the tenant still looks the way the plan assumed.
//!
//! A saved plan is a claim about what a reviewed change does, never an instruction: the file may
//! have been edited between review and apply. So `apply plan.json` plans again from the
//! configuration and the tenant, and applies only when the ops it gets are exactly the saved ones
//! ([`differences`] is empty); the safety rails and findings are those of the plan made now, never
//! the file's. The saved ops are used only to explain a refusal.
//!
//! Owns:
//! - reading a plan file, bounded in size ([`MAX_PLAN_BYTES`]) and version-checked;
//! - the configuration paths a plan names, which are untrusted too ([`config_paths`]): only YAML
//!   files and folders, so a tampered plan cannot make cwrecon read (and quote in a diagnostic) any
//!   other file;
//! - staleness ([`stale_ops`]): whether every object the ops assumed is as it was when the plan was
//!   made — same record, same `_info.lastUpdated`, same values of the fields it changes — and every
//!   object it would create still absent. It names what someone changed in the tenant since review;
//! - the exact comparison of saved and re-derived ops ([`differences`]).

use std::path::{Path, PathBuf};

use std::collections::BTreeMap;

use super::op::{Action, Op};
use super::render::{ConfigSource, JSON_VERSION, JsonPlan};
use crate::model::{Key, State};

/// The largest plan file read back. A plan of 5,000 companies with 10 additions each is about
/// 40 MB; anything much larger is not a plan `cwrecon plan --out` wrote.
pub const MAX_PLAN_BYTES: u64 = 256 * 1024 * 1024;

/// Why a saved plan cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SavedPlanError {
    /// The file could not be read.
    #[error("read saved plan {path}", path = path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a cwrecon plan of this version.
    #[error("read saved plan {path}: {message}", path = path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
}

/// Read a plan saved with `plan --out`.
pub fn load(path: &Path) -> Result<JsonPlan, SavedPlanError> {
    let read_err = |source| SavedPlanError::Read {
        path: path.to_path_buf(),
        source,
    };
    let bytes = crate::config::read_capped(path, MAX_PLAN_BYTES)
        .map_err(read_err)?
        .ok_or_else(|| SavedPlanError::Format {
            path: path.to_path_buf(),
            message: format!(
                "larger than {} MiB, so not a plan cwrecon wrote; plan again with `cwrecon plan --out FILE`",
                MAX_PLAN_BYTES / (1024 * 1024)
            ),
        })?;
    let plan: JsonPlan = serde_json::from_slice(&bytes).map_err(|err| SavedPlanError::Format {
        path: path.to_path_buf(),
        message: format!(
            "not a cwrecon JSON plan ({err}); make one with `cwrecon plan --out FILE`"
        ),
    })?;
    if plan.version != JSON_VERSION {
        return Err(SavedPlanError::Format {
            path: path.to_path_buf(),
            message: format!(
                "plan format version {} is not supported (this cwrecon writes {JSON_VERSION}); plan again",
                plan.version
            ),
        });
    }
    Ok(plan)
}

/// The configuration to plan a saved plan again from, checked before anything is read from it.
///
/// The paths a plan records are untrusted: whoever can edit the file could point them at another
/// configuration (an unreviewed folder, one made to give exactly the edited ops) and the re-derived
/// plan would then "match". So:
/// - paths given on the command line (`cwrecon apply plan.json CONFIG…`, what a pipeline should do)
///   are the operator's, and must be the ones the plan records;
/// - without them, the recorded paths are used only when each is relative, has no `..`, and stays
///   inside the working folder once links are resolved.
///
/// Either way a path must be a folder or a `.yaml`/`.yml` file (also once links are resolved): the
/// loader reads a file given by name whatever it holds, and its diagnostics quote its lines.
///
/// # Errors
/// A message naming the first path refused, and what to do.
pub fn config_paths(source: &ConfigSource, given: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    if source.paths.is_empty() {
        return Err("names no configuration path; plan again with --out".to_owned());
    }
    let recorded: Vec<PathBuf> = source.paths.iter().map(PathBuf::from).collect();
    let paths = if given.is_empty() {
        for path in &recorded {
            if !inside_working_folder(path) {
                return Err(format!(
                    "names {:?} as its configuration, outside the working folder; give the configuration on the command line: cwrecon apply PLAN.json CONFIG…",
                    path.display().to_string()
                ));
            }
        }
        recorded
    } else {
        let same = given.len() == recorded.len()
            && given.iter().zip(&recorded).all(|(g, r)| same_path(g, r));
        if !same {
            return Err(format!(
                "was made from {:?}, not {:?}; plan again from the configuration you mean to apply",
                source.paths,
                given
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
            ));
        }
        given.to_vec()
    };
    for path in &paths {
        if !is_configuration(path) {
            return Err(format!(
                "names {:?} as configuration, which is neither a folder nor a .yaml/.yml file; it was not read. Plan again with --out from your configuration",
                path.display().to_string()
            ));
        }
    }
    Ok(paths)
}

/// Relative, without `..`, and inside the working folder once links are resolved.
fn inside_working_folder(path: &Path) -> bool {
    use std::path::Component;
    let plain = path
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    let here = std::env::current_dir().and_then(std::fs::canonicalize);
    let there = std::fs::canonicalize(path);
    plain
        && match (here, there) {
            (Ok(here), Ok(there)) => there.starts_with(here),
            // Missing: the loader reports it by name, having read nothing.
            (Ok(_), Err(_)) => true,
            (Err(_), _) => false,
        }
}

/// The same file or folder: equal as written, or once resolved.
fn same_path(a: &Path, b: &Path) -> bool {
    a == b
        || matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(x), Ok(y)) if x == y
        )
}

fn is_configuration(path: &Path) -> bool {
    let yaml = |p: &Path| {
        p.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
    };
    match std::fs::canonicalize(path) {
        Ok(real) if real.is_dir() => true,
        Ok(real) => yaml(path) && yaml(&real),
        // Missing: the loader reports it by name without reading anything.
        Err(_) => yaml(path) || path.extension().is_none(),
    }
}

/// Where saved ops and the ops planned now differ, one line each (at most `limit`, then a count);
/// empty when they are exactly the same ops in the same order.
///
/// Ops are matched by object and action, so an edited value, an op added or removed, and a change
/// of order are each named as such.
pub fn differences(saved: &[Op], now: &[Op], limit: usize) -> Vec<String> {
    if saved == now {
        return Vec::new();
    }
    let index = |ops: &[Op]| -> BTreeMap<(Key, Action), usize> {
        ops.iter()
            .enumerate()
            .map(|(i, op)| ((op.key.clone(), op.action), i))
            .collect()
    };
    let (saved_at, now_at) = (index(saved), index(now));
    let mut lines = Vec::new();
    for (i, op) in saved.iter().enumerate() {
        let what = format!("{} {}", op.action.verb(), op.key);
        match now_at.get(&(op.key.clone(), op.action)) {
            None => lines.push(format!(
                "{what}: in the saved plan, but a plan made now does not do it"
            )),
            Some(&j) => {
                let fresh = &now[j];
                if let Some(detail) = op_difference(op, fresh) {
                    lines.push(format!("{what}: {detail}"));
                } else if i != j {
                    lines.push(format!(
                        "{what}: op {} in the saved plan, {} in a plan made now",
                        i + 1,
                        j + 1
                    ));
                }
            }
        }
    }
    for op in now {
        if !saved_at.contains_key(&(op.key.clone(), op.action)) {
            lines.push(format!(
                "{} {}: a plan made now does it, the saved plan does not",
                op.action.verb(),
                op.key
            ));
        }
    }
    if lines.is_empty() {
        // Same ops, same places, yet not equal: a duplicated op or an op the index folded away.
        lines.push("the saved ops are not the ops a plan made now gives".to_owned());
    }
    if lines.len() > limit {
        let more = lines.len() - limit;
        lines.truncate(limit);
        lines.push(format!("… and {more} more"));
    }
    lines
}

/// What differs between two ops on the same object and action, or `None` when they are equal.
fn op_difference(saved: &Op, now: &Op) -> Option<String> {
    if saved == now {
        return None;
    }
    let show = |v: Option<&crate::model::Value>| {
        v.map_or_else(|| "(unset)".to_owned(), ToString::to_string)
    };
    let change = |ops: &Op, field: &str| {
        ops.changes
            .iter()
            .find(|c| c.field == field)
            .map(|c| format!("{} → {}", show(c.before.as_ref()), show(c.after.as_ref())))
    };
    let fields: std::collections::BTreeSet<&str> = saved
        .changes
        .iter()
        .chain(&now.changes)
        .map(|c| c.field.as_str())
        .collect();
    for field in fields {
        let (was, is) = (change(saved, field), change(now, field));
        if was != is {
            let none = || "no change".to_owned();
            return Some(format!(
                "{field}: the saved plan says {}, a plan made now says {}",
                was.unwrap_or_else(none),
                is.unwrap_or_else(none)
            ));
        }
    }
    Some(if saved.assumed != now.assumed {
        "what it assumed about ConnectWise differs from what ConnectWise holds now".to_owned()
    } else if saved.create_only != now.create_only {
        "the fields it sends on create differ".to_owned()
    } else if saved.depends_on != now.depends_on {
        "the ops it waits for differ".to_owned()
    } else {
        "the op differs".to_owned()
    })
}

/// One op whose assumption no longer holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    /// The object.
    pub key: Key,
    /// What changed.
    pub reason: String,
}

/// The ops whose assumptions about the live state no longer hold.
pub fn stale_ops(ops: &[Op], live: &State) -> Vec<Stale> {
    ops.iter().filter_map(|op| stale(op, live)).collect()
}

fn stale(op: &Op, live: &State) -> Option<Stale> {
    let current = live.get(&op.key);
    let reason = match (op.action, current) {
        (Action::Create, Some(object)) => format!(
            "it now exists in ConnectWise (id {}), created after the plan was made",
            object
                .id
                .map_or_else(|| "?".to_owned(), |id| id.to_string())
        ),
        (Action::Create, None) => return None,
        (_, None) => "it no longer exists in ConnectWise".to_owned(),
        (_, Some(object)) => {
            if object.id != op.assumed.id {
                format!(
                    "it is now a different record (id {:?}, planned against {:?})",
                    object.id, op.assumed.id
                )
            } else if let Some((field, was, now)) =
                op.assumed.fields.iter().find_map(|(field, was)| {
                    let now = object.get(field);
                    (now != Some(was)).then_some((field, was, now))
                })
            {
                let now = now.map_or_else(|| "(unset)".to_owned(), ToString::to_string);
                format!("{field} was {was} when planned and is now {now}")
            } else if op.assumed.last_updated.is_some()
                && object.last_updated != op.assumed.last_updated
            {
                format!(
                    "it was updated at {} after the plan was made (planned against {})",
                    object.last_updated.as_deref().unwrap_or("?"),
                    op.assumed.last_updated.as_deref().unwrap_or("?")
                )
            } else {
                return None;
            }
        }
    };
    Some(Stale {
        key: op.key.clone(),
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AccountId, Object, Quantity, Value};
    use crate::plan::{Assumed, Change};

    fn quantity(s: &str) -> Value {
        Value::Quantity(Quantity::parse(s).unwrap())
    }

    fn live_addition(q: &str, updated: &str) -> Object {
        let mut o = Object::new(Key::addition(
            &AccountId::new("1"),
            "Intermedia",
            "X",
            "A1R_1",
        ))
        .with("quantity", quantity(q));
        o.id = Some(7);
        o.last_updated = Some(updated.to_owned());
        o
    }

    fn update_op() -> Op {
        Op {
            key: Key::addition(&AccountId::new("1"), "Intermedia", "X", "A1R_1"),
            action: Action::Update,
            changes: vec![Change {
                field: "quantity".into(),
                before: Some(quantity("5")),
                after: Some(quantity("3")),
            }],
            create_only: std::collections::BTreeMap::new(),
            assumed: Assumed {
                id: Some(7),
                last_updated: Some("2026-11-01T00:00:00Z".into()),
                fields: [("quantity".to_owned(), quantity("5"))].into(),
            },
            depends_on: Vec::new(),
            vendor: None,
        }
    }

    #[test]
    fn an_unchanged_tenant_is_not_stale() {
        let mut live = State::default();
        live.insert(live_addition("5", "2026-11-01T00:00:00Z"));
        assert!(stale_ops(&[update_op()], &live).is_empty());
    }

    #[test]
    fn a_changed_value_or_a_later_edit_or_a_deletion_is_stale() {
        let mut live = State::default();
        live.insert(live_addition("6", "2026-11-02T00:00:00Z"));
        let stale = stale_ops(&[update_op()], &live);
        assert_eq!(stale[0].reason, "quantity was 5 when planned and is now 6");

        let mut live = State::default();
        live.insert(live_addition("5", "2026-11-02T00:00:00Z"));
        assert!(
            stale_ops(&[update_op()], &live)[0]
                .reason
                .contains("updated at 2026-11-02")
        );

        assert_eq!(
            stale_ops(&[update_op()], &State::default())[0].reason,
            "it no longer exists in ConnectWise"
        );
    }

    #[test]
    fn a_create_is_stale_once_the_object_exists() {
        let mut op = update_op();
        op.action = Action::Create;
        op.assumed = Assumed::default();
        assert!(stale_ops(std::slice::from_ref(&op), &State::default()).is_empty());
        let mut live = State::default();
        live.insert(live_addition("5", "x"));
        assert!(stale_ops(&[op], &live)[0].reason.contains("now exists"));
    }

    #[test]
    fn the_same_ops_have_no_differences_and_an_edited_value_is_named() {
        let ops = vec![update_op()];
        assert!(differences(&ops, &ops, 20).is_empty());
        let mut edited = update_op();
        edited.changes[0].after = Some(quantity("300"));
        let lines = differences(&[edited], &ops, 20);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            lines[0].contains("quantity: the saved plan says 5 → 300, a plan made now says 5 → 3"),
            "{}",
            lines[0]
        );
    }

    #[test]
    fn an_added_a_missing_and_a_moved_op_are_each_named() {
        let first = update_op();
        let mut second = update_op();
        second.key = Key::addition(&AccountId::new("1"), "Intermedia", "X", "B1R_1");
        let now = vec![first.clone(), second.clone()];

        let added = differences(
            &[first.clone(), second.clone(), {
                let mut extra = first.clone();
                extra.action = Action::Delete;
                extra
            }],
            &now,
            20,
        );
        assert!(
            added[0].contains("in the saved plan, but a plan made now does not do it"),
            "{added:?}"
        );

        let missing = differences(std::slice::from_ref(&first), &now, 20);
        assert!(
            missing[0].contains("a plan made now does it, the saved plan does not"),
            "{missing:?}"
        );

        let moved = differences(&[second, first], &now, 20);
        assert!(
            moved[0].contains("op 1 in the saved plan, 2 in a plan made now"),
            "{moved:?}"
        );
    }

    #[test]
    fn differences_are_capped_with_a_count() {
        let now: Vec<Op> = Vec::new();
        let saved: Vec<Op> = (0..30)
            .map(|i| {
                let mut op = update_op();
                op.key = Key::addition(&AccountId::new("1"), "Intermedia", "X", &format!("P{i}_1"));
                op
            })
            .collect();
        let lines = differences(&saved, &now, 20);
        assert_eq!(lines.len(), 21);
        assert_eq!(lines[20], "… and 10 more");
    }

    #[test]
    fn only_yaml_files_and_folders_are_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let yaml = dir.path().join("a.yaml");
        std::fs::write(&yaml, "products: []\n").unwrap();
        let text = dir.path().join("secret.txt");
        std::fs::write(&text, "hunter2").unwrap();
        let disguised = dir.path().join("link.yaml");
        std::os::unix::fs::symlink(&text, &disguised).unwrap();
        let source = |paths: &[&std::path::Path]| ConfigSource {
            paths: paths.iter().map(|p| p.display().to_string()).collect(),
            digest: String::new(),
        };
        // Given on the command line, as recorded: taken, if configuration.
        let both = [yaml.clone(), dir.path().to_path_buf()];
        assert!(config_paths(&source(&[&yaml, dir.path()]), &both).is_ok());
        assert!(config_paths(&source(&[&text]), std::slice::from_ref(&text)).is_err());
        assert!(
            config_paths(&source(&[&disguised]), std::slice::from_ref(&disguised)).is_err(),
            "a .yaml link to another file"
        );
        assert!(config_paths(&source(&[]), &[]).is_err());
    }

    #[test]
    fn the_configuration_a_plan_records_is_used_only_inside_the_working_folder_or_as_given() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = |p: &str| ConfigSource {
            paths: vec![p.to_owned()],
            digest: String::new(),
        };
        // Recorded outside the working folder (absolute, or through `..`): refused unless given.
        let absolute = dir.path().display().to_string();
        assert!(
            config_paths(&elsewhere(&absolute), &[])
                .unwrap_err()
                .contains("outside the working folder")
        );
        assert!(config_paths(&elsewhere("../x"), &[]).is_err());
        assert!(config_paths(&elsewhere(&absolute), &[dir.path().to_path_buf()]).is_ok());
        // Given, but not what the plan was made from.
        let other = tempfile::tempdir().unwrap();
        assert!(
            config_paths(&elsewhere(&absolute), &[other.path().to_path_buf()])
                .unwrap_err()
                .contains("was made from")
        );
        // Relative and inside: used as recorded (`src` is a folder of this crate).
        assert!(config_paths(&elsewhere("src"), &[]).is_ok());
    }
}
