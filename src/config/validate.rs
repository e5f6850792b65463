//! Semantic checks on the merged configuration: the rules ConnectWise and the vendor impose that the
//! YAML's shape cannot express.
//!
//! Owns: lengths from the ConnectWise spec, naming rules, uniqueness (case-insensitive where
//! ConnectWise compares names that way), references between sections, the one-retail-price-per-item
//! rule, what a company needs to be created, money and quantity rules, and credentials only as
//! environment references. Refuses to stop at the first problem: every check runs, and each problem
//! names its place and says how to fix it. Never looks at the live tenant (that is `plan`'s job):
//! a reference to a kind of setup row the configuration does not declare at all is taken to exist in
//! ConnectWise already.

use std::collections::HashMap;
use std::sync::Arc;

use super::error::{Problem, SourceFile};
use super::merged::{Config, Placed};
use super::model::{
    Addition, Address, Agreement, Company, CompanyVendor, Connection, EffectiveDate, Integration,
    Placement, Product,
};
use super::span::{Span, Spanned};
use crate::model::input::{self, AccountError, Hidden};
use crate::model::{AccountId, IntegrationId, Money, fold_name};
use rust_decimal::Decimal;

/// ConnectWise's length limits (spec "Max length" notes), in characters.
mod limits {
    pub(super) const SETUP_NAME: usize = 50;
    pub(super) const SOLUTION_NAME: usize = 30;
    pub(super) const CATALOG_IDENTIFIER: usize = 75;
    pub(super) const DESCRIPTION: usize = 60;
    pub(super) const CUSTOMER_DESCRIPTION: usize = 6000;
    pub(super) const COMPANY_NAME: usize = 50;
    /// 25 in 2022.1, 30 in 2025.1, 156 in 2026.4: the oldest limit still deployed is the safe one.
    pub(super) const COMPANY_IDENTIFIER: usize = 25;
    pub(super) const MANAGE_ID: usize = 100;
    pub(super) const ADDRESS_LINE: usize = 50;
    pub(super) const ZIP: usize = 12;
    pub(super) const PHONE: usize = 30;
    pub(super) const WEBSITE: usize = 255;
    pub(super) const CONTACT_NAME: usize = 30;
    pub(super) const EMAIL: usize = 250;
    pub(super) const AGREEMENT_NAME: usize = 100;
    pub(super) const VENDOR_TYPE: usize = 255;
    pub(super) const PORTAL_URL: usize = 200;
    pub(super) const MEMBER_IDENTIFIER: usize = 15;
    pub(super) const MEMBER_NAME: usize = 30;
}

/// Run every check.
///
/// `complete` says every file was read: when one could not be, a name it may have declared is not
/// reported as undeclared (one mistake, one error).
pub(crate) fn validate(config: &Config, complete: bool) -> Vec<Problem> {
    let mut checker = Checker {
        config,
        problems: Vec::new(),
        complete,
    };
    checker.integration();
    checker.connection();
    checker.policy();
    checker.setup();
    checker.products();
    checker.companies();
    super::profile::check(&mut checker);
    checker.problems
}

/// The names declared for one kind of setup row, folded to as written; `None` when the kind is not
/// declared at all.
struct Declared<'a>(Option<HashMap<String, &'a str>>);

impl<'a> Declared<'a> {
    fn of(names: impl Iterator<Item = &'a Spanned<String>>) -> Declared<'a> {
        let map: HashMap<String, &'a str> =
            names.map(|n| (fold_name(n), n.value.as_str())).collect();
        Declared((!map.is_empty()).then_some(map))
    }

    fn resolves(&self, name: &str) -> bool {
        self.0
            .as_ref()
            .is_none_or(|map| map.contains_key(&fold_name(name)))
    }

    /// The declared name closest to `name`, when one is close enough to be a typo of it.
    fn closest(&self, name: &str) -> Option<&'a str> {
        closest(name, self.0.as_ref()?.values().copied())
    }
}

/// The candidate closest to `name` (case-insensitively), when it is close enough to be a typo:
/// at most a third of its characters, and never fewer than 2, edited away.
pub(super) fn closest<'c>(
    name: &str,
    candidates: impl Iterator<Item = &'c str>,
) -> Option<&'c str> {
    let wanted = fold_name(name);
    let budget = (wanted.chars().count() / 3).max(2);
    candidates
        .map(|c| (strsim::damerau_levenshtein(&wanted, &fold_name(c)), c))
        .filter(|(distance, _)| *distance <= budget)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// "Did you mean …?" for a help text, or nothing.
pub(super) fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!("did you mean `{s}`? "))
}

pub(super) struct Checker<'a> {
    config: &'a Config,
    problems: Vec<Problem>,
    /// Every file was read, so an undeclared name is really undeclared.
    complete: bool,
}

/// Where a value sits: its file and span.
type Src<'a> = Option<&'a Arc<SourceFile>>;

/// ` in file:line:column`, for a message that names two places; empty for a value never written.
fn place(src: Src<'_>, span: Span) -> String {
    match src {
        Some(source) if span.is_written() => {
            format!(" in {}:{}:{}", source.name, span.line(), span.column())
        }
        _ => String::new(),
    }
}

/// Names of one kind of setup row, each with its file.
type NameList<'a> = Vec<(Src<'a>, &'a Spanned<String>)>;

impl<'a> Checker<'a> {
    pub(super) fn push(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// The configuration being checked.
    pub(super) fn config(&self) -> &'a Config {
        self.config
    }

    /// Whether every file was read, so an undeclared name is really undeclared.
    pub(super) fn is_complete(&self) -> bool {
        self.complete
    }

    // ----- generic checks -------------------------------------------------------------------

    /// A name or text field: not empty, no outer spaces, no hidden characters, within
    /// ConnectWise's limit.
    pub(super) fn text(&mut self, src: Src<'_>, what: &str, value: &Spanned<String>, max: usize) {
        self.line_of_text(src, what, value);
        self.text_rules(src, what, value, max);
    }

    /// A text of several lines (a customer description): like [`Checker::text`], but line feeds
    /// and tabs are allowed.
    fn lines_of_text(&mut self, src: Src<'_>, what: &str, value: &Spanned<String>, max: usize) {
        if let Some(hidden) = input::hidden_in_lines(value) {
            self.push(hidden_character(src, what, value, hidden));
        }
        self.text_rules(src, what, value, max);
    }

    /// Not empty, no outer spaces, within ConnectWise's limit.
    fn text_rules(&mut self, src: Src<'_>, what: &str, value: &Spanned<String>, max: usize) {
        let chars = value.chars().count();
        if value.trim().is_empty() {
            self.push(
                Problem::new("empty", format!("{what} is empty"))
                    .at_opt(src, value.span, "empty value")
                    .help(format!(
                        "give {what} a value, or remove the field to use its default"
                    )),
            );
        } else if value.trim() != value.as_str() {
            self.push(
                Problem::new(
                    "whitespace",
                    format!("{what} `{value}` has leading or trailing spaces"),
                )
                .at_opt(src, value.span, "outer spaces here")
                .help("remove them: ConnectWise trims names, so the value would never match"),
            );
        }
        if chars > max {
            self.push(
                Problem::new(
                    "too-long",
                    format!("{what} is {chars} characters; ConnectWise allows at most {max}"),
                )
                .at_opt(src, value.span, format!("{chars} characters"))
                .help(format!("shorten it to {max} characters or fewer")),
            );
        }
    }

    /// A line of text holds no control, format or separator character (`model::input`).
    pub(super) fn line_of_text(&mut self, src: Src<'_>, what: &str, value: &Spanned<String>) {
        if let Some(hidden) = input::hidden_in_line(value) {
            self.push(hidden_character(src, what, value, hidden));
        }
    }

    fn opt_text(&mut self, src: Src<'_>, what: &str, value: Option<&Spanned<String>>, max: usize) {
        if let Some(value) = value {
            self.text(src, what, value, max);
        }
    }

    /// Money: not negative, at most two decimals once trailing zeros are dropped, at most
    /// `input::MAX_MONEY`.
    fn money(&mut self, src: Src<'_>, what: &str, value: &Spanned<Money>) {
        if value.value() > input::MAX_MONEY {
            self.push(too_large(
                src,
                what,
                value.value(),
                value.span,
                input::MAX_MONEY,
            ));
        }
        if value.is_negative() {
            self.push(
                Problem::new("negative", format!("{what} is negative ({})", value.value))
                    .at_opt(src, value.span, "below zero")
                    .help(format!("{what} must be 0 or more")),
            );
        }
        if value.decimals() > 2 {
            self.push(
                Problem::new(
                    "precision",
                    format!(
                        "{what} {} has {} decimals; money has at most 2",
                        value.value,
                        value.decimals()
                    ),
                )
                .at_opt(src, value.span, "too precise")
                .help("round it to cents (ConnectWise stores money to 2 decimals)"),
            );
        }
    }

    /// A reference to a setup row by name.
    fn reference(
        &mut self,
        src: Src<'_>,
        value: &Spanned<String>,
        kind: &str,
        declared: &Declared<'_>,
        section: &str,
    ) {
        self.line_of_text(src, kind, value);
        if self.complete && !declared.resolves(value) {
            let hint = did_you_mean(declared.closest(value));
            self.push(
                Problem::new(
                    "unknown-reference",
                    format!("{kind} `{value}` is not declared"),
                )
                .at_opt(src, value.span, format!("no such {kind}"))
                .help(format!(
                    "{hint}add it under `{section}`, or fix the name (names match case-insensitively)"
                )),
            );
        }
    }

    /// Report every key seen twice, naming both places.
    pub(super) fn unique<'k>(
        &mut self,
        what: &str,
        entries: impl Iterator<Item = (String, Src<'k>, &'k Spanned<String>)>,
        help: &str,
    ) {
        let mut seen: HashMap<String, (Src<'k>, &Spanned<String>)> = HashMap::new();
        for (key, src, value) in entries {
            if let Some((first_src, first)) = seen.get(&key) {
                self.push(
                    Problem::new(
                        "duplicate",
                        format!("duplicate {what} `{}`", input::visible(value)),
                    )
                    .at_opt(src, value.span, "defined again here")
                    .at_opt(
                        *first_src,
                        first.span,
                        format!("first defined here as `{}`", input::visible(first)),
                    )
                    .help(help.to_owned()),
                );
            } else {
                seen.insert(key, (src, value));
            }
        }
    }

    // ----- sections -------------------------------------------------------------------------

    fn integration(&mut self) {
        let config: &'a Config = self.config;
        for placed in &config.integrations {
            self.integration_one(placed);
        }
        self.integration_marks();
    }

    fn integration_one(&mut self, placed: &'a Placed<Integration>) {
        let src = placed.source.as_ref();
        let i = &placed.item;
        self.text(src, "integration name", &i.name, limits::SOLUTION_NAME);
        self.text(
            src,
            "integration product type",
            &i.product_type,
            limits::SETUP_NAME,
        );
        self.text(
            src,
            "integration agreement type",
            &i.agreement_type,
            limits::SETUP_NAME,
        );
        self.text(
            src,
            "integration unit of measure",
            &i.unit_of_measure,
            limits::SETUP_NAME,
        );
        self.text(src, "integration category", &i.category, limits::SETUP_NAME);
        self.text(
            src,
            "integration sub-category",
            &i.subcategory,
            limits::SETUP_NAME,
        );
        self.text(
            src,
            "integration billing cycle",
            &i.billing_cycle,
            limits::SETUP_NAME,
        );
        self.identifier_format(src, &i.identifier_format);
        if let Some(shared_type) = &i.shared_agreement_type {
            self.text(
                src,
                "shared agreement type",
                shared_type,
                limits::SETUP_NAME,
            );
            if i.agreements.is_own() {
                self.push(
                    Problem::new(
                        "shared-agreement-type",
                        format!("integration `{}` has its own agreements, so `shared_agreement_type` means nothing to it", i.name.value),
                    )
                    .at_opt(src, shared_type.span, "only for `agreements: shared`")
                    .help("remove `shared_agreement_type`, or set `agreements: shared` if the vendor bills on the customer's shared agreement"),
                );
            }
        }
        self.integration_references(placed);
    }

    /// The integration's setup names must be declared when their kind is.
    fn integration_references(&mut self, placed: &'a Placed<Integration>) {
        let src = placed.source.as_ref();
        let i = &placed.item;
        let setup = &self.config.setup;
        let first_of = |names: NameList<'a>| names.first().map(|(src, name)| (*src, name.span));
        let checks = [
            (
                &i.product_type,
                "product type",
                names(&setup.product_types, |r| &r.name),
                "setup.product_types",
            ),
            (
                &i.agreement_type,
                "agreement type",
                names(&setup.agreement_types, |r| &r.name),
                "setup.agreement_types",
            ),
            (
                &i.unit_of_measure,
                "unit of measure",
                names(&setup.units_of_measure, |r| &r.name),
                "setup.units_of_measure",
            ),
            (
                &i.category,
                "category",
                names(&setup.categories, |r| &r.name),
                "setup.categories",
            ),
            (
                &i.name,
                "Management IT solution",
                names(&setup.management_it_solutions, |r| &r.name),
                "setup.management_it_solutions",
            ),
        ];
        for (value, kind, declared_names, section) in checks {
            // A shared integration's agreement type marks nothing: its agreements are not its own.
            if kind == "agreement type" && !i.agreements.is_own() {
                continue;
            }
            let declared = Declared::of(declared_names.iter().map(|(_, n)| *n));
            if !self.complete || declared.resolves(value) {
                continue;
            }
            let src = if value.span.is_written() { src } else { None };
            let written = if value.span.is_written() {
                ""
            } else {
                " (the default)"
            };
            let mut problem = Problem::new(
                "unknown-reference",
                format!(
                    "the integration's {kind} `{value}`{written} is not declared in `{section}`"
                ),
            )
            .at_opt(src, value.span, format!("no such {kind}"));
            // A default has no place of its own: point at the list that lacks it.
            if let Some((list_src, span)) = first_of(declared_names) {
                problem = problem.at_opt(
                    list_src,
                    span,
                    format!("{section} declared here, without `{value}`"),
                );
            }
            let hint = did_you_mean(declared.closest(value));
            self.push(problem.help(format!(
                "{hint}add `{value}` under `{section}`, or set the integration's {kind} to one that is declared"
            )));
        }
        // The sub-category must sit within the integration's category.
        let subs = &setup.subcategories;
        if !subs.is_empty() {
            let found = subs.iter().any(|s| {
                fold_name(&s.item.name) == fold_name(&i.subcategory)
                    && fold_name(&s.item.category) == fold_name(&i.category)
            });
            if !found {
                self.push(
                    Problem::new(
                        "unknown-reference",
                        format!(
                            "the integration's sub-category `{}` is not declared in category `{}`",
                            i.subcategory.value, i.category.value
                        ),
                    )
                    .at_opt(
                        src,
                        i.subcategory.span,
                        "no such sub-category in that category",
                    )
                    .at_opt(
                        subs[0].source.as_ref(),
                        subs[0].item.span,
                        "setup.subcategories declared here, without it",
                    )
                    .help(
                        "add it under `setup.subcategories` with that `category`, or fix the names",
                    ),
                );
            }
        }
    }

    /// With several integrations, each names its own marks, and no two share one: a catalog item,
    /// an agreement or a Manage ID must belong to exactly one integration.
    fn integration_marks(&mut self) {
        let config: &'a Config = self.config;
        let all = &config.integrations;
        if all.len() > IntegrationId::MAX {
            let extra = &all[IntegrationId::MAX];
            self.push(
                Problem::new(
                    "too-many",
                    format!("{} integrations are declared; cwrecon accepts at most {}", all.len(), IntegrationId::MAX),
                )
                .at_opt(extra.source.as_ref(), extra.item.span, "one too many")
                .help("one integration per vendor the MSP resells; merge the ones that are one vendor"),
            );
        }
        if all.len() < 2 {
            return;
        }
        for placed in all {
            let (src, i) = (placed.source.as_ref(), &placed.item);
            let mut marks = vec![("name", &i.name), ("product_type", &i.product_type)];
            if i.agreements.is_own() {
                marks.push(("agreement_type", &i.agreement_type));
            }
            for (field, value) in marks {
                if value.span.is_written() {
                    continue;
                }
                self.push(
                    Problem::new(
                        "integration-mark",
                        format!("an integration of several does not name its `{field}`"),
                    )
                    .at_opt(src, placed.item.span, format!("no `{field}` here"))
                    .help(format!("with several integrations none takes Intermedia's defaults: write `{field}:` so that what it owns in ConnectWise is stated{}", if field == "agreement_type" { " (or `agreements: shared` if the vendor bills on the customer's shared agreement)" } else { "" })),
                );
            }
        }
        let help = "each integration owns what carries its marks, so no two integrations may share one: give each vendor its own";
        self.unique(
            "integration name",
            all.iter()
                .map(|p| (fold_name(&p.item.name), p.source.as_ref(), &p.item.name)),
            help,
        );
        self.unique(
            "integration product type",
            all.iter().map(|p| {
                (
                    fold_name(&p.item.product_type),
                    p.source.as_ref(),
                    &p.item.product_type,
                )
            }),
            help,
        );
        // A shared agreement's type is not a mark, but it must not be an owned type either: an
        // agreement of it would then be both cwrecon's and not.
        self.unique(
            "integration agreement type",
            all.iter().filter_map(|p| {
                let i = &p.item;
                let t = if i.agreements.is_own() {
                    Some(&i.agreement_type)
                } else {
                    i.shared_agreement_type.as_ref()
                };
                t.map(|t| (fold_name(t), p.source.as_ref(), t))
            }),
            help,
        );
    }

    fn identifier_format(&mut self, src: Src<'_>, format: &Spanned<String>) {
        self.line_of_text(src, "identifier format", format);
        let without = format.replace("{sku}", "").replace("{unit_cost}", "");
        let ok = format.matches("{sku}").count() == 1
            && format.matches("{unit_cost}").count() == 1
            && !without.contains(['{', '}'])
            && !without.chars().any(char::is_whitespace);
        if !ok {
            self.push(
                Problem::new(
                    "identifier-format",
                    format!("identifier format `{format}` must contain `{{sku}}` and `{{unit_cost}}` once each and nothing else in braces or spaces"),
                )
                .at_opt(src, format.span, "invalid rule")
                .help("the vendor's rule is `{sku}_{unit_cost}`; remove the field to use it"),
            );
        }
    }

    fn agreement_types(&self) -> Declared<'a> {
        Declared::of(
            self.config
                .setup
                .agreement_types
                .iter()
                .map(|r| &r.item.name),
        )
    }

    fn categories(&self) -> Declared<'a> {
        Declared::of(self.config.setup.categories.iter().map(|r| &r.item.name))
    }

    fn connection(&mut self) {
        let placed = &self.config.connection;
        let src = placed.source.as_ref();
        let c: &Connection = &placed.item;
        let plain = [
            ("site", &c.site),
            ("company_id", &c.company_id),
            ("client_id", &c.client_id),
        ];
        for (field, value) in plain {
            let Some(value) = value else { continue };
            if value.trim().starts_with("${") {
                self.env_reference(src, field, value);
            } else {
                // Credentials come from the environment only: a literal here would make the file
                // tenant-specific and tempt the keys in beside it.
                let variable = format!("CW_{}", field.to_uppercase());
                self.push(
                    Problem::new(
                        "literal-credential",
                        format!("connection {field} is written literally; credentials come only from the environment"),
                    )
                    .at_opt(src, value.span, "literal value")
                    .help(format!(
                        "remove the line and set {variable}, or write `{field}: ${{env:{variable}}}` (or another variable's name)"
                    )),
                );
            }
        }
        for (field, value) in [
            ("public_key", &c.public_key),
            ("private_key", &c.private_key),
        ] {
            let Some(value) = value else { continue };
            if value.trim().starts_with("${") {
                self.env_reference(src, field, value);
            } else {
                // The source line is masked for display, but say where in words too.
                self.push(
                    Problem::new(
                        "literal-secret",
                        format!("connection {field} holds a literal key; keys never live in configuration files"),
                    )
                    .at_opt(src, value.span, "literal key (masked)")
                    .help(format!(
                        "write `{field}: ${{env:CW_{}}}` and set that environment variable; revoke the key if this file was ever committed",
                        field.to_uppercase()
                    )),
                );
            }
        }
    }

    fn env_reference(&mut self, src: Src<'_>, field: &str, value: &Spanned<String>) {
        if super::credentials::env_reference(value).is_none() {
            self.push(
                Problem::new("env-reference", format!("connection {field} is not a valid `${{env:NAME}}` reference"))
                    .at_opt(src, value.span, "malformed reference")
                    .help("write `${env:NAME}` where NAME is letters, digits and underscores, not starting with a digit"),
            );
        }
    }

    fn policy(&mut self) {
        let placed = &self.config.policy;
        let src = placed.source.as_ref();
        let safety = &placed.item.safety;
        for (name, value) in [
            (
                "max_removed_additions_percent",
                &safety.max_removed_additions_percent,
            ),
            ("max_revenue_drop_percent", &safety.max_revenue_drop_percent),
        ] {
            if value.value > 100 {
                self.push(
                    Problem::new(
                        "out-of-range",
                        format!(
                            "policy.safety.{name} is {}; a percentage is 0 to 100",
                            value.value
                        ),
                    )
                    .at_opt(src, value.span, "not a percentage")
                    .help("use 100 to switch the rail off, 0 to block any change of that kind"),
                );
            }
        }
        // A fixed effective date for all agreements may not precede any of them.
        if let EffectiveDate::On(day) = placed.item.effective_date.value {
            for company in &self.config.companies {
                let Some(agreement) = &company.item.agreement else {
                    continue;
                };
                let start = agreement.start_date.value;
                let overridden = agreement.effective_date.is_some()
                    || agreement
                        .additions
                        .iter()
                        .all(|a| a.effective_date.is_some());
                if day < start && !overridden {
                    self.push(
                        Problem::new(
                            "effective-date",
                            format!("policy effective date {day} is before agreement `{}`'s start {start}", agreement.name.value),
                        )
                        .at_opt(src, placed.item.effective_date.span, "too early for that agreement")
                        .at_opt(company.source.as_ref(), agreement.start_date.span, "agreement starts here")
                        .help("ConnectWise refuses additions effective before their agreement starts; move the date or give that agreement its own `effective_date`"),
                    );
                }
            }
        }
    }

    fn setup(&mut self) {
        let setup = &self.config.setup;
        let named: [(&str, NameList<'_>, usize); 5] = [
            (
                "product type",
                names(&setup.product_types, |r| &r.name),
                limits::SETUP_NAME,
            ),
            (
                "agreement type",
                names(&setup.agreement_types, |r| &r.name),
                limits::SETUP_NAME,
            ),
            (
                "unit of measure",
                names(&setup.units_of_measure, |r| &r.name),
                limits::SETUP_NAME,
            ),
            (
                "category",
                names(&setup.categories, |r| &r.name),
                limits::SETUP_NAME,
            ),
            (
                "Management IT solution",
                names(&setup.management_it_solutions, |r| &r.name),
                limits::SOLUTION_NAME,
            ),
        ];
        for (kind, names, max) in named {
            for (src, name) in &names {
                self.text(*src, &format!("{kind} name"), name, max);
            }
            self.unique(
                kind,
                names
                    .iter()
                    .map(|(src, name)| (fold_name(name), *src, *name)),
                "ConnectWise compares setup names case-insensitively; keep one of them",
            );
        }
        for solution in &setup.management_it_solutions {
            let src = solution.source.as_ref();
            let name = &solution.item.name;
            if crate::model::is_lock_row_name(name) {
                self.push(
                    Problem::new(
                        "reserved",
                        format!("Management IT solution name `{}` is reserved: it is the row that holds cwrecon's apply lock", name.as_str()),
                    )
                    .at_opt(src, name.span, "reserved name")
                    .help("choose another name (see docs/security/lock.md)"),
                );
            }
            self.opt_text(
                src,
                "solution name",
                solution.item.solution_name.as_ref(),
                limits::SOLUTION_NAME,
            );
        }
        self.subcategories();
        self.managed_devices_integrations();
        if let Some(member) = &setup.api_member {
            let src = member.source.as_ref();
            let m = &member.item;
            self.text(
                src,
                "API member identifier",
                &m.identifier,
                limits::MEMBER_IDENTIFIER,
            );
            self.text(src, "API member name", &m.name, limits::MEMBER_NAME);
            self.text(
                src,
                "API member security role",
                &m.security_role,
                limits::SETUP_NAME,
            );
            self.opt_text(src, "API member e-mail", m.email.as_ref(), limits::EMAIL);
        }
    }

    fn subcategories(&mut self) {
        let categories = self.categories();
        let subs = &self.config.setup.subcategories;
        for sub in subs {
            let src = sub.source.as_ref();
            self.text(src, "sub-category name", &sub.item.name, limits::SETUP_NAME);
            self.reference(
                src,
                &sub.item.category,
                "category",
                &categories,
                "setup.categories",
            );
        }
        self.unique(
            "sub-category",
            subs.iter().map(|s| {
                let key = format!(
                    "{}\u{0}{}",
                    fold_name(&s.item.category),
                    fold_name(&s.item.name)
                );
                (key, s.source.as_ref(), &s.item.name)
            }),
            "a sub-category name may appear once within its category",
        );
    }

    fn managed_devices_integrations(&mut self) {
        let setup = &self.config.setup;
        let solutions = Declared::of(setup.management_it_solutions.iter().map(|r| &r.item.name));
        let agreement_types = self.agreement_types();
        let products: HashMap<String, String> = self
            .product_identifiers()
            .into_iter()
            .map(|(folded, p)| (folded, self.config.catalog_identifier(&p.item)))
            .collect();
        for mdi in &setup.managed_devices_integrations {
            let src = mdi.source.as_ref();
            let m = &mdi.item;
            self.text(
                src,
                "Managed Devices Integration name",
                &m.name,
                limits::SOLUTION_NAME,
            );
            self.text(
                src,
                "Managed Devices Integration solution",
                &m.solution,
                limits::SOLUTION_NAME,
            );
            self.reference(
                src,
                &m.solution,
                "Management IT solution",
                &solutions,
                "setup.management_it_solutions",
            );
            self.opt_text(src, "portal URL", m.portal_url.as_ref(), limits::PORTAL_URL);
            for xref in &m.cross_references {
                self.text(
                    src,
                    "cross-reference vendor type",
                    &xref.vendor_type,
                    limits::VENDOR_TYPE,
                );
                self.line_of_text(src, "cross-reference product", &xref.product);
                if self.complete && !products.contains_key(&fold_name(&xref.product)) {
                    let near = closest(&xref.product, products.values().map(String::as_str));
                    self.push(unknown_product(src, &xref.product, "cross-reference", near));
                }
                if let Some(agreement_type) = &xref.agreement_type {
                    self.reference(
                        src,
                        agreement_type,
                        "agreement type",
                        &agreement_types,
                        "setup.agreement_types",
                    );
                }
            }
            self.unique(
                "cross-reference vendor type",
                m.cross_references
                    .iter()
                    .map(|x| (fold_name(&x.vendor_type), src, &x.vendor_type)),
                "map each vendor type to one product",
            );
        }
        self.unique(
            "Managed Devices Integration",
            setup
                .managed_devices_integrations
                .iter()
                .map(|m| (fold_name(&m.item.name), m.source.as_ref(), &m.item.name)),
            "ConnectWise compares setup names case-insensitively; keep one of them",
        );
    }

    /// Every declared product by folded catalog identifier.
    /// An agreement's billing cycle: within ConnectWise's limit, and either set or kept, not both.
    fn billing_cycle(&mut self, src: Src<'_>, agreement: &Agreement) {
        self.opt_text(
            src,
            "billing cycle",
            agreement.billing_cycle.as_ref(),
            limits::SETUP_NAME,
        );
        if let (Some(cycle), true) = (&agreement.billing_cycle, agreement.keep_billing_cycle) {
            self.push(
                Problem::new(
                    "billing-cycle-twice",
                    format!(
                        "the agreement sets billing_cycle `{}` and also asks to keep the live one",
                        cycle.value
                    ),
                )
                .at_opt(src, cycle.span, "a cycle to set")
                .help("keep one: `billing_cycle` to set it, or `keep_billing_cycle: true` to leave ConnectWise's as it is"),
            );
        }
    }

    /// An addition's product is declared; else the closest declared one is suggested.
    fn addition_product(
        &mut self,
        src: Src<'_>,
        product: &Spanned<String>,
        products: &HashMap<String, &Placed<Product>>,
    ) {
        if !self.complete || products.contains_key(&fold_name(product)) {
            return;
        }
        let near = closest(product, products.keys().map(String::as_str))
            .and_then(|folded| products.get(folded))
            .map(|p| self.config.catalog_identifier(&p.item));
        self.push(unknown_product(src, product, "addition", near.as_deref()));
    }

    fn product_identifiers(&self) -> HashMap<String, &'a Placed<Product>> {
        let config: &'a Config = self.config;
        config
            .products
            .iter()
            .map(|p| (fold_name(&config.catalog_identifier(&p.item)), p))
            .collect()
    }

    fn products(&mut self) {
        for placed in &self.config.products {
            self.product(placed.source.as_ref(), &placed.item);
        }
        self.one_price_per_item();
    }

    fn product(&mut self, src: Src<'_>, product: &Spanned<Product>) {
        self.product_integration(src, product);
        let sku = &product.sku;
        if sku.trim().is_empty()
            || !sku
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        {
            self.push(
                Problem::new(
                    "sku",
                    format!(
                        "SKU `{}` may hold only letters, digits, `.` and `-`",
                        sku.value
                    ),
                )
                .at_opt(src, sku.span, "invalid SKU")
                .help("use the vendor's SKU as printed on its billing export, e.g. MXS10C01SUNR"),
            );
        }
        self.money(src, "unit cost", &product.unit_cost);
        if let Some(price) = &product.retail_price {
            self.money(src, "retail price", price);
        }
        self.text(
            src,
            "description",
            &product.description,
            limits::DESCRIPTION,
        );
        if let Some(customer_description) = &product.customer_description {
            self.lines_of_text(
                src,
                "customer description",
                customer_description,
                limits::CUSTOMER_DESCRIPTION,
            );
        }
        let identifier = self.config.catalog_identifier(product);
        let chars = identifier.chars().count();
        if chars > limits::CATALOG_IDENTIFIER {
            self.push(
                Problem::new(
                    "too-long",
                    format!("catalog identifier `{identifier}` is {chars} characters; ConnectWise allows at most {}", limits::CATALOG_IDENTIFIER),
                )
                .at_opt(src, sku.span, "SKU makes the identifier too long")
                .help("shorten the SKU or the identifier format"),
            );
        }
        if Config::billing(product).is_none() {
            self.push(
                Problem::new(
                    "billing",
                    format!("cannot tell whether `{}` is recurring or one-time: its SKU does not end in R or O", sku.value),
                )
                .at_opt(src, sku.span, "last letter is neither R nor O")
                .help("add `billing: recurring` or `billing: one_time` to the product"),
            );
        }
    }

    /// A product's integration: named and known when there are several, known when named.
    fn product_integration(&mut self, src: Src<'_>, product: &Spanned<Product>) {
        match &product.integration {
            Some(name) => self.integration_name(src, name, "the product's integration"),
            None if self.config.is_multi_vendor() => self.push(
                Problem::new(
                    "product-integration",
                    format!("product `{}` does not say which integration it belongs to", product.sku.value),
                )
                .at_opt(src, product.span, "no `integration` here")
                .help(format!(
                    "with several integrations each product names its own: add `integration:` (one of {}), or set it once for the file with `defaults: {{ integration: … }}`",
                    self.known_integrations()
                )),
            ),
            None => {}
        }
    }

    /// The configuration's integration names, for a help text.
    fn known_integrations(&self) -> String {
        self.config
            .integrations
            .iter()
            .map(|i| format!("`{}`", i.item.name.value))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A reference to an integration by name.
    fn integration_name(&mut self, src: Src<'_>, name: &Spanned<String>, what: &str) {
        self.line_of_text(src, what, name);
        if self.config.integration_named(name).is_some() {
            return;
        }
        let message = format!("{what} `{}` is not declared", input::visible(name));
        self.unknown_integration(src, (name, name.span), message, "no such integration");
    }

    /// A name that is no integration's: the message, and the closest name and the known ones.
    fn unknown_integration(
        &mut self,
        src: Src<'_>,
        (name, span): (&str, Span),
        message: String,
        label: &str,
    ) {
        let hint = did_you_mean(closest(
            name,
            self.config
                .integrations
                .iter()
                .map(|i| i.item.name.as_str()),
        ));
        self.push(
            Problem::new("unknown-integration", message)
                .at_opt(src, span, label)
                .help(format!(
                    "{hint}the integrations are {} (names match case-insensitively)",
                    self.known_integrations()
                )),
        );
    }

    /// The vendor's pricing rule: one (SKU, unit cost) is one catalog item with one retail price.
    fn one_price_per_item(&mut self) {
        let mut first_by_id: HashMap<String, &Placed<Product>> = HashMap::new();
        for placed in &self.config.products {
            let identifier = self.config.catalog_identifier(&placed.item);
            let Some(first) = first_by_id.get(&fold_name(&identifier)) else {
                first_by_id.insert(fold_name(&identifier), placed);
                continue;
            };
            let (a, b) = (&first.item.retail_price, &placed.item.retail_price);
            let (ours, theirs) = (
                self.config.product_integration(&placed.item),
                self.config.product_integration(&first.item),
            );
            let problem = if ours != theirs {
                let name = |i: Option<IntegrationId>| {
                    i.map_or("?", |i| self.config.integration_of(i).name.as_str())
                };
                Problem::new(
                    "duplicate",
                    format!(
                        "catalog identifier `{identifier}` belongs to two integrations, `{}` and `{}`",
                        name(ours),
                        name(theirs)
                    ),
                )
                .at_opt(placed.source.as_ref(), placed.item.span, format!("a product of `{}`", name(ours)))
                .at_opt(first.source.as_ref(), first.item.span, format!("a product of `{}`", name(theirs)))
                .help("a catalog item is owned by one integration: give one of the integrations another `identifier_format` (e.g. `{sku}_{unit_cost}_P8`)")
            } else if a.as_ref().map(|p| p.value) == b.as_ref().map(|p| p.value) {
                Problem::new(
                    "duplicate",
                    format!("product `{identifier}` is defined twice"),
                )
                .at_opt(
                    placed.source.as_ref(),
                    placed.item.span,
                    "defined again here",
                )
                .at_opt(first.source.as_ref(), first.item.span, "first defined here")
                .help("each (SKU, unit cost) is one catalog item: keep one definition")
            } else {
                let show = |p: &Option<Spanned<Money>>| {
                    p.as_ref()
                        .map_or("none".to_owned(), |m| m.value.to_string())
                };
                let span_of = |placed: &Placed<Product>| {
                    placed
                        .item
                        .retail_price
                        .as_ref()
                        .map_or(placed.item.span, |p| p.span)
                };
                Problem::new(
                    "pricing",
                    format!(
                        "SKU `{}` at unit cost {} has two retail prices: {} and {}",
                        placed.item.sku.value, placed.item.unit_cost.value, show(a), show(b)
                    ),
                )
                .at_opt(placed.source.as_ref(), span_of(placed), format!("retail price {}", show(b)))
                .at_opt(first.source.as_ref(), span_of(first), format!("retail price {}", show(a)))
                .help("items with the same SKU and cost share one retail price; give a customer its own price with the addition's `unit_price`")
            };
            self.push(problem);
        }
    }

    fn companies(&mut self) {
        let products = self.product_identifiers();
        let agreement_types = self.agreement_types();
        for placed in &self.config.companies {
            let src = placed.source.as_ref();
            self.company(src, &placed.item);
            self.company_vendors(src, &placed.item, &products, &agreement_types);
        }
        self.unique_accounts();
        let companies = &self.config.companies;
        self.unique(
            "company identifier",
            companies.iter().map(|c| (fold_name(&c.item.identifier), c.source.as_ref(), &c.item.identifier)),
            "ConnectWise company identifiers are unique (case-insensitively): give each company its own",
        );
    }

    /// One vendor account is one company. Accounts compare as [`AccountId`]s (normalised,
    /// case-insensitively), the rule matching and keys use: two accounts that differ only in case
    /// would otherwise pass here and then overwrite each other in the plan (issue 13).
    fn unique_accounts(&mut self) {
        let config: &'a Config = self.config;
        let mut seen: HashMap<(IntegrationId, AccountId), (Src<'_>, &Spanned<String>)> =
            HashMap::new();
        let accounts = config.companies.iter().flat_map(|placed| {
            config
                .vendors_of(&placed.item)
                .into_iter()
                .map(move |v| (placed.source.as_ref(), v.integration, v.account))
        });
        for (src, integration, account) in accounts {
            let id = AccountId::new(account);
            let Some(&(first_src, first)) = seen.get(&(integration, id.clone())) else {
                seen.insert((integration, id), (src, account));
                continue;
            };
            let (message, help) = if id.as_str() == AccountId::new(first).as_str() {
                (
                    format!("duplicate vendor account `{}`", input::visible(account)),
                    "one vendor account is one company: merge the two entries (accounts are compared after Unicode NFKC normalisation without invisible characters, so `１００２` is `1002`)",
                )
            } else {
                (
                    format!(
                        "vendor account `{}`{} is the same account as `{}`{}",
                        input::visible(account),
                        place(src, account.span),
                        input::visible(first),
                        place(first_src, first.span),
                    ),
                    "vendor accounts are compared regardless of case, as ConnectWise compares Manage IDs: merge the two entries, or correct the one whose account is mistyped",
                )
            };
            let problem = Problem::new("duplicate", message)
                .at_opt(src, account.span, "defined again here")
                .at_opt(
                    first_src,
                    first.span,
                    format!("first defined here as `{}`", input::visible(first)),
                )
                .help(help);
            self.push(problem);
        }
    }

    fn company(&mut self, src: Src<'_>, company: &Spanned<Company>) {
        self.text(
            src,
            "company identifier",
            &company.identifier,
            limits::COMPANY_IDENTIFIER,
        );
        if company.identifier.contains(char::is_whitespace) {
            self.push(
                Problem::new(
                    "identifier",
                    format!(
                        "company identifier `{}` contains spaces",
                        company.identifier.value
                    ),
                )
                .at_opt(src, company.identifier.span, "spaces are not allowed")
                .help("ConnectWise company IDs are one word, such as AcmeCorp"),
            );
        }
        let config: &'a Config = self.config;
        let first_agreement = config
            .vendors_of(company)
            .into_iter()
            .find_map(|v| v.agreement);
        if let (Some(create), Some(agreement), None) =
            (&company.create, first_agreement, &company.contact)
        {
            self.push(
                Problem::new(
                    "contact",
                    format!("company `{}` may be created with an agreement but has no contact", company.identifier.value),
                )
                .at_opt(src, create.span, "created without a contact")
                .at_opt(src, agreement.span, "its agreement needs one")
                .help("add `contact: { first_name: …, last_name: … }`: ConnectWise requires a contact on every agreement, and a new company has none"),
            );
        }
        if let Some(create) = &company.create {
            self.text(src, "company name", &create.name, limits::COMPANY_NAME);
            self.text(src, "company status", &create.status, limits::SETUP_NAME);
            self.text(
                src,
                "company type",
                &create.company_type,
                limits::SETUP_NAME,
            );
            self.opt_text(src, "phone number", create.phone.as_ref(), limits::PHONE);
            self.opt_text(src, "web site", create.website.as_ref(), limits::WEBSITE);
            self.address(src, &create.address);
        }
        if let Some(contact) = &company.contact {
            self.text(
                src,
                "contact first name",
                &contact.first_name,
                limits::CONTACT_NAME,
            );
            self.text(
                src,
                "contact last name",
                &contact.last_name,
                limits::CONTACT_NAME,
            );
            if let Some(email) = &contact.email {
                self.text(src, "contact e-mail", email, limits::EMAIL);
                if !email.contains('@') {
                    self.push(
                        Problem::new(
                            "email",
                            format!("contact e-mail `{}` has no @", email.value),
                        )
                        .at_opt(src, email.span, "not an e-mail address")
                        .help("write it as name@example.com, or remove it"),
                    );
                }
            }
        }
    }

    /// A company's vendors: the one-vendor shorthand or `vendors`, never both; each vendor an
    /// integration, its additions where that integration keeps them, its products its own.
    fn company_vendors(
        &mut self,
        src: Src<'_>,
        company: &'a Spanned<Company>,
        products: &HashMap<String, &'a Placed<Product>>,
        agreement_types: &Declared<'_>,
    ) {
        let config: &'a Config = self.config;
        self.vendor_form(src, company);
        let mut seen: HashMap<String, &Spanned<CompanyVendor>> = HashMap::new();
        for (name, vendor) in &company.vendors {
            let Some(id) = config.integration_named(name) else {
                let message = format!("vendor `{}` is not an integration", input::visible(name));
                self.unknown_integration(
                    src,
                    (name, vendor.span),
                    message,
                    "the entry of this vendor",
                );
                continue;
            };
            if let Some(first) = seen.insert(fold_name(name), vendor) {
                self.push(
                    Problem::new(
                        "duplicate",
                        format!("vendor `{}` is listed twice", input::visible(name)),
                    )
                    .at_opt(src, vendor.span, "listed again here")
                    .at_opt(src, first.span, "first listed here")
                    .help("names match case-insensitively: merge the two entries"),
                );
            }
            self.vendor_placement(src, company, config.integration_of(id), vendor);
        }
        for v in config.vendors_of(company) {
            self.text(src, "vendor account", v.account, limits::MANAGE_ID);
            self.account(src, v.account);
            if let Some(agreement) = v.agreement {
                self.agreement(src, agreement, products, agreement_types);
            }
            if let Some(additions) = v.shared_additions {
                self.additions(src, additions, products);
            }
            let listed = v.agreement.map_or(&[][..], |a| a.additions.as_slice());
            for addition in listed.iter().chain(v.shared_additions.unwrap_or_default()) {
                self.addition_vendor(src, addition, v.integration, products);
            }
        }
        if let Some(name) = &company.shared_agreement {
            self.text(src, "shared agreement name", name, limits::AGREEMENT_NAME);
        }
    }

    /// The shorthand (`account`, `agreement`) is for one vendor; `vendors` for any number.
    fn vendor_form(&mut self, src: Src<'_>, company: &Spanned<Company>) {
        let shorthand = !company.account.is_empty() || company.agreement.is_some();
        let shorthand_span = if company.account.is_empty() {
            company.agreement.as_ref().map_or(company.span, |a| a.span)
        } else {
            company.account.span
        };
        let problem = match (shorthand, company.vendors.values().next()) {
            (true, Some(vendor)) => Problem::new(
                "vendor-form",
                format!("company `{}` has both `account`/`agreement` and `vendors`", company.identifier.value),
            )
            .at_opt(src, shorthand_span, "the one-vendor shorthand")
            .at_opt(src, vendor.span, "`vendors` here")
            .help("keep `vendors:` and move the account and agreement into the vendor's entry"),
            (true, None) if self.config.is_multi_vendor() => Problem::new(
                "vendor-form",
                format!("company `{}` uses the one-vendor `account` with several integrations", company.identifier.value),
            )
            .at_opt(src, shorthand_span, "which vendor's account is this?")
            .help(format!(
                "write `vendors: {{ NAME: {{ account: …, agreement: … }} }}` with NAME one of {}",
                self.known_integrations()
            )),
            (false, None) => Problem::new(
                "vendor-form",
                format!("company `{}` has no vendor account", company.identifier.value),
            )
            .at_opt(src, company.span, "no `account` or `vendors`")
            .help("add `account:` (the vendor's account id), or `vendors:` with an account per vendor"),
            _ => return,
        };
        self.push(problem);
    }

    /// `agreement:` for an integration with its own agreements, bare `additions:` for a shared one.
    fn vendor_placement(
        &mut self,
        src: Src<'_>,
        company: &Spanned<Company>,
        integration: &Integration,
        vendor: &Spanned<CompanyVendor>,
    ) {
        let name = &integration.name.value;
        match integration.agreements {
            Placement::Own => {
                if let Some(additions) = vendor.additions.as_ref().and_then(|a| a.first()) {
                    self.push(
                        Problem::new("vendor-placement", format!("integration `{name}` has its own agreements, so its additions go under `agreement:`"))
                            .at_opt(src, additions.span, "bare additions")
                            .help(format!("write `agreement: {{ name: …, start_date: …, additions: [...] }}` under `{name}`, or set `agreements: shared` on the integration if the vendor bills on the customer's shared agreement")),
                    );
                }
            }
            Placement::Shared => {
                if let Some(agreement) = &vendor.agreement {
                    self.push(
                        Problem::new("vendor-placement", format!("integration `{name}` bills on the company's shared agreement, which cwrecon does not own"))
                            .at_opt(src, agreement.span, "an agreement of its own")
                            .help(format!("write the additions as `additions:` directly under `{name}` (no `agreement:`); the shared agreement is named by the company's `shared_agreement`, else found by `shared_agreement_type`")),
                    );
                }
                if company.shared_agreement.is_none() && integration.shared_agreement_type.is_none()
                {
                    self.push(
                        Problem::new("shared-agreement", format!("company `{}` buys from `{name}`, whose additions go on a shared agreement, but nothing says which one", company.identifier.value))
                            .at_opt(src, vendor.span, "additions for a shared agreement")
                            .help(format!("add `shared_agreement: <agreement name>` to the company, or `shared_agreement_type:` to integration `{name}`")),
                    );
                }
            }
        }
    }

    /// An addition under a vendor names one of that vendor's products.
    fn addition_vendor(
        &mut self,
        src: Src<'_>,
        addition: &Spanned<Addition>,
        vendor: IntegrationId,
        products: &HashMap<String, &Placed<Product>>,
    ) {
        let Some(product) = products.get(&fold_name(&addition.product)) else {
            return;
        };
        let Some(owner) = self.config.product_integration(&product.item) else {
            return;
        };
        if owner == vendor {
            return;
        }
        let (owner, vendor) = (
            &self.config.integration_of(owner).name.value,
            &self.config.integration_of(vendor).name.value,
        );
        self.push(
            Problem::new(
                "addition-vendor",
                format!("addition `{}` is a product of `{owner}`, listed under vendor `{vendor}`", addition.product.value),
            )
            .at_opt(src, addition.product.span, format!("a product of `{owner}`"))
            .at_opt(product.source.as_ref(), product.item.span, "declared here")
            .help(format!("move the addition under `{owner}`, or declare the product with `integration: {vendor}`")),
        );
    }

    /// An account id is one ConnectWise Manage ID: NFKC-normalised, within the documented
    /// character set (hidden characters, emptiness and the raw length are `text`'s to report).
    fn account(&mut self, src: Src<'_>, account: &Spanned<String>) {
        let problem = match input::normalize_account(account) {
            Err(err @ AccountError::Charset(_)) => err,
            Err(err @ AccountError::TooLong(_)) if account.chars().count() <= limits::MANAGE_ID => {
                err
            }
            _ => return,
        };
        self.push(
            Problem::new(
                "account",
                format!(
                    "vendor account `{}` {}",
                    input::visible(account),
                    problem.explain()
                ),
            )
            .at_opt(src, account.span, "not an account id")
            .help(format!(
                "write the account id as the vendor's export shows it: {}, at most {} characters",
                input::ACCOUNT_CHARSET,
                input::MAX_ACCOUNT_CHARS
            )),
        );
    }

    /// A company cwrecon may create needs a country (the vendor's export fails without one) and
    /// every field within ConnectWise's limits.
    fn address(&mut self, src: Src<'_>, address: &Spanned<Address>) {
        let fields = [
            ("address line 1", &address.line1, limits::ADDRESS_LINE),
            ("address line 2", &address.line2, limits::ADDRESS_LINE),
            ("city", &address.city, limits::ADDRESS_LINE),
            ("state", &address.state, limits::ADDRESS_LINE),
            ("zip", &address.zip, limits::ZIP),
            ("country", &address.country, limits::SETUP_NAME),
        ];
        for (what, value, max) in fields {
            self.opt_text(src, what, value.as_ref(), max);
        }
        if address.country.is_none() {
            self.push(
                Problem::new("country", "a company to create has no country in its address")
                    .at_opt(src, address.span, "address without a country")
                    .help("add `country:` (e.g. United States); ConnectWise needs an address and the vendor export fails without a country"),
            );
        }
    }

    fn agreement(
        &mut self,
        src: Src<'_>,
        agreement: &Spanned<Agreement>,
        products: &HashMap<String, &Placed<Product>>,
        agreement_types: &Declared<'_>,
    ) {
        self.text(
            src,
            "agreement name",
            &agreement.name,
            limits::AGREEMENT_NAME,
        );
        if let Some(agreement_type) = &agreement.agreement_type {
            self.reference(
                src,
                agreement_type,
                "agreement type",
                agreement_types,
                "setup.agreement_types",
            );
        }
        self.billing_cycle(src, agreement);
        let start = agreement.start_date.value;
        let mut dates = agreement
            .additions
            .iter()
            .filter_map(|a| a.effective_date.as_deref())
            .collect::<Vec<_>>();
        dates.extend(agreement.effective_date.as_ref());
        for date in dates {
            if let EffectiveDate::On(day) = date.value
                && day < start
            {
                self.push(
                    Problem::new("effective-date", format!("effective date {day} is before the agreement's start {start}"))
                        .at_opt(src, date.span, "too early")
                        .at_opt(src, agreement.start_date.span, "agreement starts here")
                        .help("ConnectWise refuses additions effective before their agreement starts; move the date"),
                );
            }
        }
        self.additions(src, &agreement.additions, products);
    }

    /// The additions of one agreement (own or shared): known products, amounts within bounds,
    /// one per product.
    fn additions(
        &mut self,
        src: Src<'_>,
        additions: &[Spanned<Addition>],
        products: &HashMap<String, &Placed<Product>>,
    ) {
        for addition in additions {
            self.line_of_text(src, "addition product", &addition.product);
            self.addition_product(src, &addition.product, products);
            if addition.quantity.decimals() > 2 {
                self.push(
                    Problem::new(
                        "precision",
                        format!(
                            "quantity {} of `{}` has {} decimals; at most 2",
                            addition.quantity.value,
                            addition.product.value,
                            addition.quantity.decimals()
                        ),
                    )
                    .at_opt(src, addition.quantity.span, "too precise")
                    .help("vendor counts are whole units; ConnectWise keeps 2 decimals"),
                );
            }
            if addition.quantity.value() > input::MAX_QUANTITY {
                self.push(too_large(
                    src,
                    &format!("quantity of `{}`", addition.product.value),
                    addition.quantity.value(),
                    addition.quantity.span,
                    input::MAX_QUANTITY,
                ));
            }
            if addition.quantity.is_negative() {
                self.push(
                    Problem::new(
                        "negative",
                        format!(
                            "quantity of `{}` is negative ({})",
                            addition.product.value, addition.quantity.value
                        ),
                    )
                    .at_opt(src, addition.quantity.span, "below zero")
                    .help("a product count is 0 or more; use 0 to stop billing it"),
                );
            }
            if let Some(price) = &addition.unit_price {
                self.money(src, "unit price", price);
            }
        }
        self.unique(
            "addition for product",
            additions
                .iter()
                .map(|a| (fold_name(&a.product), src, &a.product)),
            "an agreement has one addition per product: add the quantities together",
        );
    }
}

/// Each row's name with its file.
fn names<T>(
    rows: &[Placed<T>],
    name: fn(&T) -> &Spanned<String>,
) -> Vec<(Src<'_>, &Spanned<String>)> {
    rows.iter()
        .map(|r| (r.source.as_ref(), name(&r.item)))
        .collect()
}

/// An amount above its bound (`model::input`).
fn too_large(src: Src<'_>, what: &str, value: Decimal, span: Span, max: Decimal) -> Problem {
    Problem::new(
        "out-of-range",
        format!("{what} is {value}; cwrecon accepts at most {max}"),
    )
    .at_opt(src, span, format!("above {max}"))
    .help(format!(
        "amounts are 0 to {max} with at most 2 decimals (docs/security/input.md); a larger value is a typo or a corrupt export"
    ))
}

/// A hidden character in a line of text, pointed at where it stands when the value is written
/// as it reads (no escapes), else at the value.
fn hidden_character(src: Src<'_>, what: &str, value: &Spanned<String>, hidden: Hidden) -> Problem {
    let span = src
        .and_then(|source| source.text().get(value.span.offset()..value.span.end()))
        .and_then(|written| written.find(value.as_str()))
        .map_or(value.span, |at| {
            value
                .span
                .narrowed(value.span.offset() + at + hidden.byte, hidden.ch.len_utf8())
        });
    Problem::new(
        "hidden-character",
        format!(
            "{what} `{}` holds the invisible or control character {} at character {}",
            input::visible(value),
            hidden.describe(),
            hidden.position
        ),
    )
    .at_opt(src, span, format!("{} here", hidden.describe()))
    .help("retype the value without it: control and invisible characters (zero-width spaces, bidi overrides, soft hyphens, line separators) make two values that look the same differ, or a value read differently from what it is")
}

fn unknown_product(
    src: Src<'_>,
    product: &Spanned<String>,
    what: &str,
    near: Option<&str>,
) -> Problem {
    let hint = did_you_mean(near);
    Problem::new("unknown-product", format!("{what} names product `{}`, which is not declared", product.value))
        .at_opt(src, product.span, "no such product")
        .help(format!("{hint}declare it under `products` (its identifier is `<SKU>_<UNIT_COST>`, cost without trailing zeros, e.g. MXS10C01SUNR_7.25)"))
}

#[cfg(test)]
mod tests {
    /// Three vendors: Intermedia and Pax8 on their own agreements, Acronis on shared ones.
    const INTEGRATIONS: &str = "integrations:\n  - { name: Intermedia, product_type: Intermedia_Services, agreement_type: Intermedia }\n  - { name: Pax8, product_type: Pax8_Services, agreement_type: Pax8, identifier_format: '{sku}_{unit_cost}' }\n  - { name: Acronis, product_type: Acronis_Backup, agreements: shared, shared_agreement_type: Managed Services }\n";
    const PRODUCTS: &str = "products:\n  - { integration: Intermedia, sku: MXS10C01SUNR, unit_cost: 7.25, description: Mailbox }\n  - { integration: pax8, sku: CFQ7TTC0LH16R, unit_cost: 10.8, description: M365 }\n";
    const ACRONIS: &str = "defaults: { integration: Acronis }\nproducts:\n  - { sku: ACR-BKP-WSR, unit_cost: 4.2, description: Backup }\n";
    const COMPANY: &str = "companies:\n  - identifier: AcmeCorp\n    vendors:\n      Intermedia:\n        account: '1001'\n        agreement: { name: Intermedia - Acme, start_date: 2025-03-01, additions: [{ product: MXS10C01SUNR_7.25, quantity: 42 }] }\n      Pax8:\n        account: '1001'\n        agreement: { name: Pax8 - Acme, start_date: 2025-06-01, additions: [{ product: CFQ7TTC0LH16R_10.8, quantity: 40 }] }\n      Acronis:\n        account: acme-corp\n        additions: [{ product: ACR-BKP-WSR_4.2, quantity: 38 }]\n";

    fn problems(files: &[(&str, &str)]) -> Vec<String> {
        match crate::config::load_texts(files.iter().copied()) {
            Ok(_) => Vec::new(),
            Err(crate::config::Error::Invalid { problems }) => problems
                .iter()
                .map(|p| {
                    let at = p
                        .location()
                        .map(|(f, l, c)| format!("{f}:{l}:{c}"))
                        .unwrap_or_default();
                    format!("{at} {p}")
                })
                .collect(),
            Err(other) => vec![other.to_string()],
        }
    }

    /// Whether a problem at `at` (`file:line:column `, or any place when empty) says `text`.
    fn has(found: &[String], at: &str, text: &str) {
        assert!(
            found.iter().any(|p| p.starts_with(at) && p.contains(text)),
            "{at}{text} in {found:#?}"
        );
    }

    /// Whether the one problem found is at `at` and says `text`.
    fn only(found: &[String], at: &str, text: &str) {
        assert_eq!(found.len(), 1, "{found:#?}");
        has(found, at, text);
    }

    fn base() -> Vec<(&'static str, &'static str)> {
        vec![
            ("integrations.yaml", INTEGRATIONS),
            ("products.yaml", PRODUCTS),
            ("acronis.yaml", ACRONIS),
            ("acme.yaml", COMPANY),
        ]
    }

    fn with(replace: (&str, &'static str)) -> Vec<(&'static str, &'static str)> {
        base()
            .into_iter()
            .map(|(name, text)| {
                if name == replace.0 {
                    (name, replace.1)
                } else {
                    (name, text)
                }
            })
            .collect()
    }

    #[test]
    fn three_vendors_on_one_customer_load() {
        assert_eq!(problems(&base()), Vec::<String>::new());
        let config = crate::config::load_texts(base()).unwrap();
        assert_eq!(config.integrations.len(), 3);
        let acme = &config.companies[0].item;
        let vendors = config.vendors_of(acme);
        assert_eq!(vendors.len(), 3);
        assert_eq!(config.company_handle(acme).as_str(), "AcmeCorp");
        let acronis = config.integration_named("ACRONIS").unwrap();
        assert_eq!(
            config.product_integration(&config.products[2].item),
            Some(acronis),
            "the file's default integration"
        );
    }

    #[test]
    fn integration_beside_integrations_names_both_places() {
        let mut files = base();
        files.push(("old.yaml", "integration: { name: Intermedia }\n"));
        let found = problems(&files);
        only(
            &found,
            "old.yaml:1:14 ",
            "`integration` and `integrations` are both defined",
        );
    }

    #[test]
    fn several_integrations_name_their_marks_and_share_none() {
        let found = problems(&with((
            "integrations.yaml",
            "integrations:\n  - { name: Intermedia, product_type: Intermedia_Services, agreement_type: Intermedia }\n  - { name: Pax8, product_type: intermedia_services }\n  - { name: Acronis, product_type: Acronis_Backup, agreements: shared, shared_agreement_type: Managed Services }\n",
        )));
        has(
            &found,
            "integrations.yaml:3:5 ",
            "does not name its `agreement_type`",
        );
        has(
            &found,
            "",
            "duplicate integration product type `intermedia_services`",
        );
    }

    #[test]
    fn products_and_vendors_name_known_integrations() {
        let found = problems(&with((
            "products.yaml",
            "products:\n  - { sku: MXS10C01SUNR, unit_cost: 7.25, description: Mailbox }\n  - { integration: Pax9, sku: CFQ7TTC0LH16R, unit_cost: 10.8, description: M365 }\n",
        )));
        has(
            &found,
            "products.yaml:2:5 ",
            "does not say which integration",
        );
        has(&found, "products.yaml:3:20 ", "`Pax9` is not declared");
        let found = problems(&with((
            "acme.yaml",
            "companies:\n  - identifier: AcmeCorp\n    vendors:\n      Datto: { account: '1' }\n",
        )));
        only(
            &found,
            "acme.yaml:4:14 ",
            "vendor `Datto` is not an integration",
        );
    }

    #[test]
    fn additions_go_where_their_integration_keeps_them() {
        let found = problems(&with((
            "acme.yaml",
            "companies:\n  - identifier: AcmeCorp\n    vendors:\n      Pax8:\n        account: '1'\n        additions: [{ product: CFQ7TTC0LH16R_10.8, quantity: 1 }]\n      Acronis:\n        account: '1'\n        agreement: { name: A, start_date: 2025-01-01, additions: [{ product: MXS10C01SUNR_7.25, quantity: 1 }] }\n",
        )));
        has(&found, "", "`Pax8` has its own agreements");
        has(
            &found,
            "",
            "`Acronis` bills on the company's shared agreement",
        );
        let found = problems(&with((
            "acme.yaml",
            "companies:\n  - identifier: AcmeCorp\n    vendors:\n      Pax8:\n        account: '1'\n        agreement: { name: P, start_date: 2025-01-01, additions: [{ product: MXS10C01SUNR_7.25, quantity: 1 }] }\n",
        )));
        only(
            &found,
            "acme.yaml:6:78 ",
            "is a product of `Intermedia`, listed under vendor `Pax8`",
        );
    }

    #[test]
    fn the_one_vendor_shorthand_is_for_one_vendor() {
        let found = problems(&with((
            "acme.yaml",
            "companies:\n  - { identifier: AcmeCorp, account: '1' }\n  - { identifier: Beta, account: '2', vendors: { Pax8: { account: '2' } } }\n  - { identifier: Gamma }\n",
        )));
        has(
            &found,
            "acme.yaml:2:38 ",
            "one-vendor `account` with several integrations",
        );
        has(&found, "", "`Beta` has both");
        has(&found, "", "`Gamma` has no vendor account");
    }

    #[test]
    fn accounts_are_unique_per_integration_only() {
        // Acme's Intermedia and Pax8 accounts are both `1001`: two vendors, no clash.
        let mut files = base();
        files.push((
            "beta.yaml",
            "companies:\n  - identifier: Beta\n    vendors:\n      Acronis: { account: '1001', additions: [] }\n      PAX8: { account: '1001' }\n",
        ));
        let found = problems(&files);
        only(&found, "beta.yaml:5:24 ", "duplicate vendor account `1001`");
    }

    #[test]
    fn a_shared_vendor_needs_a_way_to_find_the_agreement() {
        let integrations = "integrations:\n  - { name: Intermedia, product_type: Intermedia_Services, agreement_type: Intermedia }\n  - { name: Pax8, product_type: Pax8_Services, agreement_type: Pax8 }\n  - { name: Acronis, product_type: Acronis_Backup, agreements: shared }\n";
        only(
            &problems(&with(("integrations.yaml", integrations))),
            "",
            "nothing says which one",
        );
    }

    #[test]
    fn a_catalog_identifier_belongs_to_one_integration() {
        let found = problems(&with((
            "acronis.yaml",
            "defaults: { integration: Acronis }\nproducts:\n  - { sku: ACR-BKP-WSR, unit_cost: 4.2, description: Backup }\n  - { sku: MXS10C01SUNR, unit_cost: 7.25, description: Clash }\n",
        )));
        has(
            &found,
            "",
            "`MXS10C01SUNR_7.25` belongs to two integrations, `Acronis` and `Intermedia`",
        );
    }
}
