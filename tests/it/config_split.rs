//! Whatever is valid loads the same from one file as split across many: the merge adds nothing and
//! loses nothing. Property-tested over generated configurations and random splits.

use std::fmt::Write as _;

use proptest::prelude::*;

/// One generated item: the section it belongs to and its YAML list entry.
#[derive(Debug, Clone)]
struct Item {
    /// Top-level section, and for `setup` the table.
    section: &'static str,
    table: Option<&'static str>,
    yaml: String,
}

/// Where items go, in the order they are rendered in a file.
const SLOTS: [(&str, Option<&str>); 7] = [
    ("setup", Some("product_types")),
    ("setup", Some("units_of_measure")),
    ("setup", Some("categories")),
    ("setup", Some("subcategories")),
    ("setup", Some("managed_devices_integrations")),
    ("products", None),
    ("companies", None),
];

#[derive(Debug, Clone)]
struct Generated {
    singletons: Vec<(String, String)>,
    items: Vec<Item>,
}

fn product(i: usize, cost_cents: u32, price_cents: Option<u32>) -> (String, Item) {
    let sku = format!("SKU{i:03}R");
    let cost = format!("{}.{:02}", cost_cents / 100, cost_cents % 100);
    let identifier = format!(
        "{sku}_{}",
        cwrecon::model::Money::parse(&cost)
            .expect("generated cost parses")
            .render_cost()
    );
    let price = price_cents.map_or(String::new(), |p| {
        format!(", retail_price: {}.{:02}", p / 100, p % 100)
    });
    // An anchor on every other item: anchors are allowed and must not change the result.
    let anchor = if i.is_multiple_of(2) {
        format!("&p{i} ")
    } else {
        String::new()
    };
    let yaml = format!(
        "  - {anchor}{{ sku: {sku}, unit_cost: {cost}{price}, description: \"Item {i}\" }}\n"
    );
    (
        identifier,
        Item {
            section: "products",
            table: None,
            yaml,
        },
    )
}

fn company(i: usize, additions: &[(String, u32)]) -> Item {
    let mut yaml = format!(
        "  - account: \"{}\"\n    identifier: Co{i}\n    create:\n      name: Company {i}\n      address: {{ city: Austin, country: United States }}\n    contact: {{ first_name: Ann, last_name: Lee{i} }}\n    agreement:\n      name: Intermedia - {i}\n      start_date: 2026-01-01\n      additions:\n",
        100_000 + i
    );
    if additions.is_empty() {
        yaml.push_str("        []\n");
    }
    for (product, quantity) in additions {
        let _ = writeln!(
            yaml,
            "        - {{ product: {product}, quantity: {quantity} }}"
        );
    }
    Item {
        section: "companies",
        table: None,
        yaml,
    }
}

fn setup_item(table: &'static str, yaml: String) -> Item {
    Item {
        section: "setup",
        table: Some(table),
        yaml,
    }
}

/// The setup rows the integration's defaults need, extra categories with sub-categories, and a
/// Managed Devices Integration cross-referencing some products.
fn setup_items(extra_categories: usize, cross_referenced: &[String]) -> Vec<Item> {
    let mut items = vec![
        setup_item(
            "product_types",
            "    - { name: Intermedia_Services, type_xref: Service }\n".to_owned(),
        ),
        setup_item("units_of_measure", "    - { name: Unit }\n".to_owned()),
        setup_item("categories", "    - { name: Intermedia }\n".to_owned()),
        setup_item(
            "subcategories",
            "    - { name: Intermedia Services, category: Intermedia }\n".to_owned(),
        ),
    ];
    for c in 0..extra_categories {
        items.push(setup_item(
            "categories",
            format!("    - {{ name: Extra {c} }}\n"),
        ));
        items.push(setup_item(
            "subcategories",
            format!("    - {{ name: Sub {c}, category: Extra {c} }}\n"),
        ));
    }
    let mut mdi =
        "    - name: Intermedia\n      solution: Intermedia\n      cross_references:\n".to_owned();
    if cross_referenced.is_empty() {
        mdi.push_str("        []\n");
    }
    for (i, product) in cross_referenced.iter().enumerate() {
        let _ = writeln!(
            mdi,
            "        - {{ vendor_type: VT{i}, product: {product} }}"
        );
    }
    items.push(setup_item("managed_devices_integrations", mdi));
    items
}

fn generated() -> impl Strategy<Value = Generated> {
    (
        prop::collection::vec((1u32..100_000, prop::option::of(1u32..200_000)), 1..12),
        prop::collection::vec(
            prop::collection::vec((any::<prop::sample::Index>(), 0u32..500), 0..6),
            0..10,
        ),
        any::<bool>(),
        (0usize..4, any::<prop::sample::Index>()),
    )
        .prop_map(
            |(products, companies, with_singletons, (extra_categories, crossed))| {
                let mut items = Vec::new();
                let mut identifiers = Vec::new();
                for (i, (cost, price)) in products.into_iter().enumerate() {
                    let (identifier, item) = product(i, cost, price);
                    identifiers.push(identifier);
                    items.push(item);
                }
                for (i, picks) in companies.into_iter().enumerate() {
                    let mut additions: Vec<(String, u32)> = Vec::new();
                    for (index, quantity) in picks {
                        let product = identifiers[index.index(identifiers.len())].clone();
                        if !additions.iter().any(|(p, _)| *p == product) {
                            additions.push((product, quantity));
                        }
                    }
                    items.push(company(i, &additions));
                }
                // Cross-references need distinct products: identifiers can repeat only by accident of
                // generation, so take each once.
                let mut distinct = identifiers.clone();
                distinct.sort();
                distinct.dedup();
                let crossed: Vec<String> = distinct
                    .iter()
                    .take(crossed.index(distinct.len() + 1))
                    .cloned()
                    .collect();
                let mut all = setup_items(extra_categories, &crossed);
                all.append(&mut items);
                let mut singletons = Vec::new();
                if with_singletons {
                    singletons.push((
                        "integration".to_owned(),
                        "integration:\n  name: Intermedia\n  billing_cycle: Monthly\n".to_owned(),
                    ));
                    singletons.push((
                        "policy".to_owned(),
                        "policy:\n  removed_additions: zero\n".to_owned(),
                    ));
                    singletons.push((
                        "connection".to_owned(),
                        "connection:\n  site: ${env:CW_SITE}\n  private_key: ${env:MY_KEY}\n"
                            .to_owned(),
                    ));
                }
                Generated {
                    singletons,
                    items: all,
                }
            },
        )
}

/// Render the items into files; `assignment[i]` is the file item `i` goes to.
fn render(
    generated: &Generated,
    files: usize,
    assignment: &[usize],
    singleton_file: usize,
) -> Vec<(String, String)> {
    let mut texts = vec![String::new(); files];
    for (_, text) in &generated.singletons {
        texts[singleton_file % files].push_str(text);
    }
    for (file, text) in texts.iter_mut().enumerate() {
        let mut open_section = "";
        for (section, table) in SLOTS {
            let entries: String = generated
                .items
                .iter()
                .zip(assignment)
                .filter(|(item, f)| {
                    item.section == section && item.table == table && **f % files == file
                })
                .map(|(item, _)| item.yaml.as_str())
                .collect();
            if entries.is_empty() {
                continue;
            }
            if open_section != section {
                let _ = writeln!(text, "{section}:");
                open_section = section;
            }
            match table {
                Some(table) => {
                    let _ = write!(text, "  {table}:\n{entries}");
                }
                None => text.push_str(&entries),
            }
        }
    }
    texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| (format!("part{i:02}.yaml"), text))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn one_file_and_many_files_load_the_same(
        generated in generated(),
        files in 2usize..6,
        seed in prop::collection::vec(0usize..6, 0..40),
        singleton_file in 0usize..6,
    ) {
        let whole = render(&generated, 1, &vec![0; generated.items.len()], 0);
        // Splits keep the relative order of items, as the files are read in name order.
        let mut assignment: Vec<usize> = (0..generated.items.len()).map(|i| seed.get(i).copied().unwrap_or(0) % files).collect();
        assignment.sort_unstable();
        let parts = render(&generated, files, &assignment, singleton_file);

        let one = cwrecon::config::load_texts(whole.iter().map(|(n, t)| (n.as_str(), t.as_str())));
        let many = cwrecon::config::load_texts(parts.iter().map(|(n, t)| (n.as_str(), t.as_str())));
        let one = one.map_err(|e| format!("{e:?}"));
        let many = many.map_err(|e| format!("{e:?}"));
        prop_assert!(one.is_ok(), "whole file must be valid: {:?}\n{}", one.err(), whole[0].1);
        prop_assert!(many.is_ok(), "split files must be valid: {:?}", many.err());
        let (one, many) = (one.unwrap(), many.unwrap());
        prop_assert_eq!(one.file_count, 1);
        prop_assert_eq!(many.file_count, files);
        // The same files read from a folder load the same as from memory.
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, text) in &parts {
            std::fs::write(dir.path().join(name), text).expect("write part");
        }
        let from_disk = cwrecon::config::load(&[dir.path().to_path_buf()]).map_err(|e| format!("{e:?}"));
        prop_assert!(from_disk.is_ok(), "folder must load: {:?}", from_disk.err());
        prop_assert_eq!(&from_disk.unwrap(), &many);
        let mut many_normalised = many;
        many_normalised.file_count = 1;
        prop_assert_eq!(one, many_normalised);
    }
}
