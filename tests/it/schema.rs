//! The checked-in JSON Schema is the one the code generates, and every example obeys it.

use crate::common::{relative, root};

#[test]
fn checked_in_schema_matches_the_generated_one() {
    let path = root().join("schemas/cwrecon.schema.json");
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = cwrecon::config::schema_json();
    assert!(
        on_disk == generated,
        "schemas/cwrecon.schema.json is stale; refresh it with:\n\n    cargo run -- schema > schemas/cwrecon.schema.json\n"
    );
}

fn example_files() -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read examples") {
            let path = entry.expect("read entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&root().join("examples"), &mut files);
    files.sort();
    files
}

#[test]
fn every_example_validates_against_the_schema_and_declares_it() {
    let schema: serde_json::Value = serde_json::from_str(&cwrecon::config::schema_json()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let files = example_files();
    assert!(files.len() >= 5, "examples are present");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let value: serde_json::Value =
            serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", relative(&file)));
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", relative(&file));

        // The modeline points editors at the checked-in schema, from wherever the file is.
        let first = text.lines().next().unwrap_or_default();
        let target = first
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| panic!("{} lacks the schema modeline", relative(&file)));
        let resolved = file.parent().unwrap().join(target);
        assert!(
            resolved.canonicalize().ok()
                == root()
                    .join("schemas/cwrecon.schema.json")
                    .canonicalize()
                    .ok(),
            "{}: $schema path {target} does not reach schemas/cwrecon.schema.json",
            relative(&file)
        );
    }
}

#[test]
fn the_schema_rejects_what_the_loader_rejects() {
    let schema: serde_json::Value = serde_json::from_str(&cwrecon::config::schema_json()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let typo: serde_json::Value =
        serde_json::json!({"products": [{"sku": "A1R", "unit_cost": 1, "descripton": "x"}]});
    assert!(!validator.is_valid(&typo));
    let negative: serde_json::Value =
        serde_json::json!({"products": [{"sku": "A1R", "unit_cost": -1, "description": "x"}]});
    assert!(!validator.is_valid(&negative));
}
