//! The merged configuration: every file's sections combined into one [`Config`].
//!
//! Owns the merge rule: lists concatenate in file order; a singleton section (`integration`,
//! `policy`, `connection`, `setup.api_member`) may be written in one file only, and a second one is a
//! problem naming both places. Each item remembers the file it came from, so later checks can point
//! at it.

use std::sync::Arc;

use super::error::{Problem, SourceFile};
use super::model::{
    AgreementType, ApiMember, Billing, Company, ConfigFile, Connection, Integration,
    ManagedDevicesIntegration, ManagementItSolution, NamedRow, Policy, Product, ProductType,
    SubCategory,
};
use super::span::Spanned;

/// A configuration item and the file it was written in (`None` for a default).
#[derive(Debug, Clone)]
pub struct Placed<T> {
    /// The file, for diagnostics.
    pub source: Option<Arc<SourceFile>>,
    /// The item and its place in the file.
    pub item: Spanned<T>,
}

impl<T> Placed<T> {
    fn new(source: &Arc<SourceFile>, item: Spanned<T>) -> Placed<T> {
        Placed {
            source: Some(Arc::clone(source)),
            item,
        }
    }

    fn default_value(value: T) -> Placed<T> {
        Placed {
            source: None,
            item: Spanned::unwritten(value),
        }
    }
}

/// Where an item was written does not change what it means.
impl<T: PartialEq> PartialEq for Placed<T> {
    fn eq(&self, other: &Self) -> bool {
        self.item == other.item
    }
}

/// Setup tables from every file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SetupRows {
    /// Product types.
    pub product_types: Vec<Placed<ProductType>>,
    /// Agreement types.
    pub agreement_types: Vec<Placed<AgreementType>>,
    /// Units of measure.
    pub units_of_measure: Vec<Placed<NamedRow>>,
    /// Product categories.
    pub categories: Vec<Placed<NamedRow>>,
    /// Product sub-categories.
    pub subcategories: Vec<Placed<SubCategory>>,
    /// Management IT solutions.
    pub management_it_solutions: Vec<Placed<ManagementItSolution>>,
    /// Managed Devices Integrations.
    pub managed_devices_integrations: Vec<Placed<ManagedDevicesIntegration>>,
    /// The integration's API member, when declared.
    pub api_member: Option<Placed<ApiMember>>,
}

/// The whole desired configuration, merged from every file and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The integration's conventions (defaults when no file declares them).
    pub integration: Placed<Integration>,
    /// Policies and safety rails.
    pub policy: Placed<Policy>,
    /// Where ConnectWise is (resolved against the environment by `credentials`).
    pub connection: Placed<Connection>,
    /// Setup tables.
    pub setup: SetupRows,
    /// Billable items.
    pub products: Vec<Placed<Product>>,
    /// Customers.
    pub companies: Vec<Placed<Company>>,
    /// Vendor export profiles.
    pub profiles: Vec<Placed<super::profile::ExportProfile>>,
    /// How many files were read.
    pub file_count: usize,
}

impl Config {
    /// Let go of every file's text, kept until now so that a problem could be shown in place.
    ///
    /// For commands that are done with the configuration's diagnostics once it has loaded (`plan`,
    /// `apply`): at 50,000 company files the masked texts and their line tables are about 40 MB that
    /// would otherwise stay resident through the read and the diff (issue 13). Positions (spans)
    /// stay; only the text to quote at them goes. `import` keeps the texts: it edits files at them.
    pub fn release_source_texts(&mut self) {
        fn release<T>(items: &mut [Placed<T>]) {
            for item in items {
                item.source = None;
            }
        }
        let setup = &mut self.setup;
        release(&mut setup.product_types);
        release(&mut setup.agreement_types);
        release(&mut setup.units_of_measure);
        release(&mut setup.categories);
        release(&mut setup.subcategories);
        release(&mut setup.management_it_solutions);
        release(&mut setup.managed_devices_integrations);
        release(setup.api_member.as_mut_slice());
        release(std::slice::from_mut(&mut self.integration));
        release(std::slice::from_mut(&mut self.policy));
        release(std::slice::from_mut(&mut self.connection));
        release(&mut self.products);
        release(&mut self.companies);
    }

    /// The catalog identifier of a product under the integration's rule: `MXS10C01SUNR_7.25`.
    pub fn catalog_identifier(&self, product: &Product) -> String {
        self.item_identifier(&product.sku, product.unit_cost.value)
    }

    /// The catalog identifier of the item a vendor sells as `sku` at `unit_cost`.
    pub fn item_identifier(&self, sku: &str, unit_cost: crate::model::Money) -> String {
        catalog_identifier(
            &self.integration.item.identifier_format,
            sku,
            &unit_cost.render_cost(),
        )
    }

    /// Whether the declared product with this catalog identifier bills once (a setup fee). Vendors'
    /// billing reports list recurring items only, so a one-time item is never in an export.
    pub fn is_one_time(&self, identifier: &str) -> bool {
        let wanted = crate::model::fold_name(identifier);
        self.products.iter().any(|p| {
            crate::model::fold_name(&self.catalog_identifier(&p.item)) == wanted
                && Config::billing(&p.item) == Some(Billing::OneTime)
        })
    }

    /// Whether a product bills every cycle or once: as declared, else by the SKU's last letter.
    pub fn billing(product: &Product) -> Option<Billing> {
        product.billing.as_ref().map(|b| b.value).or_else(|| {
            match product
                .sku
                .trim()
                .chars()
                .last()
                .map(|c| c.to_ascii_uppercase())
            {
                Some('R') => Some(Billing::Recurring),
                Some('O') => Some(Billing::OneTime),
                _ => None,
            }
        })
    }

    /// A one-line account of what the configuration declares.
    pub fn summary(&self) -> String {
        let setup = &self.setup;
        let setup_rows = setup.product_types.len()
            + setup.agreement_types.len()
            + setup.units_of_measure.len()
            + setup.categories.len()
            + setup.subcategories.len()
            + setup.management_it_solutions.len()
            + setup.managed_devices_integrations.len()
            + usize::from(setup.api_member.is_some());
        let agreements: Vec<_> = self
            .companies
            .iter()
            .filter_map(|c| c.item.agreement.as_ref())
            .collect();
        let additions: usize = agreements.iter().map(|a| a.additions.len()).sum();
        let additions = count(additions, "addition", "additions");
        format!(
            "{}, {}, {}, {}, {} with {additions}",
            count(self.file_count, "file", "files"),
            count(setup_rows, "setup row", "setup rows"),
            count(self.products.len(), "product", "products"),
            count(self.companies.len(), "company", "companies"),
            count(agreements.len(), "agreement", "agreements"),
        )
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Apply an identifier rule such as `{sku}_{unit_cost}`.
pub fn catalog_identifier(format: &str, sku: &str, unit_cost: &str) -> String {
    format
        .replace("{sku}", sku.trim())
        .replace("{unit_cost}", unit_cost)
}

/// Merges parsed files, in order, into one configuration, one file at a time: each file is moved
/// in as soon as it is parsed, so the parsed files are never all held beside the merged lists (at
/// 50,000 company files that was a second copy of every company, issue 13). Problems are singleton
/// sections written more than once.
#[derive(Default)]
pub(crate) struct Merger {
    problems: Vec<Problem>,
    integration: Option<Placed<Integration>>,
    policy: Option<Placed<Policy>>,
    connection: Option<Placed<Connection>>,
    api_member: Option<Placed<ApiMember>>,
    setup: SetupRows,
    products: Vec<Placed<Product>>,
    companies: Vec<Placed<Company>>,
    profiles: Vec<Placed<super::profile::ExportProfile>>,
    file_count: usize,
}

impl Merger {
    /// Move one parsed file in.
    pub(crate) fn add(&mut self, source: &Arc<SourceFile>, file: ConfigFile) {
        let problems = &mut self.problems;
        self.file_count += 1;
        set_once(
            &mut self.integration,
            file.integration.map(placed(source)),
            "integration",
            problems,
        );
        set_once(
            &mut self.policy,
            file.policy.map(placed(source)),
            "policy",
            problems,
        );
        set_once(
            &mut self.connection,
            file.connection.map(placed(source)),
            "connection",
            problems,
        );
        let s = file.setup;
        set_once(
            &mut self.api_member,
            s.api_member.map(placed(source)),
            "setup.api_member",
            problems,
        );
        // Each setup list of the file is appended, in the file's order, to the merged one.
        macro_rules! append {
            ($($list:ident),*) => {$(
                self.setup.$list.extend(s.$list.into_iter().map(placed(source)));
            )*};
        }
        append!(
            product_types,
            agreement_types,
            units_of_measure,
            categories,
            subcategories,
            management_it_solutions,
            managed_devices_integrations
        );
        self.products
            .extend(file.products.into_iter().map(placed(source)));
        self.companies
            .extend(file.companies.into_iter().map(|mut company| {
                // A list parsed from YAML keeps the capacity it grew to (16 for 10 additions); the
                // configuration lives for the whole run, so it keeps only what it holds.
                if let Some(agreement) = &mut company.value.agreement {
                    agreement.value.additions.shrink_to_fit();
                }
                Placed::new(source, company)
            }));
        self.profiles
            .extend(file.profiles.into_iter().map(placed(source)));
    }

    /// The merged configuration and the problems merging found.
    pub(crate) fn finish(self) -> (Config, Vec<Problem>) {
        let mut setup = self.setup;
        setup.api_member = self.api_member;
        let config = Config {
            integration: self
                .integration
                .unwrap_or_else(|| Placed::default_value(Integration::default())),
            policy: self
                .policy
                .unwrap_or_else(|| Placed::default_value(Policy::default())),
            connection: self
                .connection
                .unwrap_or_else(|| Placed::default_value(Connection::default())),
            setup,
            products: self.products,
            companies: self.companies,
            profiles: self.profiles,
            file_count: self.file_count,
        };
        (config, self.problems)
    }
}

/// Place each item of one file in it.
fn placed<T>(source: &Arc<SourceFile>) -> impl Fn(Spanned<T>) -> Placed<T> + '_ {
    move |item| Placed::new(source, item)
}

/// Keep the first definition of a singleton section; report a second one with both places.
fn set_once<T>(
    slot: &mut Option<Placed<T>>,
    next: Option<Placed<T>>,
    section: &str,
    problems: &mut Vec<Problem>,
) {
    let Some(next) = next else { return };
    match slot {
        None => *slot = Some(next),
        Some(first) => problems.push(
            Problem::new(
                "duplicate",
                format!("`{section}` is defined more than once"),
            )
            .at_opt(next.source.as_ref(), next.item.span, "defined again here")
            .at_opt(first.source.as_ref(), first.item.span, "first defined here")
            .help(format!(
                "keep one `{section}` section across all files and merge the other into it"
            )),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::catalog_identifier;

    #[test]
    fn identifier_rule_fills_both_placeholders() {
        assert_eq!(
            catalog_identifier("{sku}_{unit_cost}", "MXS10C01SUNR", "7.25"),
            "MXS10C01SUNR_7.25"
        );
        assert_eq!(catalog_identifier("{sku}-{unit_cost}", " X ", "0"), "X-0");
    }

    /// Every file's text is freed once released: no item still holds its file, whichever section
    /// the file declared.
    #[test]
    fn releasing_the_texts_leaves_no_file_held() {
        let setup = "setup:\n  product_types: [{ name: T }]\n  agreement_types: [{ name: A }]\n  units_of_measure: [{ name: U }]\n  categories: [{ name: C }]\n  subcategories: [{ name: S, category: C }]\n";
        let rest = "integration: { name: X, product_type: T, agreement_type: A, unit_of_measure: U, category: C, subcategory: S }\npolicy: {}\nproducts:\n  - { sku: A1R, unit_cost: 1, retail_price: 2, description: a }\ncompanies:\n  - account: '1'\n    identifier: A\n    agreement: { name: N, start_date: 2026-01-01, additions: [{ product: A1R_1, quantity: 1 }] }\n";
        let mut config = crate::config::load_texts([("setup.yaml", setup), ("rest.yaml", rest)])
            .expect("a valid configuration");
        assert!(config.companies[0].source.is_some(), "loaded with its file");
        let file = std::sync::Arc::downgrade(
            config.companies[0]
                .source
                .as_ref()
                .expect("loaded with its file"),
        );
        config.release_source_texts();
        assert!(file.upgrade().is_none(), "rest.yaml is still held");
        assert!(config.setup.categories.iter().all(|c| c.source.is_none()));
        assert!(config.integration.source.is_none() && config.policy.source.is_none());
    }
}
