//! The records every fresh simulator starts with: what a new ConnectWise tenant already has.
//!
//! Owns the built-in company statuses, company types, countries, the member and the API member whose
//! identifier appears in `_info.enteredBy`. It refuses anything a reconciler is meant to create
//! (setup tables for an integration, companies, products, agreements).

use serde_json::{Map, Value, json};

use super::store::{Data, RowInfo};

/// The API member that every API write is attributed to (`_info.enteredBy`, `updatedBy`).
pub(crate) const API_MEMBER: &str = "cwreconapi";

/// When the built-in records were "entered".
const EPOCH: &str = "2020-01-01T00:00:00Z";

/// A fresh tenant's records.
pub(crate) fn data() -> Data {
    let mut data = Data::empty();
    for (name, default) in [
        ("Active", true),
        ("Inactive", false),
        ("Not-Approved", false),
    ] {
        insert(
            &mut data,
            "companyStatuses",
            json!({ "name": name, "defaultFlag": default, "inactiveFlag": name == "Inactive" }),
        );
    }
    for (name, default, vendor) in [
        ("Client", true, false),
        ("Prospect", false, false),
        ("Vendor", false, true),
    ] {
        insert(
            &mut data,
            "companyTypes",
            json!({ "name": name, "defaultFlag": default, "vendorFlag": vendor }),
        );
    }
    for (name, code, default) in [
        ("United States", "US", true),
        ("Canada", "CA", false),
        ("United Kingdom", "GB", false),
    ] {
        let currency =
            json!({ "id": 1, "symbol": "$", "currencyCode": "USD", "name": "US Dollar" });
        insert(
            &mut data,
            "countries",
            json!({ "name": name, "countryCode": code, "defaultFlag": default, "currency": currency }),
        );
    }
    insert(
        &mut data,
        "members",
        json!({
            "identifier": "admin", "firstName": "Sim", "lastName": "Admin", "licenseClass": "F",
            "hireDate": EPOCH, "defaultEmail": "Office", "defaultPhone": "Office",
            "securityRole": { "id": 1, "name": "Admin" }, "officeEmail": "admin@example.com"
        }),
    );
    insert(
        &mut data,
        "apiMembers",
        json!({ "identifier": API_MEMBER, "name": "cwrecon API", "securityRole": { "id": 1, "name": "Admin" } }),
    );
    data
}

fn insert(data: &mut Data, table: &str, fields: Value) {
    data.insert(
        table,
        None,
        object(fields),
        RowInfo::new(EPOCH, "CONVERSION"),
    );
}

/// Fields as a map (helper for the generator).
pub(crate) fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}
