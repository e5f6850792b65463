//! `cwrecon export`: the YAML that describes what the integration owns in a live tenant, laid out
//! like `examples/intermedia` (integration, setup, products, one file per company), such that
//! planning it right away shows no changes.
//!
//! Owns the reverse mapping, live records → configuration, and its limits: a catalog item whose
//! identifier does not follow `<SKU>_<UNIT_COST>`, and a company with an owned agreement but no
//! Manage ID link, cannot be written as configuration; they are reported, not guessed. Writes only
//! into the folder it is given, never through a link planted there ([`crate::files`]), and loses
//! nothing silently (issue 11): two companies whose identifiers map to one file name (`Acme.1` and
//! `Acme_1`, or `ACME` and `acme` on a case-insensitive disk) get `-2`, `-3`… in identifier order,
//! and a file that cannot be written is listed, the others still written.

use std::fmt::Write as _;

use crate::cli::ExportArgs;
use crate::config;
use crate::error::Error;
use crate::exit::Exit;
use crate::output::write_stdout;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::config::Spanned;
use crate::config::model::{
    Addition, Agreement, AgreementType, Billing, Company, ConfigFile, CrossReference, Integration,
    ManagedDevicesIntegration, ManagementItSolution, NamedRow, Product, ProductType, Setup,
    SubCategory,
};
use crate::live::{Snapshot, id, text, typed};
use crate::model::{Date, Money, Quantity, fold_name};

/// The files to write, by path relative to the output folder, and what could not be exported.
#[derive(Debug, Default)]
pub struct Export {
    /// `(relative path, YAML text)`.
    pub files: Vec<(PathBuf, String)>,
    /// Records left out, and why.
    pub skipped: Vec<String>,
}

fn s(value: &str) -> Spanned<String> {
    Spanned::unwritten(value.trim().to_owned())
}

fn enum_of<T: serde::de::DeserializeOwned + Default>(record: &Json, field: &str) -> T {
    record
        .get(field)
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default()
}

fn by_name<'a>(records: &'a [Json], name: &str) -> Option<&'a Json> {
    records
        .iter()
        .find(|r| text(r, "name").is_some_and(|n| fold_name(n) == fold_name(name)))
}

/// Build the export of `snapshot` under the integration's conventions.
pub fn export(integration: &Integration, snapshot: &Snapshot) -> Export {
    let mut out = Export::default();
    let owned_items: Vec<&Json> = snapshot
        .catalog
        .iter()
        .filter(|c| {
            text(c, "type/name")
                .is_some_and(|t| fold_name(t) == fold_name(&integration.product_type))
        })
        .collect();
    let integration = integration_from_items(integration, &owned_items);
    let (products, prices) = products(&integration, &owned_items, &mut out.skipped);
    let header = |depth: usize| {
        format!(
            "# yaml-language-server: $schema={}schemas/cwrecon.schema.json\n",
            "../".repeat(depth)
        )
    };
    let integration_file = ConfigFile {
        integration: Some(Spanned::unwritten(integration.clone())),
        ..ConfigFile::default()
    };
    out.files.push((
        "integration.yaml".into(),
        header(1) + &yaml(&integration_file),
    ));
    let setup_file = ConfigFile {
        setup: setup(&integration, snapshot),
        ..ConfigFile::default()
    };
    out.files
        .push(("setup.yaml".into(), header(1) + &yaml(&setup_file)));
    let products_file = ConfigFile {
        products,
        ..ConfigFile::default()
    };
    out.files
        .push(("products.yaml".into(), header(1) + &yaml(&products_file)));
    let mut companies = companies(&integration, snapshot, &prices, &mut out.skipped);
    // Identifier order (then account), so the suffixes do not depend on the order of the reads.
    companies.sort_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.account.cmp(&y.account)));
    let mut stems = UniqueStems::default();
    for (identifier, company) in companies {
        let file = ConfigFile {
            companies: vec![Spanned::unwritten(company)],
            ..ConfigFile::default()
        };
        out.files.push((
            PathBuf::from("companies").join(format!("{}.yaml", stems.claim(&identifier))),
            header(2) + &yaml(&file),
        ));
    }
    out
}

/// File names handed out so far, compared case-insensitively (macOS and Windows disks are).
#[derive(Debug, Default)]
struct UniqueStems {
    taken: std::collections::BTreeSet<String>,
}

impl UniqueStems {
    /// `identifier`'s file stem, with `-2`, `-3`… when an earlier company has it already.
    fn claim(&mut self, identifier: &str) -> String {
        let stem = file_stem(identifier);
        let mut candidate = stem.clone();
        let mut n = 1u32;
        while !self.taken.insert(candidate.to_lowercase()) {
            n += 1;
            candidate = format!("{stem}-{n}");
        }
        candidate
    }
}

/// A configuration file as YAML.
pub(crate) fn yaml(file: &ConfigFile) -> String {
    serde_saphyr::to_string(file).unwrap_or_default()
}

/// A company's file name (without `.yaml`) from its identifier: letters, digits and `-` kept,
/// anything else `_`.
pub(crate) fn file_stem(identifier: &str) -> String {
    identifier
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The integration's catalog conventions, as the owned items actually have them.
fn integration_from_items(integration: &Integration, items: &[&Json]) -> Integration {
    let mut integration = integration.clone();
    if let Some(item) = items.first() {
        let set = |field: &mut Spanned<String>, path: &str| {
            if let Some(value) = text(item, path) {
                *field = s(value);
            }
        };
        set(&mut integration.product_type, "type/name");
        set(&mut integration.category, "category/name");
        set(&mut integration.subcategory, "subcategory/name");
        set(&mut integration.unit_of_measure, "unitOfMeasure/name");
    }
    integration
}

/// Products from owned catalog items, and each identifier's catalog price.
fn products(
    integration: &Integration,
    items: &[&Json],
    skipped: &mut Vec<String>,
) -> (Vec<Spanned<Product>>, BTreeMap<String, Option<Money>>) {
    let mut products = Vec::new();
    let mut prices = BTreeMap::new();
    for item in items {
        let Some(identifier) = text(item, "identifier") else {
            continue;
        };
        let parsed = identifier
            .rsplit_once('_')
            .and_then(|(sku, cost)| Money::parse(cost).ok().map(|c| (sku, c)));
        let Some((sku, cost)) = parsed.filter(|(sku, cost)| {
            crate::config::catalog_identifier(
                &integration.identifier_format,
                sku,
                &cost.render_cost(),
            ) == identifier
        }) else {
            skipped.push(format!(
                "catalog item `{identifier}`: its identifier does not follow {}",
                integration.identifier_format.value
            ));
            continue;
        };
        let description = text(item, "description").unwrap_or(identifier);
        let customer = text(item, "customerDescription").filter(|c| c.trim() != description.trim());
        let recurring = item
            .get("recurringFlag")
            .and_then(Json::as_bool)
            .unwrap_or(false);
        let by_letter = match sku.chars().last().map(|c| c.to_ascii_uppercase()) {
            Some('R') => Some(Billing::Recurring),
            Some('O') => Some(Billing::OneTime),
            _ => None,
        };
        let billing = if recurring {
            Billing::Recurring
        } else {
            Billing::OneTime
        };
        let price = typed::<Money>(item, "price");
        prices.insert(fold_name(identifier), price);
        products.push(Spanned::unwritten(Product {
            sku: s(sku),
            unit_cost: Spanned::unwritten(cost),
            retail_price: price.map(Spanned::unwritten),
            description: s(description),
            customer_description: customer.map(s),
            billing: (by_letter != Some(billing)).then(|| Spanned::unwritten(billing)),
            taxable: None,
        }));
    }
    (products, prices)
}

fn setup(integration: &Integration, snapshot: &Snapshot) -> Setup {
    let row = |records: &[Json], name: &str| {
        by_name(records, name).map(|r| {
            Spanned::unwritten(NamedRow {
                name: s(text(r, "name").unwrap_or(name)),
            })
        })
    };
    let mut setup = Setup::default();
    if let Some(r) = by_name(&snapshot.product_types, &integration.product_type) {
        setup.product_types.push(Spanned::unwritten(ProductType {
            name: s(text(r, "name").unwrap_or_default()),
            type_xref: r
                .get("typeXref")
                .and_then(|v| serde_json::from_value(v.clone()).ok()),
        }));
    }
    if let Some(r) = by_name(&snapshot.agreement_types, &integration.agreement_type) {
        setup
            .agreement_types
            .push(Spanned::unwritten(AgreementType {
                name: s(text(r, "name").unwrap_or_default()),
                employee_comp_rate: enum_of(r, "employeeCompRate"),
                employee_comp_not_exceed: enum_of(r, "employeeCompNotExceed"),
                invoicing_cycle: enum_of(r, "invoicingCycle"),
                bill_time: enum_of(r, "billTime"),
                bill_expenses: enum_of(r, "billExpenses"),
                bill_products: enum_of(r, "billProducts"),
            }));
    }
    setup.units_of_measure.extend(row(
        &snapshot.units_of_measure,
        &integration.unit_of_measure,
    ));
    setup
        .categories
        .extend(row(&snapshot.categories, &integration.category));
    if let Some(r) = snapshot.subcategories.iter().find(|r| {
        text(r, "name").is_some_and(|n| fold_name(n) == fold_name(&integration.subcategory))
            && text(r, "category/name")
                .is_some_and(|c| fold_name(c) == fold_name(&integration.category))
    }) {
        setup.subcategories.push(Spanned::unwritten(SubCategory {
            name: s(text(r, "name").unwrap_or_default()),
            category: s(text(r, "category/name").unwrap_or_default()),
        }));
    }
    if let Some(r) = by_name(&snapshot.management_it_solutions, &integration.name) {
        setup
            .management_it_solutions
            .push(Spanned::unwritten(ManagementItSolution {
                name: s(text(r, "name").unwrap_or_default()),
                solution_type: enum_of(r, "managementItSolutionType"),
                solution_name: text(r, "managementSolutionName")
                    .filter(|n| fold_name(n) != fold_name(&integration.name))
                    .map(s),
            }));
    }
    for mdi in snapshot.managed_devices_integrations.iter().filter(|m| {
        text(m, "solution").is_some_and(|s| fold_name(s) == fold_name(&integration.name))
    }) {
        let references = id(mdi)
            .and_then(|i| snapshot.cross_references.get(&i))
            .cloned()
            .unwrap_or_default();
        setup
            .managed_devices_integrations
            .push(Spanned::unwritten(ManagedDevicesIntegration {
                name: s(text(mdi, "name").unwrap_or_default()),
                solution: s(text(mdi, "solution").unwrap_or_default()),
                login_by: enum_of(mdi, "loginBy"),
                default_billing_level: enum_of(mdi, "defaultBillingLevel"),
                portal_url: text(mdi, "portalUrl").map(s),
                cross_references: references
                    .iter()
                    .filter_map(|x| {
                        Some(Spanned::unwritten(CrossReference {
                            vendor_type: s(text(x, "vendorType")?),
                            product: s(text(x, "product/identifier")?),
                            agreement_type: text(x, "agreementType/name")
                                .filter(|t| fold_name(t) != fold_name(&integration.agreement_type))
                                .map(s),
                        }))
                    })
                    .collect(),
            }));
    }
    setup
}

/// One company per account linked under the integration's solution, with its owned agreement.
fn companies(
    integration: &Integration,
    snapshot: &Snapshot,
    prices: &BTreeMap<String, Option<Money>>,
    skipped: &mut Vec<String>,
) -> Vec<(String, Company)> {
    let solution = fold_name(&integration.name);
    let mut out = Vec::new();
    let owned_agreement = |company: i64| {
        snapshot.agreements.iter().find(|a| {
            a.get("company")
                .and_then(|c| c.get("id"))
                .and_then(Json::as_i64)
                == Some(company)
                && text(a, "type/name")
                    .is_some_and(|t| fold_name(t) == fold_name(&integration.agreement_type))
        })
    };
    for company in &snapshot.companies {
        let (Some(company_id), Some(identifier)) = (id(company), text(company, "identifier"))
        else {
            continue;
        };
        let link = snapshot
            .links
            .get(&company_id)
            .into_iter()
            .flatten()
            .find(|l| text(l, "managementSolution/name").is_some_and(|s| fold_name(s) == solution));
        let Some(account) = link.and_then(|l| text(l, "groupIdentifier")) else {
            if owned_agreement(company_id).is_some() {
                skipped.push(format!("company `{identifier}`: it has an {} agreement but no Manage ID link, so its account is unknown", integration.agreement_type.value));
            }
            continue;
        };
        let agreement =
            owned_agreement(company_id).map(|a| agreement(integration, snapshot, a, prices));
        out.push((
            identifier.to_owned(),
            Company {
                account: s(account),
                identifier: s(identifier),
                create: None,
                contact: None,
                agreement: agreement.map(Spanned::unwritten),
            },
        ));
    }
    out
}

fn agreement(
    integration: &Integration,
    snapshot: &Snapshot,
    a: &Json,
    prices: &BTreeMap<String, Option<Money>>,
) -> Agreement {
    let start = text(a, "startDate")
        .and_then(|d| d.get(..10))
        .and_then(|d| Date::parse(d).ok());
    let live_cycle = text(a, "billingCycle/name");
    let cycle = live_cycle.filter(|c| fold_name(c) != fold_name(&integration.billing_cycle));
    let additions = id(a)
        .and_then(|i| snapshot.additions.get(&i))
        .cloned()
        .unwrap_or_default();
    Agreement {
        name: s(text(a, "name").unwrap_or_default()),
        agreement_type: None,
        start_date: Spanned::unwritten(start.unwrap_or_else(|| Date::from_date(time::Date::MIN))),
        billing_cycle: cycle.map(s),
        // No cycle in ConnectWise: say so, or the plan would set the integration's default.
        keep_billing_cycle: live_cycle.is_none(),
        effective_date: None,
        removed_additions: None,
        additions: additions
            .iter()
            .filter(|x| x.get("cancelledDate").is_none_or(Json::is_null))
            .filter_map(|x| {
                let product = text(x, "product/identifier")?;
                let quantity = typed::<Quantity>(x, "quantity").unwrap_or_default();
                let unit_price = typed::<Money>(x, "unitPrice")
                    .filter(|p| prices.get(&fold_name(product)).copied().flatten() != Some(*p));
                Some(Spanned::unwritten(Addition {
                    product: s(product),
                    quantity: Spanned::unwritten(quantity),
                    unit_price: unit_price.map(Spanned::unwritten),
                    bill_customer: x
                        .get("billCustomer")
                        .and_then(|b| serde_json::from_value(b.clone()).ok())
                        .filter(|b| *b != crate::config::model::BillCustomer::Billable),
                    effective_date: None,
                }))
            })
            .collect(),
    }
}

/// A file of the export that could not be written.
#[derive(Debug)]
pub struct NotWritten {
    /// The file.
    pub path: PathBuf,
    /// Why.
    pub source: std::io::Error,
}

/// Write the export into `dir` (created if needed); existing files of the same names are replaced,
/// a link at any of the paths (or at `companies/`) is refused. Every file that can be written is;
/// the ones that cannot are returned.
pub fn write(dir: &Path, export: &Export) -> Vec<NotWritten> {
    let mut failed = Vec::new();
    for (relative, text) in &export.files {
        let path = dir.join(relative);
        let written = match path.parent() {
            Some(parent) => crate::files::create_dir(parent),
            None => Ok(()),
        }
        .and_then(|()| crate::files::replace(&path, text.as_bytes()));
        if let Err(source) = written {
            failed.push(NotWritten { path, source });
        }
    }
    failed
}

/// The command, from its parsed arguments.
pub(super) async fn run(args: ExportArgs) -> Result<Exit, Error> {
    let config = match &args.integration {
        Some(path) => config::load(std::slice::from_ref(path))?,
        None => config::load_texts([("(defaults)", "")])?,
    };
    let (_, source) = super::connect_reader(&config, (&args).into()).await?;
    let snapshot = Box::pin(crate::live::read_owned_tenant(&source, &config)).await?;
    let export = export(&config.integration.item, &snapshot);
    let failed = write(&args.out, &export);
    let mut text = format!(
        "wrote {} files to {}\n",
        export.files.len() - failed.len(),
        args.out.display()
    );
    for skipped in &export.skipped {
        let _ = writeln!(
            text,
            "not exported: {}",
            crate::output::terminal::text(skipped)
        );
    }
    for not_written in &failed {
        let _ = writeln!(
            text,
            "not written: {}: {}",
            not_written.path.display(),
            not_written.source
        );
    }
    write_stdout(&text, "the export summary")?;
    // Nothing lost silently: a file that could not be written fails the command.
    match failed.into_iter().next() {
        Some(first) => Err(Error::WriteFile {
            path: first.path,
            source: first.source,
        }),
        None => Ok(Exit::OK),
    }
}

#[cfg(test)]
mod tests {
    use super::UniqueStems;

    #[test]
    fn colliding_file_names_get_numbered_suffixes_case_insensitively() {
        let mut stems = UniqueStems::default();
        let names: Vec<String> = ["Acme.1", "Acme_1", "acme 1", "Beta", "BETA", "Acme_1-2"]
            .iter()
            .map(|i| stems.claim(i))
            .collect();
        assert_eq!(
            names,
            [
                "Acme_1",
                "Acme_1-2",
                "acme_1-3",
                "Beta",
                "BETA-2",
                "Acme_1-2-2"
            ]
        );
    }
}
