//! Ops: the plan's unit of change, and the [`Plan`] that orders them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Key, Kind, Money, Value};

/// What an op does to its object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Create the object.
    Create,
    /// Change managed fields of an existing object.
    Update,
    /// Cancel an owned addition (set its cancelled date).
    Cancel,
    /// Set an owned addition's quantity to zero.
    Zero,
    /// Delete an owned addition.
    Delete,
}

impl Action {
    /// Whether the op removes or stops billing something.
    pub fn is_removal(self) -> bool {
        matches!(self, Action::Cancel | Action::Zero | Action::Delete)
    }

    /// The sign shown before the op in text plans.
    pub fn sign(self) -> &'static str {
        match self {
            Action::Create => "+",
            Action::Update => "~",
            Action::Cancel | Action::Zero => "!",
            Action::Delete => "-",
        }
    }

    /// The verb shown in plans.
    pub fn verb(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Cancel => "cancel",
            Action::Zero => "zero",
            Action::Delete => "delete",
        }
    }
}

/// One field's change: `before` is the live value (`None` when unset or the object is new).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The ConnectWise field name.
    pub field: String,
    /// The live value.
    pub before: Option<Value>,
    /// The value after the op.
    pub after: Option<Value>,
}

/// What an op assumed about the live object when it was planned. A saved plan is refused when the
/// object no longer matches.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Assumed {
    /// The record id (`None`: the object did not exist).
    pub id: Option<i64>,
    /// `_info.lastUpdated` when read.
    pub last_updated: Option<String>,
    /// The live values of the fields the op changes.
    pub fields: BTreeMap<String, Value>,
}

/// One change to one object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Op {
    /// The object's identity.
    pub key: Key,
    /// What happens to it.
    pub action: Action,
    /// Every managed field that changes, before and after.
    pub changes: Vec<Change>,
    /// Fields sent only on create.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub create_only: BTreeMap<String, Value>,
    /// The live state this op was planned against.
    pub assumed: Assumed,
    /// Indices (in the plan) of ops that must succeed first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<usize>,
    /// The integration (vendor) the object belongs to, by name: set only in a configuration of
    /// several integrations, and only for what belongs to one (not the company or its contact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
}

impl Op {
    /// The kind of object.
    pub fn kind(&self) -> Kind {
        self.key.kind()
    }
}

/// Monthly recurring revenue of one company, before and after the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revenue {
    /// The vendor account (with several integrations: the company's identifier).
    pub account: String,
    /// Before.
    pub before: Money,
    /// After.
    pub after: Money,
    /// With several integrations: the same per vendor, in the configuration's order (vendors
    /// with no additions left out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_vendor: Vec<VendorRevenue>,
}

/// Monthly recurring revenue of one vendor, before and after the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VendorRevenue {
    /// The integration's name.
    pub vendor: String,
    /// Before.
    pub before: Money,
    /// After.
    pub after: Money,
}

/// The ordered changes that make ConnectWise match the configuration.
#[must_use]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The ops, in the order they must run.
    pub ops: Vec<Op>,
    /// Monthly recurring revenue per company (only companies with additions), by account.
    pub revenue: Vec<Revenue>,
}

impl Plan {
    /// Whether nothing would change.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Total monthly recurring revenue before and after.
    pub fn total_revenue(&self) -> (Money, Money) {
        let sum = |f: fn(&Revenue) -> Money| {
            Money::new(crate::model::input::sum(
                self.revenue.iter().map(|r| f(r).value()),
            ))
        };
        (sum(|r| r.before), sum(|r| r.after))
    }

    /// Total monthly recurring revenue per vendor, before and after (several integrations only).
    pub fn revenue_by_vendor(&self) -> Vec<VendorRevenue> {
        let mut out: Vec<VendorRevenue> = Vec::new();
        for line in self.revenue.iter().flat_map(|r| &r.by_vendor) {
            let add =
                |a: Money, b: Money| Money::new(crate::model::input::sum([a.value(), b.value()]));
            match out.iter_mut().find(|v| v.vendor == line.vendor) {
                Some(total) => {
                    total.before = add(total.before, line.before);
                    total.after = add(total.after, line.after);
                }
                None => out.push(line.clone()),
            }
        }
        out
    }

    /// How many ops of each action.
    pub fn counts(&self) -> BTreeMap<Action, usize> {
        let mut counts = BTreeMap::new();
        for op in &self.ops {
            *counts.entry(op.action).or_insert(0) += 1;
        }
        counts
    }
}
