//! Reading the live tenant: the fewest round trips that answer what a plan needs.
//!
//! Owns the read strategy (DESIGN.md "Reading live state"): one paged list per setup table and
//! per flat kind, narrowed with `conditions` and `fields`; child lists (company links, agreement
//! additions, cross-references) only for the parents that matter, through a [`Source`] that may
//! batch them (`/system/bundles`). Refuses per-object reads that a list can answer. Knows nothing of
//! HTTP: a [`Source`] does the requests, so the strategy is tested by counting calls.
//!
//! Which companies matter: those whose identifier the configuration names, plus those holding an
//! agreement of an integration's own type. Several integrations cost no more round trips than
//! one: the catalog and the owned agreements are one list each over all their types, and every
//! vendor's link comes in the same bundles. Companies with a vendor billed on a shared agreement
//! add one conditioned list of candidate agreements, and their additions. A desired company still unmatched after that would be
//! created; before planning a create, every other company's links are read, because a company
//! linked to the account under another identifier must be found rather than duplicated. That
//! safety read is the one cost that grows with the tenant, and only when a create is planned.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

use super::matcher::{CompanyMatcher, is_solution_link};
use super::records::{
    AdditionRecord, AgreementRecord, AgreementTypeRecord, ApiMemberRecord, CatalogRecord,
    CategoryRecord, CompanyRecord, CompanyStatusRecord, CompanyTypeRecord, ContactRecord,
    CountryRecord, CrossReferenceRecord, LinkRecord, ManagedDevicesIntegrationRecord,
    ManagementItSolutionRecord, ProductTypeRecord, Record, SubCategoryRecord, UnitOfMeasureRecord,
};
use super::shared::{self, ProductOwners};
use super::snapshot::Snapshot;
use crate::config::Config;
use crate::config::model::Integration;
use crate::model::fold_name;

/// Longest `conditions` value sent; ConnectWise URLs fail beyond about 2,000 characters
/// (API-NOTES.md §1.6), and the rest of the URL needs room.
pub const MAX_CONDITIONS: usize = 1_500;

/// A list request's narrowing; the `fields` sent are the record's table's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// `conditions`, when narrowed.
    pub conditions: Option<String>,
}

impl ListQuery {
    /// Every record.
    pub fn all() -> ListQuery {
        ListQuery { conditions: None }
    }

    /// The records matching `conditions`.
    pub fn with(conditions: String) -> ListQuery {
        ListQuery {
            conditions: Some(conditions),
        }
    }
}

/// Why the live state could not be read.
#[derive(Debug, thiserror::Error)]
#[error("read {what} from ConnectWise")]
pub struct ReadError {
    /// What was being read (`companies`, `additions of 12 agreements`).
    pub what: String,
    /// The cause.
    #[source]
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

/// Where records come from: the ConnectWise client, or anything that answers like it. Records are
/// typed at this boundary: a source decodes each page as it arrives and keeps no JSON.
pub trait Source: Sync {
    /// Every record of `R`'s collection (all pages), narrowed by `query`.
    fn list<R: Record>(
        &self,
        query: ListQuery,
    ) -> impl Future<Output = Result<Vec<R>, ReadError>> + Send;

    /// The same child list of `R` for many parents (their ids fill the table's `{parentId}`).
    /// Returns the records by parent id.
    fn list_children<R: Record>(
        &self,
        parents: &[i64],
        query: ListQuery,
    ) -> impl Future<Output = Result<BTreeMap<i64, Vec<R>>, ReadError>> + Send;
}

/// A conditions string literal: double-quoted, with `\` and `"` escaped (the client's rule).
pub fn quote(value: &str) -> String {
    crate::connectwise::query::quote(value, false)
}

/// `field in ("a","b",…)` clauses, each within [`MAX_CONDITIONS`] together with `prefix`.
pub fn in_clauses(field: &str, values: &[String], prefix: &str) -> Vec<String> {
    packed_clauses(field, values.iter().map(|v| quote(v)), prefix)
}

/// `field in (…)` clauses of already-written `items`, as many to a clause as the budget holds.
fn packed_clauses(field: &str, items: impl Iterator<Item = String>, prefix: &str) -> Vec<String> {
    let mut clauses = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let budget = MAX_CONDITIONS.saturating_sub(prefix.len() + field.len() + 10);
    let mut length = 0;
    for item in items {
        if !current.is_empty() && length + item.len() + 1 > budget {
            clauses.push(format!("{prefix}{field} in ({})", current.join(",")));
            current.clear();
            length = 0;
        }
        length += item.len() + 1;
        current.push(item);
    }
    if !current.is_empty() {
        clauses.push(format!("{prefix}{field} in ({})", current.join(",")));
    }
    clauses
}

/// Ids as an `in (…)` list, packed like [`in_clauses`] (issue 7: a fixed 150 ids a clause sent
/// twice the requests needed for short ids, and overran the budget for ten-digit ones).
fn id_clauses(field: &str, ids: &[i64], prefix: &str) -> Vec<String> {
    packed_clauses(field, ids.iter().map(ToString::to_string), prefix)
}

/// The records of every clause, in clause order. The clauses are independent, so they are asked
/// all at once: the client's concurrency bound and rate limiter pace them (issue 7: one after
/// another, 46 clauses at 5,000 companies cost 46 round trips of the dependency chain).
async fn concat<S: Source, R: Record>(
    source: &S,
    clauses: Vec<String>,
) -> Result<Vec<R>, ReadError> {
    let lists = futures_util::future::try_join_all(
        clauses
            .into_iter()
            .map(|clause| source.list::<R>(ListQuery::with(clause))),
    )
    .await?;
    Ok(lists.into_iter().flatten().collect())
}

/// Read everything a plan of `config` needs.
///
/// Three chains run at once, and no read waits for one it does not depend on (issue 13): the
/// setup tables (then the cross-references of the integrations they list), the catalog (owned
/// items, then desired identifiers held by other items), and the companies (by identifier and the
/// owned agreements; then the companies only those agreements name, every live one's links, the
/// link scan when a create is planned, and the contacts and additions of the companies that
/// matter). Each chain sends exactly the requests it sent when they ran in stages.
pub async fn read_snapshot<S: Source>(source: &S, config: &Config) -> Result<Snapshot, ReadError> {
    let (setup, catalog, mut companies) = tokio::try_join!(
        read_setup_and_cross_references(source),
        read_catalog(source, config),
        read_companies(source, config),
    )?;
    // On a shared agreement, only additions of owned products are kept (`live::shared`).
    ProductOwners::new(config, &catalog)
        .keep_owned(&companies.shared_agreements, &mut companies.additions);
    Ok(Snapshot {
        catalog,
        ..companies.into_snapshot(setup)
    })
}

/// The setup tables, then the cross-references of the Managed Devices Integrations they list.
async fn read_setup_and_cross_references<S: Source>(source: &S) -> Result<Snapshot, ReadError> {
    let mut setup = read_setup(source).await?;
    let integration_ids = ids(&setup.managed_devices_integrations);
    setup.cross_references = source
        .list_children::<CrossReferenceRecord>(&integration_ids, ListQuery::all())
        .await?;
    Ok(setup)
}

/// What the companies chain reads.
#[derive(Default)]
#[expect(
    clippy::struct_field_names,
    reason = "the fields are the snapshot's, named alike"
)]
struct Companies {
    companies: Vec<CompanyRecord>,
    links: BTreeMap<i64, Vec<LinkRecord>>,
    agreements: Vec<AgreementRecord>,
    shared_agreements: Vec<AgreementRecord>,
    contacts: Vec<ContactRecord>,
    additions: BTreeMap<i64, Vec<AdditionRecord>>,
    company_statuses: Vec<CompanyStatusRecord>,
    company_types: Vec<CompanyTypeRecord>,
    countries: Vec<CountryRecord>,
}

impl Companies {
    fn into_snapshot(self, setup: Snapshot) -> Snapshot {
        Snapshot {
            companies: self.companies,
            links: self.links,
            agreements: self.agreements,
            shared_agreements: self.shared_agreements,
            contacts: self.contacts,
            additions: self.additions,
            company_statuses: self.company_statuses,
            company_types: self.company_types,
            countries: self.countries,
            ..setup
        }
    }
}

/// The companies chain: see [`read_snapshot`].
async fn read_companies<S: Source>(source: &S, config: &Config) -> Result<Companies, ReadError> {
    let identifiers: Vec<String> = config
        .companies
        .iter()
        .map(|c| c.item.identifier.trim().to_owned())
        .collect();
    let (mut companies, agreements) = tokio::try_join!(
        // Deleted companies are asked for too: one holding a desired identifier blocks its create.
        concat::<S, CompanyRecord>(
            source,
            in_clauses(
                "identifier",
                &identifiers,
                "(deletedFlag = true or deletedFlag = false) and "
            ),
        ),
        owned_agreements(source, config),
    )?;
    // Companies holding owned agreements may be linked under another identifier.
    let known: BTreeSet<i64> = ids(&companies).into_iter().collect();
    let mut extra: Vec<i64> = agreements
        .iter()
        .filter_map(|a| a.company_id)
        .filter(|c| !known.contains(c))
        .collect();
    extra.sort_unstable();
    extra.dedup();
    companies.extend(concat::<S, CompanyRecord>(source, id_clauses("id", &extra, "")).await?);
    // One read of every live company's links, so they share bundles.
    let live_ids: Vec<i64> = companies
        .iter()
        .filter(|c| !c.is_deleted())
        .filter_map(|c| c.id)
        .collect();
    let links = source
        .list_children::<LinkRecord>(&live_ids, ListQuery::all())
        .await?;
    let mut read = Companies {
        companies,
        links,
        agreements,
        ..Companies::default()
    };
    if needs_link_scan(config, &read.companies, &read.links) {
        read_for_creates(source, &mut read).await?;
    }
    let relevant = relevant_companies(config, &read.companies, &read.links);
    let relevant_list: Vec<i64> = relevant.iter().copied().collect();
    let mut agreement_ids: Vec<i64> = read
        .agreements
        .iter()
        .filter(|a| a.company_id.is_some_and(|c| relevant.contains(&c)))
        .filter_map(|a| a.id)
        .collect();
    read.shared_agreements = read_shared_candidates(source, config, &read).await?;
    let matcher = CompanyMatcher::of_config(config, &read.companies, &read.links);
    agreement_ids.extend(
        shared::lookups(config, &matcher, &read.shared_agreements)
            .iter()
            .filter_map(|l| match l.lookup {
                shared::Lookup::Found(agreement) => agreement.id,
                shared::Lookup::Refused(_) => None,
            }),
    );
    agreement_ids.sort_unstable();
    agreement_ids.dedup();
    (read.contacts, read.additions) =
        contacts_and_additions(source, &relevant_list, &agreement_ids).await?;
    Ok(read)
}

/// The agreements that may be the shared agreements of the companies with a vendor that bills on
/// one (none without such a vendor): one conditioned list for all of them, not one per vendor.
async fn read_shared_candidates<S: Source>(
    source: &S,
    config: &Config,
    read: &Companies,
) -> Result<Vec<AgreementRecord>, ReadError> {
    if shared::shared_integrations(config).next().is_none() {
        return Ok(Vec::new());
    }
    let matcher = CompanyMatcher::of_config(config, &read.companies, &read.links);
    let mut companies: Vec<i64> = config
        .companies
        .iter()
        .filter(|c| {
            config
                .vendors_of(&c.item)
                .iter()
                .any(|v| v.shared_additions.is_some())
        })
        .filter_map(|c| matcher.find_company(config, &c.item)?.company.id)
        .collect();
    companies.sort_unstable();
    companies.dedup();
    let prefix = shared::candidate_conditions(config);
    concat::<S, AgreementRecord>(source, id_clauses("company/id", &companies, &prefix)).await
}

/// The contacts of `companies` and the additions of `agreements`, read together: the last step of
/// either read, once it knows which companies and agreements are cwrecon's.
async fn contacts_and_additions<S: Source>(
    source: &S,
    companies: &[i64],
    agreements: &[i64],
) -> Result<(Vec<ContactRecord>, BTreeMap<i64, Vec<AdditionRecord>>), ReadError> {
    tokio::try_join!(
        concat::<S, ContactRecord>(source, id_clauses("company/id", companies, "")),
        source.list_children(agreements, ListQuery::all()),
    )
}

/// Every setup table: small lists, one request each, all at once.
async fn read_setup<S: Source>(source: &S) -> Result<Snapshot, ReadError> {
    let (
        product_types,
        agreement_types,
        units_of_measure,
        categories,
        subcategories,
        solutions,
        integrations,
        api_members,
    ) = tokio::try_join!(
        source.list::<ProductTypeRecord>(ListQuery::all()),
        source.list::<AgreementTypeRecord>(ListQuery::all()),
        source.list::<UnitOfMeasureRecord>(ListQuery::all()),
        source.list::<CategoryRecord>(ListQuery::all()),
        source.list::<SubCategoryRecord>(ListQuery::all()),
        source.list::<ManagementItSolutionRecord>(ListQuery::all()),
        source.list::<ManagedDevicesIntegrationRecord>(ListQuery::all()),
        source.list::<ApiMemberRecord>(ListQuery::all()),
    )?;
    Ok(Snapshot {
        product_types,
        agreement_types,
        units_of_measure,
        categories,
        subcategories,
        // The apply lock is a Management IT row too (crate::lock): never a configured solution.
        management_it_solutions: solutions
            .into_iter()
            .filter(|row| {
                !row.name
                    .as_deref()
                    .is_some_and(crate::model::is_lock_row_name)
            })
            .collect(),
        managed_devices_integrations: integrations,
        api_members,
        ..Snapshot::default()
    })
}

/// Owned catalog items, then the desired catalog identifiers held by items of another product
/// type: found, never duplicated.
async fn read_catalog<S: Source>(
    source: &S,
    config: &Config,
) -> Result<Vec<CatalogRecord>, ReadError> {
    let mut catalog = match of_types(config, |_| true, |i| &i.product_type) {
        Some(query) => source.list::<CatalogRecord>(query).await?,
        None => Vec::new(),
    };
    let have: BTreeSet<String> = catalog
        .iter()
        .filter_map(|r| r.identifier.as_deref())
        .map(fold_name)
        .collect();
    let missing: Vec<String> = config
        .products
        .iter()
        .map(|p| config.catalog_identifier(&p.item))
        .filter(|c| !have.contains(&fold_name(c)))
        .collect();
    catalog
        .extend(concat::<S, CatalogRecord>(source, in_clauses("identifier", &missing, "")).await?);
    Ok(catalog)
}

/// The records of the integrations' types (`type/name`): the catalog items of their product
/// types, the agreements of their agreement types. That type is what makes them an integration's.
/// One type (one integration) is asked for as `=`, as always; several in one `in (…)` list; none
/// (no integration `has` one) is `None`.
fn of_types(
    config: &Config,
    has: impl Fn(&Integration) -> bool,
    type_of: impl Fn(&Integration) -> &str,
) -> Option<ListQuery> {
    let type_names: Vec<&str> = config
        .integration_ids()
        .map(|(_, i)| i)
        .filter(|i| has(i))
        .map(type_of)
        .collect();
    Some(match type_names.as_slice() {
        [] => return None,
        [one] => ListQuery::with(format!("type/name = {}", quote(one))),
        several => ListQuery::with(format!(
            "type/name in ({})",
            several
                .iter()
                .map(|t| quote(t))
                .collect::<Vec<_>>()
                .join(",")
        )),
    })
}

/// The agreements the integrations own: none to read when every integration bills on shared
/// agreements.
async fn owned_agreements<S: Source>(
    source: &S,
    config: &Config,
) -> Result<Vec<AgreementRecord>, ReadError> {
    match of_types(config, |i| i.agreements.is_own(), |i| &i.agreement_type) {
        Some(query) => source.list::<AgreementRecord>(query).await,
        None => Ok(Vec::new()),
    }
}

fn ids<R: Record>(records: &[R]) -> Vec<i64> {
    records.iter().filter_map(Record::id).collect()
}

/// What creating a company needs: every company's links (so none is duplicated) and the lookup
/// tables its create references.
async fn read_for_creates<S: Source>(source: &S, read: &mut Companies) -> Result<(), ReadError> {
    let (statuses, types, countries, ()) = tokio::try_join!(
        source.list::<CompanyStatusRecord>(ListQuery::all()),
        source.list::<CompanyTypeRecord>(ListQuery::all()),
        source.list::<CountryRecord>(ListQuery::all()),
        scan_all_links(source, &mut read.companies, &mut read.links),
    )?;
    read.company_statuses = statuses;
    read.company_types = types;
    read.countries = countries;
    Ok(())
}

/// The company each desired account resolves to, by the one matcher ([`CompanyMatcher`]).
fn resolved<'a>(
    config: &'a Config,
    companies: &'a [CompanyRecord],
    links: &'a BTreeMap<i64, Vec<LinkRecord>>,
) -> impl Iterator<Item = Option<i64>> + 'a {
    let matcher = CompanyMatcher::of_config(config, companies, links);
    config.companies.iter().map(move |c| {
        matcher
            .find_company(config, &c.item)
            .and_then(|m| m.company.id)
    })
}

fn relevant_companies(
    config: &Config,
    companies: &[CompanyRecord],
    links: &BTreeMap<i64, Vec<LinkRecord>>,
) -> BTreeSet<i64> {
    resolved(config, companies, links).flatten().collect()
}

/// Whether some company would be created: then every link must be known first.
fn needs_link_scan(
    config: &Config,
    companies: &[CompanyRecord],
    links: &BTreeMap<i64, Vec<LinkRecord>>,
) -> bool {
    resolved(config, companies, links).any(|c| c.is_none())
}

/// Read the links of every company not read yet (ids only, then bundled child lists).
async fn scan_all_links<S: Source>(
    source: &S,
    companies: &mut Vec<CompanyRecord>,
    links: &mut BTreeMap<i64, Vec<LinkRecord>>,
) -> Result<(), ReadError> {
    let all = source.list::<CompanyRecord>(ListQuery::all()).await?;
    let unread: Vec<i64> = all
        .iter()
        .filter_map(|c| c.id)
        .filter(|i| !links.contains_key(i))
        .collect();
    let scanned = source
        .list_children::<LinkRecord>(&unread, ListQuery::all())
        .await?;
    let known: BTreeSet<i64> = ids(companies).into_iter().collect();
    let by_id: BTreeMap<i64, &CompanyRecord> =
        all.iter().filter_map(|c| Some((c.id?, c))).collect();
    for (company, company_links) in scanned {
        if !company_links.is_empty()
            && !known.contains(&company)
            && let Some(record) = by_id.get(&company)
        {
            companies.push((*record).clone());
        }
        links.insert(company, company_links);
    }
    Ok(())
}

/// Read everything the integration owns in a tenant, for `export`: the setup tables, owned catalog
/// items and agreements, every company linked under the integration's solution (all links are read,
/// so this grows with the tenant: export is a one-off), their contacts, and the owned agreements'
/// additions.
pub async fn read_owned_tenant<S: Source>(
    source: &S,
    config: &Config,
) -> Result<Snapshot, ReadError> {
    let (setup, catalog, agreements) = tokio::try_join!(
        read_setup_and_cross_references(source),
        read_catalog(source, config),
        owned_agreements(source, config),
    )?;
    let mut snapshot = Snapshot {
        catalog,
        agreements,
        ..setup
    };
    scan_all_links(source, &mut snapshot.companies, &mut snapshot.links).await?;
    let mut relevant: BTreeSet<i64> = snapshot
        .links
        .iter()
        .filter(|(_, links)| {
            links.iter().any(|l| {
                config
                    .integrations
                    .iter()
                    .any(|i| is_solution_link(l, &i.item.name))
            })
        })
        .map(|(company, _)| *company)
        .collect();
    relevant.extend(snapshot.agreements.iter().filter_map(|a| a.company_id));
    let relevant: Vec<i64> = relevant.into_iter().collect();
    let known: BTreeSet<i64> = ids(&snapshot.companies).into_iter().collect();
    let missing: Vec<i64> = relevant
        .iter()
        .copied()
        .filter(|c| !known.contains(c))
        .collect();
    snapshot
        .companies
        .extend(concat::<S, CompanyRecord>(source, id_clauses("id", &missing, "")).await?);
    // Shared agreements: every agreement of a shared integration's type on those companies; which
    // one is a company's is the export's to decide (exactly one active, or it is reported).
    if shared::shared_integrations(config).next().is_some() {
        let prefix = shared::candidate_conditions(config);
        snapshot.shared_agreements =
            concat::<S, AgreementRecord>(source, id_clauses("company/id", &relevant, &prefix))
                .await?;
    }
    let mut agreement_ids = ids(&snapshot.agreements);
    agreement_ids.extend(ids(&snapshot.shared_agreements));
    (snapshot.contacts, snapshot.additions) =
        contacts_and_additions(source, &relevant, &agreement_ids).await?;
    ProductOwners::new(config, &snapshot.catalog)
        .keep_owned(&snapshot.shared_agreements, &mut snapshot.additions);
    Ok(snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers every list with one record after a pause, counting the lists in flight. The record
    /// carries the list's conditions as its identifier.
    #[derive(Default)]
    struct Slow {
        in_flight: std::sync::atomic::AtomicUsize,
        most: std::sync::atomic::AtomicUsize,
    }

    impl Source for Slow {
        async fn list<R: Record>(&self, query: ListQuery) -> Result<Vec<R>, ReadError> {
            use std::sync::atomic::Ordering::SeqCst;
            let now = self.in_flight.fetch_add(1, SeqCst) + 1;
            self.most.fetch_max(now, SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            self.in_flight.fetch_sub(1, SeqCst);
            let record = serde_json::json!({ "id": 1, "identifier": query.conditions });
            Ok(vec![super::super::records::decode(record).unwrap()])
        }

        async fn list_children<R: Record>(
            &self,
            _parents: &[i64],
            _query: ListQuery,
        ) -> Result<BTreeMap<i64, Vec<R>>, ReadError> {
            Ok(BTreeMap::new())
        }
    }

    fn company(json: serde_json::Value) -> CompanyRecord {
        super::super::records::decode(json).unwrap()
    }

    // See: issue #7
    #[tokio::test]
    async fn r7_the_clauses_of_one_read_go_out_together_and_come_back_in_order() {
        let source = Slow::default();
        let clauses: Vec<String> = (0..5).map(|i| format!("id = {i}")).collect();
        let records: Vec<CompanyRecord> = concat(&source, clauses).await.unwrap();
        let order: Vec<&str> = records
            .iter()
            .filter_map(|r| r.identifier.as_deref())
            .collect();
        assert_eq!(order, ["id = 0", "id = 1", "id = 2", "id = 3", "id = 4"]);
        assert_eq!(
            source.most.load(std::sync::atomic::Ordering::SeqCst),
            5,
            "independent clauses are not read one after another"
        );
    }

    #[test]
    fn quoting_escapes_quotes_and_backslashes() {
        assert_eq!(quote(r#"Acme "West" \ Co"#), r#""Acme \"West\" \\ Co""#);
    }

    // See: issue #7
    #[test]
    fn r7_accounts_resolve_to_the_first_match_by_link_then_identifier() {
        let yaml = "companies:\n  - { account: '100', identifier: Acme }\n  - { account: '200', identifier: Bluebird }\n  - { account: '300', identifier: Cedar }\n";
        let config = crate::config::load_texts([("t.yaml", yaml)]).unwrap();
        let link = |account: &str| -> LinkRecord {
            super::super::records::decode(serde_json::json!({"groupIdentifier": account, "managementSolution": {"name": "intermedia"}})).unwrap()
        };
        // Every company whose links are read is in the snapshot (the reader reads links of the
        // companies it holds, and keeps every linked company the scan finds).
        let mut snapshot = Snapshot {
            companies: vec![
                company(serde_json::json!({"id": 3, "identifier": "Third"})),
                company(serde_json::json!({"id": 5, "identifier": "Fifth"})),
                company(serde_json::json!({"id": 7, "identifier": "BLUEBIRD"})),
                company(serde_json::json!({"id": 8, "identifier": "bluebird"})),
                company(serde_json::json!({"id": 9, "identifier": "Cedar", "deletedFlag": true})),
            ],
            ..Snapshot::default()
        };
        snapshot.links.insert(3, vec![link("100")]);
        snapshot.links.insert(5, vec![link("100")]);
        assert_eq!(
            relevant_companies(&config, &snapshot.companies, &snapshot.links),
            BTreeSet::from([3, 7]),
            "account 100 by its first link, Bluebird by its first live identifier"
        );
        assert!(
            needs_link_scan(&config, &snapshot.companies, &snapshot.links),
            "Cedar is deleted"
        );
        snapshot.links.insert(9, vec![link(" 300 ")]);
        assert!(
            needs_link_scan(&config, &snapshot.companies, &snapshot.links),
            "a deleted company's link is not a match either"
        );
        snapshot
            .companies
            .push(company(serde_json::json!({"id": 6, "identifier": "Sixth"})));
        snapshot.links.insert(6, vec![link(" 300 ")]);
        assert!(!needs_link_scan(
            &config,
            &snapshot.companies,
            &snapshot.links
        ));
    }

    // See: issue #7
    #[test]
    fn r7_id_clauses_fill_the_url_budget_whatever_the_id_length() {
        let short: Vec<i64> = (1..=5_000).collect();
        let clauses = id_clauses("company/id", &short, "");
        assert!(clauses.iter().all(|c| c.len() <= MAX_CONDITIONS));
        assert!(
            clauses.len() <= 20,
            "{} clauses for 5,000 short ids",
            clauses.len()
        );
        let long: Vec<i64> = (0..1_000).map(|i| 2_000_000_000 + i).collect();
        let clauses = id_clauses("id", &long, "");
        assert!(
            clauses.iter().all(|c| c.len() <= MAX_CONDITIONS),
            "{:?}",
            clauses.iter().map(String::len).max()
        );
        let total: usize = clauses.iter().map(|c| c.matches(',').count() + 1).sum();
        assert_eq!(total, 1_000, "every id in exactly one clause");
    }

    #[test]
    fn in_clauses_stay_within_the_url_budget() {
        let values: Vec<String> = (0..500).map(|i| format!("Company{i:05}")).collect();
        let clauses = in_clauses("identifier", &values, "deletedFlag = false and ");
        assert!(clauses.len() > 1);
        assert!(
            clauses.iter().all(|c| c.len() <= MAX_CONDITIONS),
            "{:?}",
            clauses.iter().map(String::len).max()
        );
        let total: usize = clauses.iter().map(|c| c.matches("Company").count()).sum();
        assert_eq!(total, 500, "every value in exactly one clause");
    }
}
