//! `plan` scenarios against the simulator over real HTTP, through the real client and binary:
//! each pins the text and JSON plan a reviewer would see.
#![expect(
    clippy::unwrap_used,
    reason = "test setup: a failure here is a failed test"
)]

use crate::common::copy_examples;
use crate::common::plan_json::PlanJson;
use crate::common::tenant::{Tenant, converged, redactions, tenant};
use cwrecon::live::ClientSource;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_tenant_plans_every_create_in_order_and_stops_on_companies_it_cannot_match() {
    let _redactions = redactions();
    let t = tenant().await;
    let output = t.cli(&["plan", "examples/intermedia"]).run();
    assert_eq!(
        output.code,
        1,
        "Acme and Bluebird must exist already: {}",
        output.transcript()
    );
    insta::assert_snapshot!(output.transcript());
    let json = t
        .cli(&["plan", "examples/intermedia", "--format", "json"])
        .run();
    assert_eq!(json.code, 1);
    insta::assert_snapshot!(
        "fresh_tenant_json_summary",
        PlanJson::parse(&json.stdout).summary()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_is_planned_and_hand_edits_to_undeclared_fields_survive() {
    let t = converged().await;
    // Counts drifted at the vendor's portal export; a price was edited by hand twice: on an item
    // whose retail price the YAML declares, and on one whose price it leaves to people.
    let acme = t
        .list("/company/companies", "identifier = \"AcmeCorp\"")
        .await;
    let acme_id = acme[0]["id"].as_i64().unwrap();
    let agreement = t
        .list("/finance/agreements", &format!("company/id = {acme_id}"))
        .await;
    let agreement_id = agreement[0]["id"].as_i64().unwrap();
    let additions = t
        .list(
            &format!("/finance/agreements/{agreement_id}/additions"),
            "product/identifier = \"MXS10C01SUNR_7.25\"",
        )
        .await;
    let first = additions[0]["id"].as_i64().unwrap();
    t.patch(
        &format!("/finance/agreements/{agreement_id}/additions/{first}"),
        "quantity",
        json!(40),
    )
    .await;
    for (identifier, price) in [("MXS10C01SUNR_7.25", 13.5), ("ENC10C01SUNR_1.5", 3.25)] {
        let item = t
            .list(
                "/procurement/catalog",
                &format!("identifier = \"{identifier}\""),
            )
            .await;
        let id = item[0]["id"].as_i64().unwrap();
        t.patch(&format!("/procurement/catalog/{id}"), "price", json!(price))
            .await;
    }
    // Delta's company was renamed by hand: the Manage ID link still finds it.
    let delta = t
        .list("/company/companies", "identifier = \"DeltaLogistics\"")
        .await;
    let delta_id = delta[0]["id"].as_i64().unwrap();
    t.patch(
        &format!("/company/companies/{delta_id}"),
        "identifier",
        json!("DeltaLogisticsInc"),
    )
    .await;

    let _redactions = redactions();
    let text = t
        .cli(&["plan", "examples/intermedia", "--detailed-exitcode"])
        .run();
    assert_eq!(text.code, 2, "{}", text.transcript());
    assert!(
        !text.stdout.contains("update catalog item ENC10C01SUNR"),
        "an undeclared price is left alone: {}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("update catalog item MXS10C01SUNR_7.25"),
        "a declared price is restored: {}",
        text.stdout
    );
    assert!(
        !text.stdout.contains("+ create company"),
        "Delta is found by its link: {}",
        text.stdout
    );
    insta::assert_snapshot!("drift_text", text.transcript());
    let json = t
        .cli(&["plan", "examples/intermedia", "--format", "json"])
        .run();
    assert_eq!(json.code, 0);
    insta::assert_snapshot!(
        "drift_json_summary",
        PlanJson::parse(&json.stdout).summary()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_addition_no_longer_desired_is_cancelled_and_mass_cancellation_is_blocked() {
    let t = converged().await;
    let dir = tempfile::tempdir().unwrap();
    copy_examples(dir.path());
    // Delta dropped archiving... no: drop Delta's backup line.
    let delta = dir.path().join("companies/delta.yaml");
    let text = std::fs::read_to_string(&delta)
        .unwrap()
        .replace("        - { product: BKP10C01SUNR_3, quantity: 31 }\n", "");
    std::fs::write(&delta, text).unwrap();
    let path = dir.path().display().to_string();
    let _redactions = redactions();
    let one = t.cli(&["plan", &path]).run();
    assert_eq!(one.code, 0, "{}", one.transcript());
    insta::assert_snapshot!(
        "cancellation_text",
        one.transcript().replace(&path, "[config]")
    );
    let json = t.cli(&["plan", &path, "--format", "json"]).run();
    insta::assert_snapshot!(
        "cancellation_json_summary",
        PlanJson::parse(&json.stdout).summary()
    );
    assert!(
        one.stdout
            .contains("! cancel addition Intermedia / Intermedia - Delta / BKP10C01SUNR_3"),
        "{}",
        one.stdout
    );
    assert!(
        one.stdout.contains("cancelledDate: (unset) → 2026-11-30")
            || one.stdout.contains("cancelledDate: 2026-11-30"),
        "{}",
        one.stdout
    );

    // Every company's lines gone at once: blocked (exit 3) unless explicitly allowed.
    remove_every_addition(dir.path());
    let blocked = t.cli(&["plan", &path]).run();
    assert_eq!(blocked.code, 3, "{}", blocked.transcript());
    insta::assert_snapshot!(
        "mass_cancellation_text",
        blocked.transcript().replace(&path, "[config]")
    );
    let blocked_json = t.cli(&["plan", &path, "--format", "json"]).run();
    assert_eq!(blocked_json.code, 3);
    insta::assert_snapshot!(
        "mass_cancellation_json_summary",
        PlanJson::parse(&blocked_json.stdout).summary()
    );
    assert!(
        blocked
            .stdout
            .contains("BLOCKED by safety rail removed_additions"),
        "{}",
        blocked.stdout
    );
    assert!(
        blocked
            .stdout
            .contains("BLOCKED by safety rail revenue_drop"),
        "{}",
        blocked.stdout
    );
    let allowed = t.cli(&["plan", &path, "--allow-destructive"]).run();
    assert_eq!(allowed.code, 0, "{}", allowed.transcript());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_company_to_create_without_a_country_is_refused_before_any_request() {
    let t = tenant().await;
    let before = t.request_count();
    let output = t
        .cli(&["plan", "tests/fixtures/invalid/create-without-country.yaml"])
        .run();
    assert_eq!(output.code, 78, "{}", output.transcript());
    assert_eq!(
        t.request_count(),
        before,
        "no request before the configuration is valid"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_plan_goes_stale_when_the_tenant_changes() {
    let (t, dir, out) = saved_plan_of_a_count_change().await;
    let plan = cwrecon::plan::saved::load(&out).unwrap();
    assert_eq!(plan.ops.len(), 2, "Acme's two 42-seat lines");

    let config = cwrecon::config::load(&[dir.path().to_path_buf()]).unwrap();
    let source = ClientSource::new(t.client.clone(), 4);
    let live = |snapshot: &cwrecon::live::Snapshot| cwrecon::live::project(&config, snapshot).state;
    let snapshot = Box::pin(cwrecon::live::read_snapshot(&source, &config))
        .await
        .unwrap();
    assert!(
        cwrecon::plan::saved::stale_ops(&plan.ops, &live(&snapshot)).is_empty(),
        "fresh plan is current"
    );

    // Someone changes one of those lines by hand after the plan was reviewed.
    let acme = t
        .list("/company/companies", "identifier = \"AcmeCorp\"")
        .await;
    let agreement = t
        .list(
            "/finance/agreements",
            &format!("company/id = {}", acme[0]["id"]),
        )
        .await;
    let agreement_id = agreement[0]["id"].as_i64().unwrap();
    let lines = t
        .list(
            &format!("/finance/agreements/{agreement_id}/additions"),
            "quantity = 42",
        )
        .await;
    let changed = lines[0]["id"].as_i64().unwrap();
    t.patch(
        &format!("/finance/agreements/{agreement_id}/additions/{changed}"),
        "quantity",
        json!(44),
    )
    .await;
    let snapshot = Box::pin(cwrecon::live::read_snapshot(&source, &config))
        .await
        .unwrap();
    let stale = cwrecon::plan::saved::stale_ops(&plan.ops, &live(&snapshot));
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert!(
        stale[0]
            .reason
            .contains("quantity was 42 when planned and is now 44"),
        "{}",
        stale[0].reason
    );
}

/// Every company's additions gone from a copy of the examples: a mass cancellation.
fn remove_every_addition(config: &std::path::Path) {
    for file in ["acme", "bluebird", "cedar", "delta"] {
        let p = config.join(format!("companies/{file}.yaml"));
        let text = std::fs::read_to_string(&p).unwrap();
        let kept: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("- { product:"))
            .fold(String::new(), |mut out, l| {
                out.push_str(l);
                out.push('\n');
                out
            });
        std::fs::write(
            &p,
            kept.replace("      additions:\n", "      additions: []\n"),
        )
        .unwrap();
    }
}

/// Plan Acme's 42 → 45 seats with `--out`, on a converged tenant; returns the tenant, the folder
/// (config and plan.json) and the plan file's path.
async fn saved_plan_of_a_count_change() -> (Tenant, tempfile::TempDir, std::path::PathBuf) {
    let t = converged().await;
    let dir = tempfile::tempdir().unwrap();
    copy_examples(dir.path());
    let acme = dir.path().join("companies/acme.yaml");
    let text = std::fs::read_to_string(&acme)
        .unwrap()
        .replace("quantity: 42 }", "quantity: 45 }");
    std::fs::write(&acme, text).unwrap();
    let out = dir.path().join("plan.json");
    let saved = t
        .cli(&[
            "plan",
            &dir.path().display().to_string(),
            "--out",
            &out.display().to_string(),
        ])
        .run();
    assert_eq!(saved.code, 0, "{}", saved.transcript());
    let plan = PlanJson::parse(&std::fs::read_to_string(&out).unwrap());
    assert!(
        plan.config.is_some(),
        "a saved plan names its configuration"
    );
    (t, dir, out)
}

fn edit_saved_plan(path: &std::path::Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    edit(&mut plan);
    std::fs::write(path, serde_json::to_string_pretty(&plan).unwrap()).unwrap();
}

/// A saved plan is a claim, not an instruction: `apply plan.json` plans again from the configuration
/// and the tenant and applies only when the ops are exactly the saved ones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_saved_plan_is_refused_and_nothing_is_written() {
    let (t, dir, plan) = saved_plan_of_a_count_change().await;
    let plan_arg = plan.display().to_string();
    let config = dir.path().display().to_string();
    let journal = dir.path().join("j.jsonl").display().to_string();
    let pristine = std::fs::read_to_string(&plan).unwrap();

    // The count a reviewer approved (45) becomes 4500 in the file.
    edit_saved_plan(&plan, |p| {
        for op in p["ops"].as_array_mut().unwrap() {
            for change in op["changes"].as_array_mut().unwrap() {
                if change["field"] == "quantity" {
                    change["after"]["value"] = json!(4500);
                }
            }
        }
    });
    let before = t.writes();
    let tampered = t
        .cli(&["apply", &plan_arg, &config, "--journal", &journal])
        .run();
    assert_eq!(tampered.code, 1, "{}", tampered.transcript());
    assert!(
        tampered.stdout.contains("does not match"),
        "{}",
        tampered.transcript()
    );
    assert!(
        tampered.stdout.contains("quantity"),
        "names what differs: {}",
        tampered.transcript()
    );
    assert_eq!(t.writes(), before, "a tampered plan writes nothing");

    // An op the configuration never asked for, appended to a reviewed plan.
    std::fs::write(&plan, &pristine).unwrap();
    edit_saved_plan(&plan, |p| {
        let mut extra = p["ops"][0].clone();
        extra["action"] = json!("delete");
        p["ops"].as_array_mut().unwrap().push(extra);
    });
    let extra = t
        .cli(&["apply", &plan_arg, &config, "--journal", &journal])
        .run();
    assert_eq!(extra.code, 1, "{}", extra.transcript());
    assert!(extra.stdout.contains("does not match"), "{}", extra.stdout);
    assert_eq!(t.writes(), before, "an extra op writes nothing");

    // The untouched plan still applies.
    std::fs::write(&plan, &pristine).unwrap();
    let applied = t
        .cli(&["apply", &plan_arg, &config, "--journal", &journal])
        .run();
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    assert!(
        applied
            .stdout
            .contains("Verified: a new plan finds nothing left to change."),
        "{}",
        applied.stdout
    );
}

/// The rails are checked again when a saved plan is applied: a plan saved with
/// `--allow-destructive` is still blocked (exit 3) without it, whatever its `breaches` field says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_plan_past_a_safety_rail_is_blocked_again_at_apply() {
    let t = converged().await;
    let dir = tempfile::tempdir().unwrap();
    copy_examples(dir.path());
    remove_every_addition(dir.path());
    let config = dir.path().join("companies").parent().unwrap().to_owned();
    let plan = dir.path().join("plan.json");
    let plan_arg = plan.display().to_string();
    let saved = t
        .cli(&[
            "plan",
            &config.display().to_string(),
            "--allow-destructive",
            "--out",
            &plan_arg,
        ])
        .run();
    assert_eq!(saved.code, 0, "{}", saved.transcript());
    // Whoever edits the file cannot talk the rails out of it.
    edit_saved_plan(&plan, |p| p["breaches"] = json!([]));
    let journal = dir.path().join("j.jsonl").display().to_string();
    let before = t.writes();
    let blocked = t
        .cli(&[
            "apply",
            &plan_arg,
            &config.display().to_string(),
            "--journal",
            &journal,
        ])
        .run();
    assert_eq!(blocked.code, 3, "{}", blocked.transcript());
    assert!(
        blocked.stdout.contains("safety rail"),
        "{}",
        blocked.transcript()
    );
    assert_eq!(t.writes(), before, "a blocked saved plan writes nothing");
}

/// A saved plan names the configuration files to plan again from; a tampered one cannot make
/// cwrecon read (and quote in its diagnostics) a file that is not YAML configuration.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_plan_naming_a_file_that_is_not_configuration_is_refused_unread() {
    let (t, dir, plan) = saved_plan_of_a_count_change().await;
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "root-password-hunter2\n").unwrap();
    edit_saved_plan(&plan, |p| {
        p["config"]["paths"] = json!([secret.display().to_string()]);
        p["config"]["digest"] =
            json!(cwrecon::config::digest(std::slice::from_ref(&secret)).unwrap());
    });
    let journal = dir.path().join("j.jsonl").display().to_string();
    let before = t.writes();
    let refused = t
        .cli(&[
            "apply",
            &plan.display().to_string(),
            &secret.display().to_string(),
            "--journal",
            &journal,
        ])
        .run();
    assert_eq!(refused.code, 64, "{}", refused.transcript());
    assert!(
        !refused.transcript().contains("hunter2"),
        "{}",
        refused.transcript()
    );
    assert!(
        refused.stderr.contains(".yaml"),
        "says what a configuration path must be: {}",
        refused.stderr
    );
    assert_eq!(t.writes(), before);
}

/// The cross-reference note names only what its fix can add, and following the fix ends clean: a
/// SKU with no mapping is noted with the exact entry to add; once added and applied, the plan has
/// no note. (The volume tier of a mapped SKU is never noted: ConnectWise maps one product per
/// vendor type, and a second mapping is refused as a duplicate.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cross_reference_note_names_an_entry_that_applies_and_then_ends_clean() {
    let t = converged().await;
    let dir = tempfile::tempdir().unwrap();
    copy_examples(dir.path());
    let config = dir.path().display().to_string();
    let clean = t.cli(&["plan", &config, "--detailed-exitcode"]).run();
    assert_eq!(clean.code, 0, "{}", clean.transcript());
    assert!(!clean.stdout.contains("note:"), "{}", clean.stdout);

    let products = dir.path().join("products.yaml");
    let mut text = std::fs::read_to_string(&products).unwrap();
    text.push_str(
        "  - { sku: FAX10C01SUNR, unit_cost: 4, retail_price: 6.00, description: Fax line }\n",
    );
    std::fs::write(&products, text).unwrap();
    let applied = t
        .cli(&["apply", &config, "--auto-approve", "--journal", "/dev/null"])
        .run();
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    let noted = t.cli(&["plan", &config]).run();
    assert_eq!(noted.code, 0, "{}", noted.transcript());
    let entry = "{ vendor_type: FAX10C01SUNR, product: FAX10C01SUNR_4 }";
    assert!(noted.stdout.contains(entry), "{}", noted.stdout);
    assert!(
        !noted.stdout.contains("MXS10C01SUNR_6.5"),
        "{}",
        noted.stdout
    );

    // Follow the fix word for word.
    let setup = dir.path().join("setup.yaml");
    let text = std::fs::read_to_string(&setup).unwrap().replace(
        "        - { vendor_type: MXS10C01SUNO, product: MXS10C01SUNO_0 }\n",
        &format!("        - {{ vendor_type: MXS10C01SUNO, product: MXS10C01SUNO_0 }}\n        - {entry}\n"),
    );
    std::fs::write(&setup, text).unwrap();
    let fixed = t
        .cli(&["apply", &config, "--auto-approve", "--journal", "/dev/null"])
        .run();
    assert_eq!(fixed.code, 0, "{}", fixed.transcript());
    let after = t.cli(&["plan", &config, "--detailed-exitcode"]).run();
    assert_eq!(after.code, 0, "{}", after.transcript());
    assert!(!after.stdout.contains("note:"), "{}", after.stdout);
}

/// A saved plan cannot choose the configuration it is checked against: one edited to name another
/// folder (whose plan gives exactly the edited ops) is refused, whether the operator names the
/// configuration (it must be the recorded one) or not (the recorded one must stay inside the
/// working folder).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_plan_cannot_choose_its_own_configuration() {
    let (t, dir, plan) = saved_plan_of_a_count_change().await;
    // Another configuration, planned and saved by whoever edits the file: 45 becomes 4500.
    let other = tempfile::tempdir().unwrap();
    copy_examples(other.path());
    let acme = other.path().join("companies/acme.yaml");
    let text = std::fs::read_to_string(&acme)
        .unwrap()
        .replace("quantity: 42 }", "quantity: 4500 }");
    std::fs::write(&acme, text).unwrap();
    let forged = other.path().join("plan.json");
    let made = t
        .cli(&[
            "plan",
            &other.path().display().to_string(),
            "--allow-destructive",
            "--out",
            &forged.display().to_string(),
        ])
        .run();
    assert_eq!(made.code, 0, "{}", made.transcript());
    std::fs::copy(&forged, &plan).unwrap();
    let journal = dir.path().join("j.jsonl").display().to_string();
    let before = t.writes();

    let named = t
        .cli(&[
            "apply",
            &plan.display().to_string(),
            &dir.path().display().to_string(),
            "--journal",
            &journal,
        ])
        .run();
    assert_eq!(named.code, 64, "{}", named.transcript());
    assert!(named.stderr.contains("was made from"), "{}", named.stderr);

    let unnamed = t
        .cli(&["apply", &plan.display().to_string(), "--journal", &journal])
        .run();
    assert_eq!(unnamed.code, 64, "{}", unnamed.transcript());
    assert!(
        unnamed.stderr.contains("outside the working folder"),
        "{}",
        unnamed.stderr
    );
    assert_eq!(t.writes(), before, "nothing written");
}
