//! Every integration test, in one binary: one link instead of one per file, and one harness.
//!
//! Each module is one former `tests/<name>.rs`. `common` is the one harness they share: it runs
//! the real `cwrecon` binary ([`common::Cli`]), starts simulators and points the real client at them
//! ([`common::sim`], [`common::tenant`]), copies the examples ([`common::examples`]) and reads plans
//! in JSON ([`common::plan_json`]).

mod common;

mod apply_chaos;
mod apply_cli;
mod apply_partial_failure;
mod arithmetic;
mod bounded_reads;
mod cli;
mod client_http;
mod config_errors;
mod config_load;
mod config_split;
mod demo;
mod doctor;
mod error_secrets;
mod export;
mod gitops;
mod hostile;
mod import;
mod input_rules;
mod lock;
mod multi_vendor;
mod multi_vendor_example;
mod multi_vendor_import;
mod nothing_lost;
mod output_sinks;
mod plan_apply;
mod plan_scale;
mod plan_scenarios;
mod plan_without_bundles;
mod profiles;
mod schema;
mod sim_api;
mod sim_cli;
mod sim_conditions;
mod sim_conformance;
mod sim_errors;
mod sim_models;
mod site;
