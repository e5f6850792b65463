//! `plan` and `apply` against the simulator over real HTTP, through the real client: the examples
//! applied to a tenant set up by hand earlier, then planned again.

use crate::common::plan_json::PlanJson;
use crate::common::tenant::{Tenant, redactions, tenant};
use cwrecon::model::Kind;
use serde_json::json;

/// What an earlier portal export left behind: some setup rows (names in another case), Acme and
/// Bluebird as companies with contacts, Acme's agreement with drifted counts.
async fn set_up_by_hand(t: &Tenant) {
    t.post("/procurement/types", json!({"name": "INTERMEDIA_SERVICES"}))
        .await;
    let category = t
        .post("/procurement/categories", json!({"name": "intermedia"}))
        .await;
    t.post(
        "/procurement/subcategories/",
        json!({"name": "Intermedia Services", "category": {"id": category}}),
    )
    .await;
    t.with_example_companies().await;
}

#[tokio::test]
async fn the_examples_apply_to_a_hand_made_tenant_and_the_next_plan_is_empty() {
    let _redactions = redactions();
    let t = tenant().await;
    set_up_by_hand(&t).await;
    let applied = t.apply_examples().await;
    assert!(
        applied.is_complete(),
        "{}\n{}",
        applied.summary(),
        cwrecon::plan::render::text(&applied.after, false)
    );

    // Rows that existed by name in another case were found, not duplicated.
    let created: Vec<Kind> = applied
        .report
        .plan
        .ops
        .iter()
        .filter(|op| op.action == cwrecon::plan::Action::Create)
        .map(cwrecon::plan::Op::kind)
        .collect();
    for kind in [Kind::ProductType, Kind::Category, Kind::SubCategory] {
        assert!(!created.contains(&kind), "{kind} re-created: {created:?}");
    }
    assert_eq!(
        created.iter().filter(|k| **k == Kind::Company).count(),
        2,
        "{created:?}"
    );
    // Bluebird exists by identifier but was not linked: linked, not created.
    let ops = crate::common::tenant::op_lines(&applied.report.plan);
    assert!(
        ops.contains(&"create company link 1002388".to_owned()),
        "{ops:#?}"
    );
    assert!(
        !ops.contains(&"create company 1002388".to_owned()),
        "{ops:#?}"
    );
    insta::assert_snapshot!(
        "hand_made_tenant_plan",
        cwrecon::plan::render::text(&applied.report, false)
    );
    insta::assert_snapshot!(
        "hand_made_tenant_json_summary",
        PlanJson::parse(&cwrecon::plan::render::json(&applied.report)).summary()
    );
    let state = t.store.state();
    let companies = state["tables"]["companies"]["rows"]
        .as_object()
        .map_or(0, serde_json::Map::len);
    assert_eq!(
        companies, 4,
        "two matched, two created: {}",
        state["tables"]["companies"]
    );

    // A second apply makes no write at all.
    let before = t.writes();
    let again = t.apply_examples().await;
    assert!(
        again.report.plan.is_empty(),
        "{}",
        cwrecon::plan::render::text(&again.report, false)
    );
    assert_eq!(t.writes(), before, "no writes when nothing changed");
}
