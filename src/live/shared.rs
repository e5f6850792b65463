//! Shared agreements: a customer's agreement that cwrecon does not own, holding the additions of
//! the integrations with `agreements: shared` beside lines a person added by hand.
//!
//! Owns how a company's shared agreement is found for a vendor (by the company's
//! `shared_agreement` name first, else by the integration's `shared_agreement_type`, and then only
//! when exactly one active agreement of the company has it), and what of it may enter the live
//! state: only the additions whose product is a catalog item of one of the integrations' product
//! types ([`ProductOwners`]). Everything else on it is dropped where it is read, so a hand-made
//! line can never be changed, cancelled or counted as removed: that holds by construction, not by
//! a filter in the diff. Refuses to guess: no candidate, or more than one, is a blocking finding
//! that says what was looked for or lists the candidates. Never writes anything.

use std::collections::{BTreeMap, HashMap};

use super::matcher::CompanyMatcher;
use super::records::{AdditionRecord, AgreementRecord, CatalogRecord};
use crate::config::Config;
use crate::config::model::{Company, Integration, Placement};
use crate::model::{Finding, IntegrationId, fold_name};

/// Owned catalog items (folded identifier) and the integration whose product type marks each.
#[derive(Debug, Default)]
pub(super) struct ProductOwners(HashMap<String, IntegrationId>);

impl ProductOwners {
    /// The owners of the catalog items read.
    pub(super) fn new(config: &Config, catalog: &[CatalogRecord]) -> ProductOwners {
        let mut owners = HashMap::new();
        for record in catalog {
            let (Some(identifier), Some(owner)) = (
                record.identifier.as_deref(),
                record
                    .type_name
                    .as_deref()
                    .and_then(|t| product_type_owner(config, t)),
            ) else {
                continue;
            };
            owners.insert(fold_name(identifier), owner);
        }
        ProductOwners(owners)
    }

    /// The integration that owns the product with this catalog identifier.
    pub(super) fn owner(&self, identifier: &str) -> Option<IntegrationId> {
        self.0.get(&fold_name(identifier)).copied()
    }

    /// Drop every addition of a shared agreement whose product no integration owns: what a person
    /// added by hand never enters the live state.
    pub(super) fn keep_owned(
        &self,
        shared: &[AgreementRecord],
        additions: &mut BTreeMap<i64, Vec<AdditionRecord>>,
    ) {
        for id in shared.iter().filter_map(|a| a.id) {
            if let Some(lines) = additions.get_mut(&id) {
                lines.retain(|a| {
                    a.product_identifier
                        .as_deref()
                        .is_some_and(|p| self.owner(p).is_some())
                });
            }
        }
    }
}

/// The integration whose product type is `type_name`.
pub(super) fn product_type_owner(config: &Config, type_name: &str) -> Option<IntegrationId> {
    let wanted = fold_name(type_name);
    config
        .integration_ids()
        .find(|(_, i)| fold_name(&i.product_type) == wanted)
        .map(|(id, _)| id)
}

/// The integration that owns agreements of `type_name` (one with its own agreements).
pub(super) fn agreement_type_owner(config: &Config, type_name: &str) -> Option<IntegrationId> {
    let wanted = fold_name(type_name);
    config
        .integration_ids()
        .find(|(_, i)| i.agreements.is_own() && fold_name(&i.agreement_type) == wanted)
        .map(|(id, _)| id)
}

/// The integrations of `config` whose additions go on shared agreements.
pub(super) fn shared_integrations(
    config: &Config,
) -> impl Iterator<Item = (IntegrationId, &Integration)> {
    config
        .integration_ids()
        .filter(|(_, i)| i.agreements == Placement::Shared)
}

/// What a company's shared agreement for one vendor turned out to be.
#[derive(Debug)]
pub(super) enum Lookup<'a> {
    /// Exactly one.
    Found(&'a AgreementRecord),
    /// None, or more than one: a blocking finding.
    Refused(Finding),
}

/// Find `company`'s shared agreement for `integration` among the company's agreements read as
/// candidates (any order; cancelled ones are never chosen).
pub(super) fn find<'a>(
    (company, handle): (&Company, &str),
    integration: &Integration,
    candidates: &[&'a AgreementRecord],
) -> Lookup<'a> {
    let active = candidates
        .iter()
        .copied()
        .filter(|a| a.cancelled_flag != Some(true));
    // By the company's name for it first, else by the integration's type.
    let (by_name, wanted, looked_for, fix) = match (
        &company.shared_agreement,
        &integration.shared_agreement_type,
    ) {
        (Some(name), _) => (
            true,
            name.as_str(),
            format!("an active agreement named `{}`", name.value),
            format!(
                "create the agreement `{}` for the company in ConnectWise, or correct `shared_agreement` in the configuration",
                name.value
            ),
        ),
        (None, Some(agreement_type)) => (
            false,
            agreement_type.as_str(),
            format!("an active agreement of type `{}`", agreement_type.value),
            "name the agreement with `shared_agreement:` on the company".to_owned(),
        ),
        (None, None) => (
            false,
            "",
            "(nothing: validation requires a name or a type)".to_owned(),
            String::new(),
        ),
    };
    let mut matches: Vec<&AgreementRecord> = active
        .filter(|a| {
            let field = if by_name { &a.name } else { &a.type_name };
            field
                .as_deref()
                .is_some_and(|v| !wanted.is_empty() && fold_name(v) == fold_name(wanted))
        })
        .collect();
    matches.sort_by_key(|a| a.id);
    let vendor = &integration.name.value;
    let identifier = &company.identifier.value;
    match matches.as_slice() {
        [one] => Lookup::Found(one),
        [] => Lookup::Refused(Finding {
            blocking: true,
            account: Some(handle.to_owned()),
            message: format!(
                "company `{identifier}` has no shared agreement for `{vendor}`: looked for {looked_for}"
            ),
            fix,
        }),
        several => Lookup::Refused(Finding {
            blocking: true,
            account: Some(handle.to_owned()),
            message: format!(
                "company `{identifier}` has {} candidates for its shared agreement for `{vendor}` ({looked_for}): {}; cwrecon does not guess",
                several.len(),
                several
                    .iter()
                    .map(|a| format!(
                        "`{}` (id {}, type `{}`)",
                        a.name.as_deref().unwrap_or_default(),
                        a.id.map_or_else(|| "?".to_owned(), |i| i.to_string()),
                        a.type_name.as_deref().unwrap_or_default()
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            fix: "name the one to use with `shared_agreement:` on the company (or rename or cancel the others in ConnectWise)".to_owned(),
        }),
    }
}

/// One company's shared agreement for one vendor.
#[derive(Debug)]
pub(super) struct CompanyLookup<'a> {
    /// The company's position in the configuration's list.
    pub(super) company: usize,
    /// The vendor.
    pub(super) integration: IntegrationId,
    /// What was found.
    pub(super) lookup: Lookup<'a>,
}

/// The shared agreement of each company and vendor whose additions go on one, among the
/// `candidates` read: the reader reads the additions of those found, the projection keys them.
pub(super) fn lookups<'a>(
    config: &Config,
    matcher: &CompanyMatcher<'_>,
    candidates: &'a [AgreementRecord],
) -> Vec<CompanyLookup<'a>> {
    let mut by_company: HashMap<i64, Vec<&'a AgreementRecord>> = HashMap::new();
    for candidate in candidates {
        if let Some(company) = candidate.company_id {
            by_company.entry(company).or_default().push(candidate);
        }
    }
    let mut out = Vec::new();
    for (index, placed) in config.companies.iter().enumerate() {
        let company = &placed.item;
        let vendors = config.vendors_of(company);
        let shared = vendors.iter().filter(|v| v.shared_additions.is_some());
        let found = matcher.find_company(config, company);
        let handle = config.company_handle(company);
        for vendor in shared {
            let integration = config.integration_of(vendor.integration);
            let lookup = match found.and_then(|m| m.company.id) {
                Some(id) => find(
                    (company, handle.as_str()),
                    integration,
                    by_company.get(&id).map_or(&[][..], Vec::as_slice),
                ),
                None => Lookup::Refused(Finding {
                    blocking: true,
                    account: Some(handle.to_string()),
                    message: format!(
                        "company `{}` is not in ConnectWise yet, so it has no shared agreement for `{}`",
                        company.identifier.value, integration.name.value
                    ),
                    fix: "create the company and its shared agreement first (or give the vendor its own agreements), then plan again".to_owned(),
                }),
            };
            out.push(CompanyLookup {
                company: index,
                integration: vendor.integration,
                lookup,
            });
        }
    }
    out
}

/// `(type/name in (…) or name in (…)) and `: what narrows the read of shared-agreement
/// candidates to the types and names that can find one; empty when that would not fit in a URL
/// beside the company ids (then every agreement of those companies is read, and chosen here).
pub(super) fn candidate_conditions(config: &Config) -> String {
    let quoted = |values: Vec<&str>| -> String {
        let mut seen = std::collections::BTreeSet::new();
        values
            .into_iter()
            .filter(|v| seen.insert(fold_name(v)))
            .map(|v| super::read::quote(v.trim()))
            .collect::<Vec<_>>()
            .join(",")
    };
    let types: Vec<&str> = shared_integrations(config)
        .filter_map(|(_, i)| i.shared_agreement_type.as_ref().map(|t| t.as_str()))
        .collect();
    let names: Vec<&str> = config
        .companies
        .iter()
        .filter_map(|c| c.item.shared_agreement.as_ref().map(|n| n.as_str()))
        .collect();
    let mut alternatives = Vec::new();
    if !types.is_empty() {
        alternatives.push(format!("type/name in ({})", quoted(types)));
    }
    if !names.is_empty() {
        alternatives.push(format!("name in ({})", quoted(names)));
    }
    let clause = format!("({}) and ", alternatives.join(" or "));
    if alternatives.is_empty() || clause.len() > super::read::MAX_CONDITIONS / 2 {
        String::new()
    } else {
        clause
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::live::records::decode;

    const YAML: &str = "integrations:\n  - { name: Intermedia, product_type: Intermedia_Services, agreement_type: Intermedia }\n  - { name: Acronis, product_type: Acronis_Backup, agreements: shared, shared_agreement_type: Managed Services }\nproducts:\n  - { integration: Acronis, sku: ACRR, unit_cost: 1, description: Backup }\ncompanies:\n  - identifier: Acme\n    vendors: { Acronis: { account: a, additions: [{ product: ACRR_1, quantity: 1 }] } }\n";

    fn agreement(id: i64, name: &str, agreement_type: &str, cancelled: bool) -> AgreementRecord {
        decode(json!({"id": id, "name": name, "type": {"name": agreement_type}, "company": {"id": 1}, "cancelledFlag": cancelled})).unwrap()
    }

    fn lookup(yaml: &str, candidates: &[AgreementRecord]) -> Result<i64, String> {
        let config = crate::config::load_texts([("t.yaml", yaml)]).unwrap();
        let refs: Vec<&AgreementRecord> = candidates.iter().collect();
        match find(
            (&config.companies[0].item, "Acme"),
            &config.integrations[1].item,
            &refs,
        ) {
            Lookup::Found(a) => Ok(a.id.unwrap()),
            Lookup::Refused(finding) => {
                assert!(finding.blocking);
                Err(finding.message)
            }
        }
    }

    #[test]
    fn by_type_only_when_exactly_one_active_agreement_has_it() {
        let one = [
            agreement(7, "Acme - MS", "managed services", false),
            agreement(8, "Old", "Managed Services", true),
        ];
        assert_eq!(
            lookup(YAML, &one),
            Ok(7),
            "the cancelled one is no candidate"
        );
        let none = [agreement(8, "Old", "Managed Services", true)];
        let err = lookup(YAML, &none).unwrap_err();
        assert!(
            err.contains("looked for an active agreement of type `Managed Services`"),
            "{err}"
        );
        let two = [
            agreement(9, "B", "Managed Services", false),
            agreement(7, "A", "Managed Services", false),
        ];
        let err = lookup(YAML, &two).unwrap_err();
        assert!(
            err.contains("2 candidates")
                && err.contains("`A` (id 7, type `Managed Services`), `B` (id 9"),
            "{err}"
        );
    }

    #[test]
    fn a_name_wins_over_the_type() {
        let yaml = YAML.replace(
            "  - identifier: Acme\n",
            "  - identifier: Acme\n    shared_agreement: acme - main\n",
        );
        let candidates = [
            agreement(7, "Acme - MS", "Managed Services", false),
            agreement(9, "Acme - Main", "Block Hours", false),
        ];
        assert_eq!(lookup(&yaml, &candidates), Ok(9));
        let err = lookup(&yaml, &candidates[..1]).unwrap_err();
        assert!(
            err.contains("looked for an active agreement named `acme - main`"),
            "{err}"
        );
    }

    #[test]
    fn only_owned_products_stay_on_a_shared_agreement() {
        let config = crate::config::load_texts([("t.yaml", YAML)]).unwrap();
        let catalog: Vec<CatalogRecord> = vec![
            decode(json!({"id": 1, "identifier": "ACRR_1", "type": {"name": "acronis_backup"}}))
                .unwrap(),
            decode(json!({"id": 2, "identifier": "HANDMADE", "type": {"name": "Labor"}})).unwrap(),
        ];
        let owners = ProductOwners::new(&config, &catalog);
        let line = |product: &str| -> AdditionRecord {
            decode(json!({"id": 1, "product": {"identifier": product}, "quantity": 1})).unwrap()
        };
        let mut additions = BTreeMap::from([
            (7, vec![line("ACRR_1"), line("HANDMADE"), line("UNKNOWN")]),
            (8, vec![line("HANDMADE")]),
        ]);
        owners.keep_owned(
            &[agreement(7, "S", "Managed Services", false)],
            &mut additions,
        );
        let kept: Vec<&str> = additions[&7]
            .iter()
            .filter_map(|a| a.product_identifier.as_deref())
            .collect();
        assert_eq!(kept, ["ACRR_1"]);
        assert_eq!(
            additions[&8].len(),
            1,
            "only shared agreements are filtered"
        );
        assert_eq!(owners.owner("acrr_1"), IntegrationId::new(1));
    }
}
