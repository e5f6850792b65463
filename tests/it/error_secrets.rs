//! No secret in an error (issue #11, point 7): a server that echoes the request's credentials in its
//! error body, and a `CW_SITE` that carries credentials or a query, never get them printed — not on
//! stderr, not in the `-vvv` log — and a server's text reaches neither the terminal nor a CI log raw.
// See: issue #11

use crate::common;

use crate::common::Cli;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use base64::Engine as _;

const COMPANY: &str = "hostileco";
const PUBLIC_KEY: &str = "PubKeyHostile0123";
/// `?>` makes the base64 of the login differ between the standard and URL-safe alphabets.
const PRIVATE_KEY: &str = "PrivKeyHostile?>?>9876";

fn login() -> String {
    format!("{COMPANY}+{PUBLIC_KEY}:{PRIVATE_KEY}")
}

/// Every form of a credential that must not appear.
fn secret_forms() -> Vec<String> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let login = login();
    vec![
        STANDARD.encode(&login),
        STANDARD_NO_PAD.encode(&login),
        URL_SAFE.encode(&login),
        URL_SAFE_NO_PAD.encode(&login),
        login,
        PUBLIC_KEY.to_owned(),
        PRIVATE_KEY.to_owned(),
    ]
}

/// An error body, in ConnectWise's shape, echoing the request's Authorization header, the login in
/// every form, terminal escapes, a CI command on a line of its own and a lot of filler.
fn echo_body(headers: &HeaderMap) -> String {
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none")
        .to_owned();
    let echoed = format!(
        "you sent Authorization: {authorization}; forms {}\n::add-mask::x\n\u{1b}]52;c;cHduZWQ=\u{7}\u{1b}[2J{}",
        secret_forms().join(" "),
        "x".repeat(5_000)
    );
    serde_json::json!({
        "code": "InvalidObject",
        "message": echoed,
        "errors": [{"code": "Bad", "message": authorization, "resource": "company", "field": PRIVATE_KEY}],
    })
    .to_string()
}

async fn serve(status: StatusCode) -> String {
    let app = axum::Router::new().fallback(move |headers: HeaderMap| async move {
        (
            status,
            [("content-type", "application/json")],
            echo_body(&headers),
        )
            .into_response()
    });
    format!("http://{}", common::sim::serve(app).await)
}

fn cwrecon(site: &str, args: &[&str]) -> common::Output {
    let mut cli = Cli::new()
        .args(args.iter().copied())
        .env("CW_SITE", site)
        .env("CW_COMPANY_ID", COMPANY)
        .env("CW_PUBLIC_KEY", PUBLIC_KEY)
        .env("CW_PRIVATE_KEY", PRIVATE_KEY)
        .env("CW_CLIENT_ID", "00000000-0000-0000-0000-000000000000")
        .env("CWRECON_TODAY", "2026-11-25");
    cli = cli.env("GITHUB_ACTIONS", "true");
    cli.run()
}

fn assert_nothing_leaks(what: &str, output: &common::Output) {
    let transcript = output.transcript();
    for secret in secret_forms() {
        assert!(
            !transcript.contains(&secret),
            "{what}: `{secret}` leaked:\n{transcript}"
        );
    }
    assert!(
        !transcript.contains(&"x".repeat(1_000)),
        "{what}: the server's message is not cut:\n{transcript}"
    );
    assert!(
        !transcript.contains('\u{1b}') && !transcript.contains('\u{7}'),
        "{what}: a raw escape:\n{transcript}"
    );
    for line in transcript.lines() {
        assert!(
            !line.trim_start().starts_with("::add-mask::"),
            "{what}: a CI command line:\n{transcript}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_echoing_the_credentials_gets_none_of_them_printed() {
    for status in [StatusCode::BAD_REQUEST, StatusCode::INTERNAL_SERVER_ERROR] {
        let site = serve(status).await;
        for args in [
            &["plan", "examples/intermedia"][..],
            &["-vvv", "plan", "examples/intermedia"][..],
            &["doctor"][..],
            &["-vvv", "doctor", "examples/intermedia"][..],
        ] {
            let output = cwrecon(&site, args);
            assert_ne!(output.code, 0, "{}", output.transcript());
            assert!(
                output.stderr.contains("InvalidObject") || output.stdout.contains("InvalidObject"),
                "the server's message is still shown: {}",
                output.transcript()
            );
            assert_nothing_leaks(&format!("{status} {args:?}"), &output);
        }
    }
}

#[test]
fn a_site_with_credentials_or_a_query_is_refused_without_printing_them() {
    for (site, secrets) in [
        (
            "https://user:pass@host.example/x?token=abc",
            &["pass", "abc"][..],
        ),
        (
            "https://someuser:s3cretpw@cw.example.com/v4_6_release/apis/3.0?token=tok3nvalue&k#frag3nt",
            &["someuser", "s3cretpw", "tok3nvalue", "frag3nt"][..],
        ),
        (
            "apiuser:hunter2@cw.example.com",
            &["apiuser", "hunter2"][..],
        ),
        ("https://cw.example.com/?access=t0ken", &["t0ken"][..]),
    ] {
        let output = cwrecon(site, &["plan", "examples/intermedia"]);
        assert_ne!(output.code, 0, "{}", output.transcript());
        assert!(
            output.stderr.contains("ConnectWise site"),
            "{}",
            output.stderr
        );
        for secret in secrets {
            assert!(
                !output.transcript().contains(secret),
                "`{secret}` of {site} was printed:\n{}",
                output.transcript()
            );
        }
    }
}
