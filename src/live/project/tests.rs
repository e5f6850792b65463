use serde_json::json;

use super::*;

const YAML: &str = "products:\n  - { sku: A1R, unit_cost: 7.5, retail_price: 12, description: Mailbox }\ncompanies:\n  - account: '100'\n    identifier: Acme\n    agreement:\n      name: Intermedia - Acme\n      start_date: 2026-01-01\n      additions: [{ product: A1R_7.5, quantity: 3 }]\n  - account: '200'\n    identifier: Bluebird\n    contact: { first_name: Maria, last_name: Lopez }\n  - account: '300'\n    identifier: Cedar\n    contact: { first_name: Dan, last_name: Ok }\n    create: { name: Cedar, address: { country: United States } }\n    agreement: { name: Intermedia - Cedar, start_date: 2026-01-01 }\n";

fn config() -> Config {
    crate::config::load_texts([("t.yaml", YAML)]).unwrap()
}

/// A record from its JSON, as ConnectWise would send it.
fn rec<R: crate::live::records::Record>(json: serde_json::Value) -> R {
    crate::live::records::decode(json).unwrap()
}

fn company(id: i64, identifier: &str) -> CompanyRecord {
    rec(
        json!({"id": id, "identifier": identifier, "name": identifier, "_info": {"lastUpdated": "2026-01-01T00:00:00Z"}}),
    )
}

fn link(account: &str, solution: &str) -> LinkRecord {
    rec(
        json!({"id": 9, "groupIdentifier": account, "managementSolution": {"id": 1, "name": solution}}),
    )
}

/// The messages of a projection's blocking findings.
fn blocking(p: &Projection) -> Vec<&str> {
    p.findings
        .iter()
        .filter(|f| f.blocking)
        .map(|f| f.message.as_str())
        .collect()
}

fn snapshot() -> Snapshot {
    let mut s = Snapshot {
        companies: vec![
            company(1, "AcmeRenamed"),
            company(2, "BLUEBIRD"),
            rec(json!({"id": 3, "identifier": "Cedar", "deletedFlag": true})),
        ],
        ..Snapshot::default()
    };
    s.links.insert(
        1,
        vec![link("100", "Intermedia"), link("100", "OtherVendor")],
    );
    s.contacts = vec![rec(
        json!({"id": 5, "firstName": "maria", "lastName": "LOPEZ", "company": {"id": 2}}),
    )];
    s.agreements = vec![
        rec(
            json!({"id": 10, "name": "Intermedia - Acme", "type": {"id": 1, "name": "Intermedia"}, "company": {"id": 1}, "startDate": "2026-01-01T00:00:00Z"}),
        ),
        rec(
            json!({"id": 11, "name": "Managed Services", "type": {"id": 2, "name": "MSP"}, "company": {"id": 1}}),
        ),
    ];
    s.additions.insert(10, vec![
        rec(json!({"id": 20, "product": {"id": 1, "identifier": "A1R_7.5"}, "quantity": 5.0, "unitPrice": 12.0})),
        rec(json!({"id": 21, "product": {"id": 2, "identifier": "B1R_1"}, "quantity": 1.0, "cancelledDate": "2026-02-28T00:00:00Z"})),
    ]);
    s.additions.insert(
        11,
        vec![rec(
            json!({"id": 22, "product": {"id": 3, "identifier": "X1R_1"}, "quantity": 1.0}),
        )],
    );
    s.catalog = vec![
        rec(
            json!({"id": 1, "identifier": "A1R_7.5", "description": "Mailbox", "cost": 7.50, "price": 12.00, "type": {"id": 1, "name": "intermedia_services"}, "recurringFlag": true}),
        ),
        rec(
            json!({"id": 3, "identifier": "X1R_1", "description": "Other", "type": {"id": 2, "name": "Hardware"}}),
        ),
    ];
    s
}

#[test]
fn a_company_linked_by_manage_id_under_another_identifier_is_found_by_the_link() {
    let p = project(&config(), &snapshot());
    let company = p.state.get(&Key::company(&AccountId::new("100"))).unwrap();
    assert_eq!(company.id, Some(1));
    assert!(
        p.state
            .get(&Key::company_link(&AccountId::new("100")))
            .is_some()
    );
    assert!(
        p.findings
            .iter()
            .any(|f| !f.blocking && f.message.contains("linked to company `AcmeRenamed`")),
        "{:#?}",
        p.findings
    );
}

#[test]
fn a_company_matched_by_identifier_is_not_yet_linked() {
    let p = project(&config(), &snapshot());
    assert_eq!(
        p.state
            .get(&Key::company(&AccountId::new("200")))
            .unwrap()
            .id,
        Some(2)
    );
    assert!(
        p.state
            .get(&Key::company_link(&AccountId::new("200")))
            .is_none()
    );
    assert!(
        p.state.get(&Key::contact(&AccountId::new("200"))).is_some(),
        "contact matched by name, any case"
    );
}

#[test]
fn an_identifier_held_in_the_recycle_bin_blocks_the_create() {
    let p = project(&config(), &snapshot());
    let finding = p
        .findings
        .iter()
        .find(|f| f.account.as_deref() == Some("300"))
        .unwrap();
    assert!(finding.blocking);
    assert!(
        finding.message.contains("recycle bin"),
        "{}",
        finding.message
    );
    assert!(
        p.state.get(&Key::company(&AccountId::new("300"))).is_none(),
        "a deleted company is not a match"
    );
}

#[test]
fn ownership_follows_the_integration_marks_and_cancelled_lines_are_history() {
    let p = project(&config(), &snapshot());
    let owned = p
        .state
        .get(
            &Key::from_parts(
                Kind::Addition,
                &["100", "Intermedia", "Intermedia - Acme", "A1R_7.5"],
            )
            .unwrap(),
        )
        .unwrap();
    assert!(owned.owned);
    assert_eq!(owned.get("quantity").unwrap().to_string(), "5");
    assert!(
        p.state
            .get(
                &Key::from_parts(
                    Kind::Addition,
                    &["100", "Intermedia", "Intermedia - Acme", "B1R_1"]
                )
                .unwrap()
            )
            .is_none()
    );
    let foreign = p
        .state
        .get(
            &Key::from_parts(Kind::Addition, &["100", "MSP", "Managed Services", "X1R_1"]).unwrap(),
        )
        .unwrap();
    assert!(!foreign.owned);
    assert!(p.state.get(&Key::catalog_item("A1R_7.5")).unwrap().owned);
    assert!(!p.state.get(&Key::catalog_item("X1R_1")).unwrap().owned);
}

#[test]
fn a_company_without_contact_or_configured_one_is_found_at_plan_time() {
    let yaml = "companies:\n  - account: '1'\n    identifier: Solo\n    agreement: { name: X, start_date: 2026-01-01 }\n";
    let config = crate::config::load_texts([("t.yaml", yaml)]).unwrap();
    let s = Snapshot {
        companies: vec![company(1, "Solo")],
        ..Snapshot::default()
    };
    let p = project(&config, &s);
    assert!(
        p.findings
            .iter()
            .any(|f| f.blocking && f.message.contains("has no contact")),
        "{:#?}",
        p.findings
    );
}

#[test]
fn the_plan_against_the_projection_moves_only_what_differs() {
    let config = config();
    let today = Date::parse("2026-11-25").unwrap();
    let desired = crate::plan::desired(&config, today);
    let p = project(&config, &snapshot());
    let plan = crate::plan::diff(
        &desired,
        &p.state,
        crate::plan::DiffContext {
            today,
            cancelled_date: crate::config::model::CancelledDate::BillingMonthEnd,
        },
    );
    let summary: Vec<String> = plan
        .ops
        .iter()
        .map(|op| format!("{} {}", op.action.verb(), op.key))
        .collect();
    insta::assert_snapshot!(summary.join("\n"), @r"
    update catalog item A1R_7.5
    create company 300
    create company link 200
    create company link 300
    create contact 300
    update agreement 100 / Intermedia / Intermedia - Acme
    create agreement 300 / Intermedia / Intermedia - Cedar
    update addition 100 / Intermedia / Intermedia - Acme / A1R_7.5
    ");
}

// See: issue #7
#[test]
fn r7_the_first_company_in_snapshot_order_wins_a_shared_link_or_identifier() {
    let mut s = snapshot();
    // Company 4 also carries account 100's link, and company 5 Bluebird's identifier.
    s.companies.push(company(4, "Other"));
    s.companies.push(company(5, "bluebird"));
    s.links.insert(4, vec![link("100", "Intermedia")]);
    let p = project(&config(), &s);
    let id_of = |account| {
        p.state
            .get(&Key::company(&AccountId::new(account)))
            .unwrap()
            .id
    };
    assert_eq!(id_of("100"), Some(1));
    assert_eq!(id_of("200"), Some(2));
}

// See: issue #7
#[test]
fn r7_many_companies_each_get_their_own_contact_agreement_and_additions() {
    use std::fmt::Write as _;
    let n = 2_000;
    let mut yaml = String::from(
        "products:\n  - { sku: A1R, unit_cost: 7.5, retail_price: 12, description: Mailbox }\ncompanies:\n",
    );
    let mut s = Snapshot::default();
    for i in 0..n {
        let _ = writeln!(
            yaml,
            "  - {{ account: '{i}', identifier: C{i}, contact: {{ first_name: Ann, last_name: L{i} }}, agreement: {{ name: Intermedia, start_date: 2026-01-01, additions: [{{ product: A1R_7.5, quantity: 1 }}] }} }}"
        );
        // Ids in reverse, so no lookup can rely on positions.
        let company_id = i64::from(10 * (n - i));
        s.companies.push(company(company_id, &format!("C{i}")));
        s.links
            .insert(company_id, vec![link(&i.to_string(), "Intermedia")]);
        s.contacts.push(rec(json!({"id": company_id + 1, "firstName": "Ann", "lastName": format!("L{i}"), "company": {"id": company_id}})));
        s.agreements.push(rec(json!({"id": company_id + 2, "name": "Intermedia", "type": {"id": 1, "name": "Intermedia"}, "company": {"id": company_id}, "startDate": "2026-01-01T00:00:00Z"})));
        s.additions.insert(
            company_id + 2,
            vec![rec(json!({"id": company_id + 3, "product": {"id": 1, "identifier": "A1R_7.5"}, "quantity": 1.0}))],
        );
    }
    let config = crate::config::load_texts([("t.yaml", yaml.as_str())]).unwrap();
    let p = project(&config, &s);
    for i in 0..n {
        let account = i.to_string();
        let company_id = i64::from(10 * (n - i));
        let id_of = |key: Key| p.state.get(&key).and_then(|o| o.id);
        assert_eq!(
            id_of(Key::company(&AccountId::new(account.as_str()))),
            Some(company_id)
        );
        assert_eq!(
            id_of(Key::contact(&AccountId::new(account.as_str()))),
            Some(company_id + 1)
        );
        assert_eq!(
            id_of(
                Key::from_parts(
                    Kind::Agreement,
                    &[account.as_str(), "Intermedia", "Intermedia"]
                )
                .unwrap()
            ),
            Some(company_id + 2)
        );
        assert_eq!(
            id_of(
                Key::from_parts(
                    Kind::Addition,
                    &[account.as_str(), "Intermedia", "Intermedia", "A1R_7.5"]
                )
                .unwrap()
            ),
            Some(company_id + 3)
        );
    }
}

#[test]
fn a_manage_id_with_look_alike_or_invisible_characters_still_finds_its_account() {
    for written in ["\u{ff11}\u{ff10}\u{ff10}", "10\u{200b}0", " 100\u{feff}"] {
        let mut s = snapshot();
        s.links.insert(1, vec![link(written, "Intermedia")]);
        let p = project(&config(), &s);
        assert_eq!(
            p.state
                .get(&Key::company(&AccountId::new("100")))
                .unwrap()
                .id,
            Some(1),
            "{written:?}"
        );
        assert!(
            p.state
                .get(&Key::company_link(&AccountId::new("100")))
                .is_some()
        );
        assert!(
            p.findings
                .iter()
                .any(|f| !f.blocking && f.message.contains("look-alike or invisible")),
            "{:#?}",
            p.findings
        );
    }
}

#[test]
fn a_live_amount_out_of_bounds_is_a_blocking_finding_naming_the_object() {
    let mut s = snapshot();
    s.additions.insert(
        10,
        vec![rec(json!({"id": 20, "product": {"id": 1, "identifier": "A1R_7.5"}, "quantity": 7e28, "unitPrice": 12.0}))],
    );
    s.catalog[0].price = serde_json::from_value(json!(1e300)).unwrap();
    let p = project(&config(), &s);
    let blocking = blocking(&p);
    assert!(
        blocking.iter().any(|m| m
            .contains("addition `A1R_7.5` on agreement `Intermedia - Acme` has quantity 7e+28")),
        "{blocking:#?}"
    );
    assert!(
        blocking
            .iter()
            .any(|m| m.contains("catalog item `A1R_7.5` has price") && m.contains("not a number")),
        "{blocking:#?}"
    );
}

const TWO_VENDORS: &str = "integrations:\n  - { name: Intermedia, product_type: Intermedia_Services, agreement_type: Intermedia }\n  - { name: Pax8, product_type: Pax8_Services, agreement_type: Pax8 }\ncompanies:\n  - identifier: Acme\n    vendors:\n      Intermedia: { account: '100' }\n      Pax8: { account: '100' }\n";

#[test]
fn two_vendors_links_on_two_companies_block_and_name_both() {
    let config = crate::config::load_texts([("t.yaml", TWO_VENDORS)]).unwrap();
    let mut s = Snapshot {
        companies: vec![company(1, "Acme"), company(2, "AcmeOld")],
        ..Snapshot::default()
    };
    s.links.insert(1, vec![link("100", "Intermedia")]);
    s.links.insert(2, vec![link("100", "pax8")]);
    let p = project(&config, &s);
    assert_eq!(
        blocking(&p),
        [
            "company `Acme` is two companies in ConnectWise: its `Pax8` account 100 is linked to `AcmeOld` (id 2), and its other vendors' links or its identifier match `Acme` (id 1)"
        ]
    );
    let handle = AccountId::new("Acme");
    assert!(
        p.state
            .get(&Key::vendor_link(&handle, "Intermedia"))
            .is_some()
    );
    assert!(
        p.state.get(&Key::vendor_link(&handle, "Pax8")).is_none(),
        "the other company's link is not taken as this one's"
    );
}

#[test]
fn each_vendors_link_is_its_own_even_with_the_same_account() {
    let config = crate::config::load_texts([("t.yaml", TWO_VENDORS)]).unwrap();
    let mut s = Snapshot {
        companies: vec![company(1, "Acme")],
        ..Snapshot::default()
    };
    s.links.insert(1, vec![link("100", "Pax8")]);
    let p = project(&config, &s);
    assert!(p.findings.iter().all(|f| !f.blocking), "{:#?}", p.findings);
    let handle = AccountId::new("acme");
    let pax8 = p.state.get(&Key::vendor_link(&handle, "PAX8")).unwrap();
    assert_eq!(pax8.vendor, crate::model::IntegrationId::new(1));
    assert!(
        p.state
            .get(&Key::vendor_link(&handle, "Intermedia"))
            .is_none(),
        "Pax8's link to account 100 is not Intermedia's"
    );
}
