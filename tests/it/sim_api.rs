//! Behaviour of the simulator over real HTTP: lists and paging, conditions, fields, orderBy, writes,
//! recycle bin, faults, the request log, the admin API and state files.

use crate::common::sim::Sim;
use cwrecon::sim::{Credentials, Faults, Store, Tenant};
use serde_json::{Value, json};

async fn companies(sim: &Sim, n: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 1..=n {
        ids.push(sim.create("/company/companies", &json!({"identifier": format!("C{i:03}"), "name": format!("Company {i}"), "city": if i % 2 == 0 { "Austin" } else { "Boston" }})).await);
    }
    ids
}

fn ids(body: &Value) -> Vec<i64> {
    body.as_array()
        .expect("test setup")
        .iter()
        .map(|r| r["id"].as_i64().expect("test setup"))
        .collect()
}

#[tokio::test]
async fn lists_are_bare_arrays_paged_with_link_headers() {
    let sim = Sim::start().await;
    let all = companies(&sim, 7).await;
    let default = sim.get("/company/companies").await;
    assert_eq!(
        ids(&default.body),
        all,
        "default page size 25 holds all seven, ordered by id"
    );
    let page2 = sim
        .get("/company/companies?pageSize=3&page=2&conditions=id%3E0")
        .await;
    assert_eq!(ids(&page2.body), all[3..6]);
    let link = page2.header("link").unwrap();
    let rels: Vec<(String, String)> = link
        .split(", ")
        .map(|part| {
            let (url, rel) = part.split_once(">; rel=").unwrap();
            (
                rel.trim_matches('"').to_owned(),
                url.trim_start_matches('<').to_owned(),
            )
        })
        .collect();
    let names: Vec<&str> = rels.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(names, ["first", "prev", "next", "last"]);
    // pyconnectwise reads the page number with `page=(\d+)>; rel="(.*?)"`.
    for (rel, page) in [("first", 1), ("prev", 1), ("next", 3), ("last", 3)] {
        assert!(
            link.contains(&format!("page={page}>; rel=\"{rel}\"")),
            "{link}"
        );
    }
    assert!(
        rels[2].1.contains("conditions=id%3E0") && rels[2].1.contains("pageSize=3"),
        "{}",
        rels[2].1
    );
    let last = sim.get("/company/companies?pageSize=3&page=3").await;
    assert_eq!(ids(&last.body), all[6..]);
    assert!(!last.header("link").unwrap().contains("rel=\"next\""));
    let beyond = sim.get("/company/companies?pageSize=3&page=9").await;
    assert_eq!((beyond.status, beyond.body.clone()), (200, json!([])));
    let first = sim.get("/company/companies?pageSize=3").await;
    assert!(!first.header("link").unwrap().contains("rel=\"prev\""));
}

#[tokio::test]
async fn page_size_is_capped_at_1000() {
    let store = Store::with_credentials(Credentials::defaults());
    store.generate(&Tenant {
        companies: 1005,
        ..Tenant::default()
    });
    let sim = Sim::with_store(store).await;
    let page = sim.get("/company/companies?pageSize=5000&fields=id").await;
    assert_eq!(page.body.as_array().unwrap().len(), 1000);
    assert_eq!(
        sim.get("/company/companies/count").await.body,
        json!({"count": 1005})
    );
}

#[tokio::test]
async fn forward_only_paging_follows_page_id() {
    let sim = Sim::start().await;
    let all = companies(&sim, 5).await;
    let get = |query: String| {
        sim.send(
            sim.request(reqwest::Method::GET, &format!("/company/companies?{query}"))
                .header("pagination-type", "forward-only"),
        )
    };
    let first = get("pageSize=2&page=3".to_owned()).await;
    assert_eq!(ids(&first.body), all[..2], "page is ignored");
    let link = first.header("link").unwrap();
    assert!(
        link.ends_with(&format!("pageId={}>; rel=\"next\"", all[1])),
        "{link}"
    );
    let second = get(format!("pageSize=2&pageId={}", all[1])).await;
    assert_eq!(ids(&second.body), all[2..4]);
    let done = get(format!("pageSize=2&pageId={}", all[4])).await;
    assert_eq!(done.body, json!([]));
    assert!(done.header("link").is_none());
}

#[tokio::test]
async fn conditions_order_by_fields_and_count() {
    let sim = Sim::start().await;
    let all = companies(&sim, 6).await;
    let austin = sim.get("/company/companies?conditions=city%20%3D%20%27austin%27%20and%20name%20like%20%27Company%25%27&orderBy=name%20desc").await;
    assert_eq!(ids(&austin.body), vec![all[5], all[3], all[1]]);
    let count = sim
        .get("/company/companies/count?conditions=city%3D%22Boston%22%20or%20id%20in%20(2)")
        .await;
    assert_eq!(count.body, json!({"count": 4}));
    let status = sim.get("/company/companies?conditions=status/name%3D%22Active%22%20AND%20NOT%20name%20contains%20%226%22").await;
    assert_eq!(
        status.status, 400,
        "`not` prefixes an operator, not an expression: {}",
        status.body
    );
    let status = sim.get("/company/companies?conditions=status/name%3D%22Active%22%20AND%20name%20not%20contains%20%226%22").await;
    assert_eq!(ids(&status.body), all[..5]);
    let projected = sim
        .get("/company/companies?fields=id,status/name&pageSize=1")
        .await;
    assert_eq!(
        projected.body,
        json!([{"id": all[0], "status": {"name": "Active"}}])
    );
    let with_info = sim
        .get(&format!(
            "/company/companies/{}?fields=id,_info/lastUpdated",
            all[0]
        ))
        .await;
    assert!(with_info.body["_info"]["lastUpdated"].is_string());
    assert_eq!(with_info.body.as_object().unwrap().len(), 2);
    let full = sim.get(&format!("/company/companies/{}", all[0])).await;
    assert!(
        full.body["_info"]["reports_href"]
            .as_str()
            .unwrap()
            .ends_with(&format!(
                "/company/companies/{}/managementSummaryReports",
                all[0]
            ))
    );
    assert!(full.body.get("state").is_none(), "nulls are left out");
}

#[tokio::test]
async fn child_conditions_filter_company_types() {
    let sim = Sim::start().await;
    let vendor = sim
        .create(
            "/company/companies",
            &json!({"identifier": "V", "name": "V", "city": "x", "types": [{"name": "Vendor"}]}),
        )
        .await;
    let client = sim
        .create(
            "/company/companies",
            &json!({"identifier": "C", "name": "C", "city": "x"}),
        )
        .await;
    let vendors = sim
        .get("/company/companies?childConditions=types/name%3D%22Vendor%22")
        .await;
    assert_eq!(ids(&vendors.body), vec![vendor]);
    let clients = sim
        .get("/company/companies?childConditions=types/id%3D1")
        .await;
    assert_eq!(
        ids(&clients.body),
        vec![client],
        "the default type is Client"
    );
    let assoc = sim
        .create(
            &format!("/company/companies/{client}/typeAssociations"),
            &json!({"type": {"id": 3}}),
        )
        .await;
    assert!(assoc > 0);
    let vendors = sim
        .get("/company/companies?childConditions=types/name%3D%22Vendor%22")
        .await;
    assert_eq!(
        ids(&vendors.body),
        vec![vendor, client],
        "type associations are the company's types"
    );
}

#[tokio::test]
async fn deleted_companies_are_hidden_unless_asked_for() {
    let sim = Sim::start().await;
    let all = companies(&sim, 2).await;
    assert_eq!(
        sim.delete(&format!("/company/companies/{}", all[0]))
            .await
            .status,
        204
    );
    assert_eq!(ids(&sim.get("/company/companies").await.body), vec![all[1]]);
    assert_eq!(
        sim.get(&format!("/company/companies/{}", all[0]))
            .await
            .status,
        404
    );
    let bin = sim
        .get("/company/companies?conditions=deletedFlag%3Dtrue")
        .await;
    assert_eq!(ids(&bin.body), vec![all[0]]);
    assert!(bin.body[0]["dateDeleted"].is_string());
    assert_eq!(
        sim.get("/company/companies/count").await.body,
        json!({"count": 1})
    );
}

#[tokio::test]
async fn put_replaces_and_patch_updates() {
    let sim = Sim::start().await;
    let id = sim
        .create(
            "/company/companies",
            &json!({"identifier": "P", "name": "P", "city": "Austin", "phoneNumber": "555"}),
        )
        .await;
    let put = sim
        .put(
            &format!("/company/companies/{id}"),
            &json!({"identifier": "P", "name": "P2", "city": "Austin"}),
        )
        .await;
    assert_eq!(put.status, 200);
    assert!(
        put.body.get("phoneNumber").is_none(),
        "PUT resets omitted fields"
    );
    let patched = sim
        .patch(
            &format!("/company/companies/{id}"),
            &json!([{"op": "replace", "path": "/name", "value": "P3"}, {"op": "replace", "path": "status", "value": {"name": "Inactive"}}, {"op": "remove", "path": "city"}, {"op": "add", "path": "zip", "value": "78701"}]),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(patched.body["name"], "P3");
    assert_eq!(patched.body["status"]["name"], "Inactive");
    assert!(patched.body.get("city").is_none());
    assert_eq!(
        patched.body["types"][0]["name"], "Client",
        "types survive a patch"
    );
    let entered = patched.body["_info"]["dateEntered"].clone();
    assert_eq!(
        sim.get(&format!("/company/companies/{id}")).await.body["_info"]["dateEntered"],
        entered
    );
}

#[tokio::test]
async fn sub_categories_share_one_table_in_both_forms() {
    let sim = Sim::start().await;
    let category = sim
        .create("/procurement/categories", &json!({"name": "Cloud"}))
        .await;
    let legacy = sim
        .create(
            &format!("/procurement/categories/{category}/subcategories/"),
            &json!({"name": "Email"}),
        )
        .await;
    let flat = sim
        .get(&format!("/procurement/subcategories/{legacy}"))
        .await;
    assert_eq!(flat.body["category"]["id"], category);
    let flat_list = sim
        .get("/procurement/subcategories/?conditions=category/name%3D%22Cloud%22")
        .await;
    assert_eq!(ids(&flat_list.body), vec![legacy]);
    assert_eq!(
        sim.get("/procurement/subcategories").await.status,
        404,
        "the spec's path has a trailing slash"
    );
    let put = sim
        .put(
            &format!("/procurement/categories/{category}/subcategories/{legacy}"),
            &json!({"name": "Mail"}),
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(
        sim.get(&format!("/procurement/subcategories/{legacy}"))
            .await
            .body["category"]["id"],
        category,
        "the legacy PUT keeps the category"
    );
}

#[tokio::test]
async fn additions_derive_from_product_and_agreement() {
    let sim = Sim::start().await;
    let (_company, contact) = sim
        .company_with_contact(
            &json!({"identifier": "A", "name": "A", "city": "x"}),
            json!({"firstName": "A", "lastName": "B"}),
        )
        .await;
    let category = sim
        .create("/procurement/categories", &json!({"name": "Cloud"}))
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
    let item = sim
        .create("/procurement/catalog", &json!({"identifier": "MXS_7.25", "description": "Mailbox", "customerDescription": "x", "subcategory": {"id": sub}, "type": {"name": "services"}, "price": 12.0, "cost": 7.25}))
        .await;
    let catalog = sim.get(&format!("/procurement/catalog/{item}")).await.body;
    assert_eq!(
        catalog["category"]["id"], category,
        "category comes from the sub-category"
    );
    assert_eq!(
        catalog["type"]["id"], product_type,
        "references can be given by name"
    );
    let agreement_type = sim
        .create("/finance/agreements/types", &json!({"name": "Intermedia", "employeeCompRate": "Actual", "employeeCompNotExceed": "Billing", "invoicingCycle": "ContractYear", "billTime": "Billable", "billExpenses": "Billable", "billProducts": "Billable"}))
        .await;
    let agreement = sim.post("/finance/agreements", &json!({"name": "A", "type": {"id": agreement_type}, "company": {"identifier": "A"}, "contact": {"id": contact}})).await;
    assert_eq!(agreement.status, 201);
    assert_eq!(
        agreement.body["billTime"], "Billable",
        "update-required fields default from the type"
    );
    let agreement = agreement.body["id"].as_i64().unwrap();
    let addition = sim.post(&format!("/finance/agreements/{agreement}/additions"), &json!({"product": {"identifier": "MXS_7.25"}, "billCustomer": "Billable", "quantity": 42})).await;
    assert_eq!(addition.status, 201);
    assert_eq!(addition.body["agreementId"], agreement);
    assert_eq!(addition.body["unitPrice"], 12.0);
    assert_eq!(addition.body["extPrice"], 504.0);
    assert_eq!(addition.body["product"]["identifier"], "MXS_7.25");
    assert_eq!(
        sim.get(&format!("/finance/agreements/{agreement}/additions/count"))
            .await
            .body,
        json!({"count": 1})
    );
    assert_eq!(
        sim.delete(&format!("/finance/agreements/{agreement}"))
            .await
            .status,
        204
    );
    assert_eq!(
        sim.get(&format!("/finance/agreements/{agreement}/additions"))
            .await
            .status,
        404
    );
}

async fn statuses_with_seed(sim: &Sim, seed: u64) -> Vec<u16> {
    sim.store.set_faults(Faults {
        error_rate: 0.5,
        seed,
        ..Faults::default()
    });
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(sim.get("/company/companies/count").await.status);
    }
    statuses
}

#[tokio::test]
async fn injected_errors_are_reproducible_from_the_seed() {
    let sim = Sim::start().await;
    let a = statuses_with_seed(&sim, 7).await;
    let b = statuses_with_seed(&sim, 7).await;
    assert_eq!(a, b);
    assert!(
        a.contains(&200) && a.iter().any(|s| *s == 500 || *s == 503),
        "{a:?}"
    );
    assert!(a.iter().all(|s| [200, 500, 503].contains(s)));
}

#[tokio::test]
async fn dropped_writes_commit_before_the_connection_closes() {
    let sim = Sim::start().await;
    sim.store.set_faults(Faults {
        drop_rate: 1.0,
        ..Faults::default()
    });
    let err = sim
        .request(reqwest::Method::POST, "/company/companies")
        .json(&json!({"identifier": "D", "name": "D", "city": "x"}))
        .send()
        .await;
    assert!(err.is_err(), "the client sees no answer");
    assert_eq!(
        sim.get("/company/companies?conditions=identifier%3D%22D%22")
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1,
        "reads are never dropped; the write committed"
    );
    let log = sim.store.requests();
    assert_eq!(
        log[0].status, 201,
        "the log records the answer that was not sent"
    );
}

#[tokio::test]
async fn request_log_and_admin_api() {
    let sim = Sim::start().await;
    companies(&sim, 2).await;
    sim.get("/company/companies?pageSize=1").await;
    let log: Vec<Value> = sim
        .http
        .get(sim.admin("/_sim/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log.len(), 3);
    assert_eq!(log[2]["method"], "GET");
    assert_eq!(log[2]["path"], "/v4_6_release/apis/3.0/company/companies");
    assert_eq!(log[2]["query"], "pageSize=1");
    assert_eq!(log[2]["status"], 200);
    assert!(log[2]["durationUs"].is_u64());
    let faults: Value = sim
        .http
        .put(sim.admin("/_sim/faults"))
        .json(&json!({"rateLimitPerMinute": 1}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(faults["rateLimitPerMinute"], 1);
    assert_eq!(sim.get("/company/companies").await.status, 200);
    assert_eq!(sim.get("/company/companies").await.status, 429);
    sim.http
        .put(sim.admin("/_sim/faults"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        sim.http
            .post(sim.admin("/_sim/reset"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        sim.get("/company/companies/count").await.body,
        json!({"count": 0})
    );
    assert_eq!(sim.store.requests().len(), 1, "reset clears the log");
    let bad = sim
        .http
        .put(sim.admin("/_sim/faults"))
        .json(&json!({"errorRat": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn state_survives_a_restart_through_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let sim = Sim::start().await;
    let id = sim
        .create(
            "/company/companies",
            &json!({"identifier": "Keep", "name": "Keep", "city": "x"}),
        )
        .await;
    sim.store.save(&path).unwrap();
    let again = Store::with_credentials(Credentials::defaults());
    again.load(&path).unwrap();
    let sim2 = Sim::with_store(again).await;
    let record = sim2.get(&format!("/company/companies/{id}")).await;
    assert_eq!(record.body["identifier"], "Keep");
    let next = sim2
        .create(
            "/company/companies",
            &json!({"identifier": "Next", "name": "N", "city": "x"}),
        )
        .await;
    assert_eq!(next, id + 1, "ids continue after a reload");
    std::fs::write(&path, "{\"version\": 9, \"tables\": {}}").unwrap();
    assert!(
        Store::new()
            .load(&path)
            .unwrap_err()
            .to_string()
            .contains("version 9")
    );
}

#[tokio::test]
async fn login_company_info_and_system_info() {
    let sim = Sim::start().await;
    let info: Value = sim
        .http
        .get(sim.admin("/login/companyinfo/CWRECON"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["Codebase"], "v2025_1/");
    assert_eq!(
        sim.http
            .get(sim.admin("/login/companyinfo/other"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let system = sim.send(sim.http.get(sim.url("/system/info"))).await;
    assert_eq!(system.status, 200, "system/info needs no auth");
    assert!(system.body["version"].as_str().unwrap().starts_with('v'));
}

#[tokio::test]
async fn credentials_come_from_the_store() {
    let credentials = Credentials {
        company_id: "acme".into(),
        public_key: "pub".to_owned().into(),
        private_key: "priv".to_owned().into(),
        client_id: "cid".into(),
    };
    let mut sim = Sim::with_store(Store::with_credentials(credentials.clone())).await;
    assert_eq!(
        sim.get("/company/companies").await.status,
        401,
        "the defaults are refused"
    );
    sim.credentials = credentials;
    assert_eq!(sim.get("/company/companies").await.status, 200);
}

#[tokio::test]
async fn custom_field_and_communication_item_filters() {
    let sim = Sim::start().await;
    let tagged = sim
        .create(
            "/company/contacts",
            &json!({"firstName": "A", "customFields": [{"id": 4, "caption": "TomNumber", "value": "7"}],
                    "communicationItems": [{"type": {"id": 1, "name": "Email"}, "value": "a@example.com", "communicationType": "Email"}]}),
        )
        .await;
    let other = sim
        .create(
            "/company/contacts",
            &json!({"firstName": "B", "customFields": [{"id": 4, "caption": "TomNumber"}]}),
        )
        .await;
    let q = sim.get("/company/contacts?customFieldConditions=caption%3D%22TomNumber%22%20AND%20value%20!%3D%20null").await;
    assert_eq!(ids(&q.body), vec![tagged]);
    let q = sim
        .get("/company/contacts?customFieldConditions=caption%3D%22TomNumber%22")
        .await;
    assert_eq!(ids(&q.body), vec![tagged, other]);
    let q = sim.get("/company/contacts?childConditions=communicationItems/value%20like%20%22a@%25%22%20AND%20communicationItems/communicationType%3D%22Email%22").await;
    assert_eq!(ids(&q.body), vec![tagged]);
    assert_eq!(
        sim.get("/company/contacts?customFieldConditions=colour%3D1")
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn generated_records_pass_the_simulator_s_own_validation() {
    let store = Store::with_credentials(Credentials::defaults());
    store.generate(
        &"companies=3,catalog=4,agreements=2,additions=3"
            .parse()
            .unwrap(),
    );
    let sim = Sim::with_store(store).await;
    for collection in [
        "/company/companies",
        "/company/contacts",
        "/procurement/catalog",
        "/finance/agreements",
        "/finance/agreements/1/additions",
        "/company/companies/1/managementSummaryReports",
        "/company/companies/1/sites",
    ] {
        let list = sim.get(collection).await;
        assert_eq!(list.status, 200);
        for record in list.body.as_array().unwrap() {
            let mut body = record.clone();
            let id = body["id"].as_i64().unwrap();
            let object = body.as_object_mut().unwrap();
            object.remove("id");
            object.remove("_info");
            object.remove("types");
            let put = sim.put(&format!("{collection}/{id}"), &body).await;
            assert_eq!(put.status, 200, "PUT {collection}/{id}: {}", put.body);
        }
    }
}

#[tokio::test]
async fn paths_outside_the_api_base_are_404_and_not_logged() {
    let sim = Sim::start().await;
    let outside = sim
        .send(
            sim.http
                .get(format!("{}/company/companies", sim.running.url()))
                .header("Authorization", sim.credentials.authorization()),
        )
        .await;
    assert_eq!(outside.status, 404);
    assert_eq!(outside.body["code"], "NotFound");
    assert!(
        sim.store.requests().is_empty(),
        "only API requests are logged"
    );
}

#[tokio::test]
async fn unfiltered_and_filtered_lists_page_alike() {
    let sim = Sim::start().await;
    let all = companies(&sim, 5).await;
    sim.delete(&format!("/company/companies/{}", all[1])).await;
    for (plain, filtered) in [
        ("pageSize=2&page=2", "pageSize=2&page=2&conditions=id%3E0"),
        (
            "orderBy=id%20desc&pageSize=3",
            "orderBy=id%20desc&pageSize=3&conditions=id%3E0",
        ),
        ("orderBy=id%20asc", "orderBy=name%20asc"),
    ] {
        let a = sim.get(&format!("/company/companies?{plain}")).await;
        let b = sim.get(&format!("/company/companies?{filtered}")).await;
        assert_eq!(ids(&a.body), ids(&b.body), "{plain} vs {filtered}");
    }
    let desc = sim.get("/company/companies?orderBy=id%20desc").await;
    assert_eq!(ids(&desc.body), vec![all[4], all[3], all[2], all[0]]);
}

#[tokio::test]
async fn conditions_survive_url_encoding_of_awkward_text() {
    let sim = Sim::start().await;
    let names = [
        "A&B",
        "C+D",
        "50% off",
        "O'Brien",
        "Say \"hi\"",
        "[bracket]",
        "semi;colon",
    ];
    let mut made = Vec::new();
    for (i, name) in names.iter().enumerate() {
        made.push(
            sim.create(
                "/company/companies",
                &json!({"identifier": format!("W{i}"), "name": name, "city": "x"}),
            )
            .await,
        );
    }
    for (i, name) in names.iter().enumerate() {
        let quoted = cwrecon::connectwise::conditions::quote(name);
        let found = sim
            .send(
                sim.request(reqwest::Method::GET, "/company/companies")
                    .query(&[("conditions", format!("name = {quoted}"))]),
            )
            .await;
        assert_eq!(found.status, 200, "{name}: {}", found.body);
        assert_eq!(ids(&found.body), vec![made[i]], "{name}");
    }
    let single = sim
        .send(
            sim.request(reqwest::Method::GET, "/company/companies")
                .query(&[("conditions", "name = 'A&B' or name contains '+'")]),
        )
        .await;
    assert_eq!(ids(&single.body), vec![made[0], made[1]]);
    let like = sim
        .send(
            sim.request(reqwest::Method::GET, "/company/companies")
                .query(&[("conditions", "name like '50%'")]),
        )
        .await;
    assert_eq!(ids(&like.body), vec![made[2]]);
}
