//! The desired [`State`]: the configuration projected onto the canonical model.
//!
//! Owns which fields of each ConnectWise object the configuration manages, under their ConnectWise
//! names. Refuses to manage what the configuration does not declare: an omitted retail price is no
//! `price` field, so a price edited by hand in ConnectWise survives. Fields that only matter when an
//! object is created (a company's address, an addition's effective date) go to `create_only` and are
//! never compared.

use std::collections::HashMap;

use std::collections::BTreeMap;

use crate::config::model::{
    Addition, Agreement, Billing, Company, EffectiveDate, RemovalPolicy, SolutionType,
};
use crate::config::{Config, Placed, VendorAccount};
use crate::live::SharedAgreements;
use crate::model::{AccountId, Date, IntegrationId, Key, Kind, Money, Object, State, Value};

/// The desired state, plus what the diff needs to know that is not a field.
#[derive(Debug, Clone, Default)]
pub struct Desired {
    /// The objects the configuration declares.
    pub state: State,
    /// What happens to owned additions no longer listed, per agreement key (agreements cwrecon
    /// owns).
    pub removal: BTreeMap<Key, RemovalPolicy>,
    /// The same for shared agreements, per integration: only the owned additions of an
    /// integration the company lists for this agreement are ever removed from it.
    pub shared_removal: BTreeMap<Key, Vec<(IntegrationId, RemovalPolicy)>>,
    /// The integrations' names by [`IntegrationId`], when there are several (empty with one, so
    /// that nothing a one-vendor plan shows changes).
    pub vendors: Vec<String>,
}

impl Desired {
    /// The name of an object's vendor, when the configuration has several.
    pub fn vendor_name(&self, vendor: Option<IntegrationId>) -> Option<&str> {
        self.vendors.get(vendor?.index()).map(String::as_str)
    }

    /// The removal policy for an owned live addition no longer desired, when the configuration
    /// manages its agreement (for a shared agreement: its vendor's additions on it).
    pub fn removal_of(&self, addition: &Object) -> Option<RemovalPolicy> {
        let agreement = addition.key.agreement_key()?;
        if let Some(policy) = self.removal.get(&agreement) {
            return Some(*policy);
        }
        let vendor = addition.vendor?;
        self.shared_removal
            .get(&agreement)?
            .iter()
            .find(|(v, _)| *v == vendor)
            .map(|(_, policy)| *policy)
    }
}

fn name(s: &str) -> Value {
    Value::Name(s.trim().into())
}

fn text(s: &str) -> Value {
    Value::Text(s.trim().into())
}

/// An enum's ConnectWise spelling, which is its Rust variant name.
fn variant(value: impl std::fmt::Debug) -> Value {
    Value::Name(format!("{value:?}").into())
}

/// Project a checked configuration. `today` resolves effective-date policies. Additions on shared
/// agreements are left out: where they go is known only from the tenant ([`desired_with`]).
pub fn desired(config: &Config, today: Date) -> Desired {
    desired_with(config, today, &SharedAgreements::new())
}

/// Project a checked configuration, with the shared agreements the tenant holds for its
/// companies: each vendor's shared additions are keyed under the agreement found for it. A
/// company and vendor without one (a blocking finding of the projection) has none.
pub fn desired_with(config: &Config, today: Date, shared: &SharedAgreements) -> Desired {
    let mut out = Desired::default();
    if config.is_multi_vendor() {
        out.vendors = config
            .integration_ids()
            .map(|(_, i)| i.name.value.clone())
            .collect();
    }
    setup_rows(config, &mut out.state);
    catalog(config, &mut out.state);
    let prices = RetailPrices::new(config);
    let context = CompanyContext {
        config,
        today,
        prices: &prices,
        shared,
    };
    for company in &config.companies {
        company_objects(&context, company, &mut out);
    }
    out
}

/// What every company's projection reads.
struct CompanyContext<'a> {
    config: &'a Config,
    today: Date,
    prices: &'a RetailPrices,
    shared: &'a SharedAgreements,
}

/// Declared retail prices by folded catalog identifier, the first product of each identifier
/// winning: built once, so pricing N additions does not scan every product for each (issue 7).
struct RetailPrices(HashMap<String, Option<Money>>);

impl RetailPrices {
    fn new(config: &Config) -> RetailPrices {
        let mut prices = HashMap::new();
        for p in &config.products {
            prices
                .entry(crate::model::fold_name(&config.catalog_identifier(&p.item)))
                .or_insert_with(|| p.item.retail_price.as_ref().map(|m| m.value));
        }
        RetailPrices(prices)
    }
}

fn setup_rows(config: &Config, state: &mut State) {
    let setup = &config.setup;
    for row in &setup.product_types {
        let r = &row.item;
        let object = Object::new(Key::named(Kind::ProductType, &r.name))
            .with("name", name(&r.name))
            .with_opt("typeXref", r.type_xref.map(variant));
        state.insert(object);
    }
    for row in &setup.agreement_types {
        let r = &row.item;
        let object = Object::new(Key::named(Kind::AgreementType, &r.name))
            .with("name", name(&r.name))
            .with("employeeCompRate", variant(r.employee_comp_rate))
            .with("employeeCompNotExceed", variant(r.employee_comp_not_exceed))
            .with("invoicingCycle", variant(r.invoicing_cycle))
            .with("billTime", variant(r.bill_time))
            .with("billExpenses", variant(r.bill_expenses))
            .with("billProducts", variant(r.bill_products));
        state.insert(object);
    }
    for (kind, rows) in [
        (Kind::UnitOfMeasure, &setup.units_of_measure),
        (Kind::Category, &setup.categories),
    ] {
        for row in rows {
            let r = &row.item;
            state.insert(Object::new(Key::named(kind, &r.name)).with("name", name(&r.name)));
        }
    }
    for row in &setup.subcategories {
        let r = &row.item;
        let object = Object::new(Key::subcategory(&r.category, &r.name))
            .with("name", name(&r.name))
            .with("category", name(&r.category));
        state.insert(object);
    }
    for row in &setup.management_it_solutions {
        let r = &row.item;
        let solution_name = r
            .solution_name
            .as_ref()
            .map_or(r.name.as_str(), |n| n.as_str());
        let object = Object::new(Key::named(Kind::ManagementItSolution, &r.name))
            .with("name", name(&r.name))
            .with("managementItSolutionType", variant(r.solution_type))
            .with_opt(
                "managementSolutionName",
                (r.solution_type == SolutionType::Custom).then(|| name(solution_name)),
            );
        state.insert(object);
    }
    for row in &setup.managed_devices_integrations {
        let r = &row.item;
        let object = Object::new(Key::named(Kind::ManagedDevicesIntegration, &r.name))
            .with("name", name(&r.name))
            .with("solution", name(&r.solution))
            .with("loginBy", variant(r.login_by))
            .with("defaultBillingLevel", variant(r.default_billing_level))
            .with_opt("portalUrl", r.portal_url.as_ref().map(|u| text(u)));
        state.insert(object);
        for xref in &r.cross_references {
            let agreement_type = xref
                .agreement_type
                .as_ref()
                .map_or(config.integration().item.agreement_type.as_str(), |t| {
                    t.as_str()
                });
            let object = Object::new(Key::cross_reference(&r.name, &xref.vendor_type))
                .with("vendorType", text(&xref.vendor_type))
                .with("product", name(&xref.product))
                .with("agreementType", name(agreement_type));
            state.insert(object);
        }
    }
    if let Some(member) = &setup.api_member {
        let m = &member.item;
        let object = Object::new(Key::named(Kind::ApiMember, &m.identifier))
            .with("identifier", name(&m.identifier))
            .with("name", text(&m.name))
            .with("securityRole", name(&m.security_role))
            .with_opt("emailAddress", m.email.as_ref().map(|e| text(e)));
        state.insert(object);
    }
}

fn catalog(config: &Config, state: &mut State) {
    for product in &config.products {
        let p = &product.item;
        let vendor = config.product_integration(p);
        let i = vendor.map_or(&config.integration().item.value, |v| {
            config.integration_of(v)
        });
        let identifier = config.catalog_identifier(p);
        let customer_description = p
            .customer_description
            .as_ref()
            .map_or(p.description.as_str(), |d| d.as_str());
        let recurring = Config::billing(p) == Some(Billing::Recurring);
        let object = Object::new(Key::catalog_item(&identifier))
            .with("identifier", name(&identifier))
            .with("description", text(&p.description))
            .with("customerDescription", text(customer_description))
            .with("cost", Value::Money(p.unit_cost.value))
            .with_opt(
                "price",
                p.retail_price.as_ref().map(|m| Value::Money(m.value)),
            )
            .with("type", name(&i.product_type))
            .with("category", name(&i.category))
            .with("subcategory", name(&i.subcategory))
            .with("unitOfMeasure", name(&i.unit_of_measure))
            .with("recurringFlag", Value::Bool(recurring))
            .with_opt("taxableFlag", p.taxable.map(Value::Bool))
            .of_vendor(vendor);
        state.insert(object);
    }
}

fn company_objects(context: &CompanyContext<'_>, placed: &Placed<Company>, out: &mut Desired) {
    let config = context.config;
    let c = &placed.item;
    let account = config.company_handle(c);
    let mut company = Object::new(Key::company(&account))
        .with_create_only("identifier", Some(name(&c.identifier)));
    if let Some(create) = &c.create {
        let a = &create.address;
        company = company
            .with_create_only("name", Some(text(&create.name)))
            .with_create_only("status", Some(name(&create.status)))
            .with_create_only("type", Some(name(&create.company_type)))
            .with_create_only("addressLine1", a.line1.as_ref().map(|v| text(v)))
            .with_create_only("addressLine2", a.line2.as_ref().map(|v| text(v)))
            .with_create_only("city", a.city.as_ref().map(|v| text(v)))
            .with_create_only("state", a.state.as_ref().map(|v| text(v)))
            .with_create_only("zip", a.zip.as_ref().map(|v| text(v)))
            .with_create_only("country", a.country.as_ref().map(|v| name(v)))
            .with_create_only("phoneNumber", create.phone.as_ref().map(|v| text(v)))
            .with_create_only("website", create.website.as_ref().map(|v| text(v)));
    }
    out.state.insert(company);
    for vendor in config.vendors_of(c) {
        vendor_objects(context, &account, vendor, out);
    }
    if let Some(contact) = &c.contact {
        let object = Object::new(Key::contact(&account))
            .with("firstName", text(&contact.first_name))
            .with("lastName", text(&contact.last_name))
            .with_create_only("email", contact.email.as_ref().map(|e| text(e)));
        out.state.insert(object);
    }
}

/// One vendor's objects of a company: its link, and its own agreement or its additions on the
/// shared one.
fn vendor_objects(
    context: &CompanyContext<'_>,
    company: &AccountId,
    vendor: VendorAccount<'_>,
    out: &mut Desired,
) {
    let config = context.config;
    let integration = config.integration_of(vendor.integration);
    let link = Object::new(config.link_key(company, vendor.integration))
        .with(
            "groupIdentifier",
            text(AccountId::new(vendor.account).as_str()),
        )
        .with("managementSolution", name(&integration.name))
        .of_vendor(Some(vendor.integration));
    out.state.insert(link);
    if let Some(agreement) = vendor.agreement {
        agreement_objects(context, (company, vendor.integration), agreement, out);
    }
    if let Some(additions) = vendor.shared_additions {
        shared_additions(context, (company, vendor.integration), additions, out);
    }
}

fn agreement_objects(
    context: &CompanyContext<'_>,
    (account, vendor): (&AccountId, IntegrationId),
    agreement: &Agreement,
    out: &mut Desired,
) {
    let config = context.config;
    let integration = config.integration_of(vendor);
    let policy = &config.policy.item;
    let agreement_type = agreement
        .agreement_type
        .as_ref()
        .map_or(integration.agreement_type.as_str(), |t| t.as_str());
    let key = Key::agreement(account, agreement_type, &agreement.name);
    let billing_cycle = agreement
        .billing_cycle
        .as_ref()
        .map_or(integration.billing_cycle.as_str(), |b| b.as_str());
    // `keep_billing_cycle` (what export writes for an agreement that has none, issue 11): the
    // cycle is left as ConnectWise has it, and only a new agreement gets the default.
    let managed_cycle = agreement.billing_cycle.is_some() || !agreement.keep_billing_cycle;
    let start = agreement.start_date.value;
    let object = Object::new(key.clone())
        .with("name", text(&agreement.name))
        .with("type", name(agreement_type))
        .with("startDate", Value::Date(start))
        .with_opt("billingCycle", managed_cycle.then(|| name(billing_cycle)))
        .with_create_only(
            "billingCycle",
            (!managed_cycle).then(|| name(billing_cycle)),
        )
        .of_vendor(Some(vendor));
    out.state.insert(object);
    out.removal.insert(
        key.clone(),
        agreement
            .removed_additions
            .unwrap_or(policy.removed_additions),
    );
    let agreement_policy = agreement
        .effective_date
        .as_ref()
        .map_or(policy.effective_date.value, |e| e.value);
    for addition in &agreement.additions {
        let effective = addition_effective(addition, agreement_policy, start, context.today);
        out.state.insert(addition_object(
            context,
            (&key, vendor),
            addition,
            effective,
        ));
    }
}

/// A vendor's additions on the company's shared agreement, keyed under the agreement the tenant
/// holds. The agreement itself is not desired: cwrecon never creates, changes or cancels it.
fn shared_additions(
    context: &CompanyContext<'_>,
    (account, vendor): (&AccountId, IntegrationId),
    additions: &[crate::config::Spanned<Addition>],
    out: &mut Desired,
) {
    let Some(found) = context.shared.get(&(account.clone(), vendor)) else {
        return;
    };
    let policy = &context.config.policy.item;
    out.shared_removal
        .entry(found.key.clone())
        .or_default()
        .push((vendor, policy.removed_additions));
    for addition in additions {
        // An addition is never effective before its agreement starts; a live agreement without a
        // start date leaves the policy's date as it is.
        let start = found
            .start
            .unwrap_or_else(|| Date::from_date(time::Date::MIN));
        let effective =
            addition_effective(addition, policy.effective_date.value, start, context.today);
        out.state.insert(addition_object(
            context,
            (&found.key, vendor),
            addition,
            effective,
        ));
    }
}

/// The effective date a new addition gets: its own policy, else its agreement's.
fn addition_effective(
    addition: &Addition,
    agreement_policy: EffectiveDate,
    start: Date,
    today: Date,
) -> Date {
    let policy = addition
        .effective_date
        .as_ref()
        .map_or(agreement_policy, |e| e.value);
    effective_date(policy, start, today)
}

/// One addition on the agreement keyed `agreement`.
fn addition_object(
    context: &CompanyContext<'_>,
    (agreement, vendor): (&Key, IntegrationId),
    addition: &Addition,
    effective: Date,
) -> Object {
    let key = Key::addition_on(agreement, &addition.product)
        .expect("invariant: additions are placed on agreement keys");
    Object::new(key)
        .with("product", name(&addition.product))
        .with("quantity", Value::Quantity(addition.quantity.value))
        .with_opt(
            "unitPrice",
            addition_price(context.prices, addition).map(Value::Money),
        )
        .with_create_only("effectiveDate", Some(Value::Date(effective)))
        .with_opt("billCustomer", addition.bill_customer.map(variant))
        .with_create_only(
            "billCustomer",
            // Required on create; ConnectWise's own default when the configuration is silent.
            addition
                .bill_customer
                .is_none()
                .then(|| Value::Name("Billable".into())),
        )
        .of_vendor(Some(vendor))
}

/// The declared per-customer price, else the product's declared retail price; `None` leaves the
/// addition's price to ConnectWise (it copies the catalog price on create).
fn addition_price(
    prices: &RetailPrices,
    addition: &crate::config::model::Addition,
) -> Option<Money> {
    if let Some(price) = &addition.unit_price {
        return Some(price.value);
    }
    prices
        .0
        .get(&crate::model::fold_name(&addition.product))
        .copied()
        .flatten()
}

/// The effective date a new addition gets under a policy: never before the agreement's start.
pub fn effective_date(policy: EffectiveDate, agreement_start: Date, today: Date) -> Date {
    let chosen = match policy {
        EffectiveDate::BillingMonthStart => {
            Date::from_date(today.get().replace_day(1).unwrap_or(today.get()))
        }
        EffectiveDate::Today => today,
        EffectiveDate::AgreementStart => agreement_start,
        EffectiveDate::On(date) => date,
    };
    chosen.max(agreement_start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn effective_date_policies_never_precede_the_agreement() {
        let today = date("2026-11-25");
        assert_eq!(
            effective_date(EffectiveDate::BillingMonthStart, date("2026-01-01"), today),
            date("2026-11-01")
        );
        assert_eq!(
            effective_date(EffectiveDate::BillingMonthStart, date("2026-11-10"), today),
            date("2026-11-10")
        );
        assert_eq!(
            effective_date(EffectiveDate::Today, date("2026-01-01"), today),
            today
        );
        assert_eq!(
            effective_date(
                EffectiveDate::On(date("2025-01-01")),
                date("2026-01-01"),
                today
            ),
            date("2026-01-01")
        );
    }

    #[test]
    fn undeclared_prices_are_not_managed() {
        let config = crate::config::load_texts([(
            "a.yaml",
            "products:\n  - { sku: A1R, unit_cost: 1, description: a }\n  - { sku: B1R, unit_cost: 2, retail_price: 3.50, description: b }\ncompanies:\n  - account: '1'\n    identifier: A\n    agreement:\n      name: X\n      start_date: 2026-01-01\n      additions: [{ product: A1R_1, quantity: 2 }, { product: B1R_2, quantity: 1 }]\n",
        )])
        .unwrap();
        let d = desired(&config, date("2026-11-25"));
        let a = d.state.get(&Key::catalog_item("A1R_1")).unwrap();
        assert!(a.get("price").is_none());
        let b = d.state.get(&Key::catalog_item("b1r_2")).unwrap();
        assert_eq!(
            b.get("price"),
            Some(&Value::Money(Money::parse("3.5").unwrap()))
        );
        let addition = d
            .state
            .get(&Key::addition(
                &AccountId::new("1"),
                "Intermedia",
                "X",
                "B1R_2",
            ))
            .unwrap();
        assert_eq!(
            addition.get("unitPrice"),
            Some(&Value::Money(Money::parse("3.50").unwrap()))
        );
        let addition = d
            .state
            .get(&Key::addition(
                &AccountId::new("1"),
                "Intermedia",
                "X",
                "A1R_1",
            ))
            .unwrap();
        assert!(addition.get("unitPrice").is_none());
    }

    // See: issue #7
    #[test]
    fn r7_an_addition_takes_the_retail_price_of_its_product_in_any_case() {
        let config = crate::config::load_texts([(
            "a.yaml",
            "products:\n  - { sku: A1R, unit_cost: 1, retail_price: 2, description: a }\n  - { sku: B1R, unit_cost: 2, retail_price: 3.50, description: b }\ncompanies:\n  - account: '1'\n    identifier: A\n    agreement:\n      name: X\n      start_date: 2026-01-01\n      additions: [{ product: ' b1r_2', quantity: 1 }, { product: A1R_1, quantity: 1, unit_price: 9 }]\n",
        )])
        .unwrap();
        let d = desired(&config, date("2026-11-25"));
        let price = |product| {
            d.state
                .get(&Key::addition(
                    &AccountId::new("1"),
                    "Intermedia",
                    "X",
                    product,
                ))
                .unwrap()
                .get("unitPrice")
                .cloned()
        };
        let money = |s| Some(Value::Money(Money::parse(s).unwrap()));
        assert_eq!(price("B1R_2"), money("3.5"));
        assert_eq!(price("A1R_1"), money("9"), "a declared unit price wins");
    }
}
