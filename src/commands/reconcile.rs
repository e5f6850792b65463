//! `cwrecon reconcile INTEGRATION`: the billing reconciliation an MSP does by hand each month —
//! vendor counts against the configuration against live ConnectWise, per company and item, with what
//! the difference is worth per month.
//!
//! Owns the three-way comparison ([`reconcile`]) and its renderings (text, markdown, CSV, JSON). It
//! also shows the export's unmapped queue ([`crate::billing_report::Unmapped`]): in the JSON
//! document, and on stderr beside the other formats, whose stdout stays the report alone. It is pure:
//! the caller reads the tenant the same way `plan` does and passes the snapshot in. It never writes
//! anything, and it never hides a row: an item in any of the three sources is a line.
//!
//! Money: "billed" is what ConnectWise bills now, the live count at the live addition's price
//! (else the live catalog's), and nothing for an addition that is not billable. "Vendor" is the
//! vendor's count at the price the configuration sets (the addition's `unit_price`, else the
//! product's `retail_price`, else the catalog's), which is what ConnectWise will bill once the
//! counts are imported and applied. A price the configuration sets and ConnectWise does not have yet
//! makes the line "not applied". Monthly amounts count recurring items only; a one-time item (a
//! setup fee) shows its counts and no monthly amount.
//!
//! The account, company and item of a line come from outside (the export, the configuration, the
//! tenant); each rendering escapes them for its sink through [`crate::output`]: terminal text,
//! markdown table cells, and CSV cells a spreadsheet cannot run as formulas.

use std::fmt::Write as _;

use crate::cli::{ReconcileArgs, ReportFormat};
use crate::config;
use crate::error::Error;
use crate::exit::Exit;
use crate::output::write_stdout;

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::billing_report::{Row, Unmapped};
use crate::config::Config;
use crate::live::{Snapshot, project};
use crate::model::input;
use crate::model::{AccountId, Date, Kind, Money, Object, Quantity, State, Value, fold_name};
use crate::plan::{Desired, desired};

/// How one line compares, in the order the checks are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Vendor, configuration and ConnectWise agree.
    Match,
    /// ConnectWise has more than one active addition for the item on the agreement, and bills
    /// each: cancel the extras in ConnectWise.
    DuplicateInConnectWise,
    /// The vendor bills an item the configuration does not have: `cwrecon import`.
    NotInConfig,
    /// The configuration's count differs from the vendor's: `cwrecon import`.
    ConfigDiffers,
    /// The configuration is not applied yet (another count, or another price): `cwrecon apply`.
    NotApplied,
    /// The configuration has an item the export does not list.
    NotInExport,
    /// A one-time item (a setup fee) the export does not list: vendors' billing reports list
    /// recurring items only, so this is expected, moves no money, and is no difference.
    OneTimeNotInExport,
}

impl Status {
    /// What the status means and what to run.
    pub fn describe(self) -> &'static str {
        match self {
            Status::Match => "ok",
            Status::DuplicateInConnectWise => "2+ active in CW: fix there",
            Status::NotInConfig => "not in config: import",
            Status::ConfigDiffers => "config differs: import",
            Status::NotApplied => "not applied: apply",
            Status::NotInExport => "not in export",
            Status::OneTimeNotInExport => "one-time: never in export",
        }
    }

    /// Whether the line asks for something to be done (`--only-differences`, the difference count
    /// and `--detailed-exitcode`): not when everything agrees, nor for a one-time item the export
    /// cannot list.
    pub fn is_difference(self) -> bool {
        !matches!(self, Status::Match | Status::OneTimeNotInExport)
    }
}

/// One company's item in the three sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The vendor account.
    pub account: String,
    /// The ConnectWise identifier from the configuration, else the export's company name.
    pub company: String,
    /// The catalog identifier (`<SKU>_<UNIT_COST>`).
    pub item: String,
    /// The vendor's count.
    pub vendor: Option<Quantity>,
    /// The configuration's count.
    pub config: Option<Quantity>,
    /// The count on the live agreement (active additions only).
    pub live: Option<Quantity>,
    /// The price per unit the customer is billed.
    pub unit_price: Option<Money>,
    /// Whether the item bills every month.
    pub recurring: bool,
    /// What ConnectWise bills per month now: live count × live price (0 when the live addition is
    /// not billable).
    pub billed_monthly: Money,
    /// What it would bill at the vendor's count and the configuration's price.
    pub vendor_monthly: Money,
    /// How the sources compare.
    pub status: Status,
}

impl Line {
    /// Vendor monthly minus billed monthly: positive means the customer is under-billed.
    pub fn difference(&self) -> Money {
        Money::new(input::difference(
            self.vendor_monthly.value(),
            self.billed_monthly.value(),
        ))
    }
}

/// The reconciliation: every line, and the totals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconciliation {
    /// By account, then item.
    pub lines: Vec<Line>,
}

impl Reconciliation {
    /// Billed per month now, over every line.
    pub fn billed_monthly(&self) -> Money {
        Money::new(input::sum(
            self.lines.iter().map(|l| l.billed_monthly.value()),
        ))
    }

    /// Per month at the vendor's counts.
    pub fn vendor_monthly(&self) -> Money {
        Money::new(input::sum(
            self.lines.iter().map(|l| l.vendor_monthly.value()),
        ))
    }

    /// The lines to show: every one, or only those that differ.
    pub fn shown(&self, only_differences: bool) -> impl Iterator<Item = &Line> {
        self.lines
            .iter()
            .filter(move |l| !only_differences || l.status.is_difference())
    }

    /// Lines that do not match.
    pub fn differences(&self) -> usize {
        self.lines
            .iter()
            .filter(|l| l.status.is_difference())
            .count()
    }
}

#[derive(Default)]
struct Sources<'a> {
    /// Active additions of the same item on the same agreement after the first: (count, price).
    extra: Vec<(Quantity, Option<Money>)>,
    item: String,
    company: Option<String>,
    vendor: Option<&'a Row>,
    config: Option<&'a Object>,
    live: Option<&'a Object>,
}

/// Compare the export's rows, the configuration and the tenant's snapshot.
pub fn reconcile(
    config: &Config,
    rows: &[Row],
    snapshot: &Snapshot,
    today: Date,
) -> Reconciliation {
    let wanted = desired(config, today);
    let live = project(config, snapshot).state;
    let extras = extra_additions(snapshot);
    let mut lines: BTreeMap<(AccountId, String), Sources<'_>> = BTreeMap::new();
    let key = |account: AccountId, item: &str| (account, fold_name(item));
    for row in rows {
        let item = config.item_identifier(&row.sku, row.unit_cost);
        let sources = lines
            .entry(key(AccountId::new(&row.account), &item))
            .or_default();
        sources.item.clone_from(&item);
        sources.vendor = Some(row);
        sources.company = sources.company.take().or_else(|| row.company.clone());
    }
    for (state, is_config) in [(&wanted.state, true), (&live, false)] {
        for addition in state.of_kind(Kind::Addition) {
            let (Some(account), Some(item)) = (addition.key.account(), addition.key.product())
            else {
                continue;
            };
            let sources = lines.entry(key(account.clone(), item)).or_default();
            item.clone_into(&mut sources.item);
            if is_config {
                sources.config = Some(addition);
            } else {
                let extra = addition.id.and_then(|id| extras.get(&id));
                if sources.live.is_some() {
                    // The same item on a second agreement of the company (a duplicate agreement):
                    // billed too, so counted as an extra.
                    sources.extra.push((
                        quantity_of(Some(addition)).unwrap_or_default(),
                        price_of(Some(addition)),
                    ));
                } else {
                    sources.live = Some(addition);
                }
                sources.extra.extend(extra.into_iter().flatten().copied());
            }
        }
    }
    let identifiers: BTreeMap<AccountId, &str> = config
        .companies
        .iter()
        .map(|c| (c.item.account_id(), c.item.identifier.as_str()))
        .collect();
    let lines = lines
        .into_iter()
        .map(|((account, _), sources)| {
            let company = identifiers
                .get(&account)
                .map(|s| (*s).to_owned())
                .or(sources.company.clone())
                .unwrap_or_default();
            line(&wanted, &live, account.to_string(), company, &sources)
        })
        .collect();
    Reconciliation { lines }
}

/// The active additions ConnectWise has beyond the first of an item on one agreement (the one
/// `plan` manages), by the first one's id: each is billed too.
fn extra_additions(snapshot: &Snapshot) -> BTreeMap<i64, Vec<(Quantity, Option<Money>)>> {
    let mut out: BTreeMap<i64, Vec<(Quantity, Option<Money>)>> = BTreeMap::new();
    for additions in snapshot.additions.values() {
        let mut first: BTreeMap<String, i64> = BTreeMap::new();
        for addition in additions {
            if addition.cancelled_date.is_some() {
                continue;
            }
            let (Some(id), Some(product)) = (addition.id, addition.product_identifier.as_deref())
            else {
                continue;
            };
            match first.get(&fold_name(product)) {
                Some(first_id) => {
                    let count = addition
                        .quantity
                        .as_ref()
                        .and_then(crate::live::records::Amount::quantity)
                        .unwrap_or_default();
                    let price = addition
                        .unit_price
                        .as_ref()
                        .and_then(crate::live::records::Amount::money);
                    out.entry(*first_id).or_default().push((count, price));
                }
                None => {
                    first.insert(fold_name(product), id);
                }
            }
        }
    }
    out
}

fn quantity_of(object: Option<&Object>) -> Option<Quantity> {
    match object?.get("quantity") {
        Some(Value::Quantity(q)) => Some(*q),
        _ => None,
    }
}

/// An addition's `billCustomer`, when it has one (the configuration's only when declared).
fn bill_customer(object: Option<&Object>) -> Option<&str> {
    match object?.get("billCustomer")? {
        Value::Name(how) | Value::Text(how) => Some(&**how),
        _ => None,
    }
}

fn price_of(object: Option<&Object>) -> Option<Money> {
    match object?.get("unitPrice") {
        Some(Value::Money(m)) => Some(*m),
        _ => None,
    }
}

fn line(
    wanted: &Desired,
    live: &State,
    account: String,
    company: String,
    sources: &Sources<'_>,
) -> Line {
    let item = sources.item.clone();
    let vendor = sources.vendor.map(|r| r.quantity);
    let config = quantity_of(sources.config);
    let live_count = quantity_of(sources.live);
    // What ConnectWise bills now is the live addition's price (else the live catalog's); what it
    // will bill is the configuration's (else the catalog's, as desired).
    let live_price = price_of(sources.live).or_else(|| crate::plan::catalog_price_in(live, &item));
    let config_price =
        price_of(sources.config).or_else(|| crate::plan::catalog_price_of(wanted, live, &item));
    let unit_price = config_price
        .or(live_price)
        // An item only the vendor has: the export's retail price is the best there is.
        .or_else(|| sources.vendor.and_then(|r| r.retail_price));
    let recurring = crate::plan::is_recurring(wanted, live, &item);
    let monthly = |count: Option<Quantity>, price: Option<Money>, billed: bool| {
        if !recurring || !billed {
            return Money::default();
        }
        let price = price.map_or(Decimal::ZERO, Money::value);
        Money::new(input::line_total(
            count.map_or(Decimal::ZERO, Quantity::value),
            price,
        ))
    };
    let both = sources.config.is_some() && sources.live.is_some();
    let price_differs = both && matches!((config_price, live_price), (Some(c), Some(l)) if c != l);
    // What the configuration does not declare, ConnectWise keeps: the live `billCustomer` stands.
    let config_bill = bill_customer(sources.config);
    let live_bill = bill_customer(sources.live);
    let bill_differs =
        both && config_bill.is_some_and(|c| !live_bill.is_some_and(|l| l.eq_ignore_ascii_case(c)));
    let extra_count = input::sum(sources.extra.iter().map(|(q, _)| q.value()));
    let live_total = live_count.map(|q| Quantity::new(input::sum([q.value(), extra_count])));
    let zero = Quantity::default();
    let status = match (vendor, config) {
        _ if !sources.extra.is_empty() => Status::DuplicateInConnectWise,
        (Some(_), None) => Status::NotInConfig,
        (Some(v), Some(c)) if v != c => Status::ConfigDiffers,
        _ if config.unwrap_or_default() != live_count.unwrap_or_default()
            || price_differs
            || bill_differs =>
        {
            Status::NotApplied
        }
        // The vendor's billing report lists recurring items only.
        (None, Some(c)) if c != zero && !recurring => Status::OneTimeNotInExport,
        // A count set to 0 is how a customer that no longer has an item is kept on file.
        (None, Some(c)) if c != zero => Status::NotInExport,
        _ => Status::Match,
    };
    let live_billed = crate::plan::bills(live_bill);
    let extra_billed: Decimal = if recurring && live_billed {
        input::sum(sources.extra.iter().map(|(q, p)| {
            input::line_total(
                q.value(),
                p.or(live_price).map_or(Decimal::ZERO, Money::value),
            )
        }))
    } else {
        Decimal::ZERO
    };
    Line {
        account,
        company,
        item,
        vendor,
        config,
        live: live_total,
        unit_price,
        recurring,
        billed_monthly: Money::new(input::sum([
            monthly(live_count, live_price.or(unit_price), live_billed).value(),
            extra_billed,
        ])),
        vendor_monthly: monthly(
            vendor,
            unit_price,
            crate::plan::bills(config_bill.or(live_bill)),
        ),
        status,
    }
}

fn amount(line: &Line, m: Money) -> String {
    if line.recurring {
        format!("{:.2}", m.value())
    } else {
        "one-time".to_owned()
    }
}

fn signed(m: Money) -> String {
    if m.value() > Decimal::ZERO {
        format!("+{:.2}", m.value())
    } else {
        format!("{:.2}", m.value())
    }
}

const HEADERS: [&str; 11] = [
    "Account",
    "Company",
    "Item",
    "Vendor",
    "Config",
    "Live",
    "Unit price",
    "Billed/mo",
    "Vendor/mo",
    "Difference/mo",
    "Status",
];

/// The cells every format shares: who, what, the three counts and the price; `missing` stands
/// where a source has no value.
fn identity_and_counts(line: &Line, missing: &str) -> [String; 7] {
    let count = |q: Option<Quantity>| q.map_or_else(|| missing.to_owned(), |q| q.to_string());
    [
        line.account.clone(),
        line.company.clone(),
        line.item.clone(),
        count(line.vendor),
        count(line.config),
        count(line.live),
        line.unit_price
            .map_or_else(|| missing.to_owned(), |p| format!("{:.2}", p.value())),
    ]
}

fn cells(line: &Line) -> Vec<String> {
    let mut cells = identity_and_counts(line, "-").to_vec();
    cells.extend([
        amount(line, line.billed_monthly),
        amount(line, line.vendor_monthly),
        if line.recurring {
            signed(line.difference())
        } else {
            "-".to_owned()
        },
        line.status.describe().to_owned(),
    ]);
    cells
}

fn summary(reconciliation: &Reconciliation) -> String {
    let billed = reconciliation.billed_monthly();
    let vendor = reconciliation.vendor_monthly();
    let difference = Money::new(input::difference(vendor.value(), billed.value()));
    let meaning = match difference.value().cmp(&Decimal::ZERO) {
        std::cmp::Ordering::Greater => {
            " (under-billed: the vendor counts more than ConnectWise bills)"
        }
        std::cmp::Ordering::Less => " (over-billed: ConnectWise bills more than the vendor counts)",
        std::cmp::Ordering::Equal => "",
    };
    format!(
        "{} line(s), {} differ. Billed monthly {:.2}; at vendor counts {:.2}; difference {}{meaning}.",
        reconciliation.lines.len(),
        reconciliation.differences(),
        billed.value(),
        vendor.value(),
        signed(difference)
    )
}

/// A plain-text table for a terminal (of the differing lines only, when asked), then the totals
/// over every line.
pub fn text(reconciliation: &Reconciliation, only_differences: bool) -> String {
    let rows: Vec<Vec<String>> = reconciliation
        .shown(only_differences)
        .map(|line| {
            cells(line)
                .iter()
                .map(|c| crate::output::terminal::text(c).into_owned())
                .collect()
        })
        .collect();
    let mut widths = HEADERS.map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut put = |row: &[String]| {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
            // Counts and amounts line up on the right, names on the left.
            if (3..10).contains(&i) {
                let _ = write!(line, "{cell:>width$}  ");
            } else {
                let _ = write!(line, "{cell:<width$}  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    };
    put(&HEADERS.map(str::to_owned));
    for row in &rows {
        put(row);
    }
    out.push('\n');
    out.push_str(&summary(reconciliation));
    out.push('\n');
    out
}

/// A markdown table for a pull request or a ticket (of the differing lines only, when asked), then
/// the totals over every line.
pub fn markdown(reconciliation: &Reconciliation, only_differences: bool) -> String {
    let mut out = String::from("### Billing reconciliation\n\n");
    let _ = writeln!(out, "| {} |", HEADERS.join(" | "));
    let _ = writeln!(
        out,
        "|{}",
        HEADERS
            .iter()
            .enumerate()
            .map(|(i, _)| if (3..10).contains(&i) {
                "---:|"
            } else {
                "---|"
            })
            .collect::<String>()
    );
    for line in reconciliation.shown(only_differences) {
        let cells: Vec<String> = cells(line)
            .iter()
            .map(|c| crate::output::markdown::cell(c))
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    let _ = writeln!(out, "\n{}", summary(reconciliation));
    out
}

/// CSV with one header row, for a spreadsheet (of the differing lines only, when asked): counts and
/// amounts as plain numbers, empty where a source has no value.
pub fn csv(reconciliation: &Reconciliation, only_differences: bool) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "account",
        "company",
        "item",
        "vendor_quantity",
        "config_quantity",
        "live_quantity",
        "unit_price",
        "recurring",
        "billed_monthly",
        "vendor_monthly",
        "difference_monthly",
        "status",
    ])?;
    for line in reconciliation.shown(only_differences) {
        let mut record = identity_and_counts(line, "").to_vec();
        // Account, company and item are text from outside; counts and amounts are cwrecon's numbers.
        for text in record.iter_mut().take(3) {
            *text = crate::output::spreadsheet::cell(text).into_owned();
        }
        record.extend([
            line.recurring.to_string(),
            format!("{:.2}", line.billed_monthly.value()),
            format!("{:.2}", line.vendor_monthly.value()),
            format!("{:.2}", line.difference().value()),
            serde_json::to_value(line.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
        ]);
        writer.write_record(&record)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The reconciliation as one JSON document (`--format json`): every line (or the differing ones),
/// the totals over every line, and the unmapped queue. Amounts are numbers, as in plan JSON;
/// `serde_json` escapes every control character in the text from outside.
pub fn json(
    reconciliation: &Reconciliation,
    unmapped: &Unmapped,
    export: &str,
    only_differences: bool,
) -> String {
    let lines: Vec<serde_json::Value> = reconciliation
        .shown(only_differences)
        .map(|line| {
            serde_json::json!({
                "account": line.account,
                "company": line.company,
                "item": line.item,
                "vendor_quantity": line.vendor,
                "config_quantity": line.config,
                "live_quantity": line.live,
                "unit_price": line.unit_price,
                "recurring": line.recurring,
                "billed_monthly": line.billed_monthly,
                "vendor_monthly": line.vendor_monthly,
                "difference_monthly": line.difference(),
                "status": line.status,
            })
        })
        .collect();
    let billed = reconciliation.billed_monthly();
    let vendor = reconciliation.vendor_monthly();
    let document = serde_json::json!({
        "version": 1,
        "integration": unmapped.vendor,
        "export": export,
        "lines": lines,
        "totals": {
            "lines": reconciliation.lines.len(),
            "differ": reconciliation.differences(),
            "billed_monthly": billed,
            "vendor_monthly": vendor,
            "difference_monthly": Money::new(input::difference(vendor.value(), billed.value())),
        },
        "unmapped": unmapped,
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

/// The command, from its parsed arguments.
pub(super) async fn run(args: ReconcileArgs) -> Result<Exit, Error> {
    let config = config::load(&args.paths)?;
    let (vendor, format) = super::export_format(&config, &args.integration)?;
    let rows = crate::billing_report::read(&args.export, &format)?;
    let (_, source) = super::connect_reader(&config, (&args).into()).await?;
    let snapshot = Box::pin(crate::live::read_snapshot(&source, &config)).await?;
    let reconciliation = reconcile(&config, &rows, &snapshot, super::today()?);
    let unmapped = Unmapped::of(&vendor, &config, &rows);
    let export_name = args.export.display().to_string();
    let differences = reconciliation.differences();
    let only = args.only_differences;
    let report = match args.format {
        ReportFormat::Text => text(&reconciliation, only),
        ReportFormat::Markdown => markdown(&reconciliation, only),
        ReportFormat::Csv => csv(&reconciliation, only).map_err(|e| Error::Internal {
            message: format!("the reconciliation as CSV: {e}"),
        })?,
        ReportFormat::Json => json(&reconciliation, &unmapped, &export_name, only),
    };
    match &args.out {
        Some(path) => {
            crate::files::replace(path, report.as_bytes()).map_err(|source| Error::WriteFile {
                path: path.clone(),
                source,
            })?;
        }
        None => write_stdout(&report, "the reconciliation")?,
    }
    if args.format != ReportFormat::Json && !unmapped.is_empty() {
        // Beside the report, never in it: a CSV or a markdown table stays what its reader expects.
        crate::output::write_stderr(
            &unmapped.text(&export_name),
            crate::output::terminal::Style::Escape,
        );
    }
    Ok(if args.fail_on_unmapped && !unmapped.is_empty() {
        Exit::UNMAPPED
    } else if args.detailed_exitcode && differences > 0 {
        Exit::CHANGES
    } else {
        Exit::OK
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(status: Status, billed: &str, vendor: &str) -> Line {
        Line {
            account: "1".to_owned(),
            company: "Acme | Co".to_owned(),
            item: "A1R_1".to_owned(),
            vendor: Some(Quantity::parse("3").unwrap()),
            config: Some(Quantity::parse("2").unwrap()),
            live: None,
            unit_price: Some(Money::parse("2.5").unwrap()),
            recurring: true,
            billed_monthly: Money::parse(billed).unwrap(),
            vendor_monthly: Money::parse(vendor).unwrap(),
            status,
        }
    }

    #[test]
    fn totals_and_the_difference_say_which_way_billing_is_off() {
        let r = Reconciliation {
            lines: vec![
                line(Status::ConfigDiffers, "5", "7.5"),
                line(Status::Match, "1", "1"),
            ],
        };
        let text = text(&r, false);
        assert!(
            text.contains("2 line(s), 1 differ. Billed monthly 6.00; at vendor counts 8.50; difference +2.50 (under-billed"),
            "{text}"
        );
        assert!(text.contains("config differs: import"), "{text}");
    }

    #[test]
    fn markdown_escapes_pipes_and_csv_quotes_what_it_must() {
        let r = Reconciliation {
            lines: vec![line(Status::NotApplied, "0", "7.5")],
        };
        assert!(
            markdown(&r, false).contains("| Acme \\| Co |"),
            "{}",
            markdown(&r, false)
        );
        let csv = csv(&r, false).unwrap();
        let mut lines = csv.lines();
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("account,company,item,vendor_quantity")
        );
        assert_eq!(
            lines.next().unwrap(),
            "1,Acme | Co,A1R_1,3,2,,2.50,true,0.00,7.50,7.50,not_applied"
        );
    }
}
