//! The one test harness: run the real `cwrecon` binary and capture what a person would see
//! ([`Cli`]); the simulator, the client pointed at it and other loopback servers ([`sim`]); a
//! simulator tenant and the states tests start from ([`tenant`]); the examples ([`examples`]); the
//! JSON plan's typed mirror and its reviewable summary ([`plan_json`]).
#![allow(dead_code, unreachable_pub)]

pub mod examples;
pub mod plan_json;
pub mod sim;
pub mod sinks;
pub mod tenant;

pub use examples::{copy_dir, copy_examples, copy_of_examples, examples_with, today};

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root (integration tests run with it as the working directory).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path relative to the repository root, as a person would type it.
pub fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// A `cwrecon` invocation.
#[must_use]
pub struct Cli {
    args: Vec<String>,
    env: Vec<(String, String)>,
    env_remove: Vec<String>,
}

/// What one invocation produced.
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Exit code, stdout and stderr in one text, for snapshots.
    pub fn transcript(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl Cli {
    pub fn new() -> Cli {
        Cli {
            args: Vec::new(),
            env: Vec::new(),
            env_remove: vec!["NO_COLOR".into(), "CWRECON_LOG".into()],
        }
    }

    pub fn args<I, S>(mut self, args: I) -> Cli
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Cli {
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn run(self) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cwrecon"));
        command.current_dir(root()).args(&self.args);
        for key in &self.env_remove {
            command.env_remove(key);
        }
        for (key, value) in &self.env {
            command.env(key, value);
        }
        let output = command.output().expect("run cwrecon");
        Output {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }
}

/// `cwrecon import intermedia CSV CONFIG [extra…]`, on [`examples::TODAY`].
pub fn import(csv: &Path, config: &Path, extra: &[&str]) -> Output {
    Cli::new()
        .args([
            "import",
            "intermedia",
            &csv.display().to_string(),
            &config.display().to_string(),
        ])
        .args(extra.iter().copied())
        .env("CWRECON_TODAY", examples::TODAY)
        .run()
}
