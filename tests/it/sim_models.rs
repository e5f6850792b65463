//! The simulator's generated model table matches the spec subset (field names, kinds, required
//! lists, max lengths). On failure, regenerate it:
//! `python3 tests/it/common/gen_models.py > src/sim/models.rs`.

use crate::common::sim::spec;

use serde_json::Value;

/// The number after "Max length: " in a description.
fn max_len(description: &str) -> Option<usize> {
    let rest = description.split("Max length: ").nth(1)?;
    rest.chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()
}

fn kind(p: &Value) -> String {
    if let Some(r) = p.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().expect("test setup");
        return if name.ends_with("Reference") && name != "ManagedDevicesIntegrationCrossReference" {
            format!("ref:{name}")
        } else {
            "object".to_owned()
        };
    }
    match p["type"].as_str() {
        Some("array") => match p["items"]
            .get("$ref")
            .and_then(Value::as_str)
            .map(|r| r.rsplit('/').next().expect("test setup"))
        {
            Some(name) if name.ends_with("Reference") => format!("refs:{name}"),
            _ => "array".to_owned(),
        },
        Some("string") if p.get("enum").is_some() => "enum".to_owned(),
        Some("string") if p["format"] == "date-time" => "date-time".to_owned(),
        Some(t @ ("string" | "integer" | "number" | "boolean")) => t.to_owned(),
        _ => "object".to_owned(),
    }
}

#[test]
fn model_table_matches_the_spec() {
    let spec = spec();
    let schemas = &spec["components"]["schemas"];
    let mut drift = Vec::new();
    for model in cwrecon::sim::model_names() {
        let schema = &schemas[model];
        let required: Vec<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        // serde_json sorts object keys, so compare sorted.
        let mut expected: Vec<(String, String, bool, Option<usize>)> = schema["properties"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(name, _)| *name != "id" && *name != "_info")
            .map(|(name, p)| {
                let description = p["description"].as_str().unwrap_or_default();
                (
                    name.clone(),
                    kind(p),
                    required.contains(&name.as_str()),
                    max_len(description),
                )
            })
            .collect();
        let mut actual: Vec<(String, String, bool, Option<usize>)> =
            cwrecon::sim::model_fields(model)
                .into_iter()
                .map(|(n, k, r, m)| (n.to_owned(), k, r, m))
                .collect();
        expected.sort();
        actual.sort();
        if expected != actual {
            drift.push(model);
        }
    }
    assert!(
        drift.is_empty(),
        "models drifted from the spec: {drift:?}\nregenerate: python3 tests/it/common/gen_models.py > src/sim/models.rs"
    );
}
