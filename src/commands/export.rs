//! `cwrecon export`: the YAML that describes what the integration owns in a live tenant, laid out
//! like `examples/intermedia` (integration, setup, products, one file per company), such that
//! planning it right away shows no changes.
//!
//! Owns the reverse mapping, live records → configuration, and its limits: a catalog item whose
//! identifier does not follow `<SKU>_<UNIT_COST>`, and a company with an owned agreement but no
//! Manage ID link, cannot be written as configuration; they are reported, not guessed. So is a
//! record with a value cwrecon does not know for one of its settings (an agreement type's
//! `invoicingCycle`, an addition's `billCustomer`): writing the setting's default instead would
//! make the next plan change it (issue 13). Writes only
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
use crate::live::records::{
    AdditionRecord, AgreementRecord, AgreementTypeRecord, CatalogRecord, CategoryRecord,
    CrossReferenceRecord, ManagedDevicesIntegrationRecord, ManagementItSolutionRecord,
    ProductTypeRecord, UnitOfMeasureRecord,
};
use crate::live::{Snapshot, is_solution_link};
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

/// A value ConnectWise sent for a setting cwrecon does not know, named for the skipped list.
#[derive(Debug)]
struct Unknown {
    field: &'static str,
    value: String,
}

impl Unknown {
    /// `what`'s skipped line: the record is left out rather than written with a default.
    fn skipped(&self, what: &str) -> String {
        format!(
            "{what}: its {} is `{}`, a value cwrecon does not know, so it is left out rather than written with a default",
            self.field, self.value
        )
    }
}

/// A setting's configuration value: absent is the setting's default (what the configuration
/// means when it says nothing); a value cwrecon does not know is an [`Unknown`], never a default.
fn setting<T: serde::de::DeserializeOwned + Default>(
    value: Option<&str>,
    field: &'static str,
) -> Result<T, Unknown> {
    let Some(value) = value else {
        return Ok(T::default());
    };
    serde_json::from_value(Json::String(value.to_owned())).map_err(|_| Unknown {
        field,
        value: value.to_owned(),
    })
}

/// Like [`setting`], for a setting that may stay unwritten.
fn optional_setting<T: serde::de::DeserializeOwned>(
    value: Option<&str>,
    field: &'static str,
) -> Result<Option<T>, Unknown> {
    value
        .map(|v| {
            serde_json::from_value(Json::String(v.to_owned())).map_err(|_| Unknown {
                field,
                value: v.to_owned(),
            })
        })
        .transpose()
}

fn named<'a>(name: Option<&'a str>, wanted: &str) -> Option<&'a str> {
    name.filter(|n| fold_name(n) == fold_name(wanted))
}

/// A setup record export finds by the name the integration gives it.
trait SetupRecord {
    /// How a skipped row is named (`product type`).
    const WHAT: &'static str;
    /// The record's name.
    fn name(&self) -> Option<&str>;
}

macro_rules! setup_record {
    ($record:ty, $what:literal) => {
        impl SetupRecord for $record {
            const WHAT: &'static str = $what;
            fn name(&self) -> Option<&str> {
                self.name.as_deref()
            }
        }
    };
}

setup_record!(ProductTypeRecord, "product type");
setup_record!(AgreementTypeRecord, "agreement type");
setup_record!(ManagementItSolutionRecord, "Management IT solution");
setup_record!(UnitOfMeasureRecord, "unit of measure");
setup_record!(CategoryRecord, "category");

/// A setup row that is only its name (units of measure, categories): nothing to be unknown.
fn named_row<R: SetupRecord>(record: &R) -> NamedRow {
    NamedRow {
        name: s(record.name().unwrap_or_default()),
    }
}

/// The setup row of `records` named `wanted`, converted for export; none when there is none, or
/// when it holds a value cwrecon does not know (then `skipped` says so).
fn setup_row<R: SetupRecord, T>(
    records: &[R],
    wanted: &str,
    convert: impl Fn(&R) -> Result<T, Unknown>,
    skipped: &mut Vec<String>,
) -> Option<Spanned<T>> {
    let record = records.iter().find(|r| named(r.name(), wanted).is_some())?;
    kept(convert(record), R::WHAT, record.name(), skipped)
}

/// A setup row to export, or none when it holds a value cwrecon does not know: then `skipped` says
/// so, naming the row as `what` `name`.
fn kept<T>(
    row: Result<T, Unknown>,
    what: &str,
    name: Option<&str>,
    skipped: &mut Vec<String>,
) -> Option<Spanned<T>> {
    match row {
        Ok(row) => Some(Spanned::unwritten(row)),
        Err(unknown) => {
            let named = format!("{what} `{}`", name.unwrap_or_default());
            skipped.push(unknown.skipped(&named));
            None
        }
    }
}

/// Build the export of `snapshot` under the integration's conventions.
pub fn export(integration: &Integration, snapshot: &Snapshot) -> Export {
    let mut out = Export::default();
    let owned_items = owned_items(integration, snapshot);
    let integration = integration_from_items(integration, &owned_items);
    let (products, prices) = products(&integration, &owned_items, &mut out.skipped);
    let integration_file = ConfigFile {
        integration: Some(Spanned::unwritten(integration.clone())),
        ..ConfigFile::default()
    };
    out.push("integration.yaml", &integration_file);
    let setup_file = ConfigFile {
        setup: setup(&integration, snapshot, &mut out.skipped),
        ..ConfigFile::default()
    };
    out.push("setup.yaml", &setup_file);
    let products_file = ConfigFile {
        products,
        ..ConfigFile::default()
    };
    out.push("products.yaml", &products_file);
    let mut companies = companies(&integration, snapshot, &prices, &mut out.skipped);
    // Identifier order (then account), so the suffixes do not depend on the order of the reads.
    companies.sort_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.account.cmp(&y.account)));
    out.push_companies(companies);
    out
}

impl Export {
    /// A file of the export at `path` (relative to the output folder), with the schema line
    /// that points back at `schemas/` from where it stands.
    fn push(&mut self, path: impl Into<PathBuf>, file: &ConfigFile) {
        let path: PathBuf = path.into();
        let depth = path.components().count();
        let header = format!(
            "# yaml-language-server: $schema={}schemas/cwrecon.schema.json\n",
            "../".repeat(depth)
        );
        self.files.push((path, header + &yaml(file)));
    }

    /// One file per company under `companies/`, named after its identifier (`-2`, `-3`… when
    /// two identifiers make one name), in the order given.
    fn push_companies(&mut self, companies: Vec<(String, Company)>) {
        let mut stems = UniqueStems::default();
        for (identifier, company) in companies {
            let file = ConfigFile {
                companies: vec![Spanned::unwritten(company)],
                ..ConfigFile::default()
            };
            let path =
                PathBuf::from("companies").join(format!("{}.yaml", stems.claim(&identifier)));
            self.push(path, &file);
        }
    }
}

/// The catalog items an integration owns: those of its product type.
fn owned_items<'a>(integration: &Integration, snapshot: &'a Snapshot) -> Vec<&'a CatalogRecord> {
    snapshot
        .catalog
        .iter()
        .filter(|c| named(c.type_name.as_deref(), &integration.product_type).is_some())
        .collect()
}

/// Build the export of `snapshot` under `config`'s integrations: with one, exactly [`export`];
/// with several, an `integrations.yaml`, one `setup.yaml` for all, one products file per vendor
/// (`products/<vendor>.yaml`, with the file's default integration) and one file per company with
/// an entry per vendor it buys from.
pub fn export_config(config: &crate::config::Config, snapshot: &Snapshot) -> Export {
    if !config.is_multi_vendor() {
        return export(&config.integration().item, snapshot);
    }
    let mut out = Export::default();
    let mut integrations = Vec::new();
    let mut prices = BTreeMap::new();
    let mut setup_rows = Setup::default();
    let mut products_files = Vec::new();
    for (_, configured) in config.integration_ids() {
        let owned_items = owned_items(configured, snapshot);
        let integration = integration_from_items(configured, &owned_items);
        let (products, vendor_prices) = products(&integration, &owned_items, &mut out.skipped);
        prices.extend(vendor_prices);
        let mut vendor_setup = setup(&integration, snapshot, &mut out.skipped);
        if !integration.agreements.is_own() {
            // Its agreement type marks nothing: the shared agreements are not cwrecon's.
            vendor_setup.agreement_types.clear();
        }
        merge_setup(&mut setup_rows, vendor_setup);
        let products_file = ConfigFile {
            defaults: Some(Spanned::unwritten(crate::config::model::FileDefaults {
                integration: Some(integration.name.clone()),
            })),
            products,
            ..ConfigFile::default()
        };
        let path = PathBuf::from("products").join(format!("{}.yaml", file_stem(&integration.name)));
        products_files.push((path, products_file));
        integrations.push(Spanned::unwritten(integration));
    }
    let integrations_file = ConfigFile {
        integrations,
        ..ConfigFile::default()
    };
    out.push("integrations.yaml", &integrations_file);
    let setup_file = ConfigFile {
        setup: setup_rows,
        ..ConfigFile::default()
    };
    out.push("setup.yaml", &setup_file);
    for (path, file) in products_files {
        out.push(path, &file);
    }
    let mut companies = vendor_companies(config, snapshot, &prices, &mut out.skipped);
    companies.sort_by(|(a, _), (b, _)| a.cmp(b));
    out.push_companies(companies);
    out
}

/// Add one vendor's setup rows to all of them, each row once (vendors may share a unit of
/// measure or a category).
fn merge_setup(all: &mut Setup, more: Setup) {
    macro_rules! merge {
        ($($list:ident),*) => {$(
            for row in more.$list {
                let key = serde_json::to_string(&row.value).unwrap_or_default().to_lowercase();
                if !all
                    .$list
                    .iter()
                    .any(|r| serde_json::to_string(&r.value).unwrap_or_default().to_lowercase() == key)
                {
                    all.$list.push(row);
                }
            }
        )*};
    }
    crate::config::model::setup_lists!(merge);
}

/// One company per company linked under any integration's solution: an entry per vendor it has a
/// link for, with that vendor's own agreement, or its owned lines on the company's shared
/// agreement (the one active agreement of the integration's `shared_agreement_type`).
fn vendor_companies(
    config: &crate::config::Config,
    snapshot: &Snapshot,
    prices: &BTreeMap<String, Option<Money>>,
    skipped: &mut Vec<String>,
) -> Vec<(String, Company)> {
    let mut out = Vec::new();
    for company in snapshot.companies.iter().filter(|c| !c.is_deleted()) {
        let (Some(company_id), Some(identifier)) = (company.id, company.identifier.as_deref())
        else {
            continue;
        };
        let mut entry = Company::one_vendor("", identifier);
        for (id, integration) in config.integration_ids() {
            let Some(account) = account_of(snapshot, company_id, integration) else {
                continue;
            };
            let vendor = if integration.agreements.is_own() {
                own_agreement(integration, (company_id, identifier), snapshot, prices)
                    .map(|agreement| (agreement, None))
            } else {
                shared_additions(config, id, (company_id, identifier), snapshot, prices)
                    .map(|(name, additions)| (None, Some((name, additions))))
            };
            let (agreement, shared) = match vendor {
                Ok(found) => found,
                Err(why) => {
                    skipped.push(why);
                    continue;
                }
            };
            let additions = shared.map(|(name, additions)| {
                entry.shared_agreement.get_or_insert_with(|| s(&name));
                additions
            });
            entry.vendors.insert(
                integration.name.value.clone(),
                Spanned::unwritten(crate::config::model::CompanyVendor {
                    account: s(account),
                    agreement: agreement.map(|a| Box::new(Spanned::unwritten(a))),
                    additions,
                }),
            );
        }
        if !entry.vendors.is_empty() {
            out.push((identifier.to_owned(), entry));
        }
    }
    out
}

/// The account a company is linked to under the integration's solution (its Manage ID).
fn account_of<'a>(
    snapshot: &'a Snapshot,
    company: i64,
    integration: &Integration,
) -> Option<&'a str> {
    snapshot
        .links
        .get(&company)
        .into_iter()
        .flatten()
        .find(|l| is_solution_link(l, &integration.name))
        .and_then(|l| l.group_identifier.as_deref())
}

/// The company's agreement of the integration's agreement type, the first read.
fn owned_agreement_of<'a>(
    integration: &Integration,
    snapshot: &'a Snapshot,
    company: i64,
) -> Option<&'a AgreementRecord> {
    snapshot.agreements.iter().find(|a| {
        a.company_id == Some(company)
            && named(a.type_name.as_deref(), &integration.agreement_type).is_some()
    })
}

/// A company's own agreement with a vendor, if it has one.
fn own_agreement(
    integration: &Integration,
    (company, identifier): (i64, &str),
    snapshot: &Snapshot,
    prices: &BTreeMap<String, Option<Money>>,
) -> Result<Option<Agreement>, String> {
    owned_agreement_of(integration, snapshot, company)
        .map(|a| agreement(integration, snapshot, a, prices))
        .transpose()
        .map_err(|unknown| unknown.skipped(&format!("company `{identifier}`")))
}

/// A shared vendor's owned lines on the company's shared agreement, and that agreement's name.
fn shared_additions(
    config: &crate::config::Config,
    vendor: crate::model::IntegrationId,
    (company, identifier): (i64, &str),
    snapshot: &Snapshot,
    prices: &BTreeMap<String, Option<Money>>,
) -> Result<(String, Vec<Spanned<Addition>>), String> {
    let integration = config.integration_of(vendor);
    let wanted = integration
        .shared_agreement_type
        .as_ref()
        .map_or("", |t| t.as_str());
    let candidates: Vec<&AgreementRecord> = snapshot
        .shared_agreements
        .iter()
        .filter(|a| a.company_id == Some(company) && a.cancelled_flag != Some(true))
        .filter(|a| named(a.type_name.as_deref(), wanted).is_some())
        .collect();
    let owned_type = |product: &str| {
        snapshot
            .catalog
            .iter()
            .find(|c| {
                c.identifier
                    .as_deref()
                    .is_some_and(|i| fold_name(i) == fold_name(product))
            })
            .and_then(|c| named(c.type_name.as_deref(), &integration.product_type))
            .is_some()
    };
    let owned_lines = |agreement: &AgreementRecord| {
        agreement
            .id
            .and_then(|i| snapshot.additions.get(&i))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter(|x| x.cancelled_date.is_none())
            .filter(|x| x.product_identifier.as_deref().is_some_and(owned_type))
            .collect::<Vec<_>>()
    };
    // One agreement of the type is the shared one. Of several, the one that holds the vendor's
    // lines is: cwrecon put them there (or a person did, deliberately); that is data, not a guess.
    // Several holding them, or none of several, cannot be told apart.
    let holding: Vec<&AgreementRecord> = candidates
        .iter()
        .copied()
        .filter(|a| !owned_lines(a).is_empty())
        .collect();
    let found = match (candidates.as_slice(), holding.as_slice()) {
        ([one], _) | (_, [one]) => *one,
        _ => {
            return Err(format!(
                "company `{identifier}`: {} active agreements of type `{wanted}` ({} holding `{}`'s lines), so its shared agreement for `{}` cannot be told; name it with `shared_agreement:` by hand",
                candidates.len(),
                holding.len(),
                integration.name.value,
                integration.name.value
            ));
        }
    };
    let additions = owned_lines(found)
        .into_iter()
        .filter_map(|x| addition(x, prices).transpose())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|unknown| unknown.skipped(&format!("company `{identifier}`")))?;
    Ok((
        found.name.as_deref().unwrap_or_default().to_owned(),
        additions,
    ))
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
fn integration_from_items(integration: &Integration, items: &[&CatalogRecord]) -> Integration {
    let mut integration = integration.clone();
    if let Some(item) = items.first() {
        let set = |field: &mut Spanned<String>, value: &Option<Box<str>>| {
            if let Some(value) = value.as_deref() {
                *field = s(value);
            }
        };
        set(&mut integration.product_type, &item.type_name);
        set(&mut integration.category, &item.category_name);
        set(&mut integration.subcategory, &item.subcategory_name);
        set(&mut integration.unit_of_measure, &item.unit_of_measure_name);
    }
    integration
}

/// Products from owned catalog items, and each identifier's catalog price.
fn products(
    integration: &Integration,
    items: &[&CatalogRecord],
    skipped: &mut Vec<String>,
) -> (Vec<Spanned<Product>>, BTreeMap<String, Option<Money>>) {
    let mut products = Vec::new();
    let mut prices = BTreeMap::new();
    for item in items {
        let Some(identifier) = item.identifier.as_deref() else {
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
        let description = item.description.as_deref().unwrap_or(identifier);
        let customer = item
            .customer_description
            .as_deref()
            .filter(|c| c.trim() != description.trim());
        let recurring = item.recurring_flag.unwrap_or(false);
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
        let price = item
            .price
            .as_ref()
            .and_then(crate::live::records::Amount::money);
        prices.insert(fold_name(identifier), price);
        products.push(Spanned::unwritten(Product {
            integration: None,
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

fn setup(integration: &Integration, snapshot: &Snapshot, skipped: &mut Vec<String>) -> Setup {
    let mut setup = Setup::default();
    // Each kind's rows are their own type, so the call is written per kind; the field names are
    // the same in the snapshot and the setup.
    macro_rules! row {
        ($kind:ident, $wanted:expr, $convert:expr) => {
            setup
                .$kind
                .extend(setup_row(&snapshot.$kind, $wanted, $convert, skipped))
        };
    }
    row!(product_types, &integration.product_type, product_type);
    row!(agreement_types, &integration.agreement_type, agreement_type);
    row!(units_of_measure, &integration.unit_of_measure, |r| Ok(
        named_row(r)
    ));
    row!(categories, &integration.category, |r| Ok(named_row(r)));
    if let Some(r) = snapshot.subcategories.iter().find(|r| {
        named(r.name.as_deref(), &integration.subcategory).is_some()
            && named(r.category_name.as_deref(), &integration.category).is_some()
    }) {
        setup.subcategories.push(Spanned::unwritten(SubCategory {
            name: s(r.name.as_deref().unwrap_or_default()),
            category: s(r.category_name.as_deref().unwrap_or_default()),
        }));
    }
    let solution = |r: &_| management_it_solution(integration, r);
    row!(management_it_solutions, &integration.name, solution);
    for mdi in snapshot
        .managed_devices_integrations
        .iter()
        .filter(|m| named(m.solution.as_deref(), &integration.name).is_some())
    {
        let references = mdi
            .id
            .and_then(|i| snapshot.cross_references.get(&i))
            .map_or(&[][..], Vec::as_slice);
        let row = managed_devices_integration(integration, mdi, references);
        setup.managed_devices_integrations.extend(kept(
            row,
            "Managed Devices Integration",
            mdi.name.as_deref(),
            skipped,
        ));
    }
    setup
}

fn product_type(r: &ProductTypeRecord) -> Result<ProductType, Unknown> {
    Ok(ProductType {
        name: s(r.name.as_deref().unwrap_or_default()),
        type_xref: optional_setting(r.type_xref.as_deref(), "typeXref")?,
    })
}

fn agreement_type(r: &AgreementTypeRecord) -> Result<AgreementType, Unknown> {
    Ok(AgreementType {
        name: s(r.name.as_deref().unwrap_or_default()),
        employee_comp_rate: setting(r.employee_comp_rate.as_deref(), "employeeCompRate")?,
        employee_comp_not_exceed: setting(
            r.employee_comp_not_exceed.as_deref(),
            "employeeCompNotExceed",
        )?,
        invoicing_cycle: setting(r.invoicing_cycle.as_deref(), "invoicingCycle")?,
        bill_time: setting(r.bill_time.as_deref(), "billTime")?,
        bill_expenses: setting(r.bill_expenses.as_deref(), "billExpenses")?,
        bill_products: setting(r.bill_products.as_deref(), "billProducts")?,
    })
}

fn management_it_solution(
    integration: &Integration,
    r: &ManagementItSolutionRecord,
) -> Result<ManagementItSolution, Unknown> {
    Ok(ManagementItSolution {
        name: s(r.name.as_deref().unwrap_or_default()),
        solution_type: setting(
            r.management_it_solution_type.as_deref(),
            "managementItSolutionType",
        )?,
        solution_name: r
            .management_solution_name
            .as_deref()
            .filter(|n| fold_name(n) != fold_name(&integration.name))
            .map(s),
    })
}

fn managed_devices_integration(
    integration: &Integration,
    mdi: &ManagedDevicesIntegrationRecord,
    references: &[CrossReferenceRecord],
) -> Result<ManagedDevicesIntegration, Unknown> {
    Ok(ManagedDevicesIntegration {
        name: s(mdi.name.as_deref().unwrap_or_default()),
        solution: s(mdi.solution.as_deref().unwrap_or_default()),
        login_by: setting(mdi.login_by.as_deref(), "loginBy")?,
        default_billing_level: setting(
            mdi.default_billing_level.as_deref(),
            "defaultBillingLevel",
        )?,
        portal_url: mdi.portal_url.as_deref().map(s),
        cross_references: references
            .iter()
            .filter_map(|x| {
                Some(Spanned::unwritten(CrossReference {
                    vendor_type: s(x.vendor_type.as_deref()?),
                    product: s(x.product_identifier.as_deref()?),
                    agreement_type: x
                        .agreement_type_name
                        .as_deref()
                        .filter(|t| fold_name(t) != fold_name(&integration.agreement_type))
                        .map(s),
                }))
            })
            .collect(),
    })
}

/// One company per account linked under the integration's solution, with its owned agreement.
fn companies(
    integration: &Integration,
    snapshot: &Snapshot,
    prices: &BTreeMap<String, Option<Money>>,
    skipped: &mut Vec<String>,
) -> Vec<(String, Company)> {
    let mut out = Vec::new();
    let owned_agreement = |company: i64| owned_agreement_of(integration, snapshot, company);
    for company in &snapshot.companies {
        let (Some(company_id), Some(identifier)) = (company.id, company.identifier.as_deref())
        else {
            continue;
        };
        let Some(account) = account_of(snapshot, company_id, integration) else {
            if owned_agreement(company_id).is_some() {
                skipped.push(format!("company `{identifier}`: it has an {} agreement but no Manage ID link, so its account is unknown", integration.agreement_type.value));
            }
            continue;
        };
        let agreement = match owned_agreement(company_id)
            .map(|a| agreement(integration, snapshot, a, prices))
            .transpose()
        {
            Ok(agreement) => agreement,
            Err(unknown) => {
                skipped.push(unknown.skipped(&format!("company `{identifier}`")));
                continue;
            }
        };
        out.push((
            identifier.to_owned(),
            Company {
                agreement: agreement.map(|a| Box::new(Spanned::unwritten(a))),
                ..Company::one_vendor(account, identifier)
            },
        ));
    }
    out
}

fn agreement(
    integration: &Integration,
    snapshot: &Snapshot,
    a: &AgreementRecord,
    prices: &BTreeMap<String, Option<Money>>,
) -> Result<Agreement, Unknown> {
    let start = a
        .start_date
        .as_deref()
        .and_then(|d| d.get(..10))
        .and_then(|d| Date::parse(d).ok());
    let live_cycle = a.billing_cycle_name.as_deref();
    let cycle = live_cycle.filter(|c| fold_name(c) != fold_name(&integration.billing_cycle));
    let additions =
        a.id.and_then(|i| snapshot.additions.get(&i))
            .map_or(&[][..], Vec::as_slice);
    Ok(Agreement {
        name: s(a.name.as_deref().unwrap_or_default()),
        agreement_type: None,
        start_date: Spanned::unwritten(start.unwrap_or_else(|| Date::from_date(time::Date::MIN))),
        billing_cycle: cycle.map(s),
        // No cycle in ConnectWise: say so, or the plan would set the integration's default.
        keep_billing_cycle: live_cycle.is_none(),
        effective_date: None,
        removed_additions: None,
        additions: additions
            .iter()
            .filter(|x| x.cancelled_date.is_none())
            .filter_map(|x| addition(x, prices).transpose())
            .collect::<Result<_, _>>()?,
    })
}

/// An active addition as configuration; `None` without a product.
fn addition(
    x: &AdditionRecord,
    prices: &BTreeMap<String, Option<Money>>,
) -> Result<Option<Spanned<Addition>>, Unknown> {
    let Some(product) = x.product_identifier.as_deref() else {
        return Ok(None);
    };
    // An amount present but unreadable is not exported as zero or as the catalog price.
    let unreadable = |field: &'static str, amount: &crate::live::records::Amount| Unknown {
        field,
        value: amount.to_string(),
    };
    let quantity: Quantity = match &x.quantity {
        None => Quantity::default(),
        Some(q) => q.quantity().ok_or_else(|| unreadable("quantity", q))?,
    };
    let unit_price = match &x.unit_price {
        None => None,
        Some(p) => Some(p.money().ok_or_else(|| unreadable("unitPrice", p))?),
    }
    .filter(|p| prices.get(&fold_name(product)).copied().flatten() != Some(*p));
    let bill_customer: Option<crate::config::model::BillCustomer> =
        optional_setting(x.bill_customer.as_deref(), "billCustomer")?;
    Ok(Some(Spanned::unwritten(Addition {
        product: s(product),
        quantity: Spanned::unwritten(quantity),
        unit_price: unit_price.map(|p| Box::new(Spanned::unwritten(p))),
        bill_customer: bill_customer.filter(|b| *b != crate::config::model::BillCustomer::Billable),
        effective_date: None,
    })))
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

/// Every integration that reads its billing export with a profile keeps it: the profiles are
/// written into `integration.yaml` (`integrations.yaml` with several) after the integrations, each
/// once however many integrations name it, in the order the integrations are, so the exported
/// folder validates on its own.
fn keep_profile(export: &mut Export, config: &config::Config) {
    let mut profiles: Vec<crate::config::profile::ExportProfile> = Vec::new();
    for integration in &config.integrations {
        let crate::config::profile::Export::Profile(name) = &integration.item.export else {
            continue;
        };
        if let Some(profile) = config.profile(name)
            && !profiles.contains(&profile.item.value)
        {
            profiles.push(profile.item.value.clone());
        }
    }
    if profiles.is_empty() {
        return;
    }
    if let Some((_, text)) = export.files.iter_mut().find(|(path, _)| {
        ["integration.yaml", "integrations.yaml"]
            .iter()
            .any(|name| path.as_path() == std::path::Path::new(name))
    }) {
        text.push_str(&yaml(&ConfigFile {
            profiles: profiles.into_iter().map(Spanned::unwritten).collect(),
            ..ConfigFile::default()
        }));
    }
}

/// The command, from its parsed arguments.
pub(super) async fn run(args: ExportArgs) -> Result<Exit, Error> {
    let config = if args.integration.is_empty() {
        config::load_texts([("(defaults)", "")])?
    } else {
        config::load(&args.integration)?
    };
    let (_, source) = super::connect_reader(&config, (&args).into()).await?;
    let snapshot = Box::pin(crate::live::read_owned_tenant(&source, &config)).await?;
    let mut export = export_config(&config, &snapshot);
    keep_profile(&mut export, &config);
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
    use serde_json::json;

    #[test]
    fn an_integration_read_with_a_profile_is_exported_with_it() {
        let profile = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/profile/profiles.yaml"),
        )
        .unwrap();
        let config = crate::config::load_texts([
            (
                "i.yaml",
                "integration:\n  export: { profile: distributor }\n",
            ),
            ("p.yaml", profile.as_str()),
        ])
        .unwrap();
        let mut export = super::export(
            &config.integration().item,
            &crate::live::Snapshot::default(),
        );
        super::keep_profile(&mut export, &config);
        let texts: Vec<(String, String)> = export
            .files
            .iter()
            .map(|(path, text)| (path.display().to_string(), text.clone()))
            .collect();
        let files: Vec<(&str, &str)> = texts
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let again = crate::config::load_texts(files).unwrap();
        assert_eq!(again.profiles, config.profiles);
        assert_eq!(
            again.integration().item.export,
            config.integration().item.export
        );
    }

    #[test]
    fn every_integrations_profile_is_exported_once() {
        let profile = |name: &str| {
            format!(
                "  - {{ name: {name}, columns: {{ account: A, sku: S, unit_cost: C, quantity: Q }} }}\n"
            )
        };
        let text = format!(
            "integrations:\n  - {{ name: Pax8, product_type: Pax8_Services, agreement_type: Pax8, export: {{ profile: pax8 }} }}\n  - {{ name: Acronis, product_type: Acronis_Backup, agreements: shared, export: {{ profile: acronis }} }}\n  - {{ name: Other, product_type: Other_Services, agreement_type: Other, export: {{ profile: PAX8 }} }}\nprofiles:\n{}{}{}",
            profile("pax8"),
            profile("acronis"),
            profile("unused")
        );
        let config = crate::config::load_texts([("c.yaml", text.as_str())])
            .unwrap_or_else(|e| panic!("{e:?}"));
        let mut export = super::export_config(&config, &crate::live::Snapshot::default());
        super::keep_profile(&mut export, &config);
        let (_, written) = export
            .files
            .iter()
            .find(|(path, _)| path.as_path() == std::path::Path::new("integrations.yaml"))
            .unwrap();
        let again = crate::config::load_texts([("i.yaml", written.as_str())])
            .unwrap_or_else(|e| panic!("{e:?}\n{written}"));
        let names: Vec<&str> = again
            .profiles
            .iter()
            .map(|p| p.item.name.as_str())
            .collect();
        assert_eq!(names, ["pax8", "acronis"], "{written}");
    }

    use super::UniqueStems;
    use crate::live::Snapshot;
    use crate::live::records::decode;

    fn integration() -> crate::config::model::Integration {
        crate::config::load_texts([("t.yaml", "")])
            .unwrap()
            .integration()
            .item
            .value
            .clone()
    }

    /// A tenant with the integration's agreement type and one linked company with an owned
    /// agreement of one addition; `agreement_type` and `addition` add fields to those records.
    fn tenant(agreement_type: serde_json::Value, addition: serde_json::Value) -> Snapshot {
        let merged = |base: serde_json::Value, extra: serde_json::Value| {
            let mut base = base;
            if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
                b.extend(e.clone());
            }
            base
        };
        let mut s = Snapshot {
            agreement_types: vec![
                decode(merged(json!({"id": 1, "name": "Intermedia"}), agreement_type)).unwrap(),
            ],
            companies: vec![decode(json!({"id": 7, "identifier": "Acme"})).unwrap()],
            agreements: vec![decode(json!({"id": 10, "name": "Intermedia - Acme", "type": {"name": "Intermedia"}, "company": {"id": 7}, "startDate": "2026-01-01T00:00:00Z"})).unwrap()],
            ..Snapshot::default()
        };
        s.links.insert(
            7,
            vec![decode(json!({"id": 3, "groupIdentifier": "100", "managementSolution": {"name": "Intermedia"}})).unwrap()],
        );
        s.additions.insert(
            10,
            vec![
                decode(merged(
                    json!({"id": 20, "product": {"identifier": "A1R_7"}, "quantity": 3}),
                    addition,
                ))
                .unwrap(),
            ],
        );
        s
    }

    fn setup_file(export: &super::Export) -> &str {
        &export
            .files
            .iter()
            .find(|(p, _)| p.ends_with("setup.yaml"))
            .unwrap()
            .1
    }

    #[test]
    fn known_settings_are_exported() {
        let export = super::export(
            &integration(),
            &tenant(json!({"invoicingCycle": "CalendarYear"}), json!({})),
        );
        assert!(export.skipped.is_empty(), "{:?}", export.skipped);
        assert!(setup_file(&export).contains("Intermedia"));
        assert!(
            export
                .files
                .iter()
                .any(|(p, _)| p.ends_with("companies/Acme.yaml"))
        );
    }

    // See: issue #13 (an enum value export did not know was written as the default)
    #[test]
    fn r13_an_unknown_setting_leaves_its_record_out_naming_it_not_a_default() {
        let export = super::export(
            &integration(),
            &tenant(json!({"invoicingCycle": "Fortnightly"}), json!({})),
        );
        assert_eq!(
            export.skipped,
            [
                "agreement type `Intermedia`: its invoicingCycle is `Fortnightly`, a value cwrecon does not know, so it is left out rather than written with a default"
            ]
        );
        assert!(
            !setup_file(&export).contains("agreement_types"),
            "{}",
            setup_file(&export)
        );
    }

    // See: issue #13
    #[test]
    fn r13_an_addition_with_an_unknown_or_unreadable_value_leaves_its_company_out_naming_it() {
        for (addition, field, value) in [
            (
                json!({"billCustomer": "Sometimes"}),
                "billCustomer",
                "Sometimes",
            ),
            (json!({"quantity": "many"}), "quantity", "\"many\""),
        ] {
            let export = super::export(&integration(), &tenant(json!({}), addition));
            assert_eq!(
                export.skipped,
                [format!(
                    "company `Acme`: its {field} is `{value}`, a value cwrecon does not know, so it is left out rather than written with a default"
                )]
            );
            assert!(
                !export.files.iter().any(|(p, _)| p.starts_with("companies")),
                "no company file"
            );
        }
    }

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
