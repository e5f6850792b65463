//! The security-role right a write needs: which module › function of ConnectWise's role screen, at
//! which level, for the endpoint a refused (403) request went to.
//!
//! Owns the one table from resource path to role right, so that a 403 names the right to grant
//! instead of leaving a person to guess. The table follows docs/getting-started.md §2 ("Create a
//! security role for cwrecon"), whose module names come from ConnectWise's role screen and other
//! integrations' documentation; neither API-NOTES.md nor the `OpenAPI` files state them, so each row
//! is UNVERIFIED against a live tenant (ConnectWise renames them now and then). Refuses to guess: a
//! path with no row is named as such, with a pointer to that guide.

use std::fmt;

use reqwest::Method;

/// Resource path (below the API base) → the role screen's module › function. The first row whose
/// path is the request's path or a parent of it wins, so the more specific rows come first.
/// All rows from docs/getting-started.md §2; UNVERIFIED against ConnectWise (see the module doc).
const AREAS: [(&str, &str); 9] = [
    // Agreement types are a setup table, below the agreements' own path.
    ("/finance/agreements/types", "System › Table Setup"),
    // Agreements and their additions (`/finance/agreements/{id}/additions`).
    ("/finance/agreements", "Finance › Agreements"),
    ("/procurement/catalog", "Procurement › Product Catalog"),
    // Product types, units of measure, categories, sub-categories.
    ("/procurement", "System › Table Setup"),
    // Companies and their Manage ID links (`/company/companies/{id}/managementSummaryReports`).
    ("/company/companies", "Companies › Company Maintenance"),
    ("/company/contacts", "Companies › Contacts"),
    // Management IT solutions, which include the apply lock's own row.
    ("/company/managementItSolutions", "System › Table Setup"),
    // Managed Devices Integrations and their cross-references.
    (
        "/company/managedDevicesIntegrations",
        "System › Table Setup",
    ),
    ("/system/apiMembers", "System › Member Maintenance"),
];

/// The right a request needs: the role screen's module › function (when the table knows the path)
/// and the level for the request's method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Right {
    /// `Finance › Agreements`; `None` for a path the table does not list.
    pub area: Option<&'static str>,
    /// `Inquire`, `Add`, `Edit` or `Delete`.
    pub level: &'static str,
}

impl Right {
    /// The right a `method` request to `path` (below the API base) needs.
    pub fn for_request(method: &Method, path: &str) -> Right {
        let area = AREAS
            .iter()
            .find(|(prefix, _)| is_under(path, prefix))
            .map(|(_, area)| *area);
        Right {
            area,
            level: level(method),
        }
    }

    /// The right a failed request needed; an error that names no request (never a 403) gets a right
    /// the table does not list.
    pub fn for_call(call: Option<&crate::connectwise::Call>) -> Right {
        match call {
            Some(call) => Right::for_request(&call.method, &call.path),
            None => Right {
                area: None,
                level: level(&Method::GET),
            },
        }
    }
}

/// `path` is `prefix` itself or below it (segment by segment: `/company/companiesX` is not below
/// `/company/companies`).
fn is_under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The role screen's level column for a method: reads are Inquire, creates Add, changes Edit.
fn level(method: &Method) -> &'static str {
    match *method {
        Method::POST => "Add",
        Method::PATCH | Method::PUT => "Edit",
        Method::DELETE => "Delete",
        _ => "Inquire",
    }
}

impl fmt::Display for Right {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.area {
            Some(area) => write!(f, "{area} ({}: All)", self.level),
            None => write!(
                f,
                "the {} right for this endpoint (cwrecon's table of rights does not list it; see docs/getting-started.md, step 2)",
                self.level
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_endpoint_apply_writes_names_the_role_area_of_the_setup_guide() {
        let cases = [
            (
                Method::POST,
                "/finance/agreements",
                "Finance › Agreements (Add: All)",
            ),
            (
                Method::POST,
                "/finance/agreements/12/additions",
                "Finance › Agreements (Add: All)",
            ),
            (
                Method::PATCH,
                "/finance/agreements/12",
                "Finance › Agreements (Edit: All)",
            ),
            (
                Method::POST,
                "/finance/agreements/types",
                "System › Table Setup (Add: All)",
            ),
            (
                Method::PATCH,
                "/procurement/catalog/7",
                "Procurement › Product Catalog (Edit: All)",
            ),
            (
                Method::POST,
                "/procurement/subcategories/",
                "System › Table Setup (Add: All)",
            ),
            (
                Method::POST,
                "/company/companies/3/managementSummaryReports",
                "Companies › Company Maintenance (Add: All)",
            ),
            (
                Method::POST,
                "/company/contacts",
                "Companies › Contacts (Add: All)",
            ),
            (
                Method::DELETE,
                "/company/managementItSolutions/9",
                "System › Table Setup (Delete: All)",
            ),
            (
                Method::POST,
                "/company/managedDevicesIntegrations/2/crossReferences",
                "System › Table Setup (Add: All)",
            ),
            (
                Method::GET,
                "/system/apiMembers",
                "System › Member Maintenance (Inquire: All)",
            ),
        ];
        for (method, path, shown) in cases {
            assert_eq!(
                Right::for_request(&method, path).to_string(),
                shown,
                "{method} {path}"
            );
        }
    }

    #[test]
    fn every_area_is_one_the_setup_guide_tells_a_person_to_grant() {
        let guide = include_str!("../../docs/getting-started.md");
        for (path, area) in AREAS {
            assert!(
                guide.contains(&format!("| {area} |")),
                "{path}: `{area}` is not in docs/getting-started.md's table of rights"
            );
        }
    }

    #[test]
    fn a_path_the_table_does_not_list_is_named_as_such_not_guessed() {
        let right = Right::for_request(&Method::POST, "/company/companiesX");
        assert_eq!(right.area, None);
        assert!(
            right
                .to_string()
                .starts_with("the Add right for this endpoint"),
            "{right}"
        );
    }
}
