//! The benchmark's configuration: `companies` managed companies with one agreement of
//! `additions` additions each over a catalog of `catalog` products, written as YAML the way
//! `tests/it/plan_scale.rs` does, and the same configuration with a share of quantities changed
//! (the drift).

use std::fmt::Write as _;

/// The shape of one benchmark tenant.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape {
    pub(crate) companies: usize,
    pub(crate) catalog: usize,
    pub(crate) additions: usize,
}

/// A product's unit cost as the configuration writes it (no trailing zeros): 1 to 13.25.
fn unit_cost(product: usize) -> String {
    let cents = 100 + (product % 50) * 25;
    let text = format!("{}.{:02}", cents / 100, cents % 100);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn sku(product: usize) -> String {
    format!("BEN{product:05}R")
}

/// The catalog identifier `<SKU>_<UNIT_COST>` of product `product`.
fn identifier(product: usize) -> String {
    format!("{}_{}", sku(product), unit_cost(product))
}

/// A company's ConnectWise identifier.
pub(crate) fn company_identifier(company: usize) -> String {
    format!("Bench{company:05}")
}

/// The YAML text; every `drift_every`-th addition (counted over all companies) gets one more
/// unit when `drift_every` is not 0.
pub(crate) fn yaml(shape: Shape, drift_every: usize) -> String {
    let mut yaml = String::from(
        "setup:\n  product_types: [{ name: Intermedia_Services }]\n  agreement_types: [{ name: Intermedia }]\n  units_of_measure: [{ name: Unit }]\n  categories: [{ name: Intermedia }]\n  subcategories: [{ name: Intermedia Services, category: Intermedia }]\n  management_it_solutions: [{ name: Intermedia }]\nproducts:\n",
    );
    for p in 0..shape.catalog {
        let _ = writeln!(
            yaml,
            "  - {{ sku: {}, unit_cost: {}, retail_price: {}, description: Benchmark product {p} }}",
            sku(p),
            unit_cost(p),
            (100 + (p % 50) * 25) / 50 + 1,
        );
    }
    yaml.push_str("companies:\n");
    let stride = (shape.catalog / shape.additions.max(1)).max(1);
    let mut counter = 0usize;
    for c in 0..shape.companies {
        let _ = write!(
            yaml,
            "  - account: \"{}\"\n    identifier: {}\n    contact: {{ first_name: Ann, last_name: Lee }}\n    create: {{ name: Benchmark Company {c}, address: {{ country: United States }} }}\n    agreement:\n      name: Intermedia\n      start_date: 2026-01-01\n      additions:\n",
            1_000_000 + c,
            company_identifier(c),
        );
        for k in 0..shape.additions {
            let product = (c + k * stride) % shape.catalog.max(1);
            let mut quantity = (c + k) % 50 + 1;
            if drift_every > 0 && counter.is_multiple_of(drift_every) {
                quantity += 1;
            }
            counter += 1;
            let _ = writeln!(
                yaml,
                "        - {{ product: {}, quantity: {quantity} }}",
                identifier(product)
            );
        }
    }
    yaml
}
