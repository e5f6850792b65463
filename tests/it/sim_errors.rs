//! ConnectWise's error shapes, pinned by snapshots: each case is a request that ConnectWise refuses,
//! and the snapshot holds the status, the interesting headers and the body.

use crate::common::sim::{Answer, Sim};
use cwrecon::sim::{Credentials, Faults};
use serde_json::{Value, json};

fn shown(answer: &Answer) -> String {
    let mut text = format!("status: {}\n", answer.status);
    if let Some(retry) = answer.header("retry-after") {
        text.push_str("retry-after: ");
        text.push_str(&retry);
        text.push('\n');
    }
    text.push_str(&serde_json::to_string_pretty(&answer.body).expect("test setup"));
    text
}

macro_rules! snap {
    ($name:expr, $answer:expr) => {{
        let answer = $answer;
        insta::with_settings!({ prepend_module_to_snapshot => false, filters => vec![
            (r"again in \d+ seconds", "again in [N] seconds"),
            (r"retry-after: \d+", "retry-after: [N]"),
        ]}, {
            insta::assert_snapshot!($name, shown(&answer));
        })
    }};
}

async fn setup(sim: &Sim) -> (i64, i64, i64, i64) {
    let (company, contact) = sim
        .company_with_contact(
            &json!({"identifier": "Acme", "name": "Acme", "city": "Austin"}),
            json!({"firstName": "Pat", "lastName": "Lee"}),
        )
        .await;
    let agreement_type = sim
        .create(
            "/finance/agreements/types",
            &json!({"name": "Intermedia", "employeeCompRate": "Actual", "employeeCompNotExceed": "Billing", "invoicingCycle": "ContractYear",
                    "billTime": "Billable", "billExpenses": "Billable", "billProducts": "Billable"}),
        )
        .await;
    let agreement = sim
        .create(
            "/finance/agreements",
            &json!({"name": "A", "type": {"id": agreement_type}, "company": {"id": company}, "contact": {"id": contact}, "startDate": "2024-03-01T00:00:00Z"}),
        )
        .await;
    (company, contact, agreement_type, agreement)
}

#[tokio::test]
async fn validation_errors() {
    let sim = Sim::start().await;
    let (company, _, _, agreement) = setup(&sim).await;
    snap!(
        "missing_required_fields",
        sim.post("/finance/agreements", &json!({"name": "No refs"}))
            .await
    );
    snap!(
        "too_long",
        sim.post(
            "/company/companies",
            &json!({"identifier": "Z", "name": "Z", "zip": "1234567890123"})
        )
        .await
    );
    snap!(
        "duplicate_identifier",
        sim.post(
            "/company/companies",
            &json!({"identifier": "ACME", "name": "Other", "city": "X"})
        )
        .await
    );
    snap!(
        "unknown_member",
        sim.send(
            sim.request(reqwest::Method::POST, "/company/contacts")
                .header("content-type", "application/json")
                .body("{\n    \"firstName\": \"a\",\n    \"type\": 1\n}")
        )
        .await
    );
    snap!(
        "unknown_member_in_reference",
        sim.post(
            "/company/contacts",
            &json!({"company": {"id": company, "code": "x"}})
        )
        .await
    );
    snap!(
        "wrong_type",
        sim.post(
            "/company/contacts",
            &json!({"firstName": "a", "inactiveFlag": "yes"})
        )
        .await
    );
    snap!(
        "bad_enum",
        sim.post(
            &format!("/finance/agreements/{agreement}/additions"),
            &json!({"product": {"id": 1}, "billCustomer": "Sometimes"})
        )
        .await
    );
    snap!(
        "missing_reference",
        sim.post(
            "/company/contacts",
            &json!({"firstName": "a", "company": {"identifier": "Nobody"}})
        )
        .await
    );
    snap!(
        "types_only_on_create",
        sim.patch(
            &format!("/company/companies/{company}"),
            &json!([{"op": "replace", "path": "types", "value": [{"id": 1}]}])
        )
        .await
    );
    snap!(
        "patch_sub_path",
        sim.patch(
            &format!("/company/companies/{company}"),
            &json!([{"op": "replace", "path": "status/id", "value": 2}])
        )
        .await
    );
    snap!(
        "duplicate_setup_name",
        sim.post("/company/companies/statuses", &json!({"name": "ACTIVE"}))
            .await
    );
    snap!("agreement_put_without_update_fields", sim.put(&format!("/finance/agreements/{agreement}"), &json!({"name": "A", "type": {"id": 1}, "company": {"id": company}, "contact": {"id": 1}})).await);
    snap!(
        "invalid_json",
        sim.send(
            sim.request(reqwest::Method::POST, "/company/contacts")
                .body("{nope")
        )
        .await
    );
}

#[tokio::test]
async fn business_rule_errors() {
    let sim = Sim::start().await;
    let (_, _, _, agreement) = setup(&sim).await;
    let category = sim
        .create("/procurement/categories", &json!({"name": "Cloud"}))
        .await;
    let other = sim
        .create("/procurement/categories", &json!({"name": "Other"}))
        .await;
    let sub = sim
        .create(
            "/procurement/subcategories/",
            &json!({"name": "Email", "category": {"id": category}}),
        )
        .await;
    let product_type = sim
        .create("/procurement/types", &json!({"name": "Services"}))
        .await;
    snap!(
        "duplicate_subcategory",
        sim.post(
            &format!("/procurement/categories/{category}/subcategories/"),
            &json!({"name": "email"})
        )
        .await
    );
    snap!(
        "catalog_subcategory_outside_category",
        sim.post(
            "/procurement/catalog",
            &json!({"identifier": "X_1", "description": "x", "customerDescription": "x", "subcategory": {"id": sub}, "category": {"id": other}, "type": {"id": product_type}}),
        )
        .await
    );
    let item = sim
        .create("/procurement/catalog", &json!({"identifier": "X_1", "description": "x", "customerDescription": "x", "subcategory": {"id": sub}, "type": {"id": product_type}}))
        .await;
    snap!(
        "addition_before_agreement_start",
        sim.post(&format!("/finance/agreements/{agreement}/additions"), &json!({"product": {"id": item}, "billCustomer": "Billable", "effectiveDate": "2024-01-01T00:00:00Z"})).await
    );
    snap!(
        "addition_missing_required",
        sim.post(
            &format!("/finance/agreements/{agreement}/additions"),
            &json!({"quantity": 1})
        )
        .await
    );
}

#[tokio::test]
async fn deleted_company_keeps_its_identifier_until_purged() {
    let sim = Sim::start().await;
    let (company, ..) = setup(&sim).await;
    assert_eq!(
        sim.delete(&format!("/company/companies/{company}"))
            .await
            .status,
        204
    );
    snap!(
        "identifier_reserved_by_recycle_bin",
        sim.post(
            "/company/companies",
            &json!({"identifier": "acme", "name": "Acme again", "city": "Austin"})
        )
        .await
    );
    let purged: Value = sim
        .http
        .post(sim.admin("/_sim/purge"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(purged, json!({"purged": 1}));
    assert_eq!(
        sim.post(
            "/company/companies",
            &json!({"identifier": "acme", "name": "Acme again", "city": "Austin"})
        )
        .await
        .status,
        201
    );
}

#[tokio::test]
async fn protocol_errors() {
    let sim = Sim::start().await;
    snap!("not_found_record", sim.get("/company/companies/999").await);
    snap!(
        "not_found_parent",
        sim.get("/finance/agreements/999/additions").await
    );
    snap!("not_found_path", sim.get("/company/nothing").await);
    snap!("method_not_allowed", sim.delete("/system/members/1").await);
    // A path that exists answers 405 for a method it lacks, never 404: /system/info too.
    for (method, path) in [
        (reqwest::Method::POST, "/system/info"),
        (reqwest::Method::DELETE, "/system/info"),
        (reqwest::Method::GET, "/system/bundles"),
        (reqwest::Method::POST, "/finance/agreements/types/1"),
    ] {
        let answer = sim
            .send(sim.request(method.clone(), path).json(&json!({})))
            .await;
        assert_eq!(answer.status, 405, "{method} {path}: {answer:?}");
    }
    snap!(
        "bad_conditions_literal",
        sim.get("/company/companies?conditions=deletedFlag%20%3D%201")
            .await
    );
    snap!(
        "bad_conditions_syntax",
        sim.get("/company/companies?conditions=name%20%3D%20Acme")
            .await
    );
    snap!(
        "unknown_condition_field",
        sim.get("/company/companies?conditions=colour%20%3D%20%22red%22")
            .await
    );
    snap!(
        "list_field_needs_child_conditions",
        sim.get("/company/companies?conditions=types/id%3D1").await
    );
    snap!(
        "forward_only_with_order_by",
        sim.send(
            sim.request(reqwest::Method::GET, "/company/companies?orderBy=name")
                .header("pagination-type", "forward-only")
        )
        .await
    );
    snap!(
        "unknown_fields_param",
        sim.get("/company/companies?fields=id,colour").await
    );
    let anonymous = sim.send(sim.http.get(sim.url("/company/companies"))).await;
    snap!("unauthorized", anonymous);
    let mut wrong = Credentials::defaults();
    wrong.private_key = "wrong".to_owned().into();
    let bad_key = sim
        .send(
            sim.http
                .get(sim.url("/company/companies"))
                .header("Authorization", wrong.authorization())
                .header("clientId", &wrong.client_id),
        )
        .await;
    assert_eq!(bad_key.status, 401);
    let no_client = sim
        .send(
            sim.http
                .get(sim.url("/company/companies"))
                .header("Authorization", sim.credentials.authorization()),
        )
        .await;
    snap!("missing_client_id", no_client);
}

#[tokio::test]
async fn rate_limited() {
    let sim = Sim::start().await;
    sim.store.set_faults(Faults {
        rate_limit_per_minute: 2,
        ..Faults::default()
    });
    assert_eq!(sim.get("/company/companies").await.status, 200);
    assert_eq!(sim.get("/company/companies").await.status, 200);
    let limited = sim.get("/company/companies").await;
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert!(
        limited.body["message"]
            .as_str()
            .unwrap()
            .contains(&format!("again in {retry} seconds"))
    );
    snap!("rate_limited", limited);
}
