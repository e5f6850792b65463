//! `cwrecon import INTEGRATION`: the vendor's billing export written into the configuration.
//!
//! Owns matching export rows to the configuration — an account to the company with that
//! `account`, a (SKU, unit cost) to the product with that SKU and cost — and turning differences into
//! edits of the YAML *text* at the places the configuration's spans record: a quantity or a retail
//! price is replaced where it is written; a new addition is one line after the agreement's last
//! addition; a new product is a block after the last product; a new company is a file of its own.
//! Everything else in the files (comments, order, quoting, anchors, blank lines) stays byte for byte.
//!
//! Refuses:
//! - to remove anything: an item the export no longer lists is reported, never deleted, because a
//!   partial export must not cancel billing;
//! - to guess: a value not written where its span says (reached through an alias, say) is reported
//!   with the edit to make by hand;
//! - to write at all when the edited configuration would not load and validate (checked in memory
//!   before any file is touched); the caller also refuses when the export itself has problems.

use std::fmt::Write as _;

use crate::cli::{ImportArgs, ImportFormat};
use crate::config;
use crate::error::Error;
use crate::exit::Exit;
use crate::output::write_stdout;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::config::model::{
    Addition, Address, Agreement, Company, CompanyCreate, ConfigFile, Contact, Product,
};
use std::sync::Arc;

use crate::billing_report::Row;
use crate::billing_report::unmapped::{Item, Unmapped, item_of};
use crate::config::edit::{
    self, Edit, FileUpdate, NormalizeTo as _, after_item, indented, insertion_text, replace_scalar,
    start_of, yaml_scalar,
};
use crate::config::{Config, ConfigText, Placed, SourceFile, Span, Spanned};
use crate::model::{AccountId, Date, Money, fold_name};

/// How to import.
#[derive(Debug, Clone)]
pub struct Options {
    /// Add the products and companies the configuration does not know (reported otherwise).
    pub add_unknown: bool,
    /// Where new company files go; by default beside the last company's file, else `companies/`
    /// in the configuration's folder.
    pub companies_dir: Option<PathBuf>,
    /// The export's name, for notes written into new files.
    pub export_name: String,
    /// Today, for a new agreement's start date (the first of this month).
    pub today: Date,
    /// The configuration paths as given: a new file must be inside one of these folders, or the
    /// next `plan` would not read it.
    pub config_paths: Vec<PathBuf>,
}

/// One change made to the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The file changed or created.
    pub path: PathBuf,
    /// The line in the file as it was (for a new file, 1).
    pub line: u64,
    /// What changed, for people.
    pub message: String,
}

/// Something the import did not do, and why; `line` is the export's line when one row says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The export's line, when the notice is about one row.
    pub line: Option<u64>,
    /// What and why, with what to do about it.
    pub message: String,
}

/// The result of matching an export against the configuration: what to write and what was not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Import {
    /// Changes, in file and line order.
    pub changes: Vec<Change>,
    /// What the export says that was not written: items the configuration does not know, and
    /// values to change by hand.
    pub not_imported: Vec<Notice>,
    /// What the configuration has that the export does not list; left as it is.
    pub not_in_export: Vec<Notice>,
    /// Differences that need nothing done (a price the configuration leaves to ConnectWise).
    pub info: Vec<Notice>,
    /// The files to write.
    pub files: Vec<FileUpdate>,
    /// The items (upper-cased SKU, unit cost) the import adds as products (`--add-unknown`).
    pub added_items: BTreeSet<Item>,
    /// The accounts the import adds as companies (`--add-unknown`).
    pub added_accounts: BTreeSet<AccountId>,
}

impl Import {
    /// Whether there is anything to write.
    pub fn has_changes(&self) -> bool {
        !self.files.is_empty()
    }

    /// Whether the export and the configuration still differ once the files are written.
    pub fn differs_after_write(&self) -> bool {
        !self.not_imported.is_empty() || !self.not_in_export.is_empty()
    }

    /// What the import changes and what it does not, for people: each change with its file and
    /// line, each notice with the export's line.
    pub fn summary(&self, export_name: &str, rows: usize) -> String {
        let mut text = format!("Import of {export_name} ({rows} row(s)):\n");
        if self.changes.is_empty() {
            text.push_str(if self.not_imported.is_empty() {
                "  the configuration already has the export's counts and prices\n"
            } else {
                "  nothing to write\n"
            });
        }
        for change in &self.changes {
            let _ = writeln!(
                text,
                "  {}:{}  {}",
                change.path.display(),
                change.line,
                crate::output::terminal::text(&change.message)
            );
        }
        for (title, notices) in [
            ("Not imported:", &self.not_imported),
            (
                "In the configuration, not in the export (left as it is):",
                &self.not_in_export,
            ),
            ("Noted:", &self.info),
        ] {
            if !notices.is_empty() {
                let _ = writeln!(text, "{title}");
            }
            for notice in notices {
                // A notice quotes the export: each stays on its line and cannot act on a terminal.
                let message = crate::output::terminal::text(&notice.message);
                let _ = match notice.line {
                    Some(line) => writeln!(text, "  {export_name}:{line}  {message}"),
                    None => writeln!(text, "  {message}"),
                };
            }
        }
        text
    }
}

/// The edits being collected, by index into the configuration texts.
#[derive(Default)]
struct Edits {
    by_file: BTreeMap<usize, Vec<Edit>>,
    changes: Vec<Change>,
    new_files: Vec<(PathBuf, String)>,
    /// What the edits mean, checked against the edited configuration before anything is written.
    intents: Vec<Intent>,
}

/// What one edit means for the configuration.
#[derive(Debug, Clone)]
enum Intent {
    Quantity {
        account: String,
        product: String,
        quantity: crate::model::Quantity,
    },
    RetailPrice {
        item: Item,
        price: Money,
    },
    Addition {
        account: String,
        product: String,
        quantity: crate::model::Quantity,
    },
    Product(Box<Product>),
    Company(Box<Company>),
}

/// Where a configuration item was written: the file's index among the texts, and the text.
struct Place<'a> {
    file: usize,
    text: &'a ConfigText,
}

/// Match `rows` against `config` (loaded from `texts`) and work out the new file texts.
pub fn import(
    config: &Config,
    texts: &[ConfigText],
    rows: &[Row],
    options: &Options,
) -> Result<Import, crate::config::Error> {
    let mut importer = Importer {
        config,
        texts,
        options,
        edits: Edits::default(),
        out: Import::default(),
        shared: shared_offsets(config),
    };
    let item_ids = importer.products(rows);
    importer.companies(rows, &item_ids);
    finish(config, texts, importer.edits, importer.out)
}

/// The import as it goes: what it reads and the edits and notices it has collected.
struct Importer<'a> {
    config: &'a Config,
    texts: &'a [ConfigText],
    options: &'a Options,
    edits: Edits,
    out: Import,
    /// Places that more than one value of the configuration reads (YAML anchors and aliases,
    /// merge keys): editing one would change the others too.
    shared: BTreeSet<(String, usize)>,
}

/// The places (file, offset) that more than one configuration value was read from.
fn shared_offsets(config: &Config) -> BTreeSet<(String, usize)> {
    let mut seen: BTreeMap<(String, usize), usize> = BTreeMap::new();
    let mut count = |source: Option<&Arc<SourceFile>>, span: Span| {
        if let Some(source) = source
            && span.is_written()
        {
            *seen
                .entry((source.name.clone(), span.offset()))
                .or_default() += 1;
            // Read here through an alias: the definition is read from two places.
            if let Some(defined) = span.alias_of() {
                *seen.entry((source.name.clone(), defined)).or_default() += 2;
            }
        }
    };
    for product in &config.products {
        for span in product_spans(&product.item) {
            count(product.source.as_ref(), span);
        }
    }
    for company in &config.companies {
        if let Some(agreement) = &company.item.agreement {
            count(company.source.as_ref(), agreement.span);
            for addition in &agreement.additions {
                for span in addition_spans(addition) {
                    count(company.source.as_ref(), span);
                }
            }
        }
    }
    seen.into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(place, _)| place)
        .collect()
}

impl<'a> Importer<'a> {
    /// Whether every place in `spans` (in the file of `place`) is read by one value only, so an
    /// edit there changes just it.
    fn unshared(&self, place: &Place<'_>, spans: &[Span]) -> bool {
        let name = place.text.path.display().to_string();
        spans
            .iter()
            .all(|s| !self.shared.contains(&(name.clone(), s.offset())))
    }

    /// The text a configuration item was written in.
    fn place_of(&self, source: Option<&Arc<SourceFile>>) -> Option<Place<'a>> {
        let name = source?.name.as_str();
        let texts = self.texts;
        texts
            .iter()
            .position(|t| t.path.display().to_string() == name)
            .map(|file| Place {
                file,
                text: &texts[file],
            })
    }

    /// Known products get the export's retail price; unknown ones are reported, or added. Returns
    /// the catalog identifier of each item whose rows can be counted, spelled as the configuration
    /// spells it.
    fn products(&mut self, rows: &[Row]) -> BTreeMap<Item, String> {
        let config = self.config;
        let products: BTreeMap<Item, &Placed<Product>> = config
            .products
            .iter()
            .map(|p| ((p.item.sku.to_uppercase(), p.item.unit_cost.value), p))
            .collect();
        let mut importable: BTreeMap<Item, String> = BTreeMap::new();
        let mut priced: BTreeSet<Item> = BTreeSet::new();
        let mut tried: BTreeSet<Item> = BTreeSet::new();
        for row in rows {
            let item = item_of(row);
            if let Some(product) = products.get(&item) {
                importable.insert(item.clone(), config.catalog_identifier(&product.item));
                if let Some(price) = row.retail_price
                    && priced.insert(item)
                {
                    self.retail_price(product, price, row);
                }
            } else if self.options.add_unknown {
                // Counted only once the product is written, so no addition names a missing product.
                if tried.insert(item.clone()) && self.add_product(row) {
                    importable.insert(item, config.item_identifier(&row.sku, row.unit_cost));
                }
            } else {
                self.out.not_imported.push(Notice {
                    line: Some(row.line),
                    message: format!(
                        "SKU {} at unit cost {} (account {}): no product in the configuration has this SKU and cost; add it to `products` or re-run with --add-unknown",
                        row.sku, row.unit_cost, row.account
                    ),
                });
            }
        }
        importable
    }

    /// Known companies get the export's counts; unknown ones are reported, or added as new files;
    /// companies the export does not list are reported.
    fn companies(&mut self, rows: &[Row], item_ids: &BTreeMap<Item, String>) {
        let config = self.config;
        let by_account = rows_by_account(rows);
        let companies: BTreeMap<AccountId, &Placed<Company>> = config
            .companies
            .iter()
            .map(|c| (c.item.account_id(), c))
            .collect();
        let mut identifiers: BTreeSet<String> = config
            .companies
            .iter()
            .map(|c| fold_name(&c.item.identifier))
            .collect();
        // Each known account without its leading zeros, looked up once per export account (a
        // scan of every company for each account would make a large import quadratic).
        let unpadded =
            |account: &AccountId| AccountId::new(account.as_str().trim_start_matches('0'));
        let mut unpadded_accounts: BTreeMap<AccountId, &AccountId> = BTreeMap::new();
        for account in companies.keys() {
            unpadded_accounts
                .entry(unpadded(account))
                .or_insert(account);
        }
        self.read_as(rows);
        for (account, account_rows) in &by_account {
            let rows: Vec<(&Row, &str)> = account_rows
                .iter()
                .filter_map(|r| item_ids.get(&item_of(r)).map(|id| (*r, id.as_str())))
                .collect();
            let padded_twin = unpadded_accounts.get(&unpadded(account)).copied();
            match companies.get(account) {
                Some(company) => self.counts(company, &rows),
                // The same account with other leading zeros is a spreadsheet's doing, not a new
                // customer: adding it would create and bill the company twice.
                None if self.options.add_unknown && !rows.is_empty() && padded_twin.is_none() => {
                    let Some(file) =
                        new_company(config, self.texts, &rows, &mut identifiers, self.options)
                    else {
                        continue;
                    };
                    if !self.loaded(&file.0) {
                        self.out.not_imported.push(Notice {
                            line: account_rows.first().map(|r| r.line),
                            message: format!(
                                "account {account}: not added, because {} is not inside a configuration folder given on the command line, so plan would not read it; pass --companies-dir inside one (or give the configuration as a folder)",
                                file.0.display()
                            ),
                        });
                        continue;
                    }
                    self.edits.changes.push(Change {
                        path: file.0.clone(),
                        line: 1,
                        message: format!(
                            "new company for account {account} ({} addition(s))",
                            rows.len()
                        ),
                    });
                    self.edits.new_files.push((file.0, file.1));
                    self.edits.intents.push(Intent::Company(Box::new(file.2)));
                }
                None => {
                    let name = account_rows
                        .iter()
                        .find_map(|r| r.company.as_deref())
                        .map(|n| format!(" ({n})"))
                        .unwrap_or_default();
                    let hint = padded_twin
                        .map(|k| format!(" (the configuration has account {k}: a spreadsheet may have added or dropped leading zeros; fix the export)"))
                        .unwrap_or_default();
                    self.out.not_imported.push(Notice {
                        line: account_rows.first().map(|r| r.line),
                        message: format!(
                            "account {account}{name}, {} row(s): no company in the configuration has this account{hint}; add one to `companies` or re-run with --add-unknown",
                            account_rows.len()
                        ),
                    });
                }
            }
        }
        for company in &config.companies {
            if !by_account.contains_key(&company.item.account_id()) {
                self.out.not_in_export.push(Notice {
                    line: None,
                    message: format!(
                        "account {} ({}) is not in the export; its additions are left as they are",
                        company.item.account.as_str(),
                        company.item.identifier.value
                    ),
                });
            }
        }
    }

    /// What the export writes one way and is read as another: a look-alike account, a renamed SKU.
    fn read_as(&mut self, rows: &[Row]) {
        for row in rows {
            let sku = row.sku_written.as_ref().map(|written| {
                format!(
                    "SKU {written} is read as {} (the export profile's `sku_aliases`)",
                    row.sku
                )
            });
            // Look-alike characters are read as the account they look like: one customer.
            let account = row.account_written.as_ref().map(|written| {
                format!(
                    "account `{written}` is written with look-alike characters (full-width digits, say); it is read as account {} (Unicode NFKC), never as a new company",
                    row.account
                )
            });
            self.out
                .info
                .extend(sku.into_iter().chain(account).map(|message| Notice {
                    line: Some(row.line),
                    message,
                }));
        }
    }

    fn retail_price(&mut self, product: &Placed<Product>, price: Money, row: &Row) {
        let identifier = self.config.catalog_identifier(&product.item);
        let Some(written) = &product.item.retail_price else {
            self.out.info.push(Notice {
                line: Some(row.line),
                message: format!(
                    "{identifier}: the export's retail price is {price}; the configuration leaves this product's price to ConnectWise (no retail_price), so it stays that way"
                ),
            });
            return;
        };
        if written.value == price {
            return;
        }
        let edited = self
            .place_of(product.source.as_ref())
            .filter(|place| self.unshared(place, &[written.span]))
            .and_then(|place| {
                replace_scalar(
                    place.text,
                    written.span,
                    written.value.value(),
                    price.value(),
                )
                .map(|edit| (place, edit))
            });
        match edited {
            Some((place, edit)) => {
                self.edits.changes.push(Change {
                    path: place.text.path.clone(),
                    line: written.span.line(),
                    message: format!("{identifier}: retail price {} → {price}", written.value),
                });
                self.edits.intents.push(Intent::RetailPrice {
                    item: (
                        product.item.sku.to_uppercase(),
                        product.item.unit_cost.value,
                    ),
                    price,
                });
                self.edits.by_file.entry(place.file).or_default().push(edit);
            }
            None => self.out.not_imported.push(hand_edit(
                row.line,
                &format!("{identifier}: set retail_price to {price}"),
            )),
        }
    }

    /// One company's counts: quantities replaced, new additions inserted, missing ones reported.
    fn counts(&mut self, company: &Placed<Company>, rows: &[(&Row, &str)]) {
        let identifier = &company.item.identifier.value;
        let Some(agreement) = &company.item.agreement else {
            self.out.not_imported.push(Notice {
                line: rows.first().map(|(r, _)| r.line),
                message: format!(
                    "company {identifier} (account {}) has no `agreement` in the configuration, so its {} item(s) cannot be counted; add an agreement with additions",
                    company.item.account.as_str(),
                    rows.len()
                ),
            });
            return;
        };
        let place = self.place_of(company.source.as_ref());
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut new_additions: Vec<(String, &Row)> = Vec::new();
        // The first addition of each product, found once (a scan per row would make a company
        // with many items quadratic).
        let mut by_product: BTreeMap<String, &Spanned<Addition>> = BTreeMap::new();
        for addition in &agreement.additions {
            by_product
                .entry(fold_name(&addition.product))
                .or_insert(addition);
        }
        for &(row, product) in rows {
            let product = product.to_owned();
            seen.insert(fold_name(&product));
            let written = by_product.get(&fold_name(&product)).copied();
            match written {
                Some(addition) if addition.quantity.value == row.quantity => {}
                Some(addition) => self.quantity(
                    (company.item.account.as_str(), identifier),
                    &product,
                    &addition.quantity,
                    row,
                    place.as_ref(),
                ),
                None => new_additions.push((product, row)),
            }
        }
        if !new_additions.is_empty() {
            self.insert_additions(
                (company.item.account.as_str(), identifier),
                agreement,
                place.as_ref(),
                &new_additions,
            );
        }
        for addition in &agreement.additions {
            // A count of 0 is how an item the customer no longer has is kept on file.
            if seen.contains(&fold_name(&addition.product))
                || addition.quantity.value == crate::model::Quantity::default()
            {
                continue;
            }
            if self.config.is_one_time(&addition.product) {
                // The billing report lists recurring items only: a setup fee is never in it.
                self.out.info.push(Notice {
                    line: None,
                    message: format!(
                        "{identifier} {}: a one-time item, which the vendor's billing report never lists; left as it is",
                        addition.product.value
                    ),
                });
            } else {
                self.out.not_in_export.push(Notice {
                    line: None,
                    message: format!(
                        "{identifier} {}: not in the export; quantity stays {} (remove the addition, or set it to 0, if the customer no longer has it)",
                        addition.product.value, addition.quantity.value
                    ),
                });
            }
        }
    }

    /// Replace one addition's quantity where it is written.
    fn quantity(
        &mut self,
        (account, identifier): (&str, &str),
        product: &str,
        quantity: &Spanned<crate::model::Quantity>,
        row: &Row,
        place: Option<&Place<'a>>,
    ) {
        let edit = place
            .filter(|p| self.unshared(p, &[quantity.span]))
            .and_then(|p| {
                replace_scalar(
                    p.text,
                    quantity.span,
                    quantity.value.value(),
                    row.quantity.value(),
                )
                .map(|edit| (p, edit))
            });
        match edit {
            Some((p, edit)) => {
                self.edits.changes.push(Change {
                    path: p.text.path.clone(),
                    line: quantity.span.line(),
                    message: format!(
                        "{identifier} {product}: quantity {} → {}",
                        quantity.value, row.quantity
                    ),
                });
                self.edits.intents.push(Intent::Quantity {
                    account: account.to_owned(),
                    product: product.to_owned(),
                    quantity: row.quantity,
                });
                self.edits.by_file.entry(p.file).or_default().push(edit);
            }
            None => self.out.not_imported.push(hand_edit(
                row.line,
                &format!("{identifier} {product}: set quantity to {}", row.quantity),
            )),
        }
    }

    /// New additions, one flow-style line each, after the agreement's last addition.
    fn insert_additions(
        &mut self,
        (account, identifier): (&str, &str),
        agreement: &Spanned<Agreement>,
        place: Option<&Place<'a>>,
        additions: &[(String, &Row)],
    ) {
        let mut lines = String::new();
        for (product, row) in additions {
            let _ = writeln!(
                lines,
                "- {{ product: {}, quantity: {} }}",
                yaml_scalar(product),
                row.quantity
            );
        }
        let insertion = place.and_then(|p| {
            let last = agreement.additions.last()?;
            let spans = addition_spans(last);
            if !self.unshared(p, &spans) {
                return None;
            }
            let (offset, line, indent) = after_item(&p.text.text, start_of(&spans)?)?;
            Some((p, offset, line, indent))
        });
        let Some((p, offset, line, indent)) = insertion else {
            self.out.not_imported.push(Notice {
                line: additions.first().map(|(_, r)| r.line),
                message: format!(
                    "company {identifier}: add these additions to its agreement by hand (its `additions` list is empty, shared through a YAML anchor, or not written one `- ` entry per item):\n{lines}"
                ),
            });
            return;
        };
        self.edits.by_file.entry(p.file).or_default().push(Edit {
            offset,
            len: 0,
            text: insertion_text(&p.text.text, offset, &lines, &indent),
        });
        for (product, row) in additions {
            self.edits.changes.push(Change {
                path: p.text.path.clone(),
                line,
                message: format!(
                    "{identifier} {product}: new addition, quantity {}",
                    row.quantity
                ),
            });
            self.edits.intents.push(Intent::Addition {
                account: account.to_owned(),
                product: product.clone(),
                quantity: row.quantity,
            });
        }
    }

    /// Append a product the configuration does not have, after the last product written (or in a
    /// new `products.yaml` when there is none).
    fn add_product(&mut self, row: &Row) -> bool {
        let config = self.config;
        let identifier = config.item_identifier(&row.sku, row.unit_cost);
        let description: String = row
            .description
            .as_deref()
            .unwrap_or(&row.sku)
            .chars()
            .take(60)
            .collect();
        let mut block = format!(
            "- sku: {}\n  unit_cost: {}\n",
            yaml_scalar(&row.sku),
            row.unit_cost.value().normalize_to(2)
        );
        if let Some(price) = row.retail_price {
            let _ = writeln!(block, "  retail_price: {}", price.value().normalize_to(2));
        }
        let _ = writeln!(block, "  description: {}", yaml_scalar(&description));
        let message = format!("new product {identifier} (from export line {})", row.line);
        let product = Product {
            integration: None,
            sku: Spanned::unwritten(row.sku.clone()),
            unit_cost: Spanned::unwritten(row.unit_cost),
            retail_price: row.retail_price.map(Spanned::unwritten),
            description: Spanned::unwritten(description.clone()),
            customer_description: None,
            billing: None,
            taxable: None,
        };
        let last = config.products.last().and_then(|p| {
            let place = self.place_of(p.source.as_ref())?;
            let spans = product_spans(&p.item);
            if !self.unshared(&place, &spans) {
                return None;
            }
            let (offset, line, indent) = after_item(&place.text.text, start_of(&spans)?)?;
            Some((place, offset, line, indent))
        });
        if let Some((place, offset, line, indent)) = last {
            self.edits
                .by_file
                .entry(place.file)
                .or_default()
                .push(Edit {
                    offset,
                    len: 0,
                    text: insertion_text(&place.text.text, offset, &block, &indent),
                });
            self.edits.changes.push(Change {
                path: place.text.path.clone(),
                line,
                message,
            });
            self.edits.intents.push(Intent::Product(Box::new(product)));
            true
        } else if config.products.is_empty()
            && self.loaded(&root_dir(self.texts).join("products.yaml"))
        {
            let path = new_file_path(&root_dir(self.texts), "products", self.texts);
            let text = indented(&block, "  ");
            self.edits.changes.push(Change {
                path: path.clone(),
                line: 1,
                message,
            });
            // A second new product lands in the same new file.
            if let Some(existing) = self.edits.new_files.iter_mut().find(|(p, _)| *p == path) {
                existing.1.push_str(&text);
            } else {
                self.edits.new_files.push((
                    path,
                    format!(
                        "# Products added by `cwrecon import` from the vendor's billing export.\nproducts:\n{text}"
                    ),
                ));
            }
            self.edits.intents.push(Intent::Product(Box::new(product)));
            true
        } else {
            self.out.not_imported.push(hand_edit(
                row.line,
                &format!("add product {identifier} to `products`"),
            ));
            false
        }
    }

    /// Whether a file at `path` would be read by the next `plan` of the same paths: it is inside
    /// one of the configuration folders given.
    fn loaded(&self, path: &Path) -> bool {
        let file = resolved(path);
        self.options
            .config_paths
            .iter()
            .filter(|p| p.is_dir())
            .any(|dir| file.starts_with(resolved(dir)))
    }
}

fn hand_edit(line: u64, what: &str) -> Notice {
    Notice {
        line: Some(line),
        message: format!(
            "{what} by hand: the value is not written where cwrecon can edit it safely (an alias or an unusual layout)"
        ),
    }
}

fn addition_spans(addition: &Spanned<Addition>) -> Vec<Span> {
    let mut spans = vec![addition.span, addition.product.span, addition.quantity.span];
    spans.extend(addition.unit_price.as_ref().map(|p| p.span));
    spans.extend(addition.effective_date.as_ref().map(|d| d.span));
    spans
}

fn product_spans(product: &Spanned<Product>) -> Vec<Span> {
    let p = &product.value;
    let mut spans = vec![
        product.span,
        p.sku.span,
        p.unit_cost.span,
        p.description.span,
    ];
    spans.extend(p.retail_price.as_ref().map(|x| x.span));
    spans.extend(p.customer_description.as_ref().map(|x| x.span));
    spans.extend(p.billing.as_ref().map(|x| x.span));
    spans
}

/// A path made absolute with every existing part's links resolved, so that two spellings of one
/// folder compare equal even before the file in it exists.
fn resolved(path: &Path) -> PathBuf {
    let mut existing = path;
    let mut rest = Vec::new();
    while !existing.as_os_str().is_empty() && !existing.exists() {
        if let Some(name) = existing.file_name() {
            rest.push(name.to_owned());
        }
        existing = existing.parent().unwrap_or_else(|| Path::new(""));
    }
    let base = if existing.as_os_str().is_empty() {
        Path::new(".")
    } else {
        existing
    };
    let mut out = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
    out.extend(rest.iter().rev());
    out
}

/// Append a product the configuration does not have, after the last product written.
fn root_dir(texts: &[ConfigText]) -> PathBuf {
    texts
        .first()
        .and_then(|t| t.path.parent())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// `dir/stem.yaml`, or `dir/stem-2.yaml` and so on when that name is taken on disk or in `texts`.
fn new_file_path(dir: &Path, stem: &str, texts: &[ConfigText]) -> PathBuf {
    let taken = |p: &Path| p.exists() || texts.iter().any(|t| t.path == p);
    let first = dir.join(format!("{stem}.yaml"));
    if !taken(&first) {
        return first;
    }
    (2..10_000)
        .map(|n| dir.join(format!("{stem}-{n}.yaml")))
        .find(|p| !taken(p))
        .unwrap_or(first)
}

/// The export's rows by account, accounts compared as [`AccountId`]s.
fn rows_by_account(rows: &[Row]) -> BTreeMap<AccountId, Vec<&Row>> {
    let mut by_account: BTreeMap<AccountId, Vec<&Row>> = BTreeMap::new();
    for row in rows {
        by_account
            .entry(AccountId::new(&row.account))
            .or_default()
            .push(row);
    }
    by_account
}

/// A new company file for an account the configuration does not know.
fn new_company(
    config: &Config,
    texts: &[ConfigText],
    rows: &[(&Row, &str)],
    identifiers: &mut BTreeSet<String>,
    options: &Options,
) -> Option<(PathBuf, String, Company)> {
    let &(first, _) = rows.first()?;
    let account = first.account.as_str();
    let name: String = first
        .company
        .as_deref()
        .unwrap_or(account)
        .chars()
        .take(50)
        .collect();
    let identifier = unique_identifier(&name, account, identifiers);
    let details = rows
        .iter()
        .map(|(r, _)| &r.details)
        .find(|d| d.country.is_some());
    let contact_of = |(r, _): &(&Row, &str)| {
        Some(Contact {
            first_name: Spanned::unwritten(r.details.first_name.clone()?),
            last_name: Spanned::unwritten(r.details.last_name.clone()?),
            email: r.details.email.clone().map(Spanned::unwritten),
        })
    };
    let contact = rows.iter().find_map(contact_of);
    let create = match (details, &contact) {
        (Some(d), Some(_)) => Some(CompanyCreate {
            name: Spanned::unwritten(name.clone()),
            status: Spanned::unwritten("Active".to_owned()),
            company_type: Spanned::unwritten("Client".to_owned()),
            address: Spanned::unwritten(Address {
                line1: d.line1.clone().map(Spanned::unwritten),
                line2: None,
                city: d.city.clone().map(Spanned::unwritten),
                state: d.state.clone().map(Spanned::unwritten),
                zip: d.zip.clone().map(Spanned::unwritten),
                country: d.country.clone().map(Spanned::unwritten),
            }),
            phone: d.phone.clone().map(Spanned::unwritten),
            website: None,
        }),
        _ => None,
    };
    let today = options.today.get();
    let start = time::Date::from_calendar_date(today.year(), today.month(), 1).unwrap_or(today);
    let agreement_name: String = format!("{} - {name}", config.integration().item.name.value)
        .chars()
        .take(100)
        .collect();
    let company = Company {
        create: create.clone().map(|c| Box::new(Spanned::unwritten(c))),
        contact: contact.map(|c| Box::new(Spanned::unwritten(c))),
        agreement: Some(Box::new(Spanned::unwritten(Agreement {
            name: Spanned::unwritten(agreement_name),
            agreement_type: None,
            start_date: Spanned::unwritten(Date::from_date(start)),
            billing_cycle: None,
            keep_billing_cycle: false,
            effective_date: None,
            removed_additions: None,
            additions: rows
                .iter()
                .map(|(r, product)| {
                    Spanned::unwritten(Addition {
                        product: Spanned::unwritten((*product).to_owned()),
                        quantity: Spanned::unwritten(r.quantity),
                        unit_price: None,
                        bill_customer: None,
                        effective_date: None,
                    })
                })
                .collect(),
        }))),
        ..Company::one_vendor(account, &identifier)
    };
    let dir = options
        .companies_dir
        .clone()
        .unwrap_or_else(|| companies_dir(config, texts));
    let path = new_file_path(
        &dir,
        &crate::commands::export::file_stem(&identifier),
        texts,
    );
    let mut text = modeline(config, texts).unwrap_or_default();
    let _ = writeln!(
        text,
        "# Imported by `cwrecon import` from line {} of\n#   {}\n# Check the identifier, the agreement's name and its start date (the first of this month)\n# before applying.",
        first.line, options.export_name
    );
    if create.is_none() {
        let _ = writeln!(
            text,
            "# No `create:` section: the export has no country or no contact for this account, so\n# cwrecon links it to the ConnectWise company whose identifier is {identifier}. To have\n# cwrecon create the company instead, add `create:` with an address and a `contact:`."
        );
    }
    text.push_str(&crate::commands::export::yaml(&ConfigFile {
        companies: vec![Spanned::unwritten(company.clone())],
        ..ConfigFile::default()
    }));
    Some((path, text, company))
}

/// A ConnectWise company identifier (max 25, letters and digits) from a name, unique in the
/// configuration.
fn unique_identifier(name: &str, account: &str, taken: &mut BTreeSet<String>) -> String {
    let base: String = name
        .chars()
        .map(unaccented)
        .filter(char::is_ascii_alphanumeric)
        .take(25)
        .collect();
    let base = if base.is_empty() {
        format!("A{account}").chars().take(25).collect()
    } else {
        base
    };
    let mut candidate = base.clone();
    let mut n = 2;
    while taken.contains(&fold_name(&candidate)) {
        let suffix = n.to_string();
        candidate = format!(
            "{}{suffix}",
            base.chars().take(25 - suffix.len()).collect::<String>()
        );
        n += 1;
    }
    taken.insert(fold_name(&candidate));
    candidate
}

/// A Latin letter without its accent (`é` → `e`), so `Société Générale` keeps its letters in an
/// identifier; anything else as it is.
fn unaccented(c: char) -> char {
    const FROM: &str =
        "ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝýÿŠšŽžČčŘřĆćŁłŃńŚśŹźŻżĞğŞşİı";
    const TO: &str =
        "AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOOooooooUUUUuuuuYyySsZzCcRrCcLlNnSsZzZzGgSsIi";
    FROM.chars()
        .position(|x| x == c)
        .and_then(|i| TO.chars().nth(i))
        .unwrap_or(c)
}

/// Beside the last company's file, else `companies/` in the configuration's folder.
fn companies_dir(config: &Config, texts: &[ConfigText]) -> PathBuf {
    config
        .companies
        .last()
        .and_then(|c| c.source.as_ref())
        .and_then(|s| {
            texts
                .iter()
                .find(|t| t.path.display().to_string() == s.name)
        })
        .and_then(|t| t.path.parent())
        .map_or_else(|| root_dir(texts).join("companies"), Path::to_path_buf)
}

/// The `yaml-language-server` modeline of the last company's file, so a new file beside it
/// validates in editors the same way.
fn modeline(config: &Config, texts: &[ConfigText]) -> Option<String> {
    let source = config.companies.last()?.source.as_ref()?;
    let text = texts
        .iter()
        .find(|t| t.path.display().to_string() == source.name)?;
    let line = text
        .text
        .lines()
        .find(|l| l.starts_with("# yaml-language-server:"))?;
    Some(format!("{line}\n"))
}

/// Apply the edits in memory, check the result loads and says exactly what the edits meant (and
/// nothing else), and describe it.
fn finish(
    config: &Config,
    texts: &[ConfigText],
    edits: Edits,
    mut out: Import,
) -> Result<Import, crate::config::Error> {
    for (file, file_edits) in edits.by_file {
        let Some(original) = texts.get(file) else {
            continue;
        };
        out.files.extend(edit::apply_edits(original, file_edits));
    }
    for intent in &edits.intents {
        match intent {
            Intent::Product(product) => {
                out.added_items
                    .insert((product.sku.to_uppercase(), product.unit_cost.value));
            }
            Intent::Company(company) => {
                out.added_accounts.insert(company.account_id());
            }
            _ => {}
        }
    }
    for (path, text) in edits.new_files {
        out.files.push(FileUpdate {
            path,
            before: None,
            after: text,
        });
    }
    out.changes = edits.changes;
    out.changes
        .sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    let edited = edit::load_edited(texts, &out.files)?;
    let unintended = unintended_changes(&expected(config, &edits.intents), &edited);
    if !unintended.is_empty() {
        return Err(crate::config::Error::Invalid {
            problems: vec![
                crate::config::Problem::new(
                    "import-unsafe",
                    format!(
                        "the edits would also change {}, which the export does not ask for; nothing was written",
                        unintended.join(", ")
                    ),
                )
                .help("a YAML anchor, alias or merge key shares these values, or the layout is unusual: make these edits by hand (`--dry-run` shows them)"),
            ],
        });
    }
    Ok(out)
}

/// The configuration the intents describe: `config` with each change made to its values.
fn expected(config: &Config, intents: &[Intent]) -> Config {
    let mut out = config.clone();
    for intent in intents {
        match intent {
            Intent::Quantity {
                account,
                product,
                quantity,
            } => {
                if let Some(addition) = agreement_of(&mut out, account).and_then(|a| {
                    a.additions
                        .iter_mut()
                        .find(|x| fold_name(&x.product) == fold_name(product))
                }) {
                    addition.value.quantity.value = *quantity;
                }
            }
            Intent::RetailPrice { item, price } => {
                for product in &mut out.products {
                    if (
                        product.item.sku.to_uppercase(),
                        product.item.unit_cost.value,
                    ) == *item
                        && let Some(written) = product.item.value.retail_price.as_mut()
                    {
                        written.value = *price;
                    }
                }
            }
            Intent::Addition {
                account,
                product,
                quantity,
            } => {
                if let Some(agreement) = agreement_of(&mut out, account) {
                    agreement.additions.push(Spanned::unwritten(Addition {
                        product: Spanned::unwritten(product.clone()),
                        quantity: Spanned::unwritten(*quantity),
                        unit_price: None,
                        bill_customer: None,
                        effective_date: None,
                    }));
                }
            }
            Intent::Product(product) => out.products.push(Placed {
                source: None,
                item: Spanned::unwritten((**product).clone()),
            }),
            Intent::Company(company) => out.companies.push(Placed {
                source: None,
                item: Spanned::unwritten((**company).clone()),
            }),
        }
    }
    out
}

/// The agreement of the company with `account`.
fn agreement_of<'c>(config: &'c mut Config, account: &str) -> Option<&'c mut Agreement> {
    config
        .companies
        .iter_mut()
        .find(|c| c.item.account.as_str() == account)
        .and_then(|c| c.item.value.agreement.as_mut())
        .map(|a| &mut a.value)
}

/// What differs between the configuration the edits should give and the one they give, named for
/// people; empty when they agree. Companies are compared by account, since a new file may load in
/// another place in the order.
fn unintended_changes(expected: &Config, edited: &Config) -> Vec<String> {
    let mut out = Vec::new();
    if expected.integrations != edited.integrations
        || expected.policy != edited.policy
        || expected.connection != edited.connection
        || expected.setup != edited.setup
    {
        out.push("the integration, policy, connection or setup sections".to_owned());
    }
    let products =
        |c: &Config| -> Vec<Product> { c.products.iter().map(|p| p.item.value.clone()).collect() };
    let (want, got) = (products(expected), products(edited));
    if want != got {
        let names: BTreeSet<String> = want
            .iter()
            .zip(&got)
            .filter(|(a, b)| a != b)
            .map(|(a, _)| format!("product {}", expected.catalog_identifier(a)))
            .collect();
        if names.is_empty() {
            out.push("the list of products".to_owned());
        }
        out.extend(names);
    }
    let companies = |c: &Config| -> BTreeMap<String, Company> {
        c.companies
            .iter()
            .map(|x| (x.item.account.value.clone(), x.item.value.clone()))
            .collect()
    };
    let (want, got) = (companies(expected), companies(edited));
    for (account, company) in &want {
        if got.get(account) != Some(company) {
            out.push(format!(
                "company {} (account {account})",
                company.identifier.value
            ));
        }
    }
    for (account, company) in &got {
        if !want.contains_key(account) {
            out.push(format!(
                "company {} (account {account})",
                company.identifier.value
            ));
        }
    }
    out
}

/// The command, from its parsed arguments.
pub(super) fn run(args: &ImportArgs) -> Result<Exit, Error> {
    let (config, texts) = config::load_for_edit(&args.paths)?;
    let (vendor, format) = super::export_format(&config, &args.integration)?;
    let rows = crate::billing_report::read(&args.export, &format)?;
    let export_name = args.export.display().to_string();
    let options = Options {
        add_unknown: args.add_unknown,
        companies_dir: args.companies_dir.clone(),
        export_name: export_name.clone(),
        today: super::today()?,
        config_paths: args.paths.clone(),
    };
    let import = import(&config, &texts, &rows, &options).inspect_err(|_| {
        crate::output::notice(
            "The import was refused and nothing was written. The configuration as it would be written:"
        );
    })?;
    let unmapped =
        Unmapped::of(&vendor, &config, &rows).without(&import.added_items, &import.added_accounts);
    let mut text = import.summary(&export_name, rows.len());
    if args.dry_run {
        text.push_str(&edit::unified_diff(&import.files));
        let _ = writeln!(
            text,
            "Dry run: {} file(s) would change; nothing was written.",
            import.files.len()
        );
    } else if import.has_changes() {
        let written = edit::write_files(&import.files).map_err(|failure| {
            crate::output::write_stderr(
                &format!("{}\n", failure.report("import")),
                crate::output::terminal::Style::Escape,
            );
            Error::WriteFile {
                path: failure.path,
                source: failure.source,
            }
        })?;
        let _ = writeln!(
            text,
            "Wrote {} file(s). Review them (git diff), then: cwrecon plan {}",
            written.len(),
            args.paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    match args.format {
        ImportFormat::Text => write_stdout(&text, "the import summary")?,
        ImportFormat::Json => {
            let document = json(&import, &unmapped, (&export_name, rows.len()), args.dry_run);
            write_stdout(&document, "the import summary")?;
        }
    }
    let fails = args.fail_on_unmapped && !unmapped.is_empty();
    if fails && args.format == ImportFormat::Text {
        // The summary above names each unmapped row; a pipeline's log gets them all in one place.
        crate::output::write_stderr(
            &unmapped.text(&export_name),
            crate::output::terminal::Style::Escape,
        );
    }
    // A nightly check wants to know whether the vendor and the configuration differ: edits not yet
    // written (a dry run), or anything the import could not write.
    let differs = (args.dry_run && import.has_changes()) || import.differs_after_write();
    Ok(if fails {
        Exit::UNMAPPED
    } else if args.detailed_exitcode && differs {
        Exit::CHANGES
    } else {
        Exit::OK
    })
}

/// The import as one JSON document (`--format json`): what changed and where, what was not
/// imported and why, and the unmapped queue. `serde_json` escapes every control character, and each
/// value stands after its key, so no line of it can start a CI workflow command.
fn json(
    import: &Import,
    unmapped: &Unmapped,
    (export, rows): (&str, usize),
    dry_run: bool,
) -> String {
    let notices = |notices: &[Notice]| -> Vec<serde_json::Value> {
        notices
            .iter()
            .map(|n| serde_json::json!({ "line": n.line, "message": n.message }))
            .collect()
    };
    let document = serde_json::json!({
        "version": 1,
        "integration": unmapped.vendor,
        "export": export,
        "rows": rows,
        "dry_run": dry_run,
        "changes": import
            .changes
            .iter()
            .map(|c| serde_json::json!({ "path": c.path.display().to_string(), "line": c.line, "message": c.message }))
            .collect::<Vec<_>>(),
        "files": import
            .files
            .iter()
            .map(|f| serde_json::json!({ "path": f.path.display().to_string(), "new": f.before.is_none() }))
            .collect::<Vec<_>>(),
        "not_imported": notices(&import.not_imported),
        "not_in_export": notices(&import.not_in_export),
        "noted": notices(&import.info),
        "unmapped": unmapped,
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_change_the_intents_do_not_name_is_caught() {
        let text = "products:\n  - { sku: A1R, unit_cost: 1, retail_price: 2, description: Mailbox }\ncompanies:\n  - account: \"1\"\n    identifier: One\n    agreement:\n      name: Intermedia - One\n      start_date: 2026-01-01\n      additions:\n        - { product: A1R_1, quantity: 3 }\n";
        let before = crate::config::load_texts([("a.yaml", text)]).unwrap();
        let intents = [Intent::Quantity {
            account: "1".to_owned(),
            product: "A1R_1".to_owned(),
            quantity: crate::model::Quantity::parse("4").unwrap(),
        }];
        let wanted = expected(&before, &intents);
        let as_intended = crate::config::load_texts([(
            "a.yaml",
            text.replace("quantity: 3", "quantity: 4").as_str(),
        )])
        .unwrap();
        assert!(unintended_changes(&wanted, &as_intended).is_empty());
        let too_much = crate::config::load_texts([(
            "a.yaml",
            text.replace("quantity: 3", "quantity: 4")
                .replace("retail_price: 2", "retail_price: 3")
                .as_str(),
        )])
        .unwrap();
        assert_eq!(unintended_changes(&wanted, &too_much), ["product A1R_1"]);
        assert_eq!(
            unintended_changes(&wanted, &before),
            ["company One (account 1)"]
        );
    }

    #[test]
    fn identifiers_are_letters_and_digits_unique_and_short() {
        let mut taken = BTreeSet::from([fold_name("EchoDental")]);
        assert_eq!(
            unique_identifier("Echo Dental, P.C.", "9", &mut taken),
            "EchoDentalPC"
        );
        assert_eq!(
            unique_identifier("Echo Dental", "9", &mut taken),
            "EchoDental2"
        );
        assert_eq!(unique_identifier("—", "42", &mut taken), "A42");
        assert_eq!(
            unique_identifier("Société Générale", "7", &mut taken),
            "SocieteGenerale"
        );
        let long = unique_identifier(
            "A very long company name indeed, Incorporated",
            "1",
            &mut taken,
        );
        assert_eq!(long.chars().count(), 25);
    }
}
