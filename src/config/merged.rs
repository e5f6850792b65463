//! The merged configuration: every file's sections combined into one [`Config`].
//!
//! Owns the merge rule: lists concatenate in file order; a singleton section (`integration`,
//! `policy`, `connection`, `setup.api_member`) may be written in one file only, and a second one is a
//! problem naming both places. Each item remembers the file it came from, so later checks can point
//! at it.

use std::sync::Arc;

use super::error::{Problem, SourceFile};
use super::model::{
    Addition, Agreement, AgreementType, ApiMember, Billing, Company, ConfigFile, Connection,
    Integration, ManagedDevicesIntegration, ManagementItSolution, NamedRow, Placement, Policy,
    Product, ProductType, SubCategory,
};
use super::span::Spanned;
use crate::model::{AccountId, IntegrationId, fold_name};

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
    /// The integrations, in the order written: `integration` as a list of one, or `integrations`
    /// (Intermedia's defaults when no file declares either). Never empty; an [`IntegrationId`] is
    /// a position in it.
    pub integrations: Vec<Placed<Integration>>,
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

/// One company's dealings with one vendor, whichever way the configuration wrote them (the
/// one-vendor shorthand `account` + `agreement`, or an entry under `vendors`).
#[derive(Debug, Clone, Copy)]
pub struct VendorAccount<'a> {
    /// The vendor's integration.
    pub integration: IntegrationId,
    /// The company's account at the vendor.
    pub account: &'a Spanned<String>,
    /// The vendor's own agreement with the company.
    pub agreement: Option<&'a Spanned<Agreement>>,
    /// The vendor's additions on the company's shared agreement.
    pub shared_additions: Option<&'a [Spanned<Addition>]>,
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
        release(&mut self.integrations);
        release(std::slice::from_mut(&mut self.policy));
        release(std::slice::from_mut(&mut self.connection));
        release(&mut self.products);
        release(&mut self.companies);
    }

    /// The first integration: the only one of a one-vendor configuration, whose conventions the
    /// one-vendor commands (`import`, `reconcile`, `export`) use.
    ///
    /// # Panics
    ///
    /// Never: merging always yields at least one integration (the default when none is written).
    pub fn integration(&self) -> &Placed<Integration> {
        self.integrations
            .first()
            .expect("invariant: a merged configuration has at least one integration")
    }

    /// Whether the configuration declares more than one integration. A list of one is the
    /// singular shorthand: everything it does is what a one-vendor configuration does.
    pub fn is_multi_vendor(&self) -> bool {
        self.integrations.len() > 1
    }

    /// The integration with this id.
    pub fn integration_of(&self, id: IntegrationId) -> &Integration {
        self.integrations
            .get(id.index())
            .map_or(&self.integration().item.value, |p| &p.item.value)
    }

    /// The integration named `name` (case-insensitively).
    pub fn integration_named(&self, name: &str) -> Option<IntegrationId> {
        let wanted = fold_name(name);
        self.integrations
            .iter()
            .position(|i| fold_name(&i.item.name) == wanted)
            .and_then(IntegrationId::new)
    }

    /// Every integration with its id, in order.
    pub fn integration_ids(&self) -> impl Iterator<Item = (IntegrationId, &Integration)> {
        self.integrations
            .iter()
            .enumerate()
            .filter_map(|(i, p)| Some((IntegrationId::new(i)?, &p.item.value)))
    }

    /// The integration a product belongs to: the one it names, else the only one.
    pub fn product_integration(&self, product: &Product) -> Option<IntegrationId> {
        match &product.integration {
            Some(name) => self.integration_named(name),
            None if !self.is_multi_vendor() => IntegrationId::new(0),
            None => None,
        }
    }

    /// The catalog identifier of a product under its integration's rule: `MXS10C01SUNR_7.25`.
    pub fn catalog_identifier(&self, product: &Product) -> String {
        let integration = self
            .product_integration(product)
            .map_or(&self.integration().item.value, |id| self.integration_of(id));
        catalog_identifier(
            &integration.identifier_format,
            &product.sku,
            &product.unit_cost.value.render_cost(),
        )
    }

    /// The catalog identifier of the item vendor `integration` sells as `sku` at `unit_cost`, under
    /// that integration's rule.
    pub fn item_identifier(
        &self,
        integration: IntegrationId,
        sku: &str,
        unit_cost: crate::model::Money,
    ) -> String {
        catalog_identifier(
            &self.integration_of(integration).identifier_format,
            sku,
            &unit_cost.render_cost(),
        )
    }

    /// A company's vendors: the shorthand as the first integration's, else each `vendors` entry
    /// whose name is an integration's (validation refuses the others), in the order written.
    pub fn vendors_of<'a>(&self, company: &'a Company) -> Vec<VendorAccount<'a>> {
        let mut out = Vec::new();
        if !company.account.is_empty()
            && let Some(integration) = IntegrationId::new(0)
        {
            out.push(VendorAccount {
                integration,
                account: &company.account,
                agreement: company.agreement.as_deref(),
                shared_additions: None,
            });
        }
        for (name, vendor) in &company.vendors {
            let Some(integration) = self.integration_named(name) else {
                continue;
            };
            let shared = self.integration_of(integration).agreements == Placement::Shared;
            out.push(VendorAccount {
                integration,
                account: &vendor.account,
                agreement: vendor.agreement.as_deref().filter(|_| !shared),
                shared_additions: vendor.additions.as_deref().filter(|_| shared),
            });
        }
        out
    }

    /// A company's dealings with vendor `integration`, when it has an account there.
    pub fn vendor_account<'a>(
        &self,
        company: &'a Company,
        integration: IntegrationId,
    ) -> Option<VendorAccount<'a>> {
        self.vendors_of(company)
            .into_iter()
            .find(|v| v.integration == integration)
    }

    /// The key of a company's link to one vendor: by the company alone with one integration (as it
    /// always was), by company and the vendor's solution with several.
    pub fn link_key(&self, company: &AccountId, integration: IntegrationId) -> crate::model::Key {
        if self.is_multi_vendor() {
            crate::model::Key::vendor_link(company, &self.integration_of(integration).name)
        } else {
            crate::model::Key::company_link(company)
        }
    }

    /// What identifies a company in the plan (every company-scoped [`Key`](crate::model::Key)
    /// starts with it): its vendor account when there is one integration, as always; with several,
    /// its ConnectWise identifier, since no one vendor's account names it (and two vendors may
    /// use the same account id for two companies).
    pub fn company_handle(&self, company: &Company) -> AccountId {
        if self.is_multi_vendor() {
            return AccountId::new(&company.identifier);
        }
        match self.vendors_of(company).first() {
            Some(vendor) => AccountId::new(vendor.account),
            None => company.account_id(),
        }
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
        let vendors: Vec<_> = self
            .companies
            .iter()
            .flat_map(|c| self.vendors_of(&c.item))
            .collect();
        let agreements: Vec<_> = vendors.iter().filter_map(|v| v.agreement).collect();
        let additions: usize = agreements.iter().map(|a| a.additions.len()).sum::<usize>()
            + vendors
                .iter()
                .filter_map(|v| v.shared_additions)
                .map(<[_]>::len)
                .sum::<usize>();
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
    integrations: Vec<Placed<Integration>>,
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
        self.integrations
            .extend(file.integrations.into_iter().map(placed(source)));
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
        super::model::setup_lists!(append);
        // The file's default integration goes to each of its products that names none.
        let default_integration = file.defaults.and_then(|d| d.value.integration);
        self.products
            .extend(file.products.into_iter().map(|mut product| {
                if product.value.integration.is_none() {
                    product.value.integration.clone_from(&default_integration);
                }
                Placed::new(source, product)
            }));
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
    pub(crate) fn finish(mut self) -> (Config, Vec<Problem>) {
        let mut setup = self.setup;
        setup.api_member = self.api_member;
        let integrations = match (self.integration, self.integrations.first()) {
            (Some(one), Some(listed)) => {
                self.problems.push(
                    Problem::new(
                        "duplicate",
                        "`integration` and `integrations` are both defined",
                    )
                    .at_opt(one.source.as_ref(), one.item.span, "`integration` here")
                    .at_opt(
                        listed.source.as_ref(),
                        listed.item.span,
                        "`integrations` here",
                    )
                    .help("`integration` is the shorthand for a list of one: move it into `integrations` and remove it"),
                );
                self.integrations
            }
            (Some(one), None) => vec![one],
            (None, Some(_)) => self.integrations,
            (None, None) => vec![Placed::default_value(Integration::default())],
        };
        let config = Config {
            integrations,
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
        assert!(config.integration().source.is_none() && config.policy.source.is_none());
    }
}
