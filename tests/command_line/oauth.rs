//! OAuth2 tokens and calls to the project APIs, against stand-ins on 127.0.0.1 for Sinch's
//! auth server and a project API: the first token, a token renewed when the API says it
//! expired, a 429 backed off, a wrong secret, an auth server that never answers, and the
//! authorization chosen by host.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use crate::support;

use std::sync::atomic::Ordering;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use support::oauth::{AuthAnswer, KEY_ID, KEY_SECRET, PROJECT_ID, api_server, auth_server};

/// `sinch-ticket ARGS` with the stand-in's access key in flags and the environment, no
/// keyring.
fn sinch_ticket(args: &[&str], auth_url: &str) -> Command {
    let mut cmd = support::sinch_ticket();
    cmd.args(args).env("SINCH_KEY_SECRET", KEY_SECRET).args([
        "--project-id",
        PROJECT_ID,
        "--key-id",
        KEY_ID,
        "--auth-url",
        auth_url,
    ]);
    cmd
}

#[test]
fn a_token_that_had_expired_when_it_came_is_not_printed_and_the_exit_says_so() {
    let auth = auth_server(vec![AuthAnswer::Token(-60)]);
    let out = sinch_ticket(&["token"], &auth.url).assert().code(1);
    let output = out.get_output();
    assert!(output.stdout.is_empty(), "{:?}", output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("issued a token that had already expired"),
        "{stderr}"
    );
    assert!(stderr.contains("check this machine's clock"), "{stderr}");
}

#[test]
fn token_prints_the_auth_servers_token_in_each_form() {
    let auth = auth_server(vec![AuthAnswer::Token(3600)]);
    let out = sinch_ticket(&["token"], &auth.url).assert().code(0);
    let printed = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(printed.trim(), auth.issued.lock().unwrap()[0]);
    let seen = auth.seen.lock().unwrap()[0].clone();
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.path, "/oauth2/token");
    assert_eq!(seen.body, "grant_type=client_credentials");

    let out = sinch_ticket(&["token", "--json"], &auth.url)
        .assert()
        .code(0);
    let report: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(report["type"], "bearer");
    assert!(report["token"].as_str().unwrap().starts_with("eyJ"));
    let expires =
        chrono::DateTime::parse_from_rfc3339(report["expires_at"].as_str().unwrap()).unwrap();
    let left = expires.timestamp() - chrono::Utc::now().timestamp();
    assert!((3500..=3600).contains(&left), "{left}");

    sinch_ticket(&["token", "--decode"], &auth.url)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("expires in 5"))
        .stdout(predicate::str::contains(KEY_ID));
    // Without a profile nothing is kept: each run asks again.
    assert_eq!(auth.count.load(Ordering::SeqCst), 3);
}

#[test]
fn a_call_renews_its_token_once_when_the_api_says_it_expired() {
    let auth = auth_server(vec![AuthAnswer::Token(3600)]);
    let api = api_server(auth.issued.clone(), true);
    let url = format!("{}/v1/projects/{{project}}/messages:send", api.base);
    sinch_ticket(
        &[
            "send",
            "POST",
            &url,
            "--auth",
            "oauth",
            "--data",
            r#"{"app_id":"A"}"#,
            "--content-type",
            "application/json",
        ],
        &auth.url,
    )
    .assert()
    .code(0)
    .stdout(predicate::str::contains("HTTP 200"))
    .stderr(predicate::str::contains("a new one was fetched"));
    assert_eq!(
        auth.count.load(Ordering::SeqCst),
        2,
        "a second token after the 401"
    );
    let calls = api.calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 2, "the call is retried once");
    assert_eq!(
        calls[0].0,
        format!("/v1/projects/{PROJECT_ID}/messages:send"),
        "{{project}} filled"
    );
    assert_ne!(calls[0].1, calls[1].1, "with the new token");

    // An API that refuses the token without saying it expired is not asked twice.
    let api = api_server(
        std::sync::Arc::new(std::sync::Mutex::new(Vec::new())),
        false,
    );
    let url = format!("{}/v1/projects/{{project}}/numbers", api.base);
    sinch_ticket(&["send", "GET", &url, "--auth", "oauth"], &auth.url)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("HTTP 401"));
    assert_eq!(api.calls.lock().unwrap().len(), 1);
}

#[test]
fn a_rate_limited_token_request_is_backed_off_and_retried_at_most_three_times() {
    let auth = auth_server(vec![
        AuthAnswer::RateLimited,
        AuthAnswer::RateLimited,
        AuthAnswer::Token(3600),
    ]);
    sinch_ticket(&["token", "--backoff-base-ms", "50"], &auth.url)
        .assert()
        .code(0);
    assert_eq!(auth.count.load(Ordering::SeqCst), 3);

    let auth = auth_server(vec![AuthAnswer::RateLimited]);
    sinch_ticket(&["token", "--backoff-base-ms", "20"], &auth.url)
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "rate-limiting token requests (HTTP 429, 3 retries",
        ));
    assert_eq!(auth.count.load(Ordering::SeqCst), 4);
}

#[test]
fn a_wrong_secret_names_the_key_id_never_the_secret_and_silence_is_a_timeout() {
    let auth = auth_server(vec![AuthAnswer::Token(3600)]);
    sinch_ticket(&["token"], &auth.url)
        .env("SINCH_KEY_SECRET", "not-the-secret")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!("refused Key ID {KEY_ID}")))
        .stderr(predicate::str::contains("not-the-secret").not());

    let silent = auth_server(vec![AuthAnswer::Silence]);
    sinch_ticket(&["token", "--timeout", "1s"], &silent.url)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("did not answer in time"));

    // No Key Secret at all: said, exit 2.
    sinch_ticket(&["token"], &auth.url)
        .env_remove("SINCH_KEY_SECRET")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("SINCH_KEY_SECRET"));
    // The auth server is plain http only on this machine.
    sinch_ticket(&["token"], "http://auth.example.com/oauth2/token")
        .assert()
        .code(2);
}

#[test]
fn the_host_chooses_the_authorization_and_sign_shows_the_bearer() {
    let auth = auth_server(vec![AuthAnswer::Token(3600)]);
    let out = sinch_ticket(
        &[
            "sign",
            "POST",
            "https://zt.us.sms.api.sinch.com/xms/v1/{project}/batches",
            "--data",
            "{}",
            "--json",
        ],
        &auth.url,
    )
    .assert()
    .code(0);
    let report: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(report["auth"], "oauth");
    assert_eq!(
        report["url"],
        format!("https://zt.us.sms.api.sinch.com/xms/v1/{PROJECT_ID}/batches")
    );
    let token = auth.issued.lock().unwrap()[0].clone();
    assert_eq!(
        report["headers"][0],
        format!("Authorization: Bearer {token}")
    );

    let out = sinch_ticket(
        &[
            "sign",
            "GET",
            "https://eu.conversation.api.sinch.com/v1/projects/{project}/apps",
            "--curl",
        ],
        &auth.url,
    )
    .assert()
    .code(0);
    let curl = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(curl.contains("'Authorization: Bearer eyJ"), "{curl}");
    assert!(
        curl.contains(&format!("/v1/projects/{PROJECT_ID}/apps")),
        "{curl}"
    );
}
