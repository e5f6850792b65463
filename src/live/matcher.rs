//! The one company matcher: which live company a desired company is, by a Manage ID link under
//! one of its vendors' solutions (each vendor's account under its own), then by identifier.
//!
//! Used by the reader (which companies matter, whether a create is planned) and by the projection
//! (which company the account's objects hang under), so both always agree.
//!
//! The rule for deleted companies: a company in ConnectWise's recycle bin is never a match,
//! neither by its link nor by its identifier. Restoring it is a person's decision; what a deleted
//! company holding a desired identifier does is block the create (a finding of the projection,
//! `live::project`), which is what the reader reads deleted companies for. This is the rule the
//! projection's tests pin (`an_identifier_held_in_the_recycle_bin_blocks_the_create`) and the
//! reader's (`r7_accounts_resolve_…`: "Cedar is deleted" still needs the link scan).
//!
//! Each map keeps the first match in snapshot order (the order companies were read), so a link or
//! identifier shared by two companies resolves the same way in every run. Built once per question,
//! so matching N desired companies costs O(N), not O(N²) scans (issue 7).

use std::collections::{BTreeMap, HashMap};

use super::records::{CompanyRecord, LinkRecord};
use crate::config::Config;
use crate::config::model::Company;
use crate::model::{AccountId, IntegrationId, fold_name};

/// A desired account's live company, and the link it was found by (none: by identifier).
#[derive(Debug, Clone, Copy)]
pub struct CompanyMatch<'a> {
    /// The company.
    pub company: &'a CompanyRecord,
    /// Its link to the account under the integration's solution, when matched by link.
    pub link: Option<&'a LinkRecord>,
}

/// Live companies keyed by link and by identifier.
#[derive(Debug, Default)]
pub struct CompanyMatcher<'a> {
    /// (Integration, account) (the account as [`AccountId`] reads it: NFKC, without invisible
    /// characters, case-insensitive, so a Manage ID typed with full-width digits still finds its
    /// account) → the first live company with a link to it under that integration's solution,
    /// and that link.
    linked: HashMap<(IntegrationId, AccountId), (&'a CompanyRecord, &'a LinkRecord)>,
    /// Folded identifier → the first live company with it.
    by_identifier: HashMap<String, &'a CompanyRecord>,
}

/// Whether a link is the integration's: under the solution named `solution` (any case).
pub fn is_solution_link(link: &LinkRecord, solution: &str) -> bool {
    link.management_solution_name
        .as_deref()
        .is_some_and(|s| fold_name(s) == fold_name(solution))
}

impl<'a> CompanyMatcher<'a> {
    /// Index `companies` and their `links` for the integration named `solution`.
    pub fn new(
        solution: &str,
        companies: &'a [CompanyRecord],
        links: &'a BTreeMap<i64, Vec<LinkRecord>>,
    ) -> CompanyMatcher<'a> {
        CompanyMatcher::for_solutions(&[solution], companies, links)
    }

    /// Index `companies` and their `links` for every integration of `config`.
    pub fn of_config(
        config: &Config,
        companies: &'a [CompanyRecord],
        links: &'a BTreeMap<i64, Vec<LinkRecord>>,
    ) -> CompanyMatcher<'a> {
        let solutions: Vec<&str> = config
            .integrations
            .iter()
            .map(|i| i.item.name.as_str())
            .collect();
        CompanyMatcher::for_solutions(&solutions, companies, links)
    }

    /// Index `companies` and their `links` for the integrations whose solutions are `solutions`,
    /// in the configuration's order (a position is an [`IntegrationId`]).
    fn for_solutions(
        solutions: &[&str],
        companies: &'a [CompanyRecord],
        links: &'a BTreeMap<i64, Vec<LinkRecord>>,
    ) -> CompanyMatcher<'a> {
        let mut matcher = CompanyMatcher::default();
        let solutions: Vec<(IntegrationId, String)> = solutions
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((IntegrationId::new(i)?, fold_name(s))))
            .collect();
        for company in companies.iter().filter(|c| !c.is_deleted()) {
            let company_links = company.id.and_then(|i| links.get(&i));
            for link in company_links.into_iter().flatten() {
                let (Some(account), Some(solution)) = (
                    link.group_identifier.as_deref(),
                    link.management_solution_name.as_deref(),
                ) else {
                    continue;
                };
                let solution = fold_name(solution);
                for (id, _) in solutions.iter().filter(|(_, s)| *s == solution) {
                    matcher
                        .linked
                        .entry((*id, AccountId::new(account)))
                        .or_insert((company, link));
                }
            }
            if let Some(identifier) = company.identifier.as_deref() {
                matcher
                    .by_identifier
                    .entry(fold_name(identifier))
                    .or_insert(company);
            }
        }
        matcher
    }

    /// The live company of a desired `account` with `identifier`: the one linked to the account,
    /// else the one with the identifier.
    pub fn find(&self, account: &AccountId, identifier: &str) -> Option<CompanyMatch<'a>> {
        let first = IntegrationId::default();
        self.linked(first, account)
            .or_else(|| self.by_identifier(identifier))
    }

    /// The live company of a desired company of `config`: the one linked to any of its vendor
    /// accounts (the first vendor's, in the order written), else the one with its identifier.
    pub fn find_company(&self, config: &Config, company: &Company) -> Option<CompanyMatch<'a>> {
        config
            .vendors_of(company)
            .iter()
            .find_map(|v| self.linked(v.integration, &AccountId::new(v.account)))
            .or_else(|| self.by_identifier(&company.identifier))
    }

    /// The live company linked to `account` under `integration`'s solution, and the link.
    pub fn linked(
        &self,
        integration: IntegrationId,
        account: &AccountId,
    ) -> Option<CompanyMatch<'a>> {
        self.linked
            .get(&(integration, account.clone()))
            .map(|&(company, link)| CompanyMatch {
                company,
                link: Some(link),
            })
    }

    /// The first live company with `identifier`.
    fn by_identifier(&self, identifier: &str) -> Option<CompanyMatch<'a>> {
        self.by_identifier
            .get(&fold_name(identifier))
            .map(|&company| CompanyMatch {
                company,
                link: None,
            })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::live::records::decode;

    fn company(id: i64, identifier: &str, deleted: bool) -> CompanyRecord {
        decode(json!({"id": id, "identifier": identifier, "deletedFlag": deleted})).unwrap()
    }

    fn link(account: &str, solution: &str) -> LinkRecord {
        decode(
            json!({"id": 1, "groupIdentifier": account, "managementSolution": {"name": solution}}),
        )
        .unwrap()
    }

    /// What the matcher finds for `account` and `identifier`: the company's id and whether it
    /// was found by its link.
    fn found(matcher: &CompanyMatcher<'_>, account: &str, identifier: &str) -> Option<(i64, bool)> {
        let found = matcher.find(&AccountId::new(account), identifier)?;
        Some((found.company.id?, found.link.is_some()))
    }

    #[test]
    fn a_link_beats_an_identifier() {
        let companies = vec![company(1, "Acme", false), company(2, "Renamed", false)];
        let links = BTreeMap::from([(2, vec![link("100", "Intermedia")])]);
        let matcher = CompanyMatcher::new("intermedia", &companies, &links);
        let by_link = found(&matcher, "100", "Acme");
        assert_eq!(
            by_link,
            Some((2, true)),
            "the link wins over identifier `Acme`"
        );
        let by_identifier = found(&matcher, "200", "ACME");
        assert_eq!(by_identifier, Some((1, false)), "by identifier, any case");
    }

    #[test]
    fn a_link_under_another_solution_is_not_the_integrations() {
        let companies = vec![company(1, "Acme", false)];
        let links = BTreeMap::from([(1, vec![link("100", "OtherVendor")])]);
        let matcher = CompanyMatcher::new("Intermedia", &companies, &links);
        assert_eq!(found(&matcher, "100", "Bluebird"), None);
    }

    #[test]
    fn a_deleted_company_is_never_a_match_by_link_or_identifier() {
        let companies = vec![company(1, "Acme", true), company(2, "acme", false)];
        let links = BTreeMap::from([(1, vec![link("100", "Intermedia")])]);
        let matcher = CompanyMatcher::new("Intermedia", &companies, &links);
        assert_eq!(
            found(&matcher, "100", "Acme").map(|(id, _)| id),
            Some(2),
            "the deleted company's link is not followed; the live identifier matches"
        );
        let only_deleted = vec![company(1, "Acme", true)];
        let matcher = CompanyMatcher::new("Intermedia", &only_deleted, &links);
        assert_eq!(found(&matcher, "100", "Acme"), None);
    }

    #[test]
    fn the_first_company_in_snapshot_order_wins() {
        let companies = vec![company(5, "Acme", false), company(3, "ACME", false)];
        let links = BTreeMap::from([
            (3, vec![link("100", "Intermedia")]),
            (5, vec![link("100", "Intermedia")]),
        ]);
        let matcher = CompanyMatcher::new("Intermedia", &companies, &links);
        assert_eq!(found(&matcher, "100", "x").map(|(id, _)| id), Some(5));
        assert_eq!(found(&matcher, "200", "acme").map(|(id, _)| id), Some(5));
    }
}
