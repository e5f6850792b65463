//! Several vendors in one configuration (issue 14), against the simulator over real HTTP: two
//! vendors on one customer, and a vendor billed on the customer's shared agreement, whose
//! hand-made lines survive every plan and apply untouched.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a failure here is a failed test"
)]

use crate::common::examples::today;
use crate::common::tenant::{Tenant, op_lines, tenant};
use serde_json::{Value, json};

/// Setup rows for one vendor: its product type, agreement type (own agreements only), category,
/// sub-category and Management IT solution.
fn setup(vendor: &str, own_agreements: bool) -> String {
    let agreement_type = if own_agreements {
        format!("  agreement_types:\n    - {{ name: {vendor} }}\n")
    } else {
        String::new()
    };
    format!(
        "setup:\n  product_types:\n    - {{ name: {vendor}_Services }}\n{agreement_type}  categories:\n    - {{ name: {vendor} }}\n  subcategories:\n    - {{ name: {vendor} Services, category: {vendor} }}\n  management_it_solutions:\n    - {{ name: {vendor} }}\n"
    )
}

fn integration(vendor: &str, own_agreements: bool) -> String {
    let placement = if own_agreements {
        format!("agreement_type: {vendor}")
    } else {
        "agreements: shared, shared_agreement_type: Managed Services".to_owned()
    };
    format!(
        "  - {{ name: {vendor}, product_type: {vendor}_Services, {placement}, category: {vendor}, subcategory: {vendor} Services }}\n"
    )
}

/// The configuration's files: integrations, each vendor's setup and products, and `companies`.
pub(crate) fn files(vendors: &[(&str, bool)], companies: &str) -> Vec<(String, String)> {
    let mut out = vec![(
        "integrations.yaml".to_owned(),
        format!(
            "integrations:\n{}setup:\n  units_of_measure:\n    - {{ name: Unit }}\n",
            vendors
                .iter()
                .map(|(v, own)| integration(v, *own))
                .collect::<String>()
        ),
    )];
    for (vendor, own) in vendors {
        let sku = &vendor[..3].to_uppercase();
        out.push((
            format!("{vendor}.yaml"),
            format!(
                "{}defaults: {{ integration: {vendor} }}\nproducts:\n  - {{ sku: {sku}1R, unit_cost: 2, retail_price: 5, description: {vendor} seat }}\n",
                setup(vendor, *own)
            ),
        ));
    }
    out.push(("companies.yaml".to_owned(), companies.to_owned()));
    out
}

fn load(files: &[(String, String)]) -> cwrecon::config::Config {
    cwrecon::config::load_texts(files.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .unwrap_or_else(|e| panic!("{e:?}"))
}

async fn apply_past_rails(
    t: &Tenant,
    files: &[(String, String)],
    allow_destructive: bool,
) -> Result<cwrecon::commands::apply::Applied, cwrecon::commands::apply::ApplyRefused> {
    let config = load(files);
    let source = cwrecon::live::ClientSource::new(t.client.clone(), 4);
    let target = cwrecon::apply::ClientTarget::new(t.client.clone());
    Box::pin(cwrecon::commands::apply::apply(
        &config,
        &source,
        &target,
        today(),
        allow_destructive,
        4,
    ))
    .await
    .unwrap()
}

async fn apply(
    t: &Tenant,
    files: &[(String, String)],
) -> Result<cwrecon::commands::apply::Applied, cwrecon::commands::apply::ApplyRefused> {
    apply_past_rails(t, files, false).await
}

async fn applied(t: &Tenant, files: &[(String, String)]) -> cwrecon::commands::apply::Applied {
    complete(apply(t, files).await)
}

fn complete(
    applied: Result<cwrecon::commands::apply::Applied, cwrecon::commands::apply::ApplyRefused>,
) -> cwrecon::commands::apply::Applied {
    let applied = applied.unwrap_or_else(|e| panic!("{e}"));
    assert!(
        applied.is_complete(),
        "{}\n{}",
        applied.summary(),
        cwrecon::plan::render::text(&applied.after, false)
    );
    applied
}

/// The records at `path` (one page), as the simulator holds them.
async fn get(t: &Tenant, path: &str) -> Vec<Value> {
    let answer = t.send(reqwest::Method::GET, path, None).await;
    answer.as_array().unwrap().clone()
}

/// `(solution, account)` of a company's links, sorted.
async fn links(t: &Tenant, company: i64) -> Vec<(String, String)> {
    let found = get(
        t,
        &format!("/company/companies/{company}/managementSummaryReports"),
    )
    .await;
    let mut out: Vec<(String, String)> = found
        .iter()
        .map(|l| {
            (
                l["managementSolution"]["name"].as_str().unwrap().to_owned(),
                l["groupIdentifier"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

/// `(product, quantity, cancelled)` of an agreement's additions, by product.
async fn additions(t: &Tenant, agreement: i64) -> Vec<(String, f64, bool)> {
    let found = get(t, &format!("/finance/agreements/{agreement}/additions")).await;
    let mut out: Vec<(String, f64, bool)> = found
        .iter()
        .map(|a| {
            (
                a["product"]["identifier"].as_str().unwrap().to_owned(),
                a["quantity"].as_f64().unwrap(),
                a.get("cancelledDate").is_some_and(|d| !d.is_null()),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.cmp(&b.2)));
    out
}

fn id(value: &Value) -> i64 {
    value["id"].as_i64().unwrap()
}

const TWO_VENDORS: &str = "companies:\n  - identifier: AcmeCorp\n    vendors:\n      Intermedia:\n        account: '1001'\n        agreement: { name: Intermedia - Acme, start_date: 2026-01-01, additions: [{ product: INT1R_2, quantity: 42 }] }\n      Pax8:\n        account: '1001'\n        agreement: { name: Pax8 - Acme, start_date: 2026-01-01, additions: [{ product: PAX1R_2, quantity: 40 }] }\n  - identifier: Zeta\n    create: { name: Zeta Ltd, address: { country: United States } }\n    contact: { first_name: Zoe, last_name: Zed }\n    vendors:\n      Pax8:\n        account: z-9\n        agreement: { name: Pax8 - Zeta, start_date: 2026-01-01, additions: [{ product: PAX1R_2, quantity: 3 }] }\n      Intermedia:\n        account: '2002'\n        agreement: { name: Intermedia - Zeta, start_date: 2026-01-01, additions: [{ product: INT1R_2, quantity: 5 }] }\n";

#[tokio::test]
async fn two_vendors_on_one_customer_are_one_company_linked_once_per_vendor() {
    let t = tenant().await;
    t.with_example_companies().await;
    let files = files(&[("Intermedia", true), ("Pax8", true)], TWO_VENDORS);
    let first = applied(&t, &files).await;
    let ops = op_lines(&first.report.plan);
    assert_eq!(
        ops.iter()
            .filter(|o| o.starts_with("create company ") && !o.contains(" link "))
            .count(),
        1,
        "Zeta is created once, Acme is found by identifier: {ops:#?}"
    );
    for expected in [
        "create company link AcmeCorp / Intermedia",
        "create company link AcmeCorp / Pax8",
        "create company link Zeta / Pax8",
        "create company link Zeta / Intermedia",
    ] {
        assert!(ops.iter().any(|o| o == expected), "{expected}: {ops:#?}");
    }

    // One company each, linked once per vendor, with one agreement per vendor.
    for (identifier, expected_links) in [
        ("AcmeCorp", [("Intermedia", "1001"), ("Pax8", "1001")]),
        ("Zeta", [("Intermedia", "2002"), ("Pax8", "z-9")]),
    ] {
        let found = t
            .list(
                "/company/companies",
                &format!("identifier = \"{identifier}\""),
            )
            .await;
        assert_eq!(found.len(), 1, "{identifier}: {found:#?}");
        let company = id(&found[0]);
        let expected: Vec<(String, String)> = expected_links
            .iter()
            .map(|(s, a)| ((*s).to_owned(), (*a).to_owned()))
            .collect();
        assert_eq!(links(&t, company).await, expected, "{identifier}");
        let agreements = t
            .list("/finance/agreements", &format!("company/id = {company}"))
            .await;
        let mut types: Vec<&str> = agreements
            .iter()
            .map(|a| a["type"]["name"].as_str().unwrap())
            .collect();
        types.sort_unstable();
        assert_eq!(types, ["Intermedia", "Pax8"], "{identifier}");
        for agreement in &agreements {
            let lines = additions(&t, id(agreement)).await;
            assert_eq!(lines.len(), 1, "{lines:?}");
            let vendor = agreement["type"]["name"].as_str().unwrap();
            assert_eq!(lines[0].0[..3], vendor[..3].to_uppercase());
        }
    }

    // A second apply plans nothing (the verify inside `applied` planned empty too).
    let writes = t.writes();
    let again = applied(&t, &files).await;
    assert!(again.report.plan.is_empty());
    assert_eq!(t.writes(), writes);
}

/// The ids of Acme (made by [`Tenant::with_example_companies`]) and its contact.
async fn acme(t: &Tenant) -> (i64, i64) {
    let acme = id(&t
        .list("/company/companies", "identifier = \"AcmeCorp\"")
        .await[0]);
    let contact = id(&t
        .list("/company/contacts", &format!("company/id = {acme}"))
        .await[0]);
    (acme, contact)
}

/// Acme, its contact, the `Managed Services` agreement type and Acme's shared agreement with two
/// lines a person added by hand (products of a type no integration owns). Returns the shared
/// agreement's id.
pub(crate) async fn shared_agreement(t: &Tenant, name: &str) -> i64 {
    t.with_example_companies().await;
    let (acme, contact) = acme(t).await;
    let msp = t.post("/finance/agreements/types", json!({"name": "Managed Services", "employeeCompRate": "Actual", "employeeCompNotExceed": "Billing", "invoicingCycle": "CalendarYear", "billTime": "Billable", "billExpenses": "Billable", "billProducts": "Billable"})).await;
    let rows = t
        .catalog_rows(json!({"name": "Labor"}), "Services", "Onsite", "Hour")
        .await;
    let (labor, category, sub, unit) = (rows.product_type, rows.category, rows.sub, rows.unit);
    let agreement = t.post("/finance/agreements", json!({"name": name, "type": {"id": msp}, "company": {"id": acme}, "contact": {"id": contact}, "startDate": "2026-01-01T00:00:00Z"})).await;
    for (identifier, quantity) in [("HELPDESK", 10), ("ONSITE-HOURS", 4)] {
        let item = t.post("/procurement/catalog", json!({"identifier": identifier, "description": identifier, "customerDescription": identifier, "subcategory": {"id": sub}, "category": {"id": category}, "type": {"id": labor}, "unitOfMeasure": {"id": unit}, "cost": 1, "price": 90, "recurringFlag": true})).await;
        t.post(&format!("/finance/agreements/{agreement}/additions"), json!({"product": {"id": item}, "quantity": quantity, "unitPrice": 90, "billCustomer": "Billable", "effectiveDate": "2026-01-01T00:00:00Z"})).await;
    }
    agreement
}

fn acronis_company(additions: &str) -> String {
    format!(
        "companies:\n  - identifier: AcmeCorp\n    vendors:\n      Intermedia:\n        account: '1001'\n      Acronis:\n        account: acme-corp\n        additions: {additions}\n"
    )
}

/// The hand-made lines of the shared agreement, as the simulator holds them.
const HAND_MADE: [(&str, f64, bool); 2] = [("HELPDESK", 10.0, false), ("ONSITE-HOURS", 4.0, false)];

/// The shared agreement holds the hand-made lines as made, and the owned line as `owned`.
async fn assert_owned_line(t: &Tenant, agreement: i64, owned: (&str, f64, bool)) {
    let lines = additions(t, agreement).await;
    let hand_made: Vec<(&str, f64, bool)> = lines
        .iter()
        .filter(|l| !l.0.starts_with("ACR"))
        .map(|l| (l.0.as_str(), l.1, l.2))
        .collect();
    assert_eq!(hand_made, HAND_MADE, "the hand-made lines are untouched");
    assert!(
        lines.iter().any(|l| (l.0.as_str(), l.1, l.2) == owned),
        "{owned:?} in {lines:?}"
    );
}

#[tokio::test]
async fn a_shared_agreements_hand_made_lines_survive_every_plan_and_apply_untouched() {
    let t = tenant().await;
    let agreement = shared_agreement(&t, "Acme - Managed Services").await;
    let record = format!("/finance/agreements/{agreement}");
    let before = t.send(reqwest::Method::GET, &record, None).await;
    let vendors = [("Intermedia", true), ("Acronis", false)];

    // Added next to them.
    let first = applied(
        &t,
        &files(
            &vendors,
            &acronis_company("[{ product: ACR1R_2, quantity: 38 }]"),
        ),
    )
    .await;
    let touched = op_lines(&first.report.plan);
    assert!(
        touched
            .iter()
            .all(|k| !k.contains("HELPDESK") && !k.contains("ONSITE")),
        "{touched:#?}"
    );
    assert!(
        !touched.iter().any(|k| k.contains(" agreement AcmeCorp")),
        "the shared agreement is never created or changed: {touched:#?}"
    );
    assert_owned_line(&t, agreement, ("ACR1R_2", 38.0, false)).await;

    // A quantity change moves only the owned line.
    applied(
        &t,
        &files(
            &vendors,
            &acronis_company("[{ product: ACR1R_2, quantity: 40 }]"),
        ),
    )
    .await;
    assert_owned_line(&t, agreement, ("ACR1R_2", 40.0, false)).await;

    // Removing the owned line cancels it and nothing else: the hand-made lines are not counted
    // as removed, nor in the revenue the rail compares (40 × 5, not the 1,260 billed by hand).
    let gone = files(&vendors, &acronis_company("[]"));
    let writes = t.writes();
    let refused = apply(&t, &gone).await.unwrap_err().to_string();
    assert!(
        refused.contains("monthly recurring revenue would drop from 200.00 to 0.00"),
        "{refused}"
    );
    assert_eq!(t.writes(), writes);
    let removed = complete(apply_past_rails(&t, &gone, true).await);
    let removals: Vec<String> = op_lines(&removed.report.plan)
        .into_iter()
        .filter(|op| !op.starts_with("create ") && !op.starts_with("update "))
        .collect();
    assert_eq!(
        removals,
        ["cancel addition AcmeCorp / Managed Services / Acme - Managed Services / ACR1R_2"]
    );
    assert_owned_line(&t, agreement, ("ACR1R_2", 40.0, true)).await;

    // The agreement itself was never written.
    assert_eq!(before, t.send(reqwest::Method::GET, &record, None).await);
    let agreement_writes = t
        .store
        .requests()
        .iter()
        .filter(|r| {
            r.method != "GET"
                && r.path
                    .ends_with(&format!("/finance/agreements/{agreement}"))
        })
        .count();
    assert_eq!(agreement_writes, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_agreement_not_found_or_ambiguous_blocks_and_nothing_is_written() {
    let t = tenant().await;
    shared_agreement(&t, "Acme - Managed Services").await;
    let vendors = [("Intermedia", true), ("Acronis", false)];
    let company = acronis_company("[{ product: ACR1R_2, quantity: 38 }]");

    // Named, but no agreement has the name.
    let named = company.replace(
        "  - identifier: AcmeCorp\n",
        "  - identifier: AcmeCorp\n    shared_agreement: Acme - Backup\n",
    );
    let writes = t.writes();
    let refused = apply(&t, &files(&vendors, &named)).await;
    assert!(
        matches!(
            refused,
            Err(cwrecon::commands::apply::ApplyRefused::Findings(1))
        ),
        "{refused:?}"
    );
    assert_eq!(t.writes(), writes, "nothing written");

    // By type, with two active candidates: listed, not guessed; `plan` exits 1 (a blocking
    // finding, as documented).
    let (acme, contact) = acme(&t).await;
    let msp = id(&t
        .list("/finance/agreements/types", "name = \"Managed Services\"")
        .await[0]);
    t.post("/finance/agreements", json!({"name": "Acme - Second", "type": {"id": msp}, "company": {"id": acme}, "contact": {"id": contact}, "startDate": "2026-01-01T00:00:00Z"})).await;
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files(&vendors, &company) {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let writes = t.writes();
    let out = t.cli(&["plan", dir.path().to_str().unwrap()]).run();
    assert_eq!(out.code, 1, "{}", out.transcript());
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(
        all.contains("has 2 candidates for its shared agreement for `Acronis`")
            && all.contains("Acme - Managed Services")
            && all.contains("Acme - Second"),
        "{}",
        out.transcript()
    );
    let out = t
        .cli(&[
            "apply",
            dir.path().to_str().unwrap(),
            "--auto-approve",
            "--journal",
            dir.path().join("j").to_str().unwrap(),
        ])
        .run();
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert_eq!(t.writes(), writes, "nothing written");
}

/// `cwrecon` exited with `code` and said `text` (on stdout or stderr).
fn says(out: &crate::common::Output, code: i32, text: &str) {
    assert_eq!(out.code, code, "{}", out.transcript());
    assert!(
        out.transcript().contains(text),
        "{text:?} in {}",
        out.transcript()
    );
}

/// The configuration's files written to a folder, for the `cwrecon` binary.
fn folder(files: &[(String, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plans_group_by_customer_and_vendor_and_narrow_to_one_vendor() {
    let t = tenant().await;
    t.with_example_companies().await;
    let dir = folder(&files(&[("Intermedia", true), ("Pax8", true)], TWO_VENDORS));
    let path = dir.path().to_str().unwrap();

    // JSON: every vendor's object says whose it is; the company and its contact belong to none.
    let out = t.cli(&["plan", path, "--format", "json"]).run();
    assert_eq!(out.code, 0, "{}", out.transcript());
    let plan = crate::common::plan_json::PlanJson::parse(&out.stdout);
    let vendor_of = |kind: &str, first: &str| -> Vec<Option<String>> {
        let ops = plan.ops.iter().filter(|op| {
            serde_json::to_value(op.key.kind).unwrap() == json!(kind)
                && op.key.parts.first().map(String::as_str) == Some(first)
        });
        ops.map(|op| op.vendor.clone()).collect()
    };
    assert_eq!(
        vendor_of("agreement", "AcmeCorp"),
        [Some("Intermedia".to_owned()), Some("Pax8".to_owned())]
    );
    assert_eq!(vendor_of("company", "Zeta"), [None]);
    assert_eq!(
        vendor_of("catalog_item", "PAX1R_2"),
        [Some("Pax8".to_owned())]
    );
    let json: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["version"], 1);
    let by_vendor = &json["summary"]["revenue_by_vendor"];
    assert_eq!(
        by_vendor,
        &json!([
            {"vendor": "Intermedia", "before": 0, "after": 235},
            {"vendor": "Pax8", "before": 0, "after": 215},
        ]),
        "42 + 5 Intermedia seats and 40 + 3 Pax8 seats at 5.00"
    );

    // Text: totals per vendor, then each company's ops under each vendor.
    let out = t.cli(&["plan", path]).run();
    assert_eq!(out.code, 0, "{}", out.transcript());
    let missing: Vec<&str> = [
        "Monthly recurring revenue: 0.00 → 450.00 (+450.00)",
        "  Intermedia: 0.00 → 235.00 (+235.00)",
        "  Pax8: 0.00 → 215.00 (+215.00)",
        "  Vendor Pax8  (monthly revenue 0.00 → 200.00 (+200.00))",
    ]
    .into_iter()
    .filter(|line| !out.stdout.lines().any(|l| l == *line))
    .collect();
    assert!(missing.is_empty(), "{missing:#?} not in\n{}", out.stdout);

    // Markdown: the same per-vendor totals as a table, each vendor's ops in the company's block.
    let out = t.cli(&["plan", path, "--format", "markdown"]).run();
    says(
        &out,
        0,
        "| vendor | before | after | change |\n|---|---:|---:|---:|\n| Intermedia | 0.00 | 235.00 | +235.00 |\n| Pax8 | 0.00 | 215.00 | +215.00 |",
    );
    says(
        &out,
        0,
        "  Vendor Intermedia  (monthly revenue 0.00 → 210.00 (+210.00))\n+ create company link Intermedia",
    );

    // --vendor: that vendor's objects and what they need, nothing of the other's.
    let out = t
        .cli(&["plan", path, "--vendor", "pax8", "--format", "json"])
        .run();
    assert_eq!(out.code, 0, "{}", out.transcript());
    let narrowed = crate::common::plan_json::PlanJson::parse(&out.stdout);
    let keys: Vec<String> = narrowed
        .ops
        .iter()
        .map(|op| op.key.parts.join(" / "))
        .collect();
    assert!(
        narrowed
            .ops
            .iter()
            .all(|op| op.vendor.as_deref() != Some("Intermedia")),
        "{keys:#?}"
    );
    assert!(!keys.iter().any(|k| k.contains("Intermedia")), "{keys:#?}");
    assert!(
        keys.contains(&"Zeta".to_owned()),
        "the company a Pax8 link needs: {keys:#?}"
    );
    assert!(
        keys.contains(&"AcmeCorp / Pax8 / Pax8 - Acme / PAX1R_2".to_owned()),
        "{keys:#?}"
    );
    let out = t.cli(&["plan", path, "--vendor", "Datto"]).run();
    says(&out, 64, "the configuration's are: Intermedia, Pax8");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_of_a_multi_vendor_tenant_plans_empty() {
    let t = tenant().await;
    let shared = shared_agreement(&t, "Acme - Managed Services").await;
    let vendors = [("Intermedia", true), ("Pax8", true), ("Acronis", false)];
    let companies = "companies:\n  - identifier: AcmeCorp\n    vendors:\n      Intermedia:\n        account: '1001'\n        agreement: { name: Intermedia - Acme, start_date: 2026-01-01, additions: [{ product: INT1R_2, quantity: 42 }] }\n      Pax8:\n        account: '1001'\n        agreement: { name: Pax8 - Acme, start_date: 2026-01-01, additions: [{ product: PAX1R_2, quantity: 40, unit_price: 6 }] }\n      Acronis:\n        account: acme-corp\n        additions: [{ product: ACR1R_2, quantity: 38 }]\n  - identifier: BluebirdDental\n    vendors:\n      Pax8: { account: b-2, agreement: { name: Pax8 - Bluebird, start_date: 2026-03-01, additions: [{ product: PAX1R_2, quantity: 7 }] } }\n";
    let configured = files(&vendors, companies);
    applied(&t, &configured).await;

    let dir = folder(&configured[..1]);
    let integration = dir.path().join("integrations.yaml");
    let out_dir = dir.path().join("exported");
    let out = t
        .cli(&[
            "export",
            "--integration",
            integration.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ])
        .run();
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(!out.stdout.contains("not exported"), "{}", out.transcript());
    let acme = std::fs::read_to_string(out_dir.join("companies/AcmeCorp.yaml")).unwrap();
    assert!(
        acme.contains("shared_agreement: Acme - Managed Services") && !acme.contains("HELPDESK"),
        "the shared agreement by name, without its hand-made lines:\n{acme}"
    );
    assert!(out_dir.join("products/Acronis.yaml").exists());

    let out = t.cli(&["plan", out_dir.to_str().unwrap()]).run();
    says(
        &out,
        0,
        "Plan: no changes: ConnectWise matches the configuration",
    );
    // Nothing of the shared agreement's own lines was taken in.
    assert_eq!(additions(&t, shared).await.len(), 3);
}
