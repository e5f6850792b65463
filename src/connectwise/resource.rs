//! `Resource`: what a typed record type tells the client about where it lives.
//!
//! Owns the mapping from a record type to its collection path and its counting kind. A child
//! resource (additions of an agreement) has `Parent = i32` and a `{parentId}` in its path; a top-level
//! one has `Parent = ()`. Refuses to know about HTTP: paths only.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A ConnectWise record type with a collection endpoint.
pub trait Resource: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The name requests are counted and described under: `companies`, `additions`.
    const KIND: &'static str;
    /// The collection path below the base URL; child resources contain `{parentId}`.
    const PATH: &'static str;
    /// `()` for top-level resources, `i32` (the parent's id) for child resources.
    type Parent: ParentId;

    /// The collection path for a parent.
    fn collection_path(parent: Self::Parent) -> String {
        parent.fill(Self::PATH)
    }
}

/// The parent of a resource: nothing, or a parent record's id.
pub trait ParentId: Copy + Send + Sync + 'static {
    /// Put the parent id into a path template.
    fn fill(self, template: &str) -> String;
}

impl ParentId for () {
    fn fill(self, template: &str) -> String {
        template.to_owned()
    }
}

impl ParentId for i32 {
    fn fill(self, template: &str) -> String {
        template.replace("{parentId}", &self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::Resource;
    use crate::connectwise::types::{Addition, Company, CompanyManagementSummary, SubCategory};

    #[test]
    fn paths() {
        assert_eq!(Company::collection_path(()), "/company/companies");
        assert_eq!(
            Addition::collection_path(17),
            "/finance/agreements/17/additions"
        );
        assert_eq!(
            CompanyManagementSummary::collection_path(250),
            "/company/companies/250/managementSummaryReports"
        );
        assert_eq!(
            SubCategory::collection_path(()),
            "/procurement/subcategories/"
        );
        assert_eq!(Addition::KIND, "additions");
    }
}
