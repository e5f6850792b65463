//! The resource table: every path the simulator serves, the model behind it, where its records live,
//! how its parent is linked, which methods it allows and which uniqueness rule it enforces.
//!
//! Owns routing data only (API-NOTES.md §2): which URL is which resource. It refuses to touch
//! records; [`super::store`] and [`super::rules`] do that.

/// How a reference schema maps to the records it points at.
#[derive(Debug)]
pub(crate) struct RefTarget {
    /// The reference schema, e.g. `CompanyReference`.
    pub(crate) schema: &'static str,
    /// The table its `id` indexes.
    pub(crate) table: &'static str,
}

/// Where a resource's records live and how they link to a parent record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owner {
    /// A top-level table.
    None,
    /// Records belong to a parent in `table`; `field` (if any) is the reference or id field that
    /// names the parent in the body, e.g. `company` on a site or `agreementId` on an addition.
    Parent {
        /// The parent's table.
        table: &'static str,
        /// The field that names the parent.
        field: Option<&'static str>,
        /// Whether the parent comes from the path (`{parentId}`) rather than the body.
        from_path: bool,
    },
}

/// Which duplicates a resource refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unique {
    /// No rule.
    None,
    /// `field` is unique (case-insensitive) across the table.
    Field(&'static str),
    /// `field` is unique (case-insensitive) among records of the same parent.
    FieldPerParent(&'static str),
    /// The pair of reference ids is unique (type associations).
    Pair(&'static str, &'static str),
}

/// One served resource.
#[derive(Debug)]
pub(crate) struct Resource {
    /// A short stable key (used by the admin API, state files and bundles).
    pub(crate) key: &'static str,
    /// The collection path below the API base, with `{parentId}` where a parent id goes. A trailing
    /// slash is part of the path (API-NOTES.md §1.10).
    pub(crate) path: &'static str,
    /// The model name in [`super::models`].
    pub(crate) model: &'static str,
    /// The table its records live in (two resources can share one, e.g. flat and nested sub-categories).
    pub(crate) table: &'static str,
    /// How it links to a parent.
    pub(crate) owner: Owner,
    /// Whether `DELETE /{id}` exists (members and API members have none, API-NOTES.md §2.7).
    pub(crate) delete: bool,
    /// Which duplicates it refuses.
    pub(crate) unique: Unique,
}

const fn top(
    key: &'static str,
    path: &'static str,
    model: &'static str,
    unique: Unique,
) -> Resource {
    Resource {
        key,
        path,
        model,
        table: key,
        owner: Owner::None,
        delete: true,
        unique,
    }
}

const fn child(
    key: &'static str,
    path: &'static str,
    model: &'static str,
    parent: &'static str,
    field: Option<&'static str>,
) -> Resource {
    Resource {
        key,
        path,
        model,
        table: key,
        owner: Owner::Parent {
            table: parent,
            field,
            from_path: true,
        },
        delete: true,
        unique: Unique::None,
    }
}

/// Every resource the simulator serves.
pub(crate) static RESOURCES: &[Resource] = &[
    top(
        "companies",
        "/company/companies",
        "Company",
        Unique::Field("identifier"),
    ),
    top(
        "companyStatuses",
        "/company/companies/statuses",
        "CompanyStatus",
        Unique::Field("name"),
    ),
    top(
        "companyTypes",
        "/company/companies/types",
        "CompanyType",
        Unique::Field("name"),
    ),
    Resource {
        unique: Unique::Pair("company", "type"),
        ..child(
            "typeAssociations",
            "/company/companies/{parentId}/typeAssociations",
            "CompanyCompanyTypeAssociation",
            "companies",
            Some("company"),
        )
    },
    Resource {
        key: "companyTypeAssociations",
        path: "/company/companyTypeAssociations",
        model: "CompanyCompanyTypeAssociation",
        table: "typeAssociations",
        owner: Owner::Parent {
            table: "companies",
            field: Some("company"),
            from_path: false,
        },
        delete: true,
        unique: Unique::Pair("company", "type"),
    },
    top(
        "countries",
        "/company/countries",
        "Country",
        Unique::Field("name"),
    ),
    child(
        "sites",
        "/company/companies/{parentId}/sites",
        "CompanySite",
        "companies",
        Some("company"),
    ),
    child(
        "managementSummaryReports",
        "/company/companies/{parentId}/managementSummaryReports",
        "CompanyManagementSummary",
        "companies",
        Some("company"),
    ),
    top("contacts", "/company/contacts", "Contact", Unique::None),
    top(
        "managementItSolutions",
        "/company/managementItSolutions",
        "ManagementItSolution",
        Unique::Field("name"),
    ),
    child(
        "managementProducts",
        "/company/managementItSolutions/{parentId}/managementProducts",
        "ManagementItSolutionAgreementInterfaceParameter",
        "managementItSolutions",
        None,
    ),
    top(
        "managedDevicesIntegrations",
        "/company/managedDevicesIntegrations",
        "ManagedDevicesIntegration",
        Unique::Field("name"),
    ),
    child(
        "crossReferences",
        "/company/managedDevicesIntegrations/{parentId}/crossReferences",
        "ManagedDevicesIntegrationCrossReference",
        "managedDevicesIntegrations",
        Some("managedDevicesIntegration"),
    ),
    child(
        "managedDevicesIntegrationLogins",
        "/company/managedDevicesIntegrations/{parentId}/logins",
        "ManagedDevicesIntegrationLogin",
        "managedDevicesIntegrations",
        Some("managedDevicesIntegration"),
    ),
    // UNVERIFIED: catalog identifiers unique (API-NOTES.md §2.5 does not say); the stricter choice.
    top(
        "catalog",
        "/procurement/catalog",
        "CatalogItem",
        Unique::Field("identifier"),
    ),
    top(
        "productTypes",
        "/procurement/types",
        "ProductType",
        Unique::Field("name"),
    ),
    top(
        "unitOfMeasures",
        "/procurement/unitOfMeasures",
        "UnitOfMeasure",
        Unique::Field("name"),
    ),
    top(
        "categories",
        "/procurement/categories",
        "Category",
        Unique::Field("name"),
    ),
    Resource {
        key: "subcategories",
        path: "/procurement/subcategories/",
        model: "SubCategory",
        table: "subcategories",
        owner: Owner::Parent {
            table: "categories",
            field: Some("category"),
            from_path: false,
        },
        delete: true,
        unique: Unique::FieldPerParent("name"),
    },
    Resource {
        key: "legacySubcategories",
        path: "/procurement/categories/{parentId}/subcategories/",
        model: "LegacySubCategory",
        table: "subcategories",
        owner: Owner::Parent {
            table: "categories",
            field: Some("category"),
            from_path: true,
        },
        delete: true,
        unique: Unique::FieldPerParent("name"),
    },
    top(
        "agreements",
        "/finance/agreements",
        "Agreement",
        Unique::None,
    ),
    top(
        "agreementTypes",
        "/finance/agreements/types",
        "AgreementType",
        Unique::Field("name"),
    ),
    child(
        "additions",
        "/finance/agreements/{parentId}/additions",
        "Addition",
        "agreements",
        Some("agreementId"),
    ),
    Resource {
        delete: false,
        ..top(
            "apiMembers",
            "/system/apiMembers",
            "ApiMember",
            Unique::Field("identifier"),
        )
    },
    Resource {
        delete: false,
        ..top(
            "members",
            "/system/members",
            "Member",
            Unique::Field("identifier"),
        )
    },
    top(
        "integratorLogins",
        "/system/integratorlogins",
        "IntegratorLogin",
        Unique::Field("username"),
    ),
];

/// Which table each simulated reference points into. References not listed here (SLA, currency,
/// locations, …) are stored as given: the simulator has no such records to check them against.
pub(crate) static REF_TARGETS: &[RefTarget] = &[
    RefTarget {
        schema: "CompanyReference",
        table: "companies",
    },
    RefTarget {
        schema: "CompanyStatusReference",
        table: "companyStatuses",
    },
    RefTarget {
        schema: "CompanyTypeReference",
        table: "companyTypes",
    },
    RefTarget {
        schema: "CountryReference",
        table: "countries",
    },
    RefTarget {
        schema: "SiteReference",
        table: "sites",
    },
    RefTarget {
        schema: "ContactReference",
        table: "contacts",
    },
    RefTarget {
        schema: "ManagementSolutionReference",
        table: "managementItSolutions",
    },
    RefTarget {
        schema: "ManagedDevicesIntegrationReference",
        table: "managedDevicesIntegrations",
    },
    RefTarget {
        schema: "AgreementReference",
        table: "agreements",
    },
    RefTarget {
        schema: "AgreementTypeReference",
        table: "agreementTypes",
    },
    RefTarget {
        schema: "IvItemReference",
        table: "catalog",
    },
    RefTarget {
        schema: "ProductTypeReference",
        table: "productTypes",
    },
    RefTarget {
        schema: "UnitOfMeasureReference",
        table: "unitOfMeasures",
    },
    RefTarget {
        schema: "ProductCategoryReference",
        table: "categories",
    },
    RefTarget {
        schema: "ProductSubCategoryReference",
        table: "subcategories",
    },
    RefTarget {
        schema: "MemberReference",
        table: "members",
    },
    RefTarget {
        schema: "IntegratorLoginReference",
        table: "integratorLogins",
    },
];

impl Resource {
    /// The resource that owns `table` (the first one listed, i.e. the flat or canonical form).
    pub(crate) fn for_table(table: &str) -> &'static Resource {
        RESOURCES
            .iter()
            .find(|r| r.table == table)
            .expect("invariant: every table has a resource")
    }

    /// The collection path for a parent id, e.g. `/finance/agreements/7/additions`.
    pub(crate) fn collection_path(&self, parent: Option<i64>) -> String {
        match parent {
            Some(p) => self.path.replace("{parentId}", &p.to_string()),
            None => self.path.to_owned(),
        }
    }

    /// The item path, e.g. `/procurement/subcategories/3` (no doubled slash).
    pub(crate) fn item_path(&self, parent: Option<i64>, id: i64) -> String {
        let base = self.collection_path(parent);
        format!("{}/{id}", base.trim_end_matches('/'))
    }

    /// Whether this resource takes its parent from the path.
    pub(crate) fn parent_from_path(&self) -> bool {
        matches!(
            self.owner,
            Owner::Parent {
                from_path: true,
                ..
            }
        )
    }
}

/// The table a reference schema points into, if the simulator keeps such records.
pub(crate) fn ref_table(schema: &str) -> Option<&'static str> {
    REF_TARGETS
        .iter()
        .find(|t| t.schema == schema)
        .map(|t| t.table)
}

/// Which part of a resource a request addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// The list (`GET`, `POST`).
    Collection,
    /// `/count`.
    Count,
    /// `/{id}`.
    Item(i64),
}

/// A request path resolved against the table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Route {
    /// The resource.
    pub(crate) resource: &'static Resource,
    /// The parent id from the path, for nested resources.
    pub(crate) parent: Option<i64>,
    /// What it addresses.
    pub(crate) target: Target,
}

/// Resolve a path below the API base (e.g. `/company/companies/5`) to a resource.
pub(crate) fn route(path: &str) -> Option<Route> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    RESOURCES.iter().find_map(|r| match_resource(r, &segments))
}

fn match_resource(resource: &'static Resource, segments: &[&str]) -> Option<Route> {
    let template: Vec<&str> = resource.path.trim_start_matches('/').split('/').collect();
    // API-NOTES.md §1.10: whether servers accept a path without the spec's trailing slash (or with
    // one the spec lacks) is UNVERIFIED, so only the spec's exact form is served (the stricter choice).
    // The collection keeps the template's trailing slash (an empty last segment); /count and /{id}
    // hang off the path without it.
    let stem: &[&str] = template.strip_suffix(&[""]).unwrap_or(&template);
    if let Some(Captured(parent)) = match_template(&template, segments) {
        return Some(Route {
            resource,
            parent,
            target: Target::Collection,
        });
    }
    let (last, rest) = segments.split_last()?;
    let Captured(parent) = match_template(stem, rest)?;
    let target = if *last == "count" {
        Target::Count
    } else {
        Target::Item(parse_id(last)?)
    };
    Some(Route {
        resource,
        parent,
        target,
    })
}

/// Match literal segments (case-insensitively, as ASP.NET routes do) and capture `{parentId}`.
fn match_template(template: &[&str], segments: &[&str]) -> Option<Captured> {
    if template.len() != segments.len() {
        return None;
    }
    let mut parent = Captured(None);
    for (t, s) in template.iter().zip(segments) {
        if *t == "{parentId}" {
            parent = Captured(Some(parse_id(s)?));
        } else if !t.eq_ignore_ascii_case(s) {
            return None;
        }
    }
    Some(parent)
}

/// The parent id a matched template captured, if it has `{parentId}`.
struct Captured(Option<i64>);

fn parse_id(segment: &str) -> Option<i64> {
    segment.parse::<i64>().ok().filter(|id| *id > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(path: &str) -> Option<(&'static str, Option<i64>, Target)> {
        route(path).map(|r| (r.resource.key, r.parent, r.target))
    }

    #[test]
    fn literal_paths_win_over_ids() {
        assert_eq!(
            key("/company/companies/types/3"),
            Some(("companyTypes", None, Target::Item(3)))
        );
        assert_eq!(
            key("/company/companies/3"),
            Some(("companies", None, Target::Item(3)))
        );
        assert_eq!(
            key("/company/companies/count"),
            Some(("companies", None, Target::Count))
        );
        assert_eq!(
            key("/finance/agreements/types"),
            Some(("agreementTypes", None, Target::Collection))
        );
    }

    #[test]
    fn nested_paths_capture_the_parent() {
        assert_eq!(
            key("/finance/agreements/7/additions/9"),
            Some(("additions", Some(7), Target::Item(9)))
        );
        assert_eq!(
            key("/procurement/categories/2/subcategories/"),
            Some(("legacySubcategories", Some(2), Target::Collection))
        );
        assert_eq!(
            key("/procurement/categories/2/subcategories/count"),
            Some(("legacySubcategories", Some(2), Target::Count))
        );
    }

    #[test]
    fn trailing_slashes_are_exact() {
        // API-NOTES.md §1.10: the other forms are UNVERIFIED, so only the spec's form is served.
        assert_eq!(
            key("/procurement/subcategories/"),
            Some(("subcategories", None, Target::Collection))
        );
        assert_eq!(key("/procurement/subcategories"), None);
        assert_eq!(
            key("/procurement/subcategories/4"),
            Some(("subcategories", None, Target::Item(4)))
        );
        assert_eq!(key("/company/companies/"), None);
    }

    #[test]
    fn every_table_has_a_resource_and_every_model_exists() {
        for r in RESOURCES {
            let _ = Resource::for_table(r.table);
            let _ = super::super::model::Model::named(r.model);
        }
        for t in REF_TARGETS {
            let _ = Resource::for_table(t.table);
        }
    }
}
