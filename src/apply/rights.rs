//! The security-role right a write needs: which module › function of ConnectWise's role screen, at
//! which level, for the endpoint a refused (403) request went to.
//!
//! Owns finding the right for a request path, so that a 403 names the right to grant instead of
//! leaving a person to guess: each kind's table (`crate::live::records`, [`Table::right`]) says the
//! role screen's module › function its writes need, and this module adds the level for the method.
//! The rights follow docs/getting-started.md §2 ("Create a security role for cwrecon"), whose
//! module names come from ConnectWise's role screen and other integrations' documentation; neither
//! API-NOTES.md nor the `OpenAPI` files state them, so each is UNVERIFIED against a live tenant
//! (ConnectWise renames them now and then). Refuses to guess: a path under no table, or under one
//! with no right, is named as such, with a pointer to that guide.

use std::fmt;

use reqwest::Method;

use crate::live::Table;
use crate::live::records::TABLES;

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
    /// The right a `method` request to `path` (below the API base) needs: that of the table whose
    /// path `path` is, or is below, matching the most segments (agreement types before agreements,
    /// additions before agreements).
    pub fn for_request(method: &Method, path: &str) -> Right {
        let area = TABLES
            .iter()
            .filter_map(|table| Some((depth_under(path, table)?, table)))
            .max_by_key(|(depth, _)| *depth)
            .and_then(|(_, table)| table.right);
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

/// How many segments of `table`'s path `path` starts with, when it is that path or below it
/// (segment by segment: `/company/companiesX` is not below `/company/companies`; a child table's
/// `{parentId}` matches a record id).
fn depth_under(path: &str, table: &Table) -> Option<usize> {
    let mut segments = path.trim_matches('/').split('/');
    let mut depth = 0;
    for wanted in table.path.trim_matches('/').split('/') {
        let segment = segments.next()?;
        let matches = if wanted == "{parentId}" {
            !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit())
        } else {
            segment == wanted
        };
        if !matches {
            return None;
        }
        depth += 1;
    }
    Some(depth)
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
                Method::PATCH,
                "/finance/agreements/4/additions/9",
                "Finance › Agreements (Edit: All)",
            ),
            (
                Method::GET,
                "/company/companies/statuses/count",
                "Companies › Company Maintenance (Inquire: All)",
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
        for table in TABLES {
            if let Some(area) = table.right {
                assert!(
                    guide.contains(&format!("| {area} |")),
                    "{}: `{area}` is not in docs/getting-started.md's table of rights",
                    table.path
                );
            }
        }
    }

    #[test]
    fn a_path_the_table_does_not_list_is_named_as_such_not_guessed() {
        let right = Right::for_request(&Method::POST, "/company/companiesX");
        assert_eq!(right.area, None);
        for unlisted in ["/company/countries", "/procurement/products"] {
            assert_eq!(
                Right::for_request(&Method::GET, unlisted).area,
                None,
                "{unlisted}"
            );
        }
        assert!(
            right
                .to_string()
                .starts_with("the Add right for this endpoint"),
            "{right}"
        );
    }
}
