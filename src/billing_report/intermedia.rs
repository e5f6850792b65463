//! Intermedia's billing export (CSV): the built-in format, as the header names of each field.
//!
//! Owns Intermedia's header aliases and nothing else: the one reader ([`super::reader`]) reads this
//! format as it reads every profile, so a profile with these names as its `columns` and
//! `header_aliases` reads an Intermedia export the same way (a test below holds it to that).
//!
//! | field | header aliases |
//! | --- | --- |
//! | account | `Account ID`, `AccountID`, `Account`, `Account Number` |
//! | company | `Company`, `Company Name`, `Account Name` |
//! | sku | `SKU`, `Product Code`, `Item SKU` |
//! | unit cost | `Unit Cost`, `Cost` |
//! | retail price | `Retail Price`, `Price` (optional) |
//! | quantity | `Quantity`, `Count`, `Qty` |
//!
//! Optional columns, used only when `cwrecon import --add-unknown` writes a product or a company the
//! configuration does not have yet:
//!
//! | field | header aliases |
//! | --- | --- |
//! | description | `Description`, `Product Name`, `Item Name`, `Product Description` |
//! | address line | `Address`, `Address 1`, `Address Line 1`, `Street` |
//! | city | `City` |
//! | state | `State`, `Region`, `Province` |
//! | zip | `Zip`, `Zip Code`, `Postal Code`, `Postcode` |
//! | country | `Country` |
//! | phone | `Phone`, `Phone Number` |
//! | contact | `Contact First Name`, `First Name`; `Contact Last Name`, `Last Name`; `Contact Email`, `Email` |

use super::reader::{Format, Problem, Row};

const ALIASES: [(&str, &[&str]); 16] = [
    (
        "account",
        &["account id", "accountid", "account", "account number"],
    ),
    ("company", &["company", "company name", "account name"]),
    ("sku", &["sku", "product code", "item sku"]),
    ("unit_cost", &["unit cost", "cost"]),
    ("retail_price", &["retail price", "price"]),
    ("quantity", &["quantity", "count", "qty"]),
    (
        "description",
        &[
            "description",
            "product name",
            "item name",
            "product description",
        ],
    ),
    (
        "line1",
        &["address", "address 1", "address line 1", "street"],
    ),
    ("city", &["city"]),
    ("state", &["state", "region", "province"]),
    ("zip", &["zip", "zip code", "postal code", "postcode"]),
    ("country", &["country"]),
    ("phone", &["phone", "phone number"]),
    ("first_name", &["contact first name", "first name"]),
    ("last_name", &["contact last name", "last name"]),
    ("email", &["contact email", "email"]),
];

/// Intermedia's format: a separator read from the header line, no renamed SKUs.
pub fn format() -> Format {
    Format::builtin(&ALIASES)
}

/// Parse an export in Intermedia's format (see [`super::parse`]).
pub fn parse(text: &str) -> (Vec<Row>, Vec<Problem>) {
    super::reader::parse(text, &format())
}

#[cfg(test)]
mod tests {
    /// The built-in format written as a profile: the example export reads into the same rows.
    #[test]
    fn a_profile_with_intermedias_names_reads_its_export_the_same_way() {
        let profile = "profiles:\n  - name: intermedia-as-profile\n    columns:\n      account: Account ID\n      company: Company\n      sku: SKU\n      unit_cost: Unit Cost\n      retail_price: Retail Price\n      quantity: Quantity\n      description: Description\n      address_line1: Address\n      city: City\n      state: State\n      zip: Zip\n      country: Country\n      phone: Phone\n      contact_first_name: Contact First Name\n      contact_last_name: Contact Last Name\n      contact_email: Contact Email\n    header_aliases:\n      Account ID: [AccountID, Account, Account Number]\n      Company: [Company Name, Account Name]\n      SKU: [Product Code, Item SKU]\n      Unit Cost: [Cost]\n      Retail Price: [Price]\n      Quantity: [Count, Qty]\n      Description: [Product Name, Item Name, Product Description]\n      Address: [Address 1, Address Line 1, Street]\n      State: [Region, Province]\n      Zip: [Zip Code, Postal Code, Postcode]\n      Phone: [Phone Number]\n      Contact First Name: [First Name]\n      Contact Last Name: [Last Name]\n      Contact Email: [Email]\n";
        let config = crate::config::load_texts([("p.yaml", profile)]).unwrap();
        let format = super::Format::from_profile(&config.profiles[0]);
        let export = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("examples/billing/intermedia-export.csv"),
        )
        .unwrap();
        let builtin = super::parse(&export);
        assert!(builtin.1.is_empty(), "{:?}", builtin.1);
        assert_eq!(super::super::reader::parse(&export, &format), builtin);
        let odd = "Notes;QTY;product code;COST;AccountID;Account Name;price\nx;42;MXS10C01SUNR;7.25;1002345;Acme Corp;12.00\n";
        assert_eq!(super::super::reader::parse(odd, &format), super::parse(odd));
    }
}
