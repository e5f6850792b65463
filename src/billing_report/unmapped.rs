//! The unmapped queue: what a vendor's export has that the configuration does not map — accounts no
//! company has, and SKUs at a unit cost no product has — each with the export lines it is on.
//!
//! Owns the one definition of "the configuration does not map this row" that `import` and
//! `reconcile` report (and `--fail-on-unmapped` exits 6 on), and its renderings: text for a
//! terminal (escaped there) and a serialisable form for `--format json`. Refuses to decide what
//! to do about an item: adding it is `import --add-unknown`'s job, which takes what it adds out of
//! the queue ([`Unmapped::without`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use super::Row;
use crate::config::Config;
use crate::model::{AccountId, Money};

/// The most line numbers written out for one account or SKU in text; JSON has them all.
const MAX_LINES_SHOWN: usize = 20;

/// What one vendor's export has that the configuration does not map.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Unmapped {
    /// The integration whose export it is.
    pub vendor: String,
    /// Accounts no company has, in account order.
    pub accounts: Vec<Account>,
    /// SKUs at a unit cost no product has, in SKU and cost order.
    pub skus: Vec<Sku>,
}

/// An account of the export that no company has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    /// The account, normalised as every account is compared.
    pub account: String,
    /// The company name the export gives, when it gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// The export lines of its rows.
    pub lines: Vec<u64>,
}

/// A SKU at a unit cost of the export that no product has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sku {
    /// The SKU, after the export format's SKU aliases.
    pub sku: String,
    /// How the export writes it, when a SKU alias renamed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written_as: Option<String>,
    /// The unit cost.
    pub unit_cost: Money,
    /// The accounts that have it.
    pub accounts: Vec<String>,
    /// The export lines of its rows.
    pub lines: Vec<u64>,
}

/// An item as the configuration's products are matched: upper-cased SKU and unit cost.
pub type Item = (String, Money);

/// The item of a row, as a product is matched to it.
pub fn item_of(row: &Row) -> Item {
    (row.sku.to_uppercase(), row.unit_cost)
}

impl Unmapped {
    /// What `rows` (the export of integration `vendor`) have that `config` does not map.
    pub fn of(vendor: &str, config: &Config, rows: &[Row]) -> Unmapped {
        let accounts: BTreeSet<AccountId> = config
            .companies
            .iter()
            .map(|c| c.item.account_id())
            .collect();
        let products: BTreeSet<Item> = config
            .products
            .iter()
            .map(|p| (p.item.sku.to_uppercase(), p.item.unit_cost.value))
            .collect();
        let mut by_account: BTreeMap<AccountId, Account> = BTreeMap::new();
        let mut by_item: BTreeMap<Item, Sku> = BTreeMap::new();
        for row in rows {
            let account = AccountId::new(&row.account);
            if !accounts.contains(&account) {
                let entry = by_account.entry(account).or_insert_with(|| Account {
                    account: row.account.clone(),
                    company: None,
                    lines: Vec::new(),
                });
                entry.lines.push(row.line);
                if entry.company.is_none() {
                    entry.company.clone_from(&row.company);
                }
            }
            let item = item_of(row);
            if !products.contains(&item) {
                let entry = by_item.entry(item).or_insert_with(|| Sku {
                    sku: row.sku.clone(),
                    written_as: row.sku_written.clone(),
                    unit_cost: row.unit_cost,
                    accounts: Vec::new(),
                    lines: Vec::new(),
                });
                entry.lines.push(row.line);
                if !entry.accounts.contains(&row.account) {
                    entry.accounts.push(row.account.clone());
                }
            }
        }
        Unmapped {
            vendor: vendor.to_owned(),
            accounts: by_account.into_values().collect(),
            skus: by_item.into_values().collect(),
        }
    }

    /// Whether the export maps entirely.
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty() && self.skus.is_empty()
    }

    /// The queue once `items` and `accounts` are added to the configuration (`import
    /// --add-unknown`).
    #[must_use]
    pub fn without(mut self, items: &BTreeSet<Item>, accounts: &BTreeSet<AccountId>) -> Unmapped {
        self.skus
            .retain(|s| !items.contains(&(s.sku.to_uppercase(), s.unit_cost)));
        self.accounts
            .retain(|a| !accounts.contains(&AccountId::new(&a.account)));
        self
    }

    /// The queue for a person: a heading naming the vendor, then one line per account and SKU with
    /// its export lines. Values from the export are made visible for a terminal here; the writer
    /// escapes the rest.
    pub fn text(&self, export_name: &str) -> String {
        let mut text = format!(
            "Unmapped ({}): {export_name} has {} account(s) and {} SKU(s) the configuration does not map:\n",
            shown(&self.vendor),
            self.accounts.len(),
            self.skus.len()
        );
        for account in &self.accounts {
            let company = account
                .company
                .as_deref()
                .map(|c| format!(" ({})", shown(c)))
                .unwrap_or_default();
            let _ = writeln!(
                text,
                "  account {}{company}: {}; add a company with this account to `companies` (or import with --add-unknown)",
                shown(&account.account),
                lines(&account.lines)
            );
        }
        for sku in &self.skus {
            let written = sku
                .written_as
                .as_deref()
                .map(|w| format!(" (written {})", shown(w)))
                .unwrap_or_default();
            let _ = writeln!(
                text,
                "  SKU {}{written} at unit cost {}: {} (account(s) {}); add it to `products` (or import with --add-unknown)",
                shown(&sku.sku),
                sku.unit_cost,
                lines(&sku.lines),
                sku.accounts
                    .iter()
                    .map(|a| shown(a).into_owned())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        text
    }
}

/// A value from outside, as a terminal shows it.
fn shown(value: &str) -> std::borrow::Cow<'_, str> {
    crate::output::terminal::text(value)
}

/// `line 16` or `lines 17, 18`, the first [`MAX_LINES_SHOWN`] of them and a count of the rest.
fn lines(lines: &[u64]) -> String {
    let shown: Vec<String> = lines
        .iter()
        .take(MAX_LINES_SHOWN)
        .map(u64::to_string)
        .collect();
    let more = lines.len().saturating_sub(MAX_LINES_SHOWN);
    let rest = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    let noun = if lines.len() == 1 { "line" } else { "lines" };
    format!("{noun} {}{rest}", shown.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_and_skus_the_configuration_lacks_are_listed_with_every_line() {
        let config = crate::config::load_texts([(
            "c.yaml",
            "products:\n  - { sku: A1R, unit_cost: 1, description: Mailbox }\ncompanies:\n  - account: \"1\"\n    identifier: One\n",
        )])
        .unwrap();
        let (rows, problems) = super::super::intermedia::parse(
            "Account,Company,SKU,Cost,Qty\n1,One,a1r,1.00,2\n2,Two,A1R,1,3\n2,Two,B1R,1,4\n\u{ff11},One,B1R,2,1\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        let unmapped = Unmapped::of("Intermedia", &config, &rows);
        assert_eq!(unmapped.accounts.len(), 1);
        assert_eq!(unmapped.accounts[0].account, "2");
        assert_eq!(unmapped.accounts[0].lines, [3, 4]);
        let skus: Vec<(&str, String, &[u64])> = unmapped
            .skus
            .iter()
            .map(|s| (s.sku.as_str(), s.unit_cost.to_string(), s.lines.as_slice()))
            .collect();
        assert_eq!(
            skus,
            [
                ("B1R", "1".to_owned(), &[4][..]),
                ("B1R", "2".to_owned(), &[5][..])
            ]
        );
        assert_eq!(
            unmapped.text("x.csv"),
            "Unmapped (Intermedia): x.csv has 1 account(s) and 2 SKU(s) the configuration does not map:\n  account 2 (Two): lines 3, 4; add a company with this account to `companies` (or import with --add-unknown)\n  SKU B1R at unit cost 1: line 4 (account(s) 2); add it to `products` (or import with --add-unknown)\n  SKU B1R at unit cost 2: line 5 (account(s) 1); add it to `products` (or import with --add-unknown)\n"
        );
        let added = unmapped.without(
            &BTreeSet::from([("B1R".to_owned(), Money::parse("1").unwrap())]),
            &BTreeSet::from([AccountId::new("2")]),
        );
        assert_eq!(added.accounts.len() + added.skus.len(), 1);
    }

    #[test]
    fn long_line_lists_are_cut_in_text() {
        let many: Vec<u64> = (1..=25).collect();
        assert_eq!(
            lines(&many),
            "lines 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 and 5 more"
        );
    }
}
