//! Issue 11, point 4: no arithmetic on amounts can panic. A property test drives the projection,
//! the diff, revenue, the safety rails, every plan renderer and the reconciliation with extreme
//! live and export values (0, the bounds, `rust_decimal`'s limits, many decimals, negatives,
//! numbers no decimal can hold) and asserts only that each returns.
#![allow(
    clippy::unwrap_used,
    reason = "test setup: a failure here is a failed test"
)]

use cwrecon::billing_report::{Details, Row};
use cwrecon::live::Snapshot;
use cwrecon::model::{Date, Money, Quantity};
use proptest::prelude::*;
use serde_json::{Value, json};

const YAML: &str = "products:\n  - { sku: A1R, unit_cost: 7, retail_price: 12, description: Mailbox }\n  - { sku: B1R, unit_cost: 1, description: Backup }\ncompanies:\n  - account: '1'\n    identifier: Acme\n    agreement:\n      name: Intermedia - Acme\n      start_date: 2026-01-01\n      additions: [{ product: A1R_7, quantity: 1000000, unit_price: 1000000 }, { product: B1R_1, quantity: 0 }]\n";

/// Amounts as a tenant might send them: JSON numbers and numeric strings, sane and not.
fn amount() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(0)),
        Just(json!(1_000_000)),
        Just(json!(1_000_000.01)),
        Just(json!(-5)),
        Just(json!(123.456_789)),
        Just(json!(7e28)),
        Just(json!(1e300)),
        Just(json!(f64::MIN_POSITIVE)),
        Just(json!("79228162514264337593543950335")),
        Just(json!("-79228162514264337593543950335")),
        Just(json!("0.0000000000000000000000000001")),
        Just(json!("not a number")),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
    ]
}

/// Decimals as the export reader could hand them on (the reader refuses most; the code after it
/// must not rely on that).
fn decimal() -> impl Strategy<Value = rust_decimal::Decimal> {
    prop_oneof![
        Just(rust_decimal::Decimal::ZERO),
        Just(rust_decimal::Decimal::MAX),
        Just(rust_decimal::Decimal::MIN),
        Just(rust_decimal::Decimal::new(1, 28)),
        Just(rust_decimal::Decimal::from(1_000_000)),
        any::<i64>().prop_map(rust_decimal::Decimal::from),
        (any::<i64>(), 0u32..=28).prop_map(|(m, s)| rust_decimal::Decimal::new(m, s)),
    ]
}

/// A record from its JSON, as ConnectWise would send it.
fn rec<R: cwrecon::live::Record>(json: Value) -> R {
    cwrecon::live::records::decode(json).unwrap()
}

fn snapshot(amounts: &[Value; 5]) -> Snapshot {
    let [quantity, price, other_quantity, catalog_price, extra] = amounts.clone();
    let mut s = Snapshot {
        companies: vec![rec(json!({"id": 1, "identifier": "Acme", "name": "Acme"}))],
        ..Snapshot::default()
    };
    s.links.insert(
        1,
        vec![rec(json!({"id": 9, "groupIdentifier": "1", "managementSolution": {"id": 1, "name": "Intermedia"}}))],
    );
    s.contacts = vec![rec(
        json!({"id": 5, "firstName": "A", "lastName": "B", "company": {"id": 1}}),
    )];
    s.catalog = vec![
        rec(
            json!({"id": 30, "identifier": "A1R_7", "price": catalog_price, "cost": 7, "type": {"name": "Intermedia_Services"}, "recurringFlag": true}),
        ),
        rec(
            json!({"id": 31, "identifier": "B1R_1", "price": catalog_price, "cost": 1, "type": {"name": "Intermedia_Services"}, "recurringFlag": true}),
        ),
    ];
    s.agreements = vec![rec(
        json!({"id": 10, "name": "Intermedia - Acme", "type": {"id": 1, "name": "Intermedia"}, "company": {"id": 1}, "startDate": "2026-01-01T00:00:00Z"}),
    )];
    s.additions.insert(
        10,
        vec![
            rec(json!({"id": 20, "product": {"identifier": "A1R_7"}, "quantity": quantity, "unitPrice": price})),
            rec(json!({"id": 21, "product": {"identifier": "B1R_1"}, "quantity": other_quantity})),
            // A second active addition of one item: reconcile counts it as billed too.
            rec(json!({"id": 22, "product": {"identifier": "A1R_7"}, "quantity": extra, "unitPrice": price})),
            rec(json!({"id": 23, "product": {"identifier": "Z9R_1"}, "quantity": quantity, "unitPrice": extra})),
        ],
    );
    s
}

fn row(
    quantity: rust_decimal::Decimal,
    cost: rust_decimal::Decimal,
    price: rust_decimal::Decimal,
) -> Row {
    Row {
        line: 2,
        account: "1".to_owned(),
        account_written: None,
        company: None,
        sku: "A1R".to_owned(),
        sku_written: None,
        unit_cost: Money::new(cost),
        retail_price: Some(Money::new(price)),
        quantity: Quantity::new(quantity),
        description: None,
        details: Details::default(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn plan_revenue_rails_renderers_and_reconcile_never_panic(
        amounts in proptest::array::uniform5(amount()),
        export in proptest::collection::vec((decimal(), decimal(), decimal()), 0..4),
    ) {
        let config = cwrecon::config::load_texts([("t.yaml", YAML)]).unwrap();
        let today = Date::parse("2026-11-25").unwrap();
        let snapshot = snapshot(&amounts);
        let report = cwrecon::plan::assemble(&config, &snapshot, today);
        let _ = report.plan.total_revenue();
        let _ = cwrecon::plan::render::text(&report, false);
        let _ = cwrecon::plan::render::text(&report, true);
        let _ = cwrecon::plan::render::markdown(&report);
        let _ = cwrecon::plan::render::json(&report);
        let rows: Vec<Row> = export.into_iter().map(|(q, c, p)| row(q, c, p)).collect();
        let reconciliation = cwrecon::commands::reconcile::reconcile(&config, &rows, &snapshot, today);
        let _ = (reconciliation.billed_monthly(), reconciliation.vendor_monthly());
        for line in &reconciliation.lines {
            let _ = line.difference();
        }
        let _ = cwrecon::commands::reconcile::text(&reconciliation, false);
        let _ = cwrecon::commands::reconcile::markdown(&reconciliation, false);
        let _ = cwrecon::commands::reconcile::csv(&reconciliation, false);
    }
}

#[test]
fn a_live_amount_beyond_the_bounds_is_a_blocking_finding_naming_the_object() {
    let config = cwrecon::config::load_texts([("t.yaml", YAML)]).unwrap();
    let today = Date::parse("2026-11-25").unwrap();
    let report = cwrecon::plan::assemble(
        &config,
        &snapshot(&[json!(7e28), json!(12), json!(1), json!(2_000_000), json!(1)]),
        today,
    );
    let blocking: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.blocking)
        .map(|f| f.message.as_str())
        .collect();
    assert!(
        blocking
            .iter()
            .any(|m| m.contains("addition `A1R_7` on agreement `Intermedia - Acme` has quantity")),
        "{blocking:#?}"
    );
    assert!(
        blocking
            .iter()
            .any(|m| m.contains("catalog item `A1R_7` has price 2000000")),
        "{blocking:#?}"
    );
}
