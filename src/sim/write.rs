//! Binding and validating request bodies the way ConnectWise does.
//!
//! Owns the two stages of a write (API-NOTES.md §1.1, §1.3, §1.7): *binding* (JSON → model; an
//! unknown member or a value of the wrong type is a 400 `ConnectWiseApi` naming path, line and
//! position) and *validation* (required fields, max lengths, references that must exist — all
//! reported together as 400 `InvalidObject`). Also applies PATCH operation arrays. It refuses
//! business rules, which live in [`super::rules`].

use serde_json::{Map, Value, json};

use super::api_error::{ApiError, FieldError};
use super::model::{Kind, Model, RefModel};
use super::render::{display_name, identifier};
use super::resources::ref_table;
use super::store::{Data, id_ref};

/// ConnectWise appends this to binding errors (API-NOTES.md §1.1).
const ACCEPT_HINT: &str =
    "Check your accept header to make sure you are using the correct version.";

/// The name ConnectWise gives a model in `resource` and "object is invalid" (lower camel case).
pub(crate) fn resource_name(model: &Model) -> String {
    let mut chars = model.name.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Parse a body as a JSON object or array.
pub(crate) fn parse_json(raw: &str) -> Result<Value, ApiError> {
    serde_json::from_str(raw).map_err(|err| ApiError::Binding {
        message: format!(
            "Unexpected character encountered while parsing value. Path '', line {}, position {}.",
            err.line(),
            err.column()
        ),
    })
}

/// Bind a body object to `model`: refuse unknown members and wrongly typed values, drop `id`,
/// `_info` and nulls, and normalise enums and datetimes.
pub(crate) fn bind(model: &Model, body: &Value, raw: &str) -> Result<Map<String, Value>, ApiError> {
    let Value::Object(object) = body else {
        return Err(ApiError::Binding {
            message: format!(
                "Cannot deserialize the current JSON value into type '{}'. Path '', line 1, position 1.",
                model.name
            ),
        });
    };
    let mut out = Map::new();
    for (key, value) in object {
        if key == "id" || key == "_info" {
            continue;
        }
        let Some(field) = model.field(key) else {
            return Err(unknown_member(key, model.name, key, raw));
        };
        if value.is_null() {
            continue;
        }
        let bound = bind_value(field.kind, key, value, raw)?;
        out.insert(key.clone(), bound);
    }
    Ok(out)
}

fn unknown_member(member: &str, type_name: &str, path: &str, raw: &str) -> ApiError {
    let (line, position) = locate(raw, member);
    ApiError::Binding {
        message: format!(
            "Could not find member '{member}' on object of type '{type_name}'. Path '{path}', line {line}, position {position}.{ACCEPT_HINT}"
        ),
    }
}

/// Json.NET reports the line and the position just past `"member":`.
fn locate(raw: &str, member: &str) -> (usize, usize) {
    let needle = format!("\"{member}\"");
    let Some(start) = raw.find(&needle) else {
        return (1, 1);
    };
    let mut end = start + needle.len();
    let rest = &raw[end..];
    let skipped = rest.len() - rest.trim_start().len();
    end += skipped;
    if raw[end..].starts_with(':') {
        end += 1;
    }
    let before = &raw[..end];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count())
}

fn convert_error(value: &Value, type_name: &str, path: &str, raw: &str) -> ApiError {
    let (line, position) = locate(raw, path.rsplit('.').next().unwrap_or(path));
    ApiError::Binding {
        message: format!(
            "Error converting value {value} to type '{type_name}'. Path '{path}', line {line}, position {position}."
        ),
    }
}

fn bind_value(kind: Kind, path: &str, value: &Value, raw: &str) -> Result<Value, ApiError> {
    let bad = |t: &str| convert_error(value, t, path, raw);
    match kind {
        // Json.NET turns any primitive into a string.
        Kind::Str => match value {
            Value::String(_) => Ok(value.clone()),
            Value::Number(n) => Ok(Value::String(n.to_string())),
            Value::Bool(b) => Ok(Value::String(b.to_string())),
            _ => Err(bad("System.String")),
        },
        Kind::Int => value
            .as_i64()
            .map(|n| json!(n))
            .ok_or_else(|| bad("System.Int32")),
        Kind::Num => value
            .as_f64()
            .map(|n| json!(n))
            .ok_or_else(|| bad("System.Double")),
        Kind::Bool => value
            .as_bool()
            .map(Value::Bool)
            .ok_or_else(|| bad("System.Boolean")),
        Kind::DateTime => value
            .as_str()
            .and_then(normalize_datetime)
            .map(Value::String)
            .ok_or_else(|| bad("System.DateTime")),
        // Json.NET's enum converter ignores case; store the spec's spelling.
        Kind::Enum(values) => value
            .as_str()
            .and_then(|s| values.iter().find(|v| v.eq_ignore_ascii_case(s)))
            .map(|v| json!(v))
            .ok_or_else(|| bad("System.Enum")),
        Kind::Ref(schema) => bind_ref(schema, path, value, raw),
        Kind::RefList(schema) => match value {
            Value::Array(items) => items
                .iter()
                .map(|i| bind_ref(schema, path, i, raw))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            _ => Err(bad("System.Collections.Generic.List")),
        },
        Kind::List => value
            .is_array()
            .then(|| value.clone())
            .ok_or_else(|| bad("System.Collections.Generic.List")),
        Kind::Object => Ok(value.clone()),
    }
}

fn bind_ref(schema: &str, path: &str, value: &Value, raw: &str) -> Result<Value, ApiError> {
    let Value::Object(object) = value else {
        return Err(convert_error(value, schema, path, raw));
    };
    let shape = RefModel::named(schema);
    let mut out = Map::new();
    for (key, v) in object {
        if key == "_info" || v.is_null() {
            continue;
        }
        if shape.key_kind(key).is_none() {
            return Err(unknown_member(key, schema, &format!("{path}.{key}"), raw));
        }
        out.insert(key.clone(), v.clone());
    }
    Ok(Value::Object(out))
}

/// `yyyy-MM-ddTHH:mm:ssZ` from the forms clients send: that form, with fractions or an offset of
/// zero, or a bare date.
pub(crate) fn normalize_datetime(text: &str) -> Option<String> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(t) = time::OffsetDateTime::parse(text, &Rfc3339) {
        return Some(format_datetime(t));
    }
    let date_format = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(d) = time::Date::parse(text, &date_format) {
        return Some(format_datetime(d.midnight().assume_utc()));
    }
    let local = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    time::PrimitiveDateTime::parse(text, &local)
        .ok()
        .map(|t| format_datetime(t.assume_utc()))
}

/// Format an instant the way ConnectWise does.
pub(crate) fn format_datetime(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Collects `InvalidObject` field errors so a response lists all of them.
#[derive(Debug)]
pub(crate) struct Problems {
    resource: String,
    errors: Vec<FieldError>,
}

impl Problems {
    pub(crate) fn new(model: &Model) -> Problems {
        Problems {
            resource: resource_name(model),
            errors: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, code: &'static str, field: &str, message: String) {
        self.errors.push(FieldError {
            code,
            message,
            resource: self.resource.clone(),
            field: field.to_owned(),
        });
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub(crate) fn into_result(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Invalid {
                resource: self.resource,
                errors: self.errors,
            })
        }
    }
}

/// Check required fields and max lengths, and resolve references to `{id}` in place.
pub(crate) fn validate(
    data: &Data,
    model: &Model,
    fields: &mut Map<String, Value>,
    problems: &mut Problems,
) {
    for field in model.fields {
        match fields.get(field.name) {
            None if field.required => {
                problems.push(
                    "MissingRequiredField",
                    field.name,
                    format!("{} is required.", field.name),
                );
            }
            Some(Value::String(s)) if field.max_len.is_some_and(|max| s.chars().count() > max) => {
                // UNVERIFIED: the code and wording of a too-long value (API-NOTES.md §1.3 does not
                // show one); .NET's StringLength message.
                let max = field.max_len.unwrap_or_default();
                problems.push(
                    "InvalidField",
                    field.name,
                    format!(
                        "The field {} must be a string with a maximum length of {max}.",
                        field.name
                    ),
                );
            }
            _ => {}
        }
        let resolved = match (field.kind, fields.get(field.name)) {
            (Kind::Ref(schema), Some(value)) => {
                resolve_ref(data, schema, field.name, value, problems)
            }
            (Kind::RefList(schema), Some(Value::Array(items))) => {
                let items: Vec<Value> = items
                    .iter()
                    .filter_map(|i| resolve_ref(data, schema, field.name, i, problems))
                    .collect();
                Some(Value::Array(items))
            }
            _ => None,
        };
        if let Some(value) = resolved {
            fields.insert(field.name.to_owned(), value);
        }
    }
}

/// Resolve a reference given by `id`, `identifier` or `name` (API-NOTES.md §2.9) to `{id}`.
/// References to records the simulator does not keep are stored as given.
fn resolve_ref(
    data: &Data,
    schema: &str,
    field: &str,
    value: &Value,
    problems: &mut Problems,
) -> Option<Value> {
    let table = ref_table(schema)?;
    let found = if let Some(id) = value.get("id").and_then(Value::as_i64) {
        data.row(table, id).filter(|r| !is_deleted(r)).map(|r| r.id)
    } else if let Some(ident) = value.get("identifier").and_then(Value::as_str) {
        // UNVERIFIED: lookup by identifier or name (API-NOTES.md §2.9 infers it).
        data.rows(table)
            .find(|r| {
                !is_deleted(r)
                    && identifier(table, r).is_some_and(|i| i.eq_ignore_ascii_case(ident))
            })
            .map(|r| r.id)
    } else if let Some(name) = value.get("name").and_then(Value::as_str) {
        data.rows(table)
            .find(|r| {
                !is_deleted(r)
                    && display_name(table, r).is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
            .map(|r| r.id)
    } else {
        problems.push(
            "MissingRequiredField",
            field,
            format!("{field} requires an id."),
        );
        return None;
    };
    if found.is_none() {
        // UNVERIFIED: the error for a reference to a missing record (API-NOTES.md §1.3).
        problems.push(
            "InvalidField",
            field,
            format!("{field} {} was not found.", describe_ref(value)),
        );
    }
    found.map(id_ref)
}

fn describe_ref(value: &Value) -> String {
    ["id", "identifier", "name"]
        .iter()
        .find_map(|k| {
            value
                .get(*k)
                .filter(|v| !v.is_null())
                .map(|v| format!("with {k} {v}"))
        })
        .unwrap_or_default()
}

/// Whether a row is in the recycle bin.
pub(crate) fn is_deleted(row: &super::store::Row) -> bool {
    row.fields.get("deletedFlag") == Some(&Value::Bool(true))
}

/// Apply PATCH operations to the body form of a record (API-NOTES.md §1.7).
pub(crate) fn apply_patch(
    model: &Model,
    current: &mut Map<String, Value>,
    ops: &Value,
    raw: &str,
) -> Result<(), ApiError> {
    let Value::Array(ops) = ops else {
        return Err(ApiError::Binding {
            message: "Cannot deserialize the current JSON object into type 'List`1[PatchOperation]'. Path '', line 1, position 1.".to_owned(),
        });
    };
    for op in ops {
        let verb = op
            .get("op")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_ascii_lowercase();
        let path = op.get("path").and_then(Value::as_str).unwrap_or_default();
        // Both `summary` and `/summary` are seen in clients.
        let path = path.strip_prefix('/').unwrap_or(path);
        if path.contains('/') {
            // API-NOTES.md §1.7: a sub-path "may give a false 200" live; refusing it is stricter.
            let field = path.split('/').next().unwrap_or(path);
            return Err(ApiError::invalid(
                &resource_name(model),
                "InvalidField",
                field,
                format!(
                    "Patch path '{path}' is not supported; replace the whole '{field}' object."
                ),
            ));
        }
        let Some(field) = model.field(path) else {
            return Err(unknown_member(path, model.name, path, raw));
        };
        match verb.as_str() {
            "add" | "replace" => {
                let value = op.get("value").cloned().unwrap_or(Value::Null);
                if value.is_null() {
                    current.remove(path);
                } else {
                    current.insert(path.to_owned(), bind_value(field.kind, path, &value, raw)?);
                }
            }
            "remove" => {
                current.remove(path);
            }
            other => {
                return Err(ApiError::Binding {
                    message: format!(
                        "Patch operation '{other}' is not supported; use add, replace or remove."
                    ),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_members_like_json_net() {
        let raw = "{\n  \"firstName\": \"x\",\n    \"type\": 1\n}";
        assert_eq!(locate(raw, "type"), (3, 11));
        assert_eq!(locate("{\"type\":1}", "type"), (1, 8));
    }

    #[test]
    fn datetimes_normalise() {
        assert_eq!(
            normalize_datetime("2024-01-02").as_deref(),
            Some("2024-01-02T00:00:00Z")
        );
        assert_eq!(
            normalize_datetime("2024-01-02T03:04:05.123Z").as_deref(),
            Some("2024-01-02T03:04:05Z")
        );
        assert_eq!(
            normalize_datetime("2024-01-02T03:04:05+01:00").as_deref(),
            Some("2024-01-02T02:04:05Z")
        );
        assert_eq!(normalize_datetime("yesterday"), None);
    }

    #[test]
    fn unknown_member_message_matches_connectwise() {
        let model = Model::named("Contact");
        let raw = "{\"firstName\":\"a\",\"type\":1}";
        let err = bind(model, &parse_json(raw).unwrap(), raw).unwrap_err();
        let ApiError::Binding { message } = err else {
            panic!()
        };
        assert!(
            message.starts_with(
                "Could not find member 'type' on object of type 'Contact'. Path 'type', line 1"
            ),
            "{message}"
        );
        assert!(message.ends_with("position 24.Check your accept header to make sure you are using the correct version."), "{message}");
    }
}
