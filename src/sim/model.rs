//! The vocabulary of the generated model table: fields, their kinds, and reference shapes.
//!
//! Owns lookups over [`super::models`] (which model has which field, what a reference renders). It
//! refuses to know about records or HTTP; it only answers questions about the spec's shapes.

use super::models::{MODELS, REFS};

/// One ConnectWise model (a request and response body shape).
#[derive(Debug)]
pub(crate) struct Model {
    /// The schema name, e.g. `Company`; it names the object in "Could not find member" errors.
    pub(crate) name: &'static str,
    /// Every field except `id` and `_info`, in the spec's order.
    pub(crate) fields: &'static [Field],
}

/// One field of a model.
#[derive(Debug)]
pub(crate) struct Field {
    /// The JSON key.
    pub(crate) name: &'static str,
    /// What values it takes.
    pub(crate) kind: Kind,
    /// Whether the spec lists it as required.
    pub(crate) required: bool,
    /// The spec's "Max length: N" note.
    pub(crate) max_len: Option<usize>,
}

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A string.
    Str,
    /// An integer.
    Int,
    /// A number (double).
    Num,
    /// A boolean.
    Bool,
    /// A `yyyy-MM-ddTHH:mm:ssZ` string.
    DateTime,
    /// A string from a fixed set.
    Enum(&'static [&'static str]),
    /// A reference object, named by its schema.
    Ref(&'static str),
    /// An array of reference objects.
    RefList(&'static str),
    /// Any other array (tags, custom fields, ids).
    List,
    /// Any other object.
    Object,
}

/// A reference schema and the keys it renders besides `_info`.
#[derive(Debug)]
pub(crate) struct RefModel {
    /// The schema name, e.g. `CompanyReference`.
    pub(crate) name: &'static str,
    /// Its keys, e.g. `["id", "identifier", "name"]`.
    pub(crate) keys: &'static [&'static str],
}

impl Model {
    /// The model named `name`.
    pub(crate) fn named(name: &str) -> &'static Model {
        MODELS
            .iter()
            .find(|m| m.name == name)
            .expect("invariant: every resource names a generated model")
    }

    /// The field named `name`, if the model has it.
    pub(crate) fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

impl RefModel {
    /// The reference schema named `name`.
    pub(crate) fn named(name: &str) -> &'static RefModel {
        REFS.iter()
            .find(|r| r.name == name)
            .expect("invariant: every Kind::Ref names a generated reference")
    }

    /// The kind of one key of this reference (`id` is an integer, `*Flag` a boolean).
    pub(crate) fn key_kind(&self, key: &str) -> Option<Kind> {
        if !self.keys.contains(&key) {
            return None;
        }
        Some(match key {
            "id" | "numberOfDecimals" | "coreEntityId" => Kind::Int,
            "dailyCapacity" => Kind::Num,
            k if k.ends_with("Flag") || k == "rightAlign" => Kind::Bool,
            _ => Kind::Str,
        })
    }
}

/// The model names, for tests that compare the table with the spec.
pub fn model_names() -> Vec<&'static str> {
    MODELS.iter().map(|m| m.name).collect()
}

/// `(field, kind, required, max_len)` of a model, for tests that compare the table with the spec.
/// Kinds are spelled `string`, `integer`, `number`, `boolean`, `date-time`, `enum`, `ref:<Schema>`,
/// `refs:<Schema>`, `array` or `object`.
pub fn model_fields(model: &str) -> Vec<(&'static str, String, bool, Option<usize>)> {
    Model::named(model)
        .fields
        .iter()
        .map(|f| (f.name, f.kind.describe(), f.required, f.max_len))
        .collect()
}

impl Kind {
    fn describe(self) -> String {
        match self {
            Kind::Str => "string".to_owned(),
            Kind::Int => "integer".to_owned(),
            Kind::Num => "number".to_owned(),
            Kind::Bool => "boolean".to_owned(),
            Kind::DateTime => "date-time".to_owned(),
            Kind::Enum(_) => "enum".to_owned(),
            Kind::Ref(r) => format!("ref:{r}"),
            Kind::RefList(r) => format!("refs:{r}"),
            Kind::List => "array".to_owned(),
            Kind::Object => "object".to_owned(),
        }
    }
}
