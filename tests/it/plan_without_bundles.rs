//! A ConnectWise without `/system/bundles` (older or restricted servers): the live reader falls
//! back to one list per parent and plans the same. The server is the simulator's own router with
//! the bundle route answering 404, served over real HTTP.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use cwrecon::apply::ClientTarget;
use cwrecon::live::ClientSource;
use cwrecon::sim::{self, API_BASE, Credentials, Store};

use crate::common::sim::{api_url, client, serve};
use crate::common::today;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_bundles_child_lists_are_read_one_by_one_and_the_plan_is_the_same() {
    let store = Store::with_credentials(Credentials::defaults());
    let router = Router::new()
        .route(
            &format!("{API_BASE}/system/bundles"),
            post(|| async { StatusCode::NOT_FOUND }),
        )
        .merge(sim::app(store.clone()));
    let client = client(&api_url(serve(router).await));

    let yaml = "setup:\n  product_types: [{ name: Intermedia_Services }]\n  agreement_types: [{ name: Intermedia }]\n  units_of_measure: [{ name: Unit }]\n  categories: [{ name: Intermedia }]\n  subcategories: [{ name: Intermedia Services, category: Intermedia }]\n  management_it_solutions: [{ name: Intermedia }]\nproducts:\n  - { sku: A1R, unit_cost: 1, retail_price: 2, description: a }\ncompanies:\n  - account: '1'\n    identifier: One\n    contact: { first_name: A, last_name: B }\n    create: { name: One, address: { country: United States } }\n    agreement: { name: X, start_date: 2026-01-01, additions: [{ product: A1R_1, quantity: 3 }] }\n  - account: '2'\n    identifier: Two\n    contact: { first_name: C, last_name: D }\n    create: { name: Two, address: { country: United States } }\n    agreement: { name: Y, start_date: 2026-01-01, additions: [{ product: A1R_1, quantity: 4 }] }\n";
    let config = cwrecon::config::load_texts([("t.yaml", yaml)]).unwrap();
    let today = today();
    let source = ClientSource::new(client.clone(), 4);
    let target = ClientTarget::new(client.clone());
    let applied = Box::pin(cwrecon::commands::workflow::apply(
        &config, &source, &target, today, false, 4,
    ))
    .await
    .unwrap()
    .unwrap();
    assert!(applied.is_complete(), "{}", applied.summary());

    let counts = client.request_counts();
    assert!(
        counts.get("bundles").copied().unwrap_or(0) > 0,
        "bundles were tried: {counts:?}"
    );
    assert!(
        counts.get("additions").copied().unwrap_or(0) >= 2,
        "additions read per agreement: {counts:?}"
    );
    assert!(
        counts.get("managementSummaryReports").copied().unwrap_or(0) >= 2,
        "links read per company: {counts:?}"
    );
}
