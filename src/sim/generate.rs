//! A synthetic tenant of a given size, for benchmarks: companies with links, contacts and
//! agreements, catalog items and additions.
//!
//! Owns the `--generate` spec (`companies=1000,catalog=200,agreements=1,additions=5`) and the records
//! it creates. Output is deterministic: the same spec always gives the same records and ids. It
//! refuses validation (it writes rows that the write path would accept) and randomness.

use std::str::FromStr;

use serde_json::json;

use super::defaults::{API_MEMBER, object};
use super::store::{Data, RowInfo, id_ref};

/// How big a tenant to generate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tenant {
    /// Companies (each with one contact, one site and one management link).
    pub companies: usize,
    /// Catalog items (of one product type, in one category and sub-category).
    pub catalog: usize,
    /// Agreements per company.
    pub agreements: usize,
    /// Additions per agreement (products taken round-robin from the catalog).
    pub additions: usize,
}

impl FromStr for Tenant {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut tenant = Tenant::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part.split_once('=').ok_or_else(|| {
                format!("`{part}` is not KEY=N (keys: companies, catalog, agreements, additions)")
            })?;
            let n: usize = value
                .trim()
                .parse()
                .map_err(|_| format!("`{value}` is not a count"))?;
            match key.trim() {
                "companies" => tenant.companies = n,
                "catalog" => tenant.catalog = n,
                "agreements" => tenant.agreements = n,
                "additions" => tenant.additions = n,
                other => {
                    return Err(format!(
                        "unknown key `{other}` (keys: companies, catalog, agreements, additions)"
                    ));
                }
            }
        }
        Ok(tenant)
    }
}

const WHEN: &str = "2024-01-01T00:00:00Z";

/// Add the tenant's records to `data`.
pub(crate) fn fill(data: &mut Data, tenant: &Tenant) {
    let info = || RowInfo::new(WHEN, API_MEMBER);
    let solution = data.insert(
        "managementItSolutions",
        None,
        object(json!({ "name": "Generated", "managementItSolutionType": "Custom", "managementSolutionName": "Generated" })),
        info(),
    );
    let product_type = data.insert(
        "productTypes",
        None,
        object(json!({ "name": "Generated_Services" })),
        info(),
    );
    let category = data.insert(
        "categories",
        None,
        object(json!({ "name": "Generated" })),
        info(),
    );
    let subcategory = data.insert(
        "subcategories",
        Some(category),
        object(json!({ "name": "Generated", "category": id_ref(category) })),
        info(),
    );
    let agreement_type = data.insert(
        "agreementTypes",
        None,
        object(json!({
            "name": "Generated", "employeeCompRate": "Actual", "employeeCompNotExceed": "Billing",
            "invoicingCycle": "ContractYear", "billTime": "Billable", "billExpenses": "Billable", "billProducts": "Billable"
        })),
        info(),
    );
    let products: Vec<i64> = (1..=tenant.catalog)
        .map(|i| {
            let cost = 1.0 + f64::from(u32::try_from(i % 50).unwrap_or(0)) / 4.0;
            data.insert(
                "catalog",
                None,
                object(json!({
                    "identifier": format!("GEN{i:06}R_{cost}"), "description": format!("Generated product {i}"),
                    "customerDescription": format!("Generated product {i}"), "subcategory": id_ref(subcategory),
                    "category": id_ref(category), "type": id_ref(product_type), "productClass": "Service",
                    "cost": cost, "price": cost * 2.0, "recurringFlag": true
                })),
                info(),
            )
        })
        .collect();
    for c in 1..=tenant.companies {
        fill_company(
            data,
            tenant,
            c,
            &Ids {
                solution,
                agreement_type,
                products: &products,
            },
        );
    }
}

struct Ids<'a> {
    solution: i64,
    agreement_type: i64,
    products: &'a [i64],
}

fn fill_company(data: &mut Data, tenant: &Tenant, c: usize, ids: &Ids<'_>) {
    let info = || RowInfo::new(WHEN, API_MEMBER);
    let company = data.insert(
        "companies",
        None,
        object(json!({
            "identifier": format!("Gen{c:06}"), "name": format!("Generated Company {c}"), "status": id_ref(1),
            "city": "Austin", "state": "TX", "zip": "78701", "country": id_ref(1), "deletedFlag": false
        })),
        info(),
    );
    data.insert(
        "typeAssociations",
        Some(company),
        object(json!({ "company": id_ref(company), "type": id_ref(1) })),
        info(),
    );
    data.insert(
        "sites",
        Some(company),
        object(json!({ "name": "Main", "company": id_ref(company), "city": "Austin" })),
        info(),
    );
    data.insert(
        "managementSummaryReports",
        Some(company),
        object(json!({ "groupIdentifier": format!("{}", 1_000_000 + c), "managementSolution": id_ref(ids.solution), "company": id_ref(company) })),
        info(),
    );
    let contact = data.insert(
        "contacts",
        None,
        object(json!({ "firstName": "Pat", "lastName": format!("Generated{c}"), "company": id_ref(company) })),
        info(),
    );
    for a in 1..=tenant.agreements {
        let agreement = data.insert(
            "agreements",
            None,
            object(json!({
                "name": format!("Generated - {c} - {a}"), "type": id_ref(ids.agreement_type), "company": id_ref(company),
                "contact": id_ref(contact), "startDate": WHEN, "employeeCompRate": "Actual", "invoicingCycle": "ContractYear",
                "billTime": "Billable", "billExpenses": "Billable", "billProducts": "Billable", "agreementStatus": "Active"
            })),
            info(),
        );
        for n in 0..tenant.additions {
            let Some(&product) = ids.products.get((c + a + n) % ids.products.len().max(1)) else {
                break;
            };
            data.insert(
                "additions",
                Some(agreement),
                object(json!({
                    "product": id_ref(product), "billCustomer": "Billable", "quantity": f64::from(u32::try_from(n % 40 + 1).unwrap_or(1)),
                    "effectiveDate": WHEN, "agreementId": agreement, "agreementStatus": "Active"
                })),
                info(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_spec() {
        let t: Tenant = "companies=10, catalog=3,agreements=1,additions=2"
            .parse()
            .unwrap();
        assert_eq!(
            t,
            Tenant {
                companies: 10,
                catalog: 3,
                agreements: 1,
                additions: 2
            }
        );
        assert!("companies".parse::<Tenant>().is_err());
        assert!("people=3".parse::<Tenant>().is_err());
    }

    #[test]
    fn generates_the_requested_counts() {
        let mut data = Data::empty();
        fill(
            &mut data,
            &"companies=4,catalog=3,agreements=2,additions=5"
                .parse()
                .unwrap(),
        );
        assert_eq!(data.rows("companies").count(), 4);
        assert_eq!(data.rows("catalog").count(), 3);
        assert_eq!(data.rows("agreements").count(), 8);
        assert_eq!(data.rows("additions").count(), 40);
    }
}
