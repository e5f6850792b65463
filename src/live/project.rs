//! Projection: raw ConnectWise records → the canonical live [`State`], plus the problems only the
//! live tenant can reveal.
//!
//! Owns how records are matched to desired keys: setup rows by name; catalog items by identifier;
//! companies by a Manage ID link under any of their vendors' solutions, then by identifier (and
//! each vendor's link as that vendor's object); agreements by company, type and name; additions by
//! agreement and product. Owns which live objects cwrecon owns and for which integration: catalog
//! items of an integration's product type, agreements of an integration's own agreement type and
//! their additions, and on a company's shared agreement (found by `live::shared`, never owned)
//! the additions of owned products, which are all the reader kept of it. Reads every field it
//! can, so the diff can show "before" for any field the configuration declares; the diff decides
//! what is managed.

use std::collections::{HashMap, HashSet};

use super::matcher::CompanyMatcher;
use super::records::{
    AdditionRecord, AgreementRecord, Amount, CompanyRecord, ContactRecord, LinkRecord,
};
use super::shared::{self, ProductOwners};
use super::snapshot::Snapshot;
use crate::config::Config;
use crate::config::model::Integration;
use crate::model::input::{self, visible};
use crate::model::{
    AccountId, Date, Finding, IntegrationId, Key, Kind, Object, Quantity, State, Value, fold_name,
};

/// The live state and what projecting it found.
#[derive(Debug, Clone, Default)]
pub struct Projection {
    /// The canonical live state.
    pub state: State,
    /// Problems and notes.
    pub findings: Vec<Finding>,
    /// The shared agreement found for each company (by its handle) and vendor whose additions go
    /// on one.
    pub shared: SharedAgreements,
}

/// A company's shared agreement for one vendor, as the tenant holds it: read, never written.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedAgreement {
    /// Its key in the live state (company, its type, its name).
    pub key: Key,
    /// Its start date, which new additions on it may not precede.
    pub start: Option<Date>,
}

/// Shared agreements by company handle and integration.
pub type SharedAgreements = std::collections::BTreeMap<(AccountId, IntegrationId), SharedAgreement>;

fn name(value: Option<&str>) -> Option<Value> {
    value.map(|s| Value::Name(s.trim().into()))
}

fn text_value(value: Option<&str>) -> Option<Value> {
    value.map(|s| Value::Text(s.trim().into()))
}

fn money(amount: Option<&Amount>) -> Option<Value> {
    amount.and_then(Amount::money).map(Value::Money)
}

fn quantity(amount: Option<&Amount>) -> Option<Value> {
    amount.and_then(Amount::quantity).map(Value::Quantity)
}

/// `2026-01-01T00:00:00Z` → the date.
fn date(raw: Option<&str>) -> Option<Value> {
    Date::parse(raw?.get(..10)?).ok().map(Value::Date)
}

/// An object for a record: its id and version token.
fn object(key: Key, id: Option<i64>, last_updated: Option<&str>) -> Object {
    let mut object = Object::new(key);
    object.id = id;
    object.last_updated = last_updated.map(str::to_owned);
    object
}

/// The id and version token of any record, for [`object`].
macro_rules! object_of {
    ($key:expr, $record:expr) => {
        object($key, $record.id, $record.last_updated.as_deref())
    };
}

/// Project a snapshot against the configuration it is diffed with.
pub fn project(config: &Config, snapshot: &Snapshot) -> Projection {
    let mut out = Projection::default();
    setup_rows(snapshot, &mut out.state);
    catalog(config, snapshot, &mut out);
    companies(config, snapshot, &mut out);
    out
}

/// A setup row keyed by its name, with the named fields it has.
fn simple_row(
    state: &mut State,
    kind: Kind,
    (id, last_updated): (Option<i64>, Option<&str>),
    fields: &[(&'static str, Option<&str>)],
) {
    let Some(Some(row_name)) = fields.first().map(|(_, name)| *name) else {
        return;
    };
    let mut o = object(Key::named(kind, row_name), id, last_updated);
    for (field_name, value) in fields {
        if let Some(v) = name(*value) {
            o.fields.set(field_name, v);
        }
    }
    state.insert(o);
}

/// A [`simple_row`] for each record of `$records`: `"wireName" => record_field` pairs, the name
/// first. A macro so that each kind is one line of names, not a loop written again per kind.
macro_rules! simple_rows {
    ($state:expr, $kind:expr, $records:expr, $($field:literal => $value:ident),+ $(,)?) => {
        for r in &$records {
            let fields = [$(($field, r.$value.as_deref())),+];
            simple_row($state, $kind, (r.id, r.last_updated.as_deref()), &fields);
        }
    };
}

fn setup_rows(snapshot: &Snapshot, state: &mut State) {
    simple_rows!(state, Kind::ProductType, snapshot.product_types,
        "name" => name, "typeXref" => type_xref);
    simple_rows!(state, Kind::AgreementType, snapshot.agreement_types,
        "name" => name, "employeeCompRate" => employee_comp_rate,
        "employeeCompNotExceed" => employee_comp_not_exceed, "invoicingCycle" => invoicing_cycle,
        "billTime" => bill_time, "billExpenses" => bill_expenses, "billProducts" => bill_products);
    simple_rows!(state, Kind::UnitOfMeasure, snapshot.units_of_measure, "name" => name);
    simple_rows!(state, Kind::Category, snapshot.categories, "name" => name);
    simple_rows!(state, Kind::ManagementItSolution, snapshot.management_it_solutions,
        "name" => name, "managementItSolutionType" => management_it_solution_type,
        "managementSolutionName" => management_solution_name);
    simple_rows!(state, Kind::ManagedDevicesIntegration, snapshot.managed_devices_integrations,
        "name" => name, "solution" => solution, "loginBy" => login_by,
        "defaultBillingLevel" => default_billing_level);
    integrations(snapshot, state);
    for record in &snapshot.subcategories {
        let (Some(sub), Some(category)) = (record.name.as_deref(), record.category_name.as_deref())
        else {
            continue;
        };
        let o = object_of!(Key::subcategory(category, sub), record)
            .with("name", Value::Name(sub.trim().into()))
            .with("category", Value::Name(category.trim().into()));
        state.insert(o);
    }
    for record in &snapshot.api_members {
        let Some(identifier) = record.identifier.as_deref() else {
            continue;
        };
        let o = object_of!(Key::named(Kind::ApiMember, identifier), record)
            .with("identifier", Value::Name(identifier.trim().into()))
            .with_opt("name", text_value(record.name.as_deref()))
            .with_opt("securityRole", name(record.security_role_name.as_deref()))
            .with_opt("emailAddress", text_value(record.email_address.as_deref()));
        state.insert(o);
    }
}

/// Managed Devices Integrations' URLs and their cross-references.
fn integrations(snapshot: &Snapshot, state: &mut State) {
    for record in &snapshot.managed_devices_integrations {
        // A URL is text, not a name: compare it exactly.
        let Some(row_name) = record.name.as_deref() else {
            continue;
        };
        if let Some(url) = record.portal_url.as_deref() {
            let key = Key::named(Kind::ManagedDevicesIntegration, row_name);
            if let Some(mut o) = state.remove(&key) {
                o.fields.set("portalUrl", Value::Text(url.trim().into()));
                state.insert(o);
            }
        }
        let Some(integration_id) = record.id else {
            continue;
        };
        for xref in snapshot
            .cross_references
            .get(&integration_id)
            .into_iter()
            .flatten()
        {
            let Some(vendor_type) = xref.vendor_type.as_deref() else {
                continue;
            };
            let o = object_of!(Key::cross_reference(row_name, vendor_type), xref)
                .with("vendorType", Value::Text(vendor_type.trim().into()))
                .with_opt("product", name(xref.product_identifier.as_deref()))
                .with_opt("agreementType", name(xref.agreement_type_name.as_deref()));
            state.insert(o);
        }
    }
}

fn catalog(config: &Config, snapshot: &Snapshot, out: &mut Projection) {
    for record in &snapshot.catalog {
        let Some(identifier) = record.identifier.as_deref() else {
            continue;
        };
        let mut o = object_of!(Key::catalog_item(identifier), record)
            .with("identifier", Value::Name(identifier.trim().into()))
            .with_opt("description", text_value(record.description.as_deref()))
            .with_opt(
                "customerDescription",
                text_value(record.customer_description.as_deref()),
            )
            .with_opt("cost", money(record.cost.as_ref()))
            .with_opt("price", money(record.price.as_ref()))
            .with_opt("type", name(record.type_name.as_deref()))
            .with_opt("category", name(record.category_name.as_deref()))
            .with_opt("subcategory", name(record.subcategory_name.as_deref()))
            .with_opt(
                "unitOfMeasure",
                name(record.unit_of_measure_name.as_deref()),
            )
            .with(
                "recurringFlag",
                Value::Bool(record.recurring_flag.unwrap_or(false)),
            )
            .with_opt("taxableFlag", record.taxable_flag.map(Value::Bool));
        o.vendor = record
            .type_name
            .as_deref()
            .and_then(|t| shared::product_type_owner(config, t));
        o.owned = o.vendor.is_some();
        check_amounts(
            &[
                ("cost", Bounds::Money, record.cost.as_ref()),
                ("price", Bounds::Money, record.price.as_ref()),
            ],
            (None, &format!("catalog item `{identifier}`")),
            &mut out.findings,
        );
        out.state.insert(o);
    }
    for (id, integration) in config.integration_ids() {
        check_subcategory_placement(config, integration, &out.state, &mut out.findings);
        check_cross_references(
            config,
            (id, integration),
            snapshot,
            &out.state,
            &mut out.findings,
        );
    }
}

/// Which bounds a live amount is held to (`model::input`).
#[derive(Clone, Copy)]
enum Bounds {
    Quantity,
    Money,
}

/// A live amount out of bounds, or present but unreadable, is a blocking finding naming the
/// object: a plan or reconciliation on it would bill nonsense (issue 11: a count of 7 × 10^28 made
/// `plan` panic). The value stays in the state, so the plan shows it; arithmetic on it saturates.
fn check_amounts(
    fields: &[(&str, Bounds, Option<&Amount>)],
    (account, what): (Option<&str>, &str),
    findings: &mut Vec<Finding>,
) {
    for &(name, bounds, raw) in fields {
        let Some(raw) = raw else {
            continue;
        };
        let rule = match bounds {
            Bounds::Quantity => raw.quantity().map(input::quantity_out_of_bounds),
            Bounds::Money => raw.money().map(input::money_out_of_bounds),
        };
        let rule = match rule {
            Some(None) => continue,
            Some(Some(rule)) => rule,
            None => "it is not a number cwrecon can read exactly".to_owned(),
        };
        findings.push(Finding {
            blocking: true,
            account: account.map(str::to_owned),
            message: format!("{what} has {name} {raw} in ConnectWise, out of bounds: {rule}"),
            fix: format!(
                "correct {name} in ConnectWise (or, if the value is real, raise it with the cwrecon maintainers: the bounds are in docs/security/input.md)"
            ),
        });
    }
}

/// The integration's sub-category must sit in its category, or catalog creates fail.
fn check_subcategory_placement(
    config: &Config,
    i: &Integration,
    state: &State,
    findings: &mut Vec<Finding>,
) {
    let elsewhere: Vec<&Object> = state
        .of_kind(Kind::SubCategory)
        .filter(|o| {
            o.key
                .name()
                .is_some_and(|n| fold_name(n) == fold_name(&i.subcategory))
        })
        .collect();
    let in_place = elsewhere.iter().any(|o| {
        o.key
            .category()
            .is_some_and(|c| fold_name(c) == fold_name(&i.category))
    });
    let declared = config.setup.subcategories.iter().any(|s| {
        fold_name(&s.item.name) == fold_name(&i.subcategory)
            && fold_name(&s.item.category) == fold_name(&i.category)
    });
    if !in_place
        && !declared
        && let Some(other) = elsewhere.first()
    {
        {
            findings.push(Finding {
                blocking: true,
                account: None,
                message: format!(
                    "sub-category `{}` exists in category `{}`, not in the integration's category `{}`; ConnectWise refuses a catalog item whose sub-category is in another category",
                    i.subcategory.value,
                    other.key.category().unwrap_or_default(),
                    i.category.value
                ),
                fix: "declare the sub-category under `setup.subcategories` with the integration's category, or set `integration.category` to the category that holds it".to_owned(),
            });
        }
    }
}

/// Owned catalog items whose vendor type no cross-reference of the integration's solution maps.
///
/// ConnectWise maps one vendor type to one product per Managed Devices Integration, so only one
/// unit cost of a SKU can be cross-referenced (a second mapping of the vendor type is refused as a
/// duplicate). An item whose SKU is already mapped, at another unit cost, is therefore as covered
/// as ConnectWise allows and is not noted: the note names only what its fix can add.
fn check_cross_references(
    config: &Config,
    (id, integration): (IntegrationId, &Integration),
    snapshot: &Snapshot,
    state: &State,
    findings: &mut Vec<Finding>,
) {
    if snapshot.managed_devices_integrations.is_empty() {
        return;
    }
    let solution = fold_name(&integration.name);
    let mut mapped: HashSet<String> = HashSet::new();
    for mdi in &snapshot.managed_devices_integrations {
        if mdi
            .solution
            .as_deref()
            .is_none_or(|s| fold_name(s) != solution)
        {
            continue;
        }
        for xref in mdi
            .id
            .and_then(|i| snapshot.cross_references.get(&i))
            .into_iter()
            .flatten()
        {
            mapped.extend(xref.vendor_type.as_deref().map(fold_name));
            mapped.extend(
                xref.product_identifier
                    .as_deref()
                    .map(|p| fold_name(vendor_type_of(p))),
            );
        }
    }
    for setup in &config.setup.managed_devices_integrations {
        for xref in &setup.item.cross_references {
            mapped.insert(fold_name(&xref.vendor_type));
            mapped.insert(fold_name(vendor_type_of(&xref.product)));
        }
    }
    // The SKU of a declared product is its vendor type; an owned item the configuration does not
    // declare is read by the identifier format's `<SKU>_<UNIT_COST>` shape.
    let declared: HashMap<String, &str> = config
        .products
        .iter()
        .map(|p| {
            (
                fold_name(&config.catalog_identifier(&p.item)),
                p.item.sku.value.trim(),
            )
        })
        .collect();
    let missing: Vec<(&str, &str)> = state
        .of_kind(Kind::CatalogItem)
        .filter(|o| o.owned && o.vendor == Some(id))
        .map(|o| {
            let item = o.key.name().unwrap_or_default();
            let vendor_type = declared
                .get(&fold_name(item))
                .copied()
                .unwrap_or_else(|| vendor_type_of(item));
            (vendor_type, item)
        })
        .filter(|(vendor_type, _)| !mapped.contains(&fold_name(vendor_type)))
        .collect();
    if missing.is_empty() {
        return;
    }
    let entries: Vec<String> = missing
        .iter()
        .map(|(vendor_type, item)| format!("{{ vendor_type: {vendor_type}, product: {item} }}"))
        .collect();
    findings.push(Finding {
        blocking: false,
        account: None,
        message: format!(
            "{} catalog item(s) of the integration have a vendor type no cross-reference maps, so the vendor's sync will not find them: {}",
            missing.len(),
            missing
                .iter()
                .map(|(_, item)| *item)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        fix: format!(
            "add {} to `cross_references` of the integration's Managed Devices Integration (one product per vendor type)",
            entries.join(", ")
        ),
    });
}

/// The vendor type (SKU) of a catalog identifier `<SKU>_<UNIT_COST>`: everything before the last
/// `_`, or the whole identifier when it has none.
fn vendor_type_of(identifier: &str) -> &str {
    identifier
        .rsplit_once('_')
        .map_or(identifier, |(sku, _)| sku)
}

/// The snapshot's companies (through the one [`CompanyMatcher`]), contacts and agreements keyed
/// for lookup, built once per projection so that matching N desired companies costs O(N), not
/// O(N²) scans (issue 7: at 5,000 companies the scans took most of a plan's 13 s of CPU). Each
/// list keeps snapshot order, which is what the scans it replaces found.
struct CompanyIndex<'a> {
    /// Which company each desired account is.
    matcher: CompanyMatcher<'a>,
    /// Company id → its contacts.
    contacts: HashMap<Option<i64>, Vec<&'a ContactRecord>>,
    /// Company id → its agreements.
    agreements: HashMap<Option<i64>, Vec<&'a AgreementRecord>>,
}

impl<'a> CompanyIndex<'a> {
    fn new(config: &Config, snapshot: &'a Snapshot) -> CompanyIndex<'a> {
        let mut index = CompanyIndex {
            matcher: CompanyMatcher::of_config(config, &snapshot.companies, &snapshot.links),
            contacts: HashMap::new(),
            agreements: HashMap::new(),
        };
        for contact in &snapshot.contacts {
            index
                .contacts
                .entry(contact.company_id)
                .or_default()
                .push(contact);
        }
        for agreement in &snapshot.agreements {
            index
                .agreements
                .entry(agreement.company_id)
                .or_default()
                .push(agreement);
        }
        index
    }
}

fn companies(config: &Config, snapshot: &Snapshot, out: &mut Projection) {
    let index = CompanyIndex::new(config, snapshot);
    for placed in &config.companies {
        let c = &placed.item;
        let handle = config.company_handle(c);
        let found = index.matcher.find_company(config, c);
        if let Some(m) = found {
            vendor_links(config, (&handle, c), m.company, &index, out);
        }
        match found {
            Some(m) => company_children(config, placed, m.company, snapshot, &index, out),
            None => unmatched(config, placed, snapshot, out),
        }
    }
    let owners = ProductOwners::new(config, &snapshot.catalog);
    for lookup in shared::lookups(config, &index.matcher, &snapshot.shared_agreements) {
        shared_agreement(config, snapshot, &owners, lookup, out);
    }
}

/// The company's link to each of its vendors that has one on the matched company. A vendor's
/// link on another company is a blocking finding naming both: one customer would be two.
fn vendor_links(
    config: &Config,
    (handle, c): (&AccountId, &crate::config::model::Company),
    company: &CompanyRecord,
    index: &CompanyIndex<'_>,
    out: &mut Projection,
) {
    let mut noted = false;
    for vendor in config.vendors_of(c) {
        let account = AccountId::new(vendor.account);
        let Some(m) = index.matcher.linked(vendor.integration, &account) else {
            continue;
        };
        let Some(link) = m.link else { continue };
        if m.company.id != company.id {
            two_companies(
                config,
                (handle, c),
                (vendor.integration, &account),
                (m.company, company),
                out,
            );
            continue;
        }
        look_alike_link(account.as_str(), Some(company), link, &mut out.findings);
        out.state.insert(
            object_of!(config.link_key(handle, vendor.integration), link)
                .with("groupIdentifier", Value::Text(account.as_str().into()))
                .with_opt(
                    "managementSolution",
                    name(link.management_solution_name.as_deref()),
                )
                .of_vendor(Some(vendor.integration)),
        );
        if !noted {
            noted = true;
            linked_identifier(&account, c, company, &mut out.findings);
        }
    }
}

/// One customer's vendor accounts linked to two ConnectWise companies: blocking, naming both.
fn two_companies(
    config: &Config,
    (handle, c): (&AccountId, &crate::config::model::Company),
    (vendor, account): (IntegrationId, &AccountId),
    (linked, matched): (&CompanyRecord, &CompanyRecord),
    out: &mut Projection,
) {
    let shown = |r: &CompanyRecord| {
        format!(
            "`{}` (id {})",
            r.identifier.as_deref().unwrap_or_default(),
            r.id.map_or_else(|| "?".to_owned(), |i| i.to_string())
        )
    };
    out.findings.push(Finding {
        blocking: true,
        account: Some(handle.to_string()),
        message: format!(
            "company `{}` is two companies in ConnectWise: its `{}` account {account} is linked to {}, and its other vendors' links or its identifier match {}",
            c.identifier.value,
            config.integration_of(vendor).name.value,
            shown(linked),
            shown(matched)
        ),
        fix: "merge the two companies in ConnectWise, or move the Manage ID to the company that is the customer, then plan again".to_owned(),
    });
}

/// A company found by its link under another identifier: a note, since the link wins.
fn linked_identifier(
    account: &AccountId,
    c: &crate::config::model::Company,
    company: &CompanyRecord,
    findings: &mut Vec<Finding>,
) {
    let Some(identifier) = company.identifier.as_deref() else {
        return;
    };
    if fold_name(identifier) != fold_name(&c.identifier) {
        findings.push(Finding {
            blocking: false,
            account: Some(account.to_string()),
            message: format!(
                "account {account} is linked to company `{identifier}`, not `{}`; the link wins and the identifier is left as it is",
                c.identifier.value
            ),
            fix: format!("write `identifier: {identifier}` to silence this note"),
        });
    }
}

/// A company's shared agreement for one vendor: its key for the desired side, the agreement
/// (never owned: nothing of it is written) and its additions, which the reader kept only where an
/// integration owns the product; or the finding that says why there is none.
fn shared_agreement(
    config: &Config,
    snapshot: &Snapshot,
    owners: &ProductOwners,
    lookup: shared::CompanyLookup<'_>,
    out: &mut Projection,
) {
    let agreement = match lookup.lookup {
        shared::Lookup::Found(agreement) => agreement,
        shared::Lookup::Refused(finding) => {
            out.findings.push(finding);
            return;
        }
    };
    let Some(company) = config.companies.get(lookup.company) else {
        return;
    };
    let (Some(found_name), Some(agreement_type)) =
        (agreement.name.as_deref(), agreement.type_name.as_deref())
    else {
        return;
    };
    let handle = config.company_handle(&company.item);
    let key = Key::agreement(&handle, agreement_type, found_name);
    let start = date(agreement.start_date.as_deref());
    if out.state.get(&key).is_none() {
        out.state.insert(
            object_of!(key.clone(), agreement)
                .with("name", Value::Text(found_name.trim().into()))
                .with("type", Value::Name(agreement_type.trim().into()))
                .with_opt("startDate", start.clone()),
        );
        let additions = agreement.id.and_then(|i| snapshot.additions.get(&i));
        project_additions(
            (&handle, agreement_type, found_name),
            additions.map_or(&[][..], Vec::as_slice),
            (true, &|product: &str| owners.owner(product)),
            out,
        );
    }
    let start = match start {
        Some(Value::Date(d)) => Some(d),
        _ => None,
    };
    out.shared
        .insert((handle, lookup.integration), SharedAgreement { key, start });
}

/// A Manage ID in ConnectWise that reads as the account only once normalised: matched, and
/// worth fixing at the source, since the vendor's own sync compares it as written.
fn look_alike_link(
    account: &str,
    company: Option<&CompanyRecord>,
    link: &LinkRecord,
    findings: &mut Vec<Finding>,
) {
    let Some(written) = link.group_identifier.as_deref() else {
        return;
    };
    // Differences of case are not look-alikes: the account is the same (see `AccountId`).
    if written.trim() == AccountId::new(written).as_str() {
        return;
    }
    findings.push(Finding {
        blocking: false,
        account: Some(account.to_owned()),
        message: format!(
            "company `{}` is linked to account {account} by the Manage ID `{}`, written with look-alike or invisible characters; cwrecon reads it as {account}",
            company.and_then(|c| c.identifier.as_deref()).unwrap_or_default(),
            visible(written)
        ),
        fix: format!("retype the Manage ID as {account} in ConnectWise (Company > Management), or the vendor's sync may not find it"),
    });
}

fn unmatched(
    config: &Config,
    placed: &crate::config::Placed<crate::config::model::Company>,
    snapshot: &Snapshot,
    out: &mut Projection,
) {
    let c = &placed.item;
    let handle = config.company_handle(c);
    let account = handle.as_str();
    let has_agreement = config.vendors_of(c).iter().any(|v| v.agreement.is_some());
    if c.create.is_none() {
        out.findings.push(Finding {
            blocking: true,
            account: Some(account.to_owned()),
            message: format!("no company is linked to account {account} and none has identifier `{}`", c.identifier.value),
            fix: "fix the identifier, link the company by hand, or add a `create:` block so cwrecon creates it".to_owned(),
        });
        return;
    }
    let deleted = snapshot.companies.iter().find(|company| {
        company.is_deleted()
            && company
                .identifier
                .as_deref()
                .is_some_and(|i| fold_name(i) == fold_name(&c.identifier))
    });
    if deleted.is_some() {
        out.findings.push(Finding {
            blocking: true,
            account: Some(account.to_owned()),
            message: format!(
                "company identifier `{}` is held by a deleted company in ConnectWise's recycle bin, so creating it would fail with \"Company ID already in use\"",
                c.identifier.value
            ),
            fix: "restore that company (it will then be matched and linked) or purge it from the recycle bin, or choose another identifier".to_owned(),
        });
    }
    if has_agreement && c.contact.is_none() {
        out.findings.push(Finding {
            blocking: true,
            account: Some(account.to_owned()),
            message: format!("the company for account {account} will be created without a contact, and ConnectWise needs one for its agreement"),
            fix: "add a `contact:` (first_name, last_name) to the company".to_owned(),
        });
    }
}

fn company_children(
    config: &Config,
    placed: &crate::config::Placed<crate::config::model::Company>,
    company: &CompanyRecord,
    snapshot: &Snapshot,
    index: &CompanyIndex<'_>,
    out: &mut Projection,
) {
    let c = &placed.item;
    let account_id = config.company_handle(c);
    let account = account_id.as_str();
    let company_id = company.id;
    let mut company_object = object_of!(Key::company(&account_id), company);
    company_object.owned = false; // companies are never removed
    out.state.insert(company_object);

    let contacts: &[&ContactRecord] = index.contacts.get(&company_id).map_or(&[], Vec::as_slice);
    let identifier = company.identifier.as_deref().unwrap_or_default();
    if let Some(wanted) = &c.contact {
        let same = |have: &Option<Box<str>>, want: &str| {
            have.as_deref()
                .is_some_and(|h| fold_name(h) == fold_name(want))
        };
        let found = contacts.iter().find(|k| {
            same(&k.first_name, &wanted.first_name) && same(&k.last_name, &wanted.last_name)
        });
        if let Some(k) = found {
            out.state.insert(
                object_of!(Key::contact(&account_id), k)
                    .with("firstName", Value::Text(wanted.first_name.trim().into()))
                    .with("lastName", Value::Text(wanted.last_name.trim().into())),
            );
        }
    } else if let Some(contact) = company
        .default_contact_id
        .or_else(|| contacts.first().and_then(|k| k.id))
    {
        // No contact configured: the company's own (default, else first) serves the agreement.
        let mut o = Object::new(Key::contact(&account_id));
        o.id = Some(contact);
        out.state.insert(o);
    } else if config.vendors_of(c).iter().any(|v| v.agreement.is_some()) {
        out.findings.push(Finding {
            blocking: true,
            account: Some(account.to_owned()),
            message: format!(
                "company `{identifier}` has no contact, and ConnectWise needs one for the agreement"
            ),
            fix: "add a `contact:` (first_name, last_name) to the company in the configuration"
                .to_owned(),
        });
    }
    let agreements_of_company = index
        .agreements
        .get(&company_id)
        .map_or(&[][..], Vec::as_slice);
    agreements(
        config,
        (&account_id, identifier),
        agreements_of_company,
        snapshot,
        out,
    );
}

/// A second agreement with the key of one already projected (same company, type and name).
/// ConnectWise bills both, but cwrecon can manage only one: the lowest id is managed; the other
/// is projected under a key of its own, unowned (never changed), so that revenue and `reconcile`
/// still count what it bills. Of the integration's type, it is a blocking finding.
fn duplicate_agreement(
    (account, identifier): (&AccountId, &str),
    key: &Key,
    agreement: &AgreementRecord,
    owned: bool,
    out: &mut Projection,
) -> Option<String> {
    let first = out.state.get(key)?.id;
    let name = key.name().unwrap_or_default();
    let this = agreement.id;
    let shown = |id: Option<i64>| id.map_or_else(|| "?".to_owned(), |i| i.to_string());
    out.findings.push(Finding {
        blocking: owned,
        account: Some(account.to_string()),
        message: format!(
            "company `{identifier}` has two agreements named `{name}` of type `{}` (ids {} and {}); ConnectWise bills both, and cwrecon cannot tell which one to manage",
            key.agreement_type().unwrap_or_default(),
            shown(first),
            shown(this)
        ),
        fix: format!(
            "keep one: cancel agreement {} in ConnectWise (or rename it, or move its additions to agreement {}), then plan again",
            shown(this),
            shown(first)
        ),
    });
    Some(format!("{name} (duplicate, id {})", shown(this)))
}

fn agreements(
    config: &Config,
    (account, identifier): (&AccountId, &str),
    company_agreements: &[&AgreementRecord],
    snapshot: &Snapshot,
    out: &mut Projection,
) {
    // The lowest id is the one managed when names repeat, whatever order the list came in.
    let mut company_agreements = company_agreements.to_vec();
    company_agreements.sort_by_key(|a| a.id);
    for agreement in company_agreements {
        let (Some(found_name), Some(agreement_type)) =
            (agreement.name.as_deref(), agreement.type_name.as_deref())
        else {
            continue;
        };
        let vendor = shared::agreement_type_owner(config, agreement_type);
        let mut owned = vendor.is_some();
        let key = Key::agreement(account, agreement_type, found_name);
        let duplicate = duplicate_agreement((account, identifier), &key, agreement, owned, out);
        let agreement_name = duplicate.as_deref().unwrap_or(found_name);
        if duplicate.is_some() {
            owned = false;
        }
        let key = Key::agreement(account, agreement_type, agreement_name);
        let mut o = object_of!(key, agreement)
            .with("name", Value::Text(found_name.trim().into()))
            .with("type", Value::Name(agreement_type.trim().into()))
            .with_opt("startDate", date(agreement.start_date.as_deref()))
            .with_opt(
                "billingCycle",
                name(agreement.billing_cycle_name.as_deref()),
            );
        o.owned = owned;
        o.vendor = vendor.filter(|_| owned);
        out.state.insert(o);
        let additions = agreement.id.and_then(|i| snapshot.additions.get(&i));
        project_additions(
            (account, agreement_type, agreement_name),
            additions.map_or(&[][..], Vec::as_slice),
            (owned, &|_: &str| vendor.filter(|_| owned)),
            out,
        );
    }
}

/// The integration of an addition's product (catalog identifier).
type VendorOf<'a> = dyn Fn(&str) -> Option<IntegrationId> + 'a;

/// An agreement's active additions, keyed by product; `owned` says whether cwrecon owns them, and
/// `vendor_of` gives each product's integration.
fn project_additions(
    (account, agreement_type, agreement_name): (&AccountId, &str, &str),
    additions: &[AdditionRecord],
    (owned, vendor_of): (bool, &VendorOf<'_>),
    out: &mut Projection,
) {
    for addition in additions {
        // A cancelled addition is billing history, not a line to manage.
        if addition.cancelled_date.is_some() {
            continue;
        }
        let Some(product) = addition.product_identifier.as_deref() else {
            continue;
        };
        let key = Key::addition(account, agreement_type, agreement_name, product);
        if out.state.get(&key).is_some() {
            out.findings.push(Finding {
                    blocking: false,
                    account: Some(account.to_string()),
                    message: format!("agreement `{agreement_name}` has more than one active addition for `{product}`; cwrecon manages the first"),
                    fix: "cancel the extra addition in ConnectWise".to_owned(),
                });
            continue;
        }
        let what = format!("addition `{product}` on agreement `{agreement_name}`");
        check_amounts(
            &[
                ("quantity", Bounds::Quantity, addition.quantity.as_ref()),
                ("unitPrice", Bounds::Money, addition.unit_price.as_ref()),
            ],
            (Some(account.as_str()), &what),
            &mut out.findings,
        );
        let mut o = object_of!(key, addition)
            .with("product", Value::Name(product.trim().into()))
            .with(
                "quantity",
                quantity(addition.quantity.as_ref())
                    .unwrap_or(Value::Quantity(Quantity::default())),
            )
            .with_opt("unitPrice", money(addition.unit_price.as_ref()))
            .with_opt("billCustomer", name(addition.bill_customer.as_deref()));
        o.owned = owned;
        o.vendor = vendor_of(product);
        out.state.insert(o);
    }
}

#[cfg(test)]
mod tests;
