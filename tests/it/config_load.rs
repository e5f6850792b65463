//! What a valid configuration loads as: anchors, defaults, identifiers, merging.

use cwrecon::config::{self, Config, model::Billing};

fn load(files: &[(&str, &str)]) -> Config {
    match config::load_texts(files.iter().copied()) {
        Ok(config) => config,
        Err(config::Error::Invalid { problems }) => {
            let shown: Vec<String> = problems
                .iter()
                .map(|p| format!("{p} at {:?}", p.location()))
                .collect();
            panic!("expected a valid configuration, got: {shown:#?}")
        }
        Err(other) => panic!("{other}"),
    }
}

#[test]
fn anchors_aliases_and_merge_keys_work() {
    let config = load(&[(
        "anchors.yaml",
        r"
products:
  - &mailbox { sku: MXS10C01SUNR, unit_cost: 7.25, retail_price: 12, description: Exchange mailbox }
  - <<: *mailbox
    unit_cost: 6.5
    description: Exchange mailbox (volume)
companies:
  - account: '1'
    identifier: A
    agreement: &agreement
      name: Intermedia
      start_date: 2026-01-01
      additions: [{ product: MXS10C01SUNR_7.25, quantity: 1 }]
  - account: '2'
    identifier: B
    agreement: *agreement
",
    )]);
    assert_eq!(config.products.len(), 2);
    let second = &config.products[1].item;
    assert_eq!(config.catalog_identifier(second), "MXS10C01SUNR_6.5");
    assert_eq!(second.retail_price.as_ref().unwrap().to_string(), "12");
    let b = config.companies[1].item.agreement.as_ref().unwrap();
    assert_eq!(b.additions[0].quantity.to_string(), "1");
}

#[test]
fn unquoted_account_numbers_keep_their_digits() {
    let config = load(&[(
        "c.yaml",
        "companies:\n  - { account: 0012345, identifier: A }\n  - { account: 1002345, identifier: B }\n",
    )]);
    assert_eq!(config.companies[0].item.account.value, "0012345");
    assert_eq!(config.companies[1].item.account.value, "1002345");
}

#[test]
fn trailing_zeros_do_not_make_a_different_product() {
    let config = load(&[(
        "p.yaml",
        "products:\n  - { sku: X1R, unit_cost: 7.50, description: x }\n  - { sku: X1R, unit_cost: 10.00, description: y }\n  - { sku: X1O, unit_cost: 0.0, description: z }\n",
    )]);
    let ids: Vec<String> = config
        .products
        .iter()
        .map(|p| config.catalog_identifier(&p.item))
        .collect();
    assert_eq!(ids, ["X1R_7.5", "X1R_10", "X1O_0"]);
}

#[test]
fn the_sku_letter_gives_billing_unless_declared() {
    let config = load(&[(
        "p.yaml",
        "products:\n  - { sku: A1R, unit_cost: 1, description: a }\n  - { sku: A1O, unit_cost: 1, description: b }\n  - { sku: A1X, unit_cost: 1, description: c, billing: one_time }\n",
    )]);
    let billing: Vec<_> = config
        .products
        .iter()
        .map(|p| Config::billing(&p.item))
        .collect();
    assert_eq!(
        billing,
        [
            Some(Billing::Recurring),
            Some(Billing::OneTime),
            Some(Billing::OneTime)
        ]
    );
}

#[test]
fn intermedia_conventions_are_the_defaults() {
    let config = load(&[("empty.yaml", "")]);
    let i = &config.integration().item;
    assert_eq!(i.name.value, "Intermedia");
    assert_eq!(i.product_type.value, "Intermedia_Services");
    assert_eq!(i.agreement_type.value, "Intermedia");
    assert_eq!(i.unit_of_measure.value, "Unit");
    assert_eq!(i.identifier_format.value, "{sku}_{unit_cost}");
    let policy = &config.policy.item;
    assert_eq!(
        policy.removed_additions,
        config::model::RemovalPolicy::Cancel
    );
    assert_eq!(*policy.safety.max_removed_additions_percent, 25);
    assert_eq!(*policy.safety.min_owned_additions, 10);
    assert_eq!(*policy.safety.max_revenue_drop_percent, 10);
    let agreement_type: config::model::AgreementType =
        serde_saphyr::from_str("name: Intermedia\n").unwrap();
    assert_eq!(
        agreement_type.bill_products,
        config::model::BillOption::Billable
    );
    assert_eq!(
        agreement_type.invoicing_cycle,
        config::model::InvoicingCycle::CalendarYear
    );
}

#[test]
fn setup_names_match_case_insensitively_across_sections() {
    let config = load(&[(
        "s.yaml",
        "integration:\n  category: intermedia\n  subcategory: intermedia services\nsetup:\n  categories: [{ name: Intermedia }]\n  subcategories: [{ name: Intermedia Services, category: INTERMEDIA }]\n",
    )]);
    assert_eq!(config.setup.subcategories.len(), 1);
}

#[test]
fn lists_from_many_files_concatenate_in_file_order() {
    let config = load(&[
        (
            "a.yaml",
            "products:\n  - { sku: A1R, unit_cost: 1, description: a }\n",
        ),
        (
            "b.yaml",
            "products:\n  - { sku: B1R, unit_cost: 1, description: b }\ncompanies:\n  - { account: '1', identifier: A }\n",
        ),
    ]);
    let skus: Vec<&str> = config
        .products
        .iter()
        .map(|p| p.item.sku.value.as_str())
        .collect();
    assert_eq!(skus, ["A1R", "B1R"]);
    assert_eq!(config.file_count, 2);
    assert!(
        config
            .summary()
            .starts_with("2 files, 0 setup rows, 2 products, 1 company")
    );
}
