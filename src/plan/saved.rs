//! Saved plans (`plan --out plan.json`, `apply plan.json`): reading one back, and deciding whether
//! the tenant still looks the way the plan assumed.
//!
//! Owns staleness: a saved plan is applied only if every object its ops assumed is as it was when
//! the plan was made — same record, same `_info.lastUpdated`, same values of the fields it changes —
//! and every object it would create is still absent. Anything else means someone changed the tenant
//! after the plan was reviewed, and applying it would do something nobody reviewed.

use std::path::{Path, PathBuf};

use super::op::{Action, Op};
use super::render::{JSON_VERSION, JsonPlan};
use crate::model::{Key, State};

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
    let text = std::fs::read_to_string(path).map_err(|source| SavedPlanError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let plan: JsonPlan = serde_json::from_str(&text).map_err(|err| SavedPlanError::Format {
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
    use crate::model::{Kind, Object, Quantity, Value};
    use crate::plan::{Assumed, Change};

    fn quantity(s: &str) -> Value {
        Value::Quantity(Quantity::parse(s).unwrap())
    }

    fn live_addition(q: &str, updated: &str) -> Object {
        let mut o = Object::new(Key::new(Kind::Addition, ["1", "Intermedia", "X", "A1R_1"]))
            .with("quantity", quantity(q));
        o.id = Some(7);
        o.last_updated = Some(updated.to_owned());
        o
    }

    fn update_op() -> Op {
        Op {
            key: Key::new(Kind::Addition, ["1", "Intermedia", "X", "A1R_1"]),
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
}
