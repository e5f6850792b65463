//! `export` round trip: what the integration owns in a tenant, written as configuration, plans with
//! no changes — for a tenant built by `apply` and for one built by hand through the API.
#![expect(
    clippy::unwrap_used,
    reason = "test setup: a failure here is a failed test"
)]

use crate::common::tenant::{HandMadeCompany, Tenant, converged, tenant};
use crate::common::today;
use cwrecon::live::ClientSource;

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
    let export = cwrecon::commands::export::export(&integration, &snapshot);
    let dir = tempfile::tempdir().unwrap();
    let not_written = cwrecon::commands::export::write(dir.path(), &export);
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
    let t = converged().await;

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
    let setup = t.hand_made_setup().await;
    let made = HandMadeCompany {
        identifier: "HandMade",
        name: "Hand Made Inc",
        account: "777",
        agreement: "Intermedia - Hand Made",
        billing_cycle: Some("Monthly"),
        unit_price: 11.0,
    };
    t.hand_made_company(&setup, &made).await;

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
