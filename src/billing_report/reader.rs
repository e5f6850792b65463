//! The one reader of vendors' billing exports (CSV): every format, built in or a profile, is read
//! here, so what the reader guarantees holds for all of them.
//!
//! Owns the column mapping by [`Format`] and the checks a billing engineer would make by hand. The
//! parser is header-driven: columns may come in any order, extra columns are ignored, and header
//! names are matched case-insensitively against the format's names for each field. Each row keeps
//! its line number, so every problem names the line. Refuses to guess: a row with a missing or
//! unreadable value is a problem, not a zero. Refuses, by line, what `model::input` refuses: a hidden
//! (control or invisible format) character in any value it reads, an account id outside the account
//! character set once NFKC-normalised, and an amount out of bounds; and the pricing rule's breaks
//! (one SKU and cost, two retail prices) and an item listed twice for one account. Reads in time
//! proportional to the file's size.

use std::collections::{BTreeMap, HashMap};

use crate::model::exact::parse_plain;
use crate::model::input;
use crate::model::{Money, Quantity, fold_name};

/// One billable row of the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based line in the file (the header is line 1).
    pub line: u64,
    /// The vendor account id, normalised (`model::input::normalize_account`).
    pub account: String,
    /// The account id as the export writes it, when normalising changed it (full-width digits).
    pub account_written: Option<String>,
    /// The company name, when the export has it.
    pub company: Option<String>,
    /// The SKU, after the format's SKU aliases (a renamed item read as the SKU it replaces).
    pub sku: String,
    /// The SKU as the export writes it, when a SKU alias renamed it.
    pub sku_written: Option<String>,
    /// The unit cost.
    pub unit_cost: Money,
    /// The retail price, when the export has it.
    pub retail_price: Option<Money>,
    /// The current count.
    pub quantity: Quantity,
    /// The product's description, when the export has it.
    pub description: Option<String>,
    /// The company's address and contact, as far as the export has them.
    pub details: Details,
}

/// What the export says about a company beyond its name: enough to create it in ConnectWise.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Details {
    /// First address line.
    pub line1: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State or region.
    pub state: Option<String>,
    /// Postal code.
    pub zip: Option<String>,
    /// Country name.
    pub country: Option<String>,
    /// Main phone number.
    pub phone: Option<String>,
    /// Contact's first name.
    pub first_name: Option<String>,
    /// Contact's last name.
    pub last_name: Option<String>,
    /// Contact's e-mail address.
    pub email: Option<String>,
}

/// Something wrong with the export, at a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line; 0 for the file as a whole.
    pub line: u64,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// The fields a format reads, in the order they are looked for, and the ones every row needs.
pub(crate) const FIELDS: [&str; 16] = [
    "account",
    "company",
    "sku",
    "unit_cost",
    "retail_price",
    "quantity",
    "description",
    "line1",
    "city",
    "state",
    "zip",
    "country",
    "phone",
    "first_name",
    "last_name",
    "email",
];

const REQUIRED: [&str; 4] = ["account", "sku", "unit_cost", "quantity"];

/// How one vendor's export reads: the header names of each field, the separator, and the SKUs the
/// vendor renamed. Built in ([`super::intermedia::format`]) or from a profile
/// ([`Format::from_profile`]); [`parse`] reads both the same way.
#[derive(Debug, Clone, Default)]
pub struct Format {
    /// Each field the format reads, in [`FIELDS`] order.
    fields: Vec<FieldHeaders>,
    /// The column separator; `None` reads it from the header line.
    separator: Option<u8>,
    /// Renamed SKUs, upper-cased, to the SKU they are read as.
    sku_aliases: HashMap<String, String>,
    /// What to change when the header lacks a field, beyond "header names are matched
    /// case-insensitively" (a profile's place and its `header_aliases`).
    fix: Option<String>,
}

/// The header names one field is read from.
#[derive(Debug, Clone)]
struct FieldHeaders {
    field: &'static str,
    /// Folded (`model::fold_name`): trimmed and lower-cased.
    folded: Vec<String>,
    /// As a message shows them.
    shown: Vec<String>,
    /// Where a profile names this field's column, for a message about it.
    declared: Option<String>,
}

impl Format {
    /// A format from `(field, header names)` pairs, each field one of [`FIELDS`].
    pub(crate) fn builtin(fields: &[(&'static str, &[&str])]) -> Format {
        Format {
            fields: FIELDS
                .iter()
                .filter_map(|f| fields.iter().find(|(field, _)| field == f))
                .map(|(field, names)| FieldHeaders {
                    field,
                    folded: names.iter().map(|n| fold_name(n)).collect(),
                    shown: names.iter().map(|n| (*n).to_owned()).collect(),
                    declared: None,
                })
                .collect(),
            ..Format::default()
        }
    }

    /// The format a profile describes; the profile was checked when the configuration loaded.
    pub fn from_profile(
        placed: &crate::config::Placed<crate::config::profile::ExportProfile>,
    ) -> Format {
        let profile = &placed.item;
        let file = placed.source.as_ref().map(|s| s.name.as_str());
        let named = profile.named();
        let fields = FIELDS
            .iter()
            .filter_map(|f| named.iter().find(|c| c.field == *f))
            .map(|column| {
                let aliases = profile
                    .header_aliases
                    .iter()
                    .filter(|(header, _)| fold_name(header) == fold_name(column.header))
                    .flat_map(|(_, aliases)| aliases.iter());
                let shown: Vec<String> = std::iter::once(column.header)
                    .chain(aliases)
                    .map(|h| h.trim().to_owned())
                    .collect();
                let at = match file {
                    Some(file) if column.header.span.is_written() => format!(
                        " at {file}:{}:{}",
                        column.header.span.line(),
                        column.header.span.column()
                    ),
                    _ => String::new(),
                };
                FieldHeaders {
                    field: column.field,
                    folded: shown.iter().map(|h| fold_name(h)).collect(),
                    shown,
                    declared: Some(format!(
                        "`columns.{}` of profile `{}`{at}",
                        column.key,
                        input::visible(&profile.name)
                    )),
                }
            })
            .collect();
        Format {
            fields,
            separator: crate::config::profile::separator_byte(profile),
            sku_aliases: profile
                .sku_aliases
                .iter()
                .map(|(from, to)| (from.trim().to_uppercase(), to.trim().to_owned()))
                .collect(),
            fix: Some(format!(
                "; rename the column in profile `{}`, or add the export's header to its `header_aliases`",
                input::visible(&profile.name)
            )),
        }
    }

    fn field(&self, field: &str) -> Option<&FieldHeaders> {
        self.fields.iter().find(|f| f.field == field)
    }
}

/// The column separator: a comma, or what the header line uses instead (a semicolon from a
/// European Excel, a tab), whichever it has most of.
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| (header.bytes().filter(|b| b == d).count(), *d == b','))
        .unwrap_or(b',')
}

/// Line numbers of records, counted as the reader goes. The reader's own line count is off by one
/// after a CRLF line break and does not count skipped blank lines, so it is counted here.
///
/// Records come in file order, so each call counts only the line breaks between the previous
/// record and this one: reading a file counts each byte about once (issue 11: counting from the
/// start for every record made 100k rows take two minutes).
struct Lines<'t> {
    text: &'t str,
    /// Bytes before this offset have been counted.
    counted_to: usize,
    /// Line breaks before `counted_to`.
    breaks: usize,
    /// Bytes looked at so far, for the test that reading is linear.
    scanned: usize,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Lines<'t> {
        Lines {
            text,
            counted_to: 0,
            breaks: 0,
            scanned: 0,
        }
    }

    /// The 1-based line a record starting at byte `offset` is on.
    fn at(&mut self, offset: u64) -> u64 {
        let offset = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        let offset = self.text.floor_char_boundary(offset);
        if offset < self.counted_to {
            // Never expected (records come in order); start over rather than guess.
            self.counted_to = 0;
            self.breaks = 0;
        }
        let bytes = self.text.as_bytes();
        let between = bytes.get(self.counted_to..offset).unwrap_or_default();
        #[expect(
            clippy::naive_bytecount,
            reason = "one linear pass; a crate for a faster count is not worth a dependency"
        )]
        let breaks = between.iter().filter(|b| **b == b'\n').count();
        self.breaks += breaks;
        self.scanned += between.len();
        self.counted_to = offset;
        // A record never starts with a line break: skip the ones the reader's position sits before.
        let leading = bytes
            .get(offset..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| **b == b'\r' || **b == b'\n');
        let mut looked = 0;
        let skipped = leading
            .inspect(|_| looked += 1)
            .filter(|b| **b == b'\n')
            .count();
        self.scanned += looked;
        u64::try_from(self.breaks + skipped)
            .unwrap_or(u64::MAX)
            .saturating_add(1)
    }
}

/// Which column holds each field. Two columns that read as one field are refused: taking the first
/// could read a company name as the account, or an extended cost as the unit cost.
fn columns(
    headers: &csv::StringRecord,
    format: &Format,
) -> Result<BTreeMap<&'static str, usize>, String> {
    let mut columns = BTreeMap::new();
    for FieldHeaders { field, folded, .. } in &format.fields {
        let matching: Vec<usize> = headers
            .iter()
            .enumerate()
            .filter(|(_, h)| folded.contains(&fold_name(h)))
            .map(|(i, _)| i)
            .collect();
        match matching.as_slice() {
            [] => {}
            [one] => {
                columns.insert(*field, *one);
            }
            several => {
                let names: Vec<String> = several
                    .iter()
                    .map(|&i| format!("`{}`", headers.get(i).unwrap_or_default().trim()))
                    .collect();
                return Err(format!(
                    "the header has {} columns that all read as the {}; rename or remove all but one",
                    names.join(" and "),
                    field.replace('_', " ")
                ));
            }
        }
    }
    Ok(columns)
}

/// Parse the export as `format` reads it. Rows that cannot be read are problems; the rest are
/// returned.
pub fn parse(text: &str, format: &Format) -> (Vec<Row>, Vec<Problem>) {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .delimiter(format.separator.unwrap_or_else(|| delimiter(text)))
        .from_reader(text.as_bytes());
    let mut problems = Vec::new();
    let header = reader
        .headers()
        .map_err(|err| format!("cannot read the header: {err}"))
        .and_then(|h| columns(h, format));
    let columns = match header {
        Ok(columns) => columns,
        Err(message) => {
            problems.push(Problem { line: 1, message });
            return (Vec::new(), problems);
        }
    };
    let missing: Vec<String> = REQUIRED
        .iter()
        .filter(|f| !columns.contains_key(*f))
        .map(|f| {
            let field = format.field(f);
            let names = field.map_or_else(Vec::new, |h| h.shown.clone());
            let declared = field
                .and_then(|h| h.declared.as_deref())
                .map(|d| format!(", as {d}"))
                .unwrap_or_default();
            format!(
                "{} (one of: {}{declared})",
                f.replace('_', " "),
                names.join(", ")
            )
        })
        .collect();
    if !missing.is_empty() {
        problems.push(Problem {
            line: 1,
            message: format!(
                "the header has no column for {}; header names are matched case-insensitively{}",
                missing.join("; "),
                format.fix.as_deref().unwrap_or_default()
            ),
        });
        return (Vec::new(), problems);
    }
    let width = reader.headers().map_or(0, csv::StringRecord::len);
    let mut lines = Lines::new(text);
    let mut rows = Vec::new();
    for record in reader.records() {
        match record {
            // A row with more cells than the header has an unquoted separator inside a value,
            // which shifts every column after it.
            Ok(record) if record.len() > width => {
                let line = record.position().map_or(0, |p| lines.at(p.byte()));
                problems.push(Problem {
                    line,
                    message: format!(
                        "this row has {} cells and the header {width}; a value with a separator in it must be quoted",
                        record.len()
                    ),
                });
            }
            Ok(record) => {
                let line = record.position().map_or(0, |p| lines.at(p.byte()));
                let get = |field: &str| {
                    columns
                        .get(field)
                        .and_then(|&i| record.get(i))
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                };
                match row(line, &get, format) {
                    Ok(row) => rows.push(row),
                    Err(message) => problems.push(Problem { line, message }),
                }
            }
            Err(err) => {
                let line = err.position().map_or(0, |p| lines.at(p.byte()));
                problems.push(Problem {
                    line,
                    message: format!("unreadable row: {err}"),
                });
            }
        }
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(Problem {
            line: 1,
            message: "the export has a header and no rows; an empty export would make every count look stale, so it is refused (export again)".to_owned(),
        });
    }
    problems.extend(pricing_conflicts(&rows));
    problems.extend(repeated_items(&rows));
    problems.sort_by_key(|p| p.line);
    (rows, problems)
}

/// One account has one count per item: a second row for the same account, SKU and cost would have
/// to be added or replace the first, and guessing which is how billing goes wrong.
fn repeated_items(rows: &[Row]) -> Vec<Problem> {
    let mut first: BTreeMap<(String, String, Money), u64> = BTreeMap::new();
    let mut problems = Vec::new();
    for row in rows {
        let key = (row.account.clone(), row.sku.to_uppercase(), row.unit_cost);
        match first.get(&key) {
            Some(line) => problems.push(Problem {
                line: row.line,
                message: format!(
                    "account {} has SKU {} at unit cost {} here and on line {line}; the export should list each account's item once (merge the rows into one count)",
                    row.account, row.sku, row.unit_cost
                ),
            }),
            None => {
                first.insert(key, row.line);
            }
        }
    }
    problems
}

/// The most characters of one value the reader reads: far beyond any name, SKU or amount, small
/// enough that no message or report quoting a value is flooded by it.
pub const MAX_VALUE_CHARS: usize = 1_000;

/// The first field of a row whose value is longer than [`MAX_VALUE_CHARS`]: a corrupt file, or not
/// a billing export. Only its start is quoted.
fn overlong<'a>(get: &dyn Fn(&str) -> Option<&'a str>) -> Option<String> {
    FIELDS.iter().find_map(|field| {
        let value = get(field)?;
        let chars = value.chars().count();
        (chars > MAX_VALUE_CHARS).then(|| {
            let start: String = value.chars().take(40).collect();
            format!(
                "the {} is {chars} characters long (it starts `{}`); a value of the export has at most {MAX_VALUE_CHARS}, so the file is corrupt or not a billing export",
                field.replace('_', " "),
                input::visible(&start)
            )
        })
    })
}

/// The first field of a row holding a hidden character (`model::input`): every value the reader
/// uses is one line of text.
fn hidden_character<'a>(get: &dyn Fn(&str) -> Option<&'a str>) -> Option<String> {
    FIELDS.iter().find_map(|field| {
        let value = get(field)?;
        let hidden = input::hidden_in_line(value)?;
        Some(format!(
            "the {} `{}` holds the invisible or control character {} at character {}; retype the value without it (in Excel: Find and Replace, or CLEAN()), since it makes two values that look the same differ",
            field.replace('_', " "),
            input::visible(value),
            hidden.describe(),
            hidden.position
        ))
    })
}

/// An amount within its bounds, or why not.
fn bounded<T: Copy + std::fmt::Display>(
    what: &str,
    value: T,
    out_of_bounds: fn(T) -> Option<String>,
) -> Result<T, String> {
    match out_of_bounds(value) {
        None => Ok(value),
        Some(rule) => Err(format!(
            "{what} {value} is out of bounds: {rule}; fix the export (a larger value is a typo or a corrupt file)"
        )),
    }
}

fn row<'a>(
    line: u64,
    get: &dyn Fn(&str) -> Option<&'a str>,
    format: &Format,
) -> Result<Row, String> {
    if let Some(problem) = overlong(get).or_else(|| hidden_character(get)) {
        return Err(problem);
    }
    let required = |field: &str| {
        get(field).ok_or_else(|| format!("no {} on this row", field.replace('_', " ")))
    };
    let amount = |field: &str, text: &str| {
        parse_plain(text).map_err(|e| format!("{}: {e}", field.replace('_', " ")))
    };
    let unit_cost = Money::new(amount("unit_cost", required("unit_cost")?)?);
    let quantity = Quantity::new(amount("quantity", required("quantity")?)?);
    if quantity.is_negative() {
        return Err(format!("quantity {quantity} is negative"));
    }
    if quantity.decimals() > 2 {
        return Err(format!(
            "quantity {quantity} has more than 2 decimals, which ConnectWise does not keep"
        ));
    }
    if unit_cost.decimals() > 2 {
        return Err(format!(
            "unit cost {unit_cost} has more than 2 decimals; the catalog identifier needs the cost as the vendor bills it"
        ));
    }
    let quantity = bounded("quantity", quantity, input::quantity_out_of_bounds)?;
    let unit_cost = bounded("unit cost", unit_cost, input::money_out_of_bounds)?;
    let retail_price = match get("retail_price") {
        Some(text) => Some(bounded(
            "retail price",
            Money::new(amount("retail_price", text)?),
            input::money_out_of_bounds,
        )?),
        None => None,
    };
    let written = required("account")?;
    let account = input::normalize_account(written)
        .map_err(|err| format!("account `{}` {}", input::visible(written), err.explain()))?;
    let sku_written = required("sku")?;
    let sku = format
        .sku_aliases
        .get(&sku_written.to_uppercase())
        .map_or(sku_written, String::as_str);
    Ok(Row {
        line,
        account_written: (account != written).then(|| written.to_owned()),
        account,
        company: get("company").map(str::to_owned),
        sku: sku.to_owned(),
        sku_written: (sku != sku_written).then(|| sku_written.to_owned()),
        unit_cost,
        retail_price,
        quantity,
        description: get("description").map(str::to_owned),
        details: Details {
            line1: get("line1").map(str::to_owned),
            city: get("city").map(str::to_owned),
            state: get("state").map(str::to_owned),
            zip: get("zip").map(str::to_owned),
            country: get("country").map(str::to_owned),
            phone: get("phone").map(str::to_owned),
            first_name: get("first_name").map(str::to_owned),
            last_name: get("last_name").map(str::to_owned),
            email: get("email").map(str::to_owned),
        },
    })
}

/// The vendor's pricing rule: one (SKU, unit cost) has one retail price. Each conflict names both
/// lines.
fn pricing_conflicts(rows: &[Row]) -> Vec<Problem> {
    let mut first: BTreeMap<(String, Money), &Row> = BTreeMap::new();
    let mut problems = Vec::new();
    for row in rows {
        let Some(price) = row.retail_price else {
            continue;
        };
        let key = (row.sku.to_uppercase(), row.unit_cost);
        match first.get(&key) {
            Some(earlier) if earlier.retail_price != Some(price) => problems.push(Problem {
                line: row.line,
                message: format!(
                    "SKU {} at unit cost {} has retail price {} here and {} on line {}; one (SKU, cost) has one retail price (a customer's own price belongs in the addition's unit_price)",
                    row.sku,
                    row.unit_cost,
                    price,
                    earlier.retail_price.map_or_else(|| "none".to_owned(), |p| p.to_string()),
                    earlier.line
                ),
            }),
            Some(_) => {}
            None => {
                first.insert(key, row);
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::super::intermedia::parse;
    use super::*;

    #[test]
    fn columns_in_any_order_with_extras_and_aliases() {
        let csv = "Notes,Qty,SKU,Cost,Account ID,Company Name,Price\nx,42,MXS10C01SUNR,7.25,1002345,Acme Corp,12.00\n,3,ARC10C01SUNR,2.50,1002345,Acme Corp,\n";
        let (rows, problems) = parse(csv);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].account, "1002345");
        assert_eq!(rows[0].quantity.to_string(), "42");
        assert_eq!(
            rows[0].retail_price.map(|p| p.to_string()),
            Some("12".to_owned())
        );
        assert_eq!(rows[1].retail_price, None);
        assert_eq!(rows[1].line, 3);
    }

    #[test]
    fn bad_rows_and_pricing_conflicts_name_their_lines() {
        let csv = "Account,SKU,Unit Cost,Retail Price,Quantity\n1,A1R,7.25,12,5\n2,A1R,7.250,13,1\n3,B1R,seven,1,1\n4,C1R,1,1,-2\n";
        let (rows, problems) = parse(csv);
        assert_eq!(rows.len(), 2);
        let lines: Vec<u64> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [3, 4, 5], "{problems:#?}");
        assert!(
            problems[0].message.contains("here and 12 on line 2"),
            "{}",
            problems[0].message
        );
        assert!(
            problems[1]
                .message
                .starts_with("unit cost: expected a decimal"),
            "{}",
            problems[1].message
        );
    }

    #[test]
    fn an_item_listed_twice_for_one_account_names_both_lines() {
        let csv = "Account,SKU,Unit Cost,Quantity\n1,A1R,7.25,5\n2,A1R,7.25,1\n1,a1r,7.250,3\n";
        let (rows, problems) = parse(csv);
        assert_eq!(rows.len(), 3);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert_eq!(problems[0].line, 4);
        assert!(
            problems[0].message.contains("here and on line 2"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn optional_columns_describe_a_new_company() {
        let csv = "Account ID,Company Name,SKU,Unit Cost,Quantity,Country,City,Contact First Name,Contact Last Name,Product Name\n9,Echo Dental,A1R,1,2,United States,Reno,Eve,Ng,Mailbox\n";
        let (rows, problems) = parse(csv);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rows[0].details.country.as_deref(), Some("United States"));
        assert_eq!(rows[0].details.city.as_deref(), Some("Reno"));
        assert_eq!(rows[0].details.first_name.as_deref(), Some("Eve"));
        assert_eq!(rows[0].details.last_name.as_deref(), Some("Ng"));
        assert_eq!(rows[0].description.as_deref(), Some("Mailbox"));
        assert_eq!(rows[0].details.zip, None);
    }

    #[test]
    fn lines_are_counted_across_crlf_and_blank_lines() {
        let csv = "Account ID,SKU,Unit Cost,Retail Price,Quantity\r\n1,A1R,7.25,12,4\r\n\r\n\r\n2,A1R,7.25,13,4\r\n3,B1R,x,1,1\r\n";
        let (_, problems) = parse(csv);
        let lines: Vec<u64> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [5, 6], "{problems:#?}");
        assert!(
            problems[0].message.contains("on line 2"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn semicolons_and_tabs_separate_columns_when_the_header_uses_them() {
        for csv in [
            "Account;SKU;Unit Cost;Quantity\n1;A1R;7,25;3\n",
            "Account\tSKU\tUnit Cost\tQuantity\n1\tA1R\t7.25\t3\n",
        ] {
            let (rows, problems) = parse(csv);
            if csv.contains(';') {
                // A decimal comma is not a decimal point: refused by line, never misread.
                assert_eq!(problems[0].line, 2, "{problems:?}");
            } else {
                assert!(problems.is_empty(), "{problems:?}");
                assert_eq!(rows[0].sku, "A1R");
            }
        }
    }

    #[test]
    fn two_columns_for_one_field_are_refused() {
        let (rows, problems) = parse("Account,Account ID,SKU,Cost,Unit Cost,Qty\n");
        assert!(rows.is_empty());
        assert_eq!(
            problems[0].message,
            "the header has `Account` and `Account ID` columns that all read as the account; rename or remove all but one"
        );
    }

    #[test]
    fn a_row_wider_than_the_header_is_refused() {
        let (rows, problems) =
            parse("Account,SKU,Cost,Qty,Company\n1,A1R,1,2,Acme, Inc\n2,A1R,1,2\n");
        assert_eq!(
            rows.len(),
            1,
            "a shorter row is fine: its last columns are empty"
        );
        assert_eq!(problems[0].line, 2);
        assert!(
            problems[0].message.contains("6 cells and the header 5"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn an_export_without_rows_is_refused() {
        let (_, problems) = parse("Account,SKU,Cost,Qty\n");
        assert!(problems[0].message.contains("no rows"), "{problems:?}");
    }

    #[test]
    fn hidden_characters_are_refused_by_line_with_their_code() {
        let csv = "Account,Company,SKU,Cost,Qty\n1,Acme,A1R,1,2\n2,Acme\u{202e}Corp,A1R,1,2\n3\u{200b},Ok,A1R,1,2\n\"4\",\"Two\nLines\",A1R,1,2\n";
        let (rows, problems) = parse(csv);
        assert_eq!(rows.len(), 1);
        let lines: Vec<u64> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [3, 4, 5], "{problems:#?}");
        assert!(
            problems[0].message.contains("U+202E"),
            "{}",
            problems[0].message
        );
        assert!(
            problems[0].message.contains("Acme<U+202E>Corp"),
            "{}",
            problems[0].message
        );
        assert!(
            problems[1].message.contains("U+200B"),
            "{}",
            problems[1].message
        );
        assert!(
            problems[2].message.contains("U+000A"),
            "{}",
            problems[2].message
        );
    }

    #[test]
    fn accounts_are_read_normalised_and_the_written_form_kept() {
        let (rows, problems) =
            parse("Account,SKU,Cost,Qty\n\u{ff11}\u{ff12},A1R,1,2\n12,B1R,1,2\nA/B,C1R,1,1\n");
        assert_eq!(rows[0].account, "12");
        assert_eq!(rows[0].account_written.as_deref(), Some("\u{ff11}\u{ff12}"));
        assert_eq!(rows[1].account_written, None);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert_eq!(problems[0].line, 4);
        assert!(
            problems[0].message.contains("holds `/`"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn amounts_out_of_bounds_are_refused_by_line() {
        let csv = "Account,SKU,Cost,Price,Qty\n1,A1R,1,2,1000001\n2,A1R,2000000,2,1\n3,B1R,1,-2,1\n4,C1R,1,2,70000000000000000000000000000\n5,D1R,1,2,1000000\n";
        let (rows, problems) = parse(csv);
        assert_eq!(rows.len(), 1, "{problems:#?}");
        let lines: Vec<u64> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [2, 3, 4, 5], "{problems:#?}");
        assert!(
            problems[0].message.contains("at most 1000000"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn line_numbers_are_counted_once_per_byte() {
        use std::fmt::Write as _;

        // Structural, not timed: counting the lines of n records looks at each byte about once,
        // where counting from the start for each record looked at n²/2 lines' worth.
        let mut text = String::from("Account,SKU,Cost,Qty\n");
        for i in 0..10_000 {
            let _ = writeln!(text, "{i},A1R,1,2");
            if i % 100 == 0 {
                text.push_str("\r\n\n");
            }
        }
        let mut lines = Lines::new(&text);
        let mut offsets = vec![];
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            offsets.push(offset);
            offset += line.len();
        }
        let mut last = 0;
        for &at in &offsets {
            let line = lines.at(at as u64);
            assert!(line >= last, "lines only go forward");
            last = line;
        }
        assert!(
            lines.scanned <= 2 * text.len(),
            "looked at {} bytes of {}",
            lines.scanned,
            text.len()
        );
        let (rows, problems) = parse(&text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rows.len(), 10_000);
        assert_eq!(
            rows[101].line,
            2 + 101 + 4,
            "two blank lines after rows 0 and 100 count"
        );
    }

    #[test]
    fn an_overlong_value_is_refused_by_line_and_quoted_only_in_part() {
        let long = "X".repeat(MAX_VALUE_CHARS + 1);
        let (rows, problems) = parse(&format!(
            "Account,Company,SKU,Cost,Qty\n1,Acme,A1R,1,2\n2,{long}\u{1b},A1R,1,2\n"
        ));
        assert_eq!(rows.len(), 1);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, 3);
        assert!(
            problems[0]
                .message
                .starts_with("the company is 1002 characters long (it starts `XXXX"),
            "{}",
            problems[0].message
        );
        assert!(problems[0].message.len() < 300, "{}", problems[0].message);
    }

    #[test]
    fn a_header_without_a_required_column_is_refused() {
        let (rows, problems) = parse("Account,SKU,Quantity\n1,A1R,1\n");
        assert!(rows.is_empty());
        assert!(
            problems[0]
                .message
                .contains("no column for unit cost (one of: unit cost, cost)"),
            "{}",
            problems[0].message
        );
    }
}
