//! `cwrecon sim` as a process: its help documents every option, it prints where it listens, it never
//! prints the keys it accepts, and `--state` keeps records across a restart.

use std::io::{BufRead as _, BufReader, Read as _};
use std::process::{Child, Command, Stdio};

use clap::CommandFactory as _;
use cwrecon::sim::Credentials;
use serde_json::{Value, json};

const PUBLIC: &str = "pk-4f1d-secret-public";
const PRIVATE: &str = "sk-9a7c-secret-private";

fn credentials() -> Credentials {
    Credentials {
        company_id: "acme".into(),
        public_key: PUBLIC.to_owned().into(),
        private_key: PRIVATE.to_owned().into(),
        client_id: "cid-1".into(),
    }
}

/// A `cwrecon sim` child process; killed (by its own handle) when dropped.
struct Process {
    child: Child,
    url: String,
}

impl Process {
    fn start(args: &[&str]) -> Process {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cwrecon"))
            .args(args)
            .env("CW_COMPANY_ID", "acme")
            .env("CW_PUBLIC_KEY", PUBLIC)
            .env("CW_PRIVATE_KEY", PRIVATE)
            .env("CW_CLIENT_ID", "cid-1")
            .env_remove("CWRECON_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("test setup");
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().expect("test setup"))
            .read_line(&mut line)
            .expect("test setup");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("first line: {line:?}"))
            .to_owned();
        Process { child, url }
    }

    /// Ask it to stop with SIGTERM (by its own pid) and return its exit code.
    fn terminate(mut self) -> Option<i32> {
        let pid = self.child.id().to_string();
        let status = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("run kill");
        assert!(status.success());
        self.child.wait().expect("wait for the simulator").code()
    }

    /// Stop it and return everything it wrote.
    fn stop(mut self) -> String {
        self.child.kill().expect("test setup");
        self.child.wait().expect("test setup");
        let mut out = String::new();
        self.child
            .stdout
            .take()
            .expect("test setup")
            .read_to_string(&mut out)
            .expect("test setup");
        self.child
            .stderr
            .take()
            .expect("test setup")
            .read_to_string(&mut out)
            .expect("test setup");
        out
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn api(url: &str, path: &str) -> String {
    format!("{url}{}{path}", cwrecon::sim::API_BASE)
}

#[test]
fn help_documents_every_option() {
    let output = Command::new(env!("CARGO_BIN_EXE_cwrecon"))
        .args(["sim", "--help"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    let cli = cwrecon::cli::Cli::command();
    let sim = cli.find_subcommand("sim").unwrap();
    for arg in sim.get_arguments() {
        let Some(long) = arg.get_long() else { continue };
        assert!(
            help.contains(&format!("--{long}")),
            "--{long} missing from help"
        );
        assert!(arg.get_help().is_some(), "--{long} has no help text");
    }
    for var in [
        "CW_COMPANY_ID",
        "CW_PUBLIC_KEY",
        "CW_PRIVATE_KEY",
        "CW_CLIENT_ID",
        "/_sim/requests",
        "/_sim/faults",
    ] {
        assert!(help.contains(var), "{var} missing from help");
    }
}

#[tokio::test]
async fn keys_never_reach_output_even_when_tracing() {
    let process = Process::start(&["-vvv", "sim", "--listen", "127.0.0.1:0"]);
    let http = reqwest::Client::new();
    let c = credentials();
    let ok = http
        .get(api(&process.url, "/company/companies"))
        .header("Authorization", c.authorization())
        .header("clientId", "cid-1")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let bad = http
        .get(api(&process.url, "/company/companies"))
        .basic_auth(format!("acme+{PUBLIC}"), Some("wrong-private"))
        .header("clientId", "cid-1")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);
    let body = bad.text().await.unwrap();
    assert!(!body.contains(PUBLIC) && !body.contains(PRIVATE));
    let output = process.stop();
    assert!(
        output.contains("sim request"),
        "tracing was on, so requests were logged:\n{output}"
    );
    assert!(!output.contains(PUBLIC), "public key printed:\n{output}");
    assert!(!output.contains(PRIVATE), "private key printed:\n{output}");
}

#[tokio::test]
async fn state_file_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("demo.json");
    let state_arg = state.to_str().unwrap();
    let http = reqwest::Client::new();
    let c = credentials();
    let first = Process::start(&["sim", "--state", state_arg]);
    let created: Value = http
        .post(api(&first.url, "/company/companies"))
        .header("Authorization", c.authorization())
        .header("clientId", "cid-1")
        .json(&json!({"identifier": "Demo", "name": "Demo", "city": "Austin"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // The state is written shortly after a change; wait for it rather than for a fixed time.
    let mut saved = false;
    for _ in 0..200 {
        if std::fs::read_to_string(&state).is_ok_and(|t| t.contains("\"Demo\"")) {
            saved = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(saved, "state file never written");
    assert_eq!(
        first.terminate(),
        Some(0),
        "SIGTERM stops the simulator cleanly"
    );
    let second = Process::start(&["sim", "--state", state_arg]);
    let again: Value = http
        .get(api(
            &second.url,
            &format!("/company/companies/{}", created["id"]),
        ))
        .header("Authorization", c.authorization())
        .header("clientId", "cid-1")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["identifier"], "Demo");
}

#[test]
fn bad_generate_spec_is_a_usage_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_cwrecon"))
        .args(["sim", "--generate", "people=3"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown key `people`"));
}
