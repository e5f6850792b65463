//! `export` round trip: what the integration owns in a tenant, written as configuration, plans with
//! no changes — for a tenant built by `apply` and for one built by hand through the API.
#![expect(
    clippy::unwrap_used,
    reason = "test setup: a failure here is a failed test"
)]

use crate::common::tenant::{Tenant, tenant};
use cwrecon::apply::ClientTarget;
use cwrecon::live::ClientSource;
use cwrecon::model::Date;
use serde_json::json;

fn today() -> Date {
    Date::parse("2026-11-25").unwrap()
}

/// Export the tenant, load the files back, plan them: the text of that plan.
async fn round_trip(
    t: &Tenant,
) -> (
    cwrecon::plan::render::Report,
    Vec<String>,
    tempfile::TempDir,
) {
    let integration = cwrecon::config::model::Integration::default();
    let defaults = cwrecon::config::load_texts([("defaults.yaml", "")]).unwrap();
    let source = ClientSource::new(t.client.clone(), 4);
    let snapshot = Box::pin(cwrecon::live::read_owned_tenant(&source, &defaults))
        .await
        .unwrap();
    let export = cwrecon::export::export(&integration, &snapshot);
    let dir = tempfile::tempdir().unwrap();
    let not_written = cwrecon::export::write(dir.path(), &export);
    assert!(not_written.is_empty(), "{not_written:?}");
    let config = cwrecon::config::load(&[dir.path().to_path_buf()])
        .unwrap_or_else(|e| panic!("exported files must validate: {e:?}"));
    let snapshot = Box::pin(cwrecon::live::read_snapshot(&source, &config))
        .await
        .unwrap();
    (
        cwrecon::plan::assemble(&config, &snapshot, today()),
        export.skipped,
        dir,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tenant_built_by_apply_exports_to_a_plan_without_changes() {
    let t = tenant().await;
    t.with_example_companies().await;
    let config = cwrecon::config::load(&["examples/intermedia".into()]).unwrap();
    let source = ClientSource::new(t.client.clone(), 4);
    let target = ClientTarget::new(t.client.clone());
    let applied = Box::pin(cwrecon::workflow::apply(
        &config,
        &source,
        &target,
        today(),
        false,
        4,
    ))
    .await
    .unwrap()
    .unwrap();
    assert!(applied.is_complete(), "{}", applied.summary());

    let (report, skipped, dir) = round_trip(&t).await;
    assert!(
        report.plan.is_empty(),
        "{}",
        cwrecon::plan::render::text(&report, false)
    );
    assert!(skipped.is_empty(), "{skipped:?}");
    let companies = std::fs::read_dir(dir.path().join("companies"))
        .unwrap()
        .count();
    assert_eq!(companies, 4, "one file per company");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tenant_built_by_hand_exports_to_a_plan_without_changes() {
    let t = tenant().await;
    let product_type = t
        .post(
            "/procurement/types",
            json!({"name": "Intermedia_Services", "typeXref": "Service"}),
        )
        .await;
    let category = t
        .post("/procurement/categories", json!({"name": "Intermedia"}))
        .await;
    let sub = t
        .post(
            "/procurement/subcategories/",
            json!({"name": "Intermedia Services", "category": {"id": category}}),
        )
        .await;
    let unit = t
        .post("/procurement/unitOfMeasures", json!({"name": "Unit"}))
        .await;
    let solution = t.post("/company/managementItSolutions", json!({"name": "Intermedia", "managementItSolutionType": "Custom", "managementSolutionName": "Intermedia"})).await;
    let agreement_type = t.post("/finance/agreements/types", json!({"name": "Intermedia", "employeeCompRate": "Actual", "employeeCompNotExceed": "Billing", "invoicingCycle": "CalendarYear", "billTime": "Billable", "billExpenses": "Billable", "billProducts": "Billable"})).await;
    let item = t.post("/procurement/catalog", json!({"identifier": "MXS10C01SUNR_7.25", "description": "Exchange mailbox", "customerDescription": "Exchange mailbox", "subcategory": {"id": sub}, "category": {"id": category}, "type": {"id": product_type}, "unitOfMeasure": {"id": unit}, "cost": 7.25, "price": 12.0, "recurringFlag": true})).await;
    let company = t
        .post(
            "/company/companies",
            json!({"identifier": "HandMade", "name": "Hand Made Inc", "city": "Austin"}),
        )
        .await;
    let contact = t
        .post(
            "/company/contacts",
            json!({"firstName": "Ann", "lastName": "Hand", "company": {"id": company}}),
        )
        .await;
    t.post(
        &format!("/company/companies/{company}/managementSummaryReports"),
        json!({"groupIdentifier": "777", "managementSolution": {"id": solution}}),
    )
    .await;
    let agreement = t.post("/finance/agreements", json!({"name": "Intermedia - Hand Made", "type": {"id": agreement_type}, "company": {"id": company}, "contact": {"id": contact}, "startDate": "2026-02-01T00:00:00Z", "billingCycle": {"name": "Monthly"}})).await;
    t.post(&format!("/finance/agreements/{agreement}/additions"), json!({"product": {"id": item}, "quantity": 7, "unitPrice": 11.0, "billCustomer": "Billable", "effectiveDate": "2026-02-01T00:00:00Z"})).await;

    let (report, skipped, dir) = round_trip(&t).await;
    assert!(
        report.plan.is_empty(),
        "{}",
        cwrecon::plan::render::text(&report, false)
    );
    assert!(skipped.is_empty(), "{skipped:?}");
    let company_file = std::fs::read_to_string(dir.path().join("companies/HandMade.yaml")).unwrap();
    assert!(
        company_file.contains("account: '777'")
            || company_file.contains("account: \"777\"")
            || company_file.contains("account: 777"),
        "{company_file}"
    );
    assert!(
        company_file.contains("unit_price: 11"),
        "a per-customer price is kept: {company_file}"
    );
}
