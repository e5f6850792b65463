//! `cwrecon demo`: the whole workflow in one command, with no ConnectWise account.
//!
//! Owns the story a new user sees: a simulator seeded as a tenant that an earlier portal export
//! half set up (some setup rows in another case, Acme linked by its Manage ID, Bluebird present but
//! not linked, Acme's counts drifted, a price edited by hand), then `plan` on the bundled
//! `examples/intermedia`, `apply`, and a second `plan` that finds nothing left. The example files
//! are compiled in, so the demo works from any folder. Refuses to touch anything but its own
//! simulator on a loopback port.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::apply::ClientTarget;
use crate::cli::DemoScenario;
use crate::connectwise::{BaseUrl, Client, ClientConfig, Request};
use crate::error::Error;
use crate::exit::Exit;
use crate::live::{ClientSource, records};
use crate::plan::render;
use crate::sim::{self, Credentials, Store};

mod multi_vendor;

/// The bundled example configuration, as `(name, text)`.
pub const EXAMPLES: [(&str, &str); 7] = [
    (
        "examples/intermedia/integration.yaml",
        include_str!("../../examples/intermedia/integration.yaml"),
    ),
    (
        "examples/intermedia/setup.yaml",
        include_str!("../../examples/intermedia/setup.yaml"),
    ),
    (
        "examples/intermedia/products.yaml",
        include_str!("../../examples/intermedia/products.yaml"),
    ),
    (
        "examples/intermedia/companies/acme.yaml",
        include_str!("../../examples/intermedia/companies/acme.yaml"),
    ),
    (
        "examples/intermedia/companies/bluebird.yaml",
        include_str!("../../examples/intermedia/companies/bluebird.yaml"),
    ),
    (
        "examples/intermedia/companies/cedar.yaml",
        include_str!("../../examples/intermedia/companies/cedar.yaml"),
    ),
    (
        "examples/intermedia/companies/delta.yaml",
        include_str!("../../examples/intermedia/companies/delta.yaml"),
    ),
];

fn internal(message: impl Into<String>) -> Error {
    Error::Internal {
        message: message.into(),
    }
}

pub(super) async fn post(client: &Client, path: &str, body: &Value) -> Result<i64, Error> {
    let request = Request::create("demo", path, body)?;
    let record: Value = client.send_json(&request).await?;
    record["id"]
        .as_i64()
        .ok_or_else(|| internal(format!("demo seed: {path} answered without an id")))
}

/// What an earlier portal export left behind.
async fn seed(client: &Client) -> Result<(), Error> {
    let product_type = post(
        client,
        records::PRODUCT_TYPES.path,
        &json!({"name": "INTERMEDIA_SERVICES"}),
    )
    .await?;
    let category = post(
        client,
        records::CATEGORIES.path,
        &json!({"name": "intermedia"}),
    )
    .await?;
    let sub = json!({"name": "Intermedia Services", "category": {"id": category}});
    let subcategory = post(client, records::SUBCATEGORIES.path, &sub).await?;
    let unit = post(
        client,
        records::UNITS_OF_MEASURE.path,
        &json!({"name": "Unit"}),
    )
    .await?;
    let solution = json!({"name": "Intermedia", "managementItSolutionType": "Custom", "managementSolutionName": "Intermedia"});
    let solution = post(client, records::MANAGEMENT_IT_SOLUTIONS.path, &solution).await?;
    let agreement_type = json!({"name": "Intermedia", "employeeCompRate": "Actual", "employeeCompNotExceed": "Billing",
        "invoicingCycle": "CalendarYear", "billTime": "DoNotBill", "billExpenses": "DoNotBill", "billProducts": "Billable"});
    let agreement_type = post(client, records::AGREEMENT_TYPES.path, &agreement_type).await?;
    // The mailbox at 7.25, its retail price edited by hand to 12.50.
    let item = json!({"identifier": "MXS10C01SUNR_7.25", "description": "Exchange mailbox",
        "customerDescription": "Intermedia Hosted Exchange mailbox, 50 GB, per user per month",
        "subcategory": {"id": subcategory}, "category": {"id": category}, "type": {"id": product_type},
        "unitOfMeasure": {"id": unit}, "cost": 7.25, "price": 12.50, "recurringFlag": true});
    let mailbox = post(client, records::CATALOG.path, &item).await?;
    // Acme, linked by its Manage ID, with an agreement whose count drifted (40, now 42 at the vendor).
    let acme = post(
        client,
        records::COMPANIES.path,
        &json!({"identifier": "AcmeCorp", "name": "Acme Corp", "city": "Austin", "state": "TX"}),
    )
    .await?;
    let contact = post(
        client,
        records::CONTACTS.path,
        &json!({"firstName": "Jo", "lastName": "Alvarez", "company": {"id": acme}}),
    )
    .await?;
    let link = json!({"groupIdentifier": "1002345", "managementSolution": {"id": solution}});
    post(client, &records::LINKS.child_path(acme), &link).await?;
    let agreement = json!({"name": "Intermedia - Acme", "type": {"id": agreement_type}, "company": {"id": acme},
        "contact": {"id": contact}, "startDate": "2025-03-01T00:00:00Z"});
    let agreement = post(client, records::AGREEMENTS.path, &agreement).await?;
    let addition = json!({"product": {"id": mailbox}, "quantity": 40, "unitPrice": 12.50, "billCustomer": "Billable",
        "effectiveDate": "2025-03-01T00:00:00Z"});
    post(client, &records::ADDITIONS.child_path(agreement), &addition).await?;
    // Bluebird: in ConnectWise, not linked yet.
    let bluebird = post(
        client,
        records::COMPANIES.path,
        &json!({"identifier": "BluebirdDental", "name": "Bluebird Dental", "city": "Austin"}),
    )
    .await?;
    post(
        client,
        records::CONTACTS.path,
        &json!({"firstName": "Maria", "lastName": "Lopez", "company": {"id": bluebird}}),
    )
    .await?;
    Ok(())
}

/// One story the demo tells: the example it plans and applies, and what it says around it.
struct Story {
    /// The example's files, compiled in.
    files: &'static [(&'static str, &'static str)],
    /// The example's folder, as the commands shown name it.
    folder: &'static str,
    /// What the simulator holds before the first plan.
    before: &'static str,
    /// What the reader saw, and what to do next.
    after: &'static str,
}

/// The one-vendor story: examples/intermedia on a tenant an earlier portal export half set up.
const INTERMEDIA: Story = Story {
    files: &EXAMPLES,
    folder: "examples/intermedia",
    before: "It holds what an earlier portal export left: some setup rows (named in another case),\n\
             Acme linked by its Manage ID with a drifted count, Bluebird not linked yet, and the\n\
             mailbox price edited by hand. The configuration is examples/intermedia.\n",
    after: "What you saw: setup rows were found by name rather than duplicated; Acme was found by its\n\
         Manage ID and its count corrected from 40 to 42; the hand-edited mailbox price went back to\n\
         the 12.00 the YAML declares; Bluebird was linked instead of created; Cedar & Pine and Delta\n\
         were created, linked and given agreements; and a second plan found nothing left to change.\n\n\
         Next, against your own ConnectWise (docs/getting-started.md): set CW_SITE, CW_COMPANY_ID,\n\
         CW_PUBLIC_KEY, CW_PRIVATE_KEY and CW_CLIENT_ID, run `cwrecon doctor` to check the site,\n\
         keys and rights, then `cwrecon export --out DIR` to start DIR from what the tenant holds\n\
         (or copy examples/intermedia), edit it, and run `cwrecon validate DIR` and\n\
         `cwrecon plan DIR` (plan changes nothing). Each month,\n\
         `cwrecon reconcile intermedia EXPORT.csv DIR` compares the vendor's billing export with\n\
         DIR and ConnectWise, and `cwrecon import intermedia EXPORT.csv DIR` writes its counts into\n\
         DIR for review (docs/import.md).",
};

/// A simulator on a loopback port and a client of it, with the demo's credentials.
async fn start() -> Result<(sim::Running, Client), Error> {
    let credentials = Credentials::defaults();
    let store = Store::with_credentials(credentials.clone());
    let address = "127.0.0.1:0"
        .parse()
        .map_err(|_| internal("loopback address"))?;
    let running = sim::start(store, address)
        .await
        .map_err(|e| internal(format!("start the simulator: {e}")))?;
    let config = ClientConfig::new(
        BaseUrl::from_site(&running.api_url())?,
        credentials.company_id.clone(),
        credentials.public_key.clone(),
        credentials.private_key.clone(),
        credentials.client_id.clone(),
    )
    // Its own simulator on loopback has no rate limit to respect: pacing the ~80 requests at
    // ConnectWise's 900/min would leave the demo silent for seconds.
    .with_requests_per_minute(0);
    Ok((running, Client::new(config)?))
}

/// Run the demo; everything is printed to stdout.
pub async fn run(today: crate::model::Date, scenario: DemoScenario) -> Result<Exit, Error> {
    let (running, client) = start().await?;
    match scenario {
        DemoScenario::Intermedia => {
            seed(&client).await?;
            tell(&INTERMEDIA, &running, &client, today).await
        }
        DemoScenario::MultiVendor => {
            let shared = multi_vendor::seed(&client).await?;
            let exit = tell(&multi_vendor::STORY, &running, &client, today).await?;
            print(&multi_vendor::shared_lines(&client, shared).await?)?;
            Ok(exit)
        }
    }
}

/// Plan, apply and plan again on `story`'s example, printing each step.
async fn tell(
    story: &Story,
    running: &sim::Running,
    client: &Client,
    today: crate::model::Date,
) -> Result<Exit, Error> {
    let config = crate::config::load_texts(story.files.iter().copied())?;
    let source = ClientSource::new(client.clone(), 8);
    let target = ClientTarget::new(client.clone());
    let folder = story.folder;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "cwrecon demo: a simulated ConnectWise at {}",
        running.api_url()
    );
    let _ = writeln!(out, "{}", story.before);
    let _ = writeln!(out, "== 1. cwrecon plan {folder}\n");
    print(&out)?;

    let applied = Box::pin(crate::commands::apply::apply(
        &config, &source, &target, today, false, 8,
    ))
    .await?
    .map_err(|refused| internal(refused.to_string()))?;
    let mut out = render::text(&applied.report, false);
    let _ = writeln!(out, "\n== 2. cwrecon apply {folder} --auto-approve\n");
    out.push_str(&applied.summary());
    let _ = writeln!(out, "\n== 3. cwrecon plan {folder} (again)\n");
    out.push_str(&render::text(&applied.after, false));
    let _ = writeln!(out, "\n{}", story.after);
    print(&out)?;
    Ok(if applied.is_complete() {
        Exit::OK
    } else {
        Exit::FAILURE
    })
}

fn print(text: &str) -> Result<(), Error> {
    Ok(crate::output::write_stdout(text, "the demo")?)
}
