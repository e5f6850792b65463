//! The demo's second story: several vendors in one configuration (`cwrecon demo multi-vendor`).
//!
//! Owns the seed of a tenant where Intermedia was set up by an earlier portal export (its setup
//! rows, Acme linked by its Manage ID with a drifted count), and where two customers already have
//! the managed-services agreements a person keeps by hand, with lines of their own; and the story
//! told around `examples/multi-vendor`. Refuses, as the first story does, to touch anything but the
//! demo's own simulator.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::{Story, internal, post};
use crate::connectwise::{Client, Conditions, ListParams, Request};
use crate::error::Error;
use crate::live::records;

/// The bundled multi-vendor example, as `(name, text)`.
pub(super) const EXAMPLES: [(&str, &str); 9] = [
    (
        "examples/multi-vendor/integrations.yaml",
        include_str!("../../../examples/multi-vendor/integrations.yaml"),
    ),
    (
        "examples/multi-vendor/setup.yaml",
        include_str!("../../../examples/multi-vendor/setup.yaml"),
    ),
    (
        "examples/multi-vendor/profiles.yaml",
        include_str!("../../../examples/multi-vendor/profiles.yaml"),
    ),
    (
        "examples/multi-vendor/products/intermedia.yaml",
        include_str!("../../../examples/multi-vendor/products/intermedia.yaml"),
    ),
    (
        "examples/multi-vendor/products/northwind.yaml",
        include_str!("../../../examples/multi-vendor/products/northwind.yaml"),
    ),
    (
        "examples/multi-vendor/products/bastion.yaml",
        include_str!("../../../examples/multi-vendor/products/bastion.yaml"),
    ),
    (
        "examples/multi-vendor/companies/acme.yaml",
        include_str!("../../../examples/multi-vendor/companies/acme.yaml"),
    ),
    (
        "examples/multi-vendor/companies/bluebird.yaml",
        include_str!("../../../examples/multi-vendor/companies/bluebird.yaml"),
    ),
    (
        "examples/multi-vendor/companies/cedar.yaml",
        include_str!("../../../examples/multi-vendor/companies/cedar.yaml"),
    ),
];

/// The story around examples/multi-vendor.
pub(super) const STORY: Story = Story {
    files: &EXAMPLES,
    folder: "examples/multi-vendor",
    before: "It holds what an earlier Intermedia portal export left (its setup rows, Acme linked by its\n\
             Manage ID with a drifted count) and the managed-services agreements the MSP keeps by hand:\n\
             Acme's one, and Cedar's two (one named in the YAML), each with hand-made lines. The\n\
             configuration is examples/multi-vendor: Intermedia, Northwind (Microsoft 365 through a\n\
             distributor, on its own agreements) and Bastion (backup, on each customer's shared\n\
             agreement).\n",
    after: "What you saw: Acme is one company with an account at each of three vendors, linked once per\n\
         vendor; Intermedia's count went from 40 to 42 on Intermedia's agreement; Northwind got an\n\
         agreement of its own type; Bastion's lines went onto Acme's managed-services agreement (found\n\
         by its type, Acme has one) and onto the Cedar agreement the YAML names (Cedar has two of that\n\
         type, so cwrecon would not guess); Bluebird was created once and linked under Northwind; and\n\
         a second plan found nothing left to change. The shared agreements themselves were never\n\
         written, and their hand-made lines are as they were:\n",
};

/// What the tenant holds before the first plan. Returns the id of Acme's shared agreement.
pub(super) async fn seed(client: &Client) -> Result<i64, Error> {
    super::seed(client).await?;
    let acme = only_id(
        client,
        records::COMPANIES.path,
        Conditions::eq("identifier", "AcmeCorp"),
    )
    .await?;
    let contact = only_id(
        client,
        records::CONTACTS.path,
        Conditions::eq("company/id", acme),
    )
    .await?;
    let cedar = post(
        client,
        records::COMPANIES.path,
        &json!({"identifier": "CedarLaw", "name": "Cedar Law LLP", "city": "Denver", "state": "CO"}),
    )
    .await?;
    let cedar_contact = post(
        client,
        records::CONTACTS.path,
        &json!({"firstName": "Ana", "lastName": "Okafor", "company": {"id": cedar}}),
    )
    .await?;
    // The MSP's own agreement type and labor items: nothing of any integration's.
    let managed = json!({"name": "Managed Services", "employeeCompRate": "Actual", "employeeCompNotExceed": "Billing",
        "invoicingCycle": "CalendarYear", "billTime": "Billable", "billExpenses": "Billable", "billProducts": "Billable"});
    let managed = post(client, records::AGREEMENT_TYPES.path, &managed).await?;
    let labor = post(
        client,
        records::PRODUCT_TYPES.path,
        &json!({"name": "Labor"}),
    )
    .await?;
    let services = post(
        client,
        records::CATEGORIES.path,
        &json!({"name": "Services"}),
    )
    .await?;
    let sub = json!({"name": "Support", "category": {"id": services}});
    let support = post(client, records::SUBCATEGORIES.path, &sub).await?;
    let hour = post(
        client,
        records::UNITS_OF_MEASURE.path,
        &json!({"name": "Hour"}),
    )
    .await?;
    let mut items = Vec::new();
    for (identifier, price) in [("HELPDESK", 95), ("ONSITE-HOURS", 140)] {
        let item = json!({"identifier": identifier, "description": identifier, "customerDescription": identifier,
            "subcategory": {"id": support}, "category": {"id": services}, "type": {"id": labor},
            "unitOfMeasure": {"id": hour}, "cost": 0, "price": price, "recurringFlag": true});
        items.push((post(client, records::CATALOG.path, &item).await?, price));
    }
    let mut shared = Vec::new();
    for (company, contact, name) in [
        (acme, contact, "Acme - Managed Services"),
        (cedar, cedar_contact, "Cedar - Managed Services"),
        (cedar, cedar_contact, "Cedar - Network Care"),
    ] {
        let agreement = json!({"name": name, "type": {"id": managed}, "company": {"id": company},
            "contact": {"id": contact}, "startDate": "2026-01-01T00:00:00Z"});
        let agreement = post(client, records::AGREEMENTS.path, &agreement).await?;
        for ((item, price), quantity) in items.iter().zip([10, 4]) {
            let line = json!({"product": {"id": item}, "quantity": quantity, "unitPrice": price,
                "billCustomer": "Billable", "effectiveDate": "2026-01-01T00:00:00Z"});
            post(client, &records::ADDITIONS.child_path(agreement), &line).await?;
        }
        shared.push(agreement);
    }
    shared
        .first()
        .copied()
        .ok_or_else(|| internal("demo seed: no shared agreement"))
}

/// The one record `conditions` finds under `path`.
async fn only_id(client: &Client, path: &str, conditions: Conditions) -> Result<i64, Error> {
    let params = ListParams {
        conditions: Some(conditions),
        ..ListParams::default()
    };
    let found: Vec<Value> = client
        .send_json(&Request::list("demo", path, &params, 1))
        .await?;
    match found.as_slice() {
        [one] => one["id"]
            .as_i64()
            .ok_or_else(|| internal(format!("demo seed: {path} answered without an id"))),
        _ => Err(internal(format!(
            "demo seed: {path} holds {} records where one was expected",
            found.len()
        ))),
    }
}

/// Acme's shared agreement's lines as ConnectWise holds them after the apply.
pub(super) async fn shared_lines(client: &Client, agreement: i64) -> Result<String, Error> {
    let path = records::ADDITIONS.child_path(agreement);
    let lines = client
        .send_json::<Vec<Value>>(&Request::list("demo", &path, &ListParams::default(), 1))
        .await?;
    let mut out = String::from("Acme - Managed Services, read back from the simulator:\n");
    for line in &lines {
        let product = line["product"]["identifier"].as_str().unwrap_or("?");
        let quantity = line["quantity"].as_f64().unwrap_or_default();
        let whose = if product.starts_with("BST-") {
            "Bastion's, managed by cwrecon"
        } else {
            "added by hand, untouched"
        };
        let _ = writeln!(out, "  {product:<16} {quantity:>4}  {whose}");
    }
    Ok(out)
}
