//! Reading the live tenant: the fewest round trips that answer what a plan needs.
//!
//! Owns the read strategy (DESIGN.md "Reading live state"): one paged list per setup table and
//! per flat kind, narrowed with `conditions` and `fields`; child lists (company links, agreement
//! additions, cross-references) only for the parents that matter, through a [`Source`] that may
//! batch them (`/system/bundles`). Refuses per-object reads that a list can answer. Knows nothing of
//! HTTP: a [`Source`] does the requests, so the strategy is tested by counting calls.
//!
//! Which companies matter: those whose identifier the configuration names, plus those holding an
//! agreement of the integration's type. A desired company still unmatched after that would be
//! created; before planning a create, every other company's links are read, because a company
//! linked to the account under another identifier must be found rather than duplicated. That
//! safety read is the one cost that grows with the tenant, and only when a create is planned.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::Future;

use serde_json::Value as Json;

use super::snapshot::{Snapshot, field, id, text};
use crate::config::Config;
use crate::model::{AccountId, fold_name};

/// Longest `conditions` value sent; ConnectWise URLs fail beyond about 2,000 characters
/// (API-NOTES.md §1.6), and the rest of the URL needs room.
pub const MAX_CONDITIONS: usize = 1_500;

/// A list request's narrowing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// `conditions`, when narrowed.
    pub conditions: Option<String>,
    /// `fields`, when narrowed.
    pub fields: Option<String>,
}

impl ListQuery {
    fn new(conditions: Option<String>, fields: &str) -> ListQuery {
        ListQuery {
            conditions,
            fields: Some(fields.to_owned()),
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

/// Where records come from: the ConnectWise client, or anything that answers like it.
pub trait Source: Sync {
    /// Every record of a list (all pages), narrowed by `query`. `kind` names the request in counts.
    fn list(
        &self,
        kind: &'static str,
        path: &str,
        query: ListQuery,
    ) -> impl Future<Output = Result<Vec<Json>, ReadError>> + Send;

    /// The same child list for many parents: `path` holds `{parentId}`; `resource_type` names it in
    /// a bundle. Returns the records by parent id.
    fn list_children(
        &self,
        kind: &'static str,
        resource_type: &'static str,
        path: &str,
        parents: &[i64],
        query: ListQuery,
    ) -> impl Future<Output = Result<BTreeMap<i64, Vec<Json>>, ReadError>> + Send;
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

const CATALOG_FIELDS: &str = "id,identifier,description,customerDescription,cost,price,type,category,subcategory,unitOfMeasure,recurringFlag,taxableFlag,_info/lastUpdated";
const COMPANY_FIELDS: &str = "id,identifier,name,deletedFlag,defaultContact,_info/lastUpdated";
const AGREEMENT_FIELDS: &str =
    "id,name,type,company,startDate,billingCycle,cancelledFlag,_info/lastUpdated";
const ADDITION_FIELDS: &str =
    "id,product,quantity,unitPrice,billCustomer,cancelledDate,agreementId,_info/lastUpdated";
const LINK_FIELDS: &str = "id,groupIdentifier,managementSolution,company,_info/lastUpdated";

/// The records of every clause, in clause order. The clauses are independent, so they are asked
/// all at once: the client's concurrency bound and rate limiter pace them (issue 7: one after
/// another, 46 clauses at 5,000 companies cost 46 round trips of the dependency chain).
async fn concat<S: Source>(
    source: &S,
    kind: &'static str,
    path: &str,
    clauses: Vec<String>,
    fields: &str,
) -> Result<Vec<Json>, ReadError> {
    let lists = futures_util::future::try_join_all(
        clauses
            .into_iter()
            .map(|clause| source.list(kind, path, ListQuery::new(Some(clause), fields))),
    )
    .await?;
    Ok(lists.into_iter().flatten().collect())
}

/// Read everything a plan of `config` needs.
pub async fn read_snapshot<S: Source>(source: &S, config: &Config) -> Result<Snapshot, ReadError> {
    let (setup, (catalog, companies, agreements)) =
        tokio::try_join!(read_setup(source), read_owned(source, config))?;
    let mut snapshot = Snapshot {
        catalog,
        companies,
        agreements,
        ..setup
    };
    companies_and_children(source, config, &mut snapshot).await?;
    Ok(snapshot)
}

/// Every setup table: small lists, one request each, all at once.
async fn read_setup<S: Source>(source: &S) -> Result<Snapshot, ReadError> {
    let all =
        |kind, path, fields: &'static str| source.list(kind, path, ListQuery::new(None, fields));
    let agreement_type_fields = "id,name,employeeCompRate,employeeCompNotExceed,invoicingCycle,billTime,billExpenses,billProducts,_info/lastUpdated";
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
        all(
            "productTypes",
            "/procurement/types",
            "id,name,typeXref,_info/lastUpdated"
        ),
        all(
            "agreementTypes",
            "/finance/agreements/types",
            agreement_type_fields
        ),
        all(
            "unitsOfMeasure",
            "/procurement/unitOfMeasures",
            "id,name,_info/lastUpdated"
        ),
        all(
            "categories",
            "/procurement/categories",
            "id,name,_info/lastUpdated"
        ),
        all(
            "subcategories",
            "/procurement/subcategories/",
            "id,name,category,_info/lastUpdated"
        ),
        all(
            "managementItSolutions",
            "/company/managementItSolutions",
            "id,name,managementItSolutionType,managementSolutionName,_info/lastUpdated"
        ),
        all(
            "managedDevicesIntegrations",
            "/company/managedDevicesIntegrations",
            "id,name,solution,loginBy,defaultBillingLevel,portalUrl,_info/lastUpdated"
        ),
        all(
            "apiMembers",
            "/system/apiMembers",
            "id,identifier,name,securityRole,emailAddress,_info/lastUpdated"
        ),
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
            .filter(|row| !text(row, "name").is_some_and(crate::model::is_lock_row_name))
            .collect(),
        managed_devices_integrations: integrations,
        api_members,
        ..Snapshot::default()
    })
}

/// Owned catalog items and agreements, desired catalog identifiers held by other items, and the
/// companies the configuration names by identifier.
async fn read_owned<S: Source>(
    source: &S,
    config: &Config,
) -> Result<(Vec<Json>, Vec<Json>, Vec<Json>), ReadError> {
    let i = &config.integration.item;
    let identifiers: Vec<String> = config
        .companies
        .iter()
        .map(|c| c.item.identifier.trim().to_owned())
        .collect();
    let owned_catalog = format!("type/name = {}", quote(&i.product_type));
    let owned_agreements = format!("type/name = {}", quote(&i.agreement_type));
    let (mut catalog, companies, agreements) = tokio::try_join!(
        source.list(
            "catalog",
            "/procurement/catalog",
            ListQuery::new(Some(owned_catalog), CATALOG_FIELDS)
        ),
        // Deleted companies are asked for too: one holding a desired identifier blocks its create.
        concat(
            source,
            "companies",
            "/company/companies",
            in_clauses(
                "identifier",
                &identifiers,
                "(deletedFlag = true or deletedFlag = false) and "
            ),
            COMPANY_FIELDS
        ),
        source.list(
            "agreements",
            "/finance/agreements",
            ListQuery::new(Some(owned_agreements), AGREEMENT_FIELDS)
        ),
    )?;
    // Desired catalog identifiers held by items of another product type: found, never duplicated.
    let have: BTreeSet<String> = catalog
        .iter()
        .filter_map(|r| text(r, "identifier"))
        .map(fold_name)
        .collect();
    let missing: Vec<String> = config
        .products
        .iter()
        .map(|p| config.catalog_identifier(&p.item))
        .filter(|c| !have.contains(&fold_name(c)))
        .collect();
    catalog.extend(
        concat(
            source,
            "catalog",
            "/procurement/catalog",
            in_clauses("identifier", &missing, ""),
            CATALOG_FIELDS,
        )
        .await?,
    );
    Ok((catalog, companies, agreements))
}

async fn companies_and_children<S: Source>(
    source: &S,
    config: &Config,
    snapshot: &mut Snapshot,
) -> Result<(), ReadError> {
    // Companies holding owned agreements may be linked under another identifier.
    let known: BTreeSet<i64> = snapshot.companies.iter().filter_map(id).collect();
    let mut extra: Vec<i64> = snapshot
        .agreements
        .iter()
        .filter_map(|a| field(a, "company/id").and_then(Json::as_i64))
        .filter(|c| !known.contains(c))
        .collect();
    extra.sort_unstable();
    extra.dedup();
    snapshot.companies.extend(
        concat(
            source,
            "companies",
            "/company/companies",
            id_clauses("id", &extra, ""),
            COMPANY_FIELDS,
        )
        .await?,
    );

    let live_ids: Vec<i64> = snapshot
        .companies
        .iter()
        .filter(|c| {
            !field(c, "deletedFlag")
                .and_then(Json::as_bool)
                .unwrap_or(false)
        })
        .filter_map(id)
        .collect();
    let integration_ids: Vec<i64> = snapshot
        .managed_devices_integrations
        .iter()
        .filter_map(id)
        .collect();
    let link_query = ListQuery::new(None, LINK_FIELDS);
    let (links, cross_references) = tokio::try_join!(
        source.list_children(
            "managementSummaryReports",
            "CompanyManagementSummary",
            "/company/companies/{parentId}/managementSummaryReports",
            &live_ids,
            link_query.clone()
        ),
        source.list_children(
            "crossReferences",
            "ManagedDevicesIntegrationCrossReference",
            "/company/managedDevicesIntegrations/{parentId}/crossReferences",
            &integration_ids,
            ListQuery::new(
                None,
                "id,vendorType,product,agreementType,_info/lastUpdated"
            )
        ),
    )?;
    snapshot.links = links;
    snapshot.cross_references = cross_references;

    if needs_link_scan(config, snapshot) {
        read_for_creates(source, snapshot).await?;
    }
    let relevant = relevant_companies(config, snapshot);
    let relevant_list: Vec<i64> = relevant.iter().copied().collect();
    let agreement_ids: Vec<i64> = snapshot
        .agreements
        .iter()
        .filter(|a| {
            field(a, "company/id")
                .and_then(Json::as_i64)
                .is_some_and(|c| relevant.contains(&c))
        })
        .filter_map(id)
        .collect();
    let (contacts, additions) = tokio::try_join!(
        concat(
            source,
            "contacts",
            "/company/contacts",
            id_clauses("company/id", &relevant_list, ""),
            "id,firstName,lastName,company,_info/lastUpdated"
        ),
        source.list_children(
            "additions",
            "Addition",
            "/finance/agreements/{parentId}/additions",
            &agreement_ids,
            ListQuery::new(None, ADDITION_FIELDS)
        ),
    )?;
    snapshot.contacts = contacts;
    snapshot.additions = additions;
    Ok(())
}

/// What creating a company needs: every company's links (so none is duplicated) and the lookup
/// tables its create references.
async fn read_for_creates<S: Source>(source: &S, snapshot: &mut Snapshot) -> Result<(), ReadError> {
    let lookup = |kind, path| source.list(kind, path, ListQuery::new(None, "id,name"));
    let (statuses, types, countries, ()) = tokio::try_join!(
        lookup("companyStatuses", "/company/companies/statuses"),
        lookup("companyTypes", "/company/companies/types"),
        lookup("countries", "/company/countries"),
        scan_all_links(source, snapshot),
    )?;
    snapshot.company_statuses = statuses;
    snapshot.company_types = types;
    snapshot.countries = countries;
    Ok(())
}

/// Which company each desired account resolves to: by link, then by identifier. Built once per
/// question, so resolving N desired companies costs O(N), not O(N²) scans (issue 7). Each map keeps
/// the first match in snapshot order, as the scans it replaces did.
struct Resolver {
    /// Account → the first company (by id) with a link to it under the integration's solution.
    linked: HashMap<AccountId, i64>,
    /// Folded identifier → the first live company with it (its id, if it has one).
    by_identifier: HashMap<String, Option<i64>>,
}

impl Resolver {
    fn new(config: &Config, snapshot: &Snapshot) -> Resolver {
        let solution = fold_name(&config.integration.item.name);
        let mut linked = HashMap::new();
        for (company, links) in &snapshot.links {
            for link in links {
                if let Some(account) = text(link, "groupIdentifier")
                    && text(link, "managementSolution/name")
                        .is_some_and(|s| fold_name(s) == solution)
                {
                    // As the projection reads it: a full-width or invisibly padded Manage ID
                    // is still its account's link.
                    linked.entry(AccountId::new(account)).or_insert(*company);
                }
            }
        }
        let mut by_identifier = HashMap::new();
        for company in snapshot.companies.iter().filter(|c| {
            !field(c, "deletedFlag")
                .and_then(Json::as_bool)
                .unwrap_or(false)
        }) {
            if let Some(identifier) = text(company, "identifier") {
                by_identifier
                    .entry(fold_name(identifier))
                    .or_insert_with(|| id(company));
            }
        }
        Resolver {
            linked,
            by_identifier,
        }
    }

    /// The company a desired account resolves to, if any.
    fn resolve(&self, account: &AccountId, identifier: &str) -> Option<i64> {
        self.linked.get(account).copied().or_else(|| {
            self.by_identifier
                .get(&fold_name(identifier))
                .copied()
                .flatten()
        })
    }
}

fn relevant_companies(config: &Config, snapshot: &Snapshot) -> BTreeSet<i64> {
    let resolver = Resolver::new(config, snapshot);
    config
        .companies
        .iter()
        .filter_map(|c| resolver.resolve(&c.item.account_id(), &c.item.identifier))
        .collect()
}

/// Whether some company would be created: then every link must be known first.
fn needs_link_scan(config: &Config, snapshot: &Snapshot) -> bool {
    let resolver = Resolver::new(config, snapshot);
    config.companies.iter().any(|c| {
        resolver
            .resolve(&c.item.account_id(), &c.item.identifier)
            .is_none()
    })
}

/// Read the links of every company not read yet (ids only, then bundled child lists).
async fn scan_all_links<S: Source>(source: &S, snapshot: &mut Snapshot) -> Result<(), ReadError> {
    let all = source
        .list(
            "companies",
            "/company/companies",
            ListQuery::new(
                None,
                "id,identifier,name,deletedFlag,defaultContact,_info/lastUpdated",
            ),
        )
        .await?;
    let unread: Vec<i64> = all
        .iter()
        .filter_map(id)
        .filter(|i| !snapshot.links.contains_key(i))
        .collect();
    let links = source
        .list_children(
            "managementSummaryReports",
            "CompanyManagementSummary",
            "/company/companies/{parentId}/managementSummaryReports",
            &unread,
            ListQuery::new(None, LINK_FIELDS),
        )
        .await?;
    let known: BTreeSet<i64> = snapshot.companies.iter().filter_map(id).collect();
    for (company, company_links) in links {
        if !company_links.is_empty()
            && !known.contains(&company)
            && let Some(record) = all.iter().find(|c| id(c) == Some(company))
        {
            snapshot.companies.push(record.clone());
        }
        snapshot.links.insert(company, company_links);
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
    let (setup, (catalog, _, agreements)) =
        tokio::try_join!(read_setup(source), read_owned(source, config))?;
    let mut snapshot = Snapshot {
        catalog,
        agreements,
        ..setup
    };
    scan_all_links(source, &mut snapshot).await?;
    let solution = fold_name(&config.integration.item.name);
    let mut relevant: BTreeSet<i64> = snapshot
        .links
        .iter()
        .filter(|(_, links)| {
            links.iter().any(|l| {
                text(l, "managementSolution/name").is_some_and(|s| fold_name(s) == solution)
            })
        })
        .map(|(company, _)| *company)
        .collect();
    relevant.extend(
        snapshot
            .agreements
            .iter()
            .filter_map(|a| field(a, "company/id").and_then(Json::as_i64)),
    );
    let relevant: Vec<i64> = relevant.into_iter().collect();
    let known: BTreeSet<i64> = snapshot.companies.iter().filter_map(id).collect();
    let missing: Vec<i64> = relevant
        .iter()
        .copied()
        .filter(|c| !known.contains(c))
        .collect();
    snapshot.companies.extend(
        concat(
            source,
            "companies",
            "/company/companies",
            id_clauses("id", &missing, ""),
            COMPANY_FIELDS,
        )
        .await?,
    );
    let integration_ids: Vec<i64> = snapshot
        .managed_devices_integrations
        .iter()
        .filter_map(id)
        .collect();
    let agreement_ids: Vec<i64> = snapshot.agreements.iter().filter_map(id).collect();
    let (contacts, cross_references, additions) = tokio::try_join!(
        concat(
            source,
            "contacts",
            "/company/contacts",
            id_clauses("company/id", &relevant, ""),
            "id,firstName,lastName,company,_info/lastUpdated"
        ),
        source.list_children(
            "crossReferences",
            "ManagedDevicesIntegrationCrossReference",
            "/company/managedDevicesIntegrations/{parentId}/crossReferences",
            &integration_ids,
            ListQuery::new(
                None,
                "id,vendorType,product,agreementType,_info/lastUpdated"
            ),
        ),
        source.list_children(
            "additions",
            "Addition",
            "/finance/agreements/{parentId}/additions",
            &agreement_ids,
            ListQuery::new(None, ADDITION_FIELDS)
        ),
    )?;
    snapshot.contacts = contacts;
    snapshot.cross_references = cross_references;
    snapshot.additions = additions;
    Ok(snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers every list with one record after a pause, counting the lists in flight.
    #[derive(Default)]
    struct Slow {
        in_flight: std::sync::atomic::AtomicUsize,
        most: std::sync::atomic::AtomicUsize,
    }

    impl Source for Slow {
        async fn list(
            &self,
            _kind: &'static str,
            _path: &str,
            query: ListQuery,
        ) -> Result<Vec<Json>, ReadError> {
            use std::sync::atomic::Ordering::SeqCst;
            let now = self.in_flight.fetch_add(1, SeqCst) + 1;
            self.most.fetch_max(now, SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            self.in_flight.fetch_sub(1, SeqCst);
            Ok(vec![serde_json::json!({ "clause": query.conditions })])
        }

        async fn list_children(
            &self,
            _kind: &'static str,
            _resource_type: &'static str,
            _path: &str,
            _parents: &[i64],
            _query: ListQuery,
        ) -> Result<BTreeMap<i64, Vec<Json>>, ReadError> {
            Ok(BTreeMap::new())
        }
    }

    // See: issue #7
    #[tokio::test]
    async fn r7_the_clauses_of_one_read_go_out_together_and_come_back_in_order() {
        let source = Slow::default();
        let clauses: Vec<String> = (0..5).map(|i| format!("id = {i}")).collect();
        let records = concat(&source, "companies", "/company/companies", clauses, "id")
            .await
            .unwrap();
        let order: Vec<&str> = records
            .iter()
            .filter_map(|r| r["clause"].as_str())
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
        let link = |account: &str| serde_json::json!({"groupIdentifier": account, "managementSolution": {"name": "intermedia"}});
        let mut snapshot = Snapshot {
            companies: vec![
                serde_json::json!({"id": 7, "identifier": "BLUEBIRD"}),
                serde_json::json!({"id": 8, "identifier": "bluebird"}),
                serde_json::json!({"id": 9, "identifier": "Cedar", "deletedFlag": true}),
            ],
            ..Snapshot::default()
        };
        snapshot.links.insert(3, vec![link("100")]);
        snapshot.links.insert(5, vec![link("100")]);
        assert_eq!(
            relevant_companies(&config, &snapshot),
            BTreeSet::from([3, 7]),
            "account 100 by its first link, Bluebird by its first live identifier"
        );
        assert!(needs_link_scan(&config, &snapshot), "Cedar is deleted");
        snapshot.links.insert(6, vec![link(" 300 ")]);
        assert!(!needs_link_scan(&config, &snapshot));
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
