//! Vendor export profiles: a vendor's billing report (CSV) described in YAML, so a new vendor needs
//! configuration, not code (issue 14).
//!
//! Owns the profile's shape ([`ExportProfile`], [`Column`]), how an integration names its export
//! format ([`Export`]), the checks a profile must pass before any export is read with it
//! (`check`), and the one look-up from an integration's name to the integration and its format
//! ([`Config::integration_export`]). Refuses: a column key it does not know (a typo would leave a
//! field unread), a header read as two fields, a separator that could not separate values, SKU
//! renames that chain or repeat, and a profile an integration names but nobody declares. Reading an
//! export with a profile is `billing_report`'s job; this module never touches a CSV.

use std::collections::{BTreeMap, HashMap};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::merged::{Config, Placed};
use super::model::Integration;
use super::span::Spanned;
use super::validate::Checker;
use super::{Problem, SourceFile};
use crate::model::fold_name;

/// The most characters of a header name or SKU in a profile: far beyond any real one, small enough
/// that every message quoting one stays readable.
pub const MAX_HEADER_CHARS: usize = 200;
/// The most characters of a profile's name.
const MAX_PROFILE_NAME_CHARS: usize = 50;
/// The most characters of a SKU in `sku_aliases` (a catalog identifier holds at most 75 in all).
const MAX_SKU_CHARS: usize = 75;

/// How an integration's billing export reads: `intermedia` (the built-in format, the default) or
/// `{ profile: NAME }`, a profile declared under `profiles`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Export {
    /// Intermedia's billing export, built in: header-driven, with its own header aliases
    /// (docs/import.md). The default.
    #[default]
    Intermedia,
    /// A profile declared under `profiles`, by name (matched case-insensitively).
    Profile(Spanned<String>),
}

impl Export {
    /// Whether this is the built-in format (what a configuration written before profiles means).
    pub fn is_builtin(&self) -> bool {
        matches!(self, Export::Intermedia)
    }
}

/// A vendor's billing report, described: which column holds what, how columns are separated, other
/// spellings of the headers, and SKUs the vendor renamed.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct ExportProfile {
    /// The profile's name (max 50), as an integration's `export: { profile: NAME }` names it.
    pub name: Spanned<String>,
    /// `auto` (the default: a comma, or the semicolon or tab the header line has more of) or one
    /// character, such as `";"`, `"|"` or `"\t"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub separator: Option<Spanned<String>>,
    /// The header of the column that holds each field: `account`, `sku`, `unit_cost` and
    /// `quantity` are required. Headers are matched case-insensitively, with outer spaces ignored,
    /// in any order; columns not named are ignored.
    #[schemars(extend("required" = ["account", "sku", "unit_cost", "quantity"]))]
    pub columns: Spanned<BTreeMap<Column, Spanned<String>>>,
    /// Other spellings of a header named in `columns`: `{ "Customer ID": [CustomerId] }`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub header_aliases: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    /// SKUs the vendor renamed, each billed as the SKU the configuration has:
    /// `{ NEW-SKU: OLD-SKU }`. Matched case-insensitively.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sku_aliases: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// A field a profile's `columns` can name. `account`, `sku`, `unit_cost` and `quantity` are
/// required; the rest are optional, and the reader reads them when the export has their column
/// (`cwrecon import --add-unknown` writes a new product or company from them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    /// The vendor's account id (matched to a company's `account`). Required.
    Account,
    /// The vendor's SKU. Required.
    Sku,
    /// What the vendor charges per unit. Required.
    UnitCost,
    /// The current count. Required.
    Quantity,
    /// The price per unit the customer pays (a product's `retail_price`).
    RetailPrice,
    /// The customer's company name.
    Company,
    /// The item's description.
    Description,
    /// The first address line.
    AddressLine1,
    /// The city.
    City,
    /// The state or region.
    State,
    /// The postal code.
    Zip,
    /// The country name.
    Country,
    /// The main phone number.
    Phone,
    /// The contact's first name.
    ContactFirstName,
    /// The contact's last name.
    ContactLastName,
    /// The contact's e-mail address.
    ContactEmail,
}

/// The keys as a plain list of names: the schema of `columns` then lists each key as a property
/// (editors complete them, and refuse others), where one description per key would hide them.
impl JsonSchema for Column {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Column".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let keys: Vec<&str> = Column::ALL.iter().map(|c| c.key_and_field().0).collect();
        schemars::json_schema!({ "type": "string", "enum": keys })
    }
}

impl Column {
    /// Every column, in the order the reader looks for them.
    pub const ALL: [Column; 16] = [
        Column::Account,
        Column::Sku,
        Column::UnitCost,
        Column::Quantity,
        Column::RetailPrice,
        Column::Company,
        Column::Description,
        Column::AddressLine1,
        Column::City,
        Column::State,
        Column::Zip,
        Column::Country,
        Column::Phone,
        Column::ContactFirstName,
        Column::ContactLastName,
        Column::ContactEmail,
    ];

    /// The columns every profile names.
    pub const REQUIRED: [Column; 4] = [
        Column::Account,
        Column::Sku,
        Column::UnitCost,
        Column::Quantity,
    ];

    /// The key under `columns` (`unit_cost`, `contact_first_name`), and the reader's field it fills
    /// (`billing_report`'s names: `unit_cost`, `first_name`).
    pub fn key_and_field(self) -> (&'static str, &'static str) {
        match self {
            Column::Account => ("account", "account"),
            Column::Sku => ("sku", "sku"),
            Column::UnitCost => ("unit_cost", "unit_cost"),
            Column::Quantity => ("quantity", "quantity"),
            Column::RetailPrice => ("retail_price", "retail_price"),
            Column::Company => ("company", "company"),
            Column::Description => ("description", "description"),
            Column::AddressLine1 => ("address_line1", "line1"),
            Column::City => ("city", "city"),
            Column::State => ("state", "state"),
            Column::Zip => ("zip", "zip"),
            Column::Country => ("country", "country"),
            Column::Phone => ("phone", "phone"),
            Column::ContactFirstName => ("contact_first_name", "first_name"),
            Column::ContactLastName => ("contact_last_name", "last_name"),
            Column::ContactEmail => ("contact_email", "email"),
        }
    }
}

/// One column a profile names: its key under `columns`, the reader's field it fills, and the
/// header as written.
#[derive(Debug, Clone, Copy)]
pub struct NamedColumn<'p> {
    /// The key under `columns` (`unit_cost`, `contact_first_name`).
    pub key: &'static str,
    /// The reader's field (`billing_report`'s names: `unit_cost`, `first_name`).
    pub field: &'static str,
    /// The header, with where it was written.
    pub header: &'p Spanned<String>,
}

impl ExportProfile {
    /// Every column the profile names, in [`Column`] order.
    pub fn named(&self) -> Vec<NamedColumn<'_>> {
        self.columns
            .iter()
            .map(|(column, header)| {
                let (key, field) = column.key_and_field();
                NamedColumn { key, field, header }
            })
            .collect()
    }
}

/// How an integration's export reads, as [`Config::integration_export`] finds it.
#[derive(Debug, Clone, Copy)]
pub enum ExportFormat<'c> {
    /// Intermedia's built-in format.
    Intermedia,
    /// A declared profile.
    Profile(&'c Placed<ExportProfile>),
}

/// The configuration has no integration by the name given (`cwrecon import NAME`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct UnknownIntegration {
    /// What was asked for, what is configured, and what to type instead.
    pub message: String,
}

impl Config {
    /// The integrations of the configuration, each with how its export reads.
    ///
    /// The one place that lists them for `import` and `reconcile`.
    fn integrations_with_exports(
        &self,
    ) -> impl Iterator<Item = (&Placed<Integration>, ExportFormat<'_>)> {
        self.integrations
            .iter()
            .map(|integration| (integration, self.export_format(&integration.item)))
    }

    /// How `integration`'s export reads; a profile name no profile has (refused by validation)
    /// reads as the built-in format.
    fn export_format(&self, integration: &Integration) -> ExportFormat<'_> {
        match &integration.export {
            Export::Intermedia => ExportFormat::Intermedia,
            Export::Profile(name) => self
                .profile(name)
                .map_or(ExportFormat::Intermedia, ExportFormat::Profile),
        }
    }

    /// The profile named `name`, case-insensitively.
    pub fn profile(&self, name: &str) -> Option<&Placed<ExportProfile>> {
        let wanted = fold_name(name);
        self.profiles
            .iter()
            .find(|p| fold_name(&p.item.name) == wanted)
    }

    /// The integration `name` names (case-insensitively) and how its export reads. `intermedia`
    /// also names the one integration that reads Intermedia's built-in format whatever its name,
    /// so `cwrecon import intermedia` works as it always has.
    ///
    /// # Errors
    ///
    /// No integration has that name (the message lists those that do).
    pub fn integration_export(
        &self,
        name: &str,
    ) -> Result<(&Placed<Integration>, ExportFormat<'_>), UnknownIntegration> {
        let wanted = fold_name(name.trim());
        let mut all = self.integrations_with_exports();
        if let Some(found) = all.find(|(i, _)| fold_name(&i.item.name) == wanted) {
            return Ok(found);
        }
        let builtin: Vec<_> = self
            .integrations_with_exports()
            .filter(|(_, format)| matches!(format, ExportFormat::Intermedia))
            .collect();
        if wanted == "intermedia"
            && let [one] = builtin.as_slice()
        {
            return Ok(*one);
        }
        let configured: Vec<String> = self
            .integrations_with_exports()
            .map(|(i, format)| {
                let reads = match format {
                    ExportFormat::Intermedia => "Intermedia's built-in format".to_owned(),
                    ExportFormat::Profile(p) => format!("profile `{}`", p.item.name.value),
                };
                format!("`{}` (export: {reads})", i.item.name.value)
            })
            .collect();
        Err(UnknownIntegration {
            message: format!(
                "the configuration has no integration named `{}`; it has {}. Give one of those names (case does not matter)",
                crate::model::input::visible(name),
                configured.join(", ")
            ),
        })
    }
}

/// Where a value sits: its file, when it was written in one.
type Src<'a> = Option<&'a std::sync::Arc<SourceFile>>;

/// Check every profile, and that the profile an integration names is declared. Problems go to
/// `checker` with their places.
pub(super) fn check(checker: &mut Checker<'_>) {
    let config = checker.config();
    for placed in &config.profiles {
        profile(checker, placed.source.as_ref(), &placed.item);
    }
    checker.unique(
        "profile name",
        config
            .profiles
            .iter()
            .map(|p| (fold_name(&p.item.name), p.source.as_ref(), &p.item.name)),
        "give each profile its own name (names match case-insensitively)",
    );
    for (integration, _) in config.integrations_with_exports() {
        let Export::Profile(name) = &integration.item.export else {
            continue;
        };
        checker.line_of_text(integration.source.as_ref(), "profile name", name);
        if !checker.is_complete() || config.profile(name).is_some() {
            continue;
        }
        let hint = super::validate::did_you_mean(super::validate::closest(
            name,
            config.profiles.iter().map(|p| p.item.name.value.as_str()),
        ));
        checker.push(
            Problem::new(
                "unknown-reference",
                format!("export profile `{}` is not declared", crate::model::input::visible(name)),
            )
            .at_opt(integration.source.as_ref(), name.span, "no such profile")
            .help(format!(
                "{hint}declare it under `profiles:` (in any file), or write `export: intermedia` for the built-in format"
            )),
        );
    }
}

fn profile(checker: &mut Checker<'_>, src: Src<'_>, profile: &ExportProfile) {
    checker.text(src, "profile name", &profile.name, MAX_PROFILE_NAME_CHARS);
    if let Some(separator) = &profile.separator {
        check_separator(checker, src, separator);
    }
    let named = profile.named();
    let missing: Vec<&str> = Column::REQUIRED
        .iter()
        .filter(|c| !profile.columns.contains_key(c))
        .map(|c| c.key_and_field().0)
        .collect();
    if !missing.is_empty() {
        checker.push(
            Problem::new(
                "missing-column",
                format!(
                    "profile `{}` names no column for {}",
                    crate::model::input::visible(&profile.name),
                    missing.join(", ")
                ),
            )
            .at_opt(src, profile.columns.span, "these columns")
            .help(format!(
                "add `{}: <the export's header>` under `columns`: every row needs an account, a SKU, a unit cost and a quantity",
                missing.first().copied().unwrap_or_default()
            )),
        );
    }
    // Every header a field is read from, its own and its aliases: one header, one field.
    let mut headers: Vec<(String, Src<'_>, &Spanned<String>)> = Vec::new();
    for column in &named {
        checker.text(
            src,
            &format!("the header of column `{}`", column.key),
            column.header,
            MAX_HEADER_CHARS,
        );
        headers.push((fold_name(column.header.trim()), src, column.header));
    }
    let by_header: HashMap<String, &NamedColumn<'_>> = named
        .iter()
        .map(|c| (fold_name(c.header.trim()), c))
        .collect();
    for (header, aliases) in &profile.header_aliases {
        checker.text(
            src,
            "a header in `header_aliases`",
            header,
            MAX_HEADER_CHARS,
        );
        if !by_header.contains_key(&fold_name(header.trim())) {
            let hint = super::validate::did_you_mean(super::validate::closest(
                header,
                named.iter().map(|c| c.header.value.as_str()),
            ));
            checker.push(
                Problem::new(
                    "unknown-reference",
                    format!(
                        "`header_aliases` gives other spellings of `{}`, which no column under `columns` has as its header",
                        crate::model::input::visible(header)
                    ),
                )
                .at_opt(src, header.span, "not a header named in `columns`")
                .help(format!(
                    "{hint}use the header exactly as `columns` names it (case does not matter)"
                )),
            );
        }
        for alias in aliases {
            checker.text(src, "a header alias", alias, MAX_HEADER_CHARS);
            headers.push((fold_name(alias.trim()), src, alias));
        }
    }
    checker.unique(
        "column header",
        headers.into_iter(),
        "a header is read as one field only: name each column once, under one key, and give each alias to one header",
    );
    sku_aliases(checker, src, profile);
}

/// Renamed SKUs: each once, never to itself, never to a SKU that is itself renamed.
fn sku_aliases(checker: &mut Checker<'_>, src: Src<'_>, profile: &ExportProfile) {
    for (from, to) in &profile.sku_aliases {
        checker.text(src, "a renamed SKU in `sku_aliases`", from, MAX_SKU_CHARS);
        checker.text(src, "the SKU in `sku_aliases`", to, MAX_SKU_CHARS);
        let renamed_again = profile
            .sku_aliases
            .keys()
            .find(|key| fold_name(key) == fold_name(to));
        let (message, label, help) = if fold_name(from) == fold_name(to) {
            (
                format!(
                    "`sku_aliases` renames SKU `{}` to itself",
                    crate::model::input::visible(from)
                ),
                "the same SKU",
                "remove the entry: a SKU the configuration has needs no alias",
            )
        } else if renamed_again.is_some() {
            (
                format!(
                    "`sku_aliases` renames `{}` to `{}`, which is itself renamed",
                    crate::model::input::visible(from),
                    crate::model::input::visible(to)
                ),
                "renamed again",
                "map each SKU straight to the SKU the configuration bills it as: aliases are not followed twice",
            )
        } else {
            continue;
        };
        let mut problem = Problem::new("sku-alias", message).at_opt(src, to.span, label);
        if let Some(next) = renamed_again.filter(|next| fold_name(next) != fold_name(from)) {
            problem = problem.at_opt(src, next.span, "renamed here");
        }
        checker.push(problem.help(help));
    }
    checker.unique(
        "renamed SKU in `sku_aliases`",
        profile.sku_aliases.keys().map(|k| (fold_name(k), src, k)),
        "give each renamed SKU once (SKUs match case-insensitively)",
    );
}

/// `auto`, or one character that can separate values: not a letter, digit, quote or line break.
fn check_separator(checker: &mut Checker<'_>, src: Src<'_>, separator: &Spanned<String>) {
    let mut chars = separator.chars();
    let usable = match (chars.next(), chars.next()) {
        _ if separator.as_str() == "auto" => true,
        (Some(c), None) => {
            c.is_ascii() && !c.is_ascii_alphanumeric() && !matches!(c, '"' | '\n' | '\r' | '\0')
        }
        _ => false,
    };
    if !usable {
        checker.push(
            Problem::new(
                "separator",
                format!(
                    "separator `{}` cannot separate CSV columns",
                    crate::model::input::visible(separator)
                ),
            )
            .at_opt(src, separator.span, "not a usable separator")
            .help("write `auto` (a comma, or the semicolon or tab the header has more of) or one ASCII character that is not a letter, digit or quote, such as \";\", \"|\" or \"\\t\""),
        );
    }
}

/// The separator a profile sets: `None` for `auto` (or none written).
pub fn separator_byte(profile: &ExportProfile) -> Option<u8> {
    let separator = profile.separator.as_ref()?;
    let mut bytes = separator.bytes();
    match (bytes.next(), bytes.next()) {
        (Some(b), None) if b.is_ascii() => Some(b),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{Error, load_texts};

    const PROFILE: &str = "profiles:\n  - name: pax8\n    separator: \";\"\n    columns:\n      account: Customer ID\n      sku: SKU\n      unit_cost: Unit Cost\n      quantity: Quantity\n      company: Customer Name\n    header_aliases:\n      Customer ID: [CustomerId]\n    sku_aliases:\n      NEW1: OLD1\n";

    /// A problem's message and its file, line and column.
    type Found = (String, Option<(String, usize, usize)>);

    fn problems(files: &[(&str, &str)]) -> Vec<Found> {
        match load_texts(files.iter().copied()) {
            Ok(_) => Vec::new(),
            Err(Error::Invalid { problems }) => problems
                .iter()
                .map(|p| (p.message().to_owned(), p.location()))
                .collect(),
            Err(other) => panic!("{other}"),
        }
    }

    #[test]
    fn a_profile_loads_and_an_integration_finds_it_by_name() {
        let integration = "integration:\n  name: Pax8\n  export: { profile: PAX8 }\n";
        let config = load_texts([("p.yaml", PROFILE), ("i.yaml", integration)]).unwrap();
        let (found, format) = config.integration_export("pax8").unwrap();
        assert_eq!(found.item.name.value, "Pax8");
        let super::ExportFormat::Profile(profile) = format else {
            panic!("expected the profile");
        };
        assert_eq!(profile.item.name.value, "pax8");
        assert_eq!(super::separator_byte(&profile.item), Some(b';'));
        let err = config.integration_export("intermedia").unwrap_err();
        assert_eq!(
            err.message,
            "the configuration has no integration named `intermedia`; it has `Pax8` (export: profile `pax8`). Give one of those names (case does not matter)"
        );
    }

    #[test]
    fn intermedia_names_the_builtin_integration_whatever_its_name() {
        let config = load_texts([("i.yaml", "integration:\n  name: Reseller\n")]).unwrap();
        assert!(config.integration_export("Intermedia").is_ok());
        assert!(config.integration_export("reseller").is_ok());
        let err = config.integration_export("pax8").unwrap_err();
        assert!(
            err.message
                .contains("it has `Reseller` (export: Intermedia's built-in format)"),
            "{}",
            err.message
        );
    }

    #[test]
    fn an_unknown_column_key_is_refused_at_its_place() {
        let bad = PROFILE.replace("      company:", "      customer:");
        let found = problems(&[("p.yaml", &bad)]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0]
                .0
                .starts_with("unknown variant `customer`, expected one of account, sku,"),
            "{found:?}"
        );
        assert_eq!(found[0].1, Some(("p.yaml".to_owned(), 9, 7)));
        let bad = PROFILE.replace("      sku: SKU\n", "");
        let found = problems(&[("p.yaml", &bad)]);
        assert_eq!(
            found[0].0, "profile `pax8` names no column for sku",
            "{found:?}"
        );
    }

    #[test]
    fn a_header_read_as_two_fields_is_refused_with_both_places() {
        let bad = PROFILE.replace("company: Customer Name", "company: customer id");
        let found = problems(&[("p.yaml", &bad)]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "duplicate column header `customer id`");
        assert_eq!(found[0].1, Some(("p.yaml".to_owned(), 9, 16)));
        let aliased = PROFILE.replace("[CustomerId]", "[CustomerId, sku]");
        let found = problems(&[("p.yaml", &aliased)]);
        assert_eq!(found[0].0, "duplicate column header `sku`", "{found:?}");
    }

    #[test]
    fn bad_separators_aliases_and_references_are_refused() {
        let bad = PROFILE
            .replace("separator: \";\"", "separator: \";;\"")
            .replace("Customer ID: [CustomerId]", "Customer Nr: [CustomerId]")
            .replace(
                "NEW1: OLD1",
                "NEW1: OLD1\n      OLD1: OLDER1\n      SAME: same",
            );
        let integration = "integration:\n  export: { profile: pax9 }\n";
        let found = problems(&[("p.yaml", &bad), ("i.yaml", integration)]);
        let messages: Vec<&str> = found.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "separator `;;` cannot separate CSV columns",
                "`header_aliases` gives other spellings of `Customer Nr`, which no column under `columns` has as its header",
                "`sku_aliases` renames `NEW1` to `OLD1`, which is itself renamed",
                "`sku_aliases` renames SKU `SAME` to itself",
                "export profile `pax9` is not declared",
            ],
            "{found:?}"
        );
    }

    #[test]
    fn a_hidden_character_in_a_header_is_refused() {
        let bad = PROFILE.replace("unit_cost: Unit Cost", "unit_cost: \"Unit\\u200BCost\"");
        let found = problems(&[("p.yaml", &bad)]);
        assert!(found[0].0.contains("U+200B"), "{found:?}");
    }
}
