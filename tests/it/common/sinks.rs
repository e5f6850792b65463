//! What every output-safety test checks of a command's output: no raw control or invisible
//! character (a terminal would act on it), and no line a CI runner would run as a workflow command.
#![allow(dead_code, unreachable_pub)]

/// A character a terminal would act on, or that hides or reorders text.
pub fn is_hidden(c: char) -> bool {
    cwrecon::output::terminal::is_hidden(c) && c != '\n'
}

pub fn assert_no_raw_controls(what: &str, text: &str) {
    let raw: Vec<char> = text.chars().filter(|c| is_hidden(*c)).collect();
    assert!(raw.is_empty(), "{what} has raw {raw:?}:\n{text}");
}

/// Lines a GitHub runner would run as workflow commands.
pub fn ci_commands(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| {
            let t = l.trim_start();
            t.starts_with("::") || t.starts_with("##[")
        })
        .collect()
}

/// A CSV's records, every cell checked: none starts a spreadsheet formula (`=`, `+`, `@`, a tab or
/// a carriage return; a `-` is a number's sign and is neutralised only before a formula).
pub fn records_without_formulas(csv: &str) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let records: Vec<csv::StringRecord> = reader
        .records()
        .map(|r| r.expect("the CSV reads"))
        .collect();
    for record in &records {
        for cell in record {
            assert!(
                !cell.starts_with(['=', '+', '@', '\t', '\r']),
                "a formula cell: {cell:?}"
            );
        }
    }
    records
}
