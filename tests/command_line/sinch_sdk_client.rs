//! Signed requests checked against Sinch's own Node helper (npm `@sinch/sdk-client`,
//! `dist/utils/authorization.helper.js`): its `generateAuthorizationHeader` must give the
//! same Authorization as ours for a spread of requests, and its
//! `validateAuthenticationHeader`, on a local Node server, must accept what our `send` and
//! our `sign --curl` send. Needs node, npm and curl: run by `scripts/test.sh`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use crate::support::{listener, npm, oauth};

use std::io::{BufRead as _, Write as _};
use std::path::PathBuf;
use std::process::{Command, Stdio};

const SECRET: &str = "JViE5vDor0Sw3WllZka15Q==";
const KEY: &str = "196087a1-e815-4bc4-8984-60d8d8a43f1d";
const HELPER_VERSION: &str = "1.5.0";

fn helper_dir() -> PathBuf {
    npm::installed("@sinch/sdk-client", HELPER_VERSION)
}

fn harness() -> Command {
    let mut cmd = Command::new("node");
    cmd.arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/sdk/sdk_client_harness.js"))
        .env("SINCH_SDK_CLIENT_DIR", helper_dir())
        .env("SINCH_KEY", KEY)
        .env("SINCH_SECRET", SECRET);
    cmd
}

/// Runs the harness in `mode` with `input` on its standard input: the lines it printed.
fn harness_lines(mode: &str, input: &serde_json::Value) -> Vec<String> {
    let mut child = harness()
        .arg(mode)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs (scripts/setup.sh test installs it)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn sinch_ticket(args: &[&str]) -> std::process::Output {
    crate::support::program()
        .args(args)
        .env("SINCH_APPLICATION_SECRET", SECRET)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()
        .unwrap()
}

#[test]
#[ignore = "needs node and npm (npm install @sinch/sdk-client): run scripts/test.sh"]
fn sinchs_node_helper_computes_the_same_authorization_as_ours() {
    // (method, path and query, content type, body)
    let requests: Vec<(&str, &str, Option<&str>, &str)> = vec![
        (
            "POST",
            "/v1/sms/+46700000000",
            Some("application/json"),
            r#"{"message":"Hello world"}"#,
        ),
        (
            "POST",
            "/calling/v1/callouts",
            Some("application/json; charset=utf-8"),
            r#"{"method":"ttsCallout","text":"Hej Åsa 👋"}"#,
        ),
        (
            "GET",
            "/verification/v1/verifications/id/1234?x=%20y&z=+1",
            None,
            "",
        ),
        ("DELETE", "/calling/v1/calls/id/abc", None, ""),
        (
            "PUT",
            "/calling/v1/calls/id/abc",
            Some("application/json"),
            "{ \"instructions\": [] }\n",
        ),
        (
            "PATCH",
            "/calling/v1/conferences/id/c/x",
            Some("text/plain"),
            "not json at all",
        ),
    ];
    let stamps = ["2014-06-04T13:41:58Z", "2026-11-28T10:00:00.123Z"];
    let mut cases = Vec::new();
    let mut ours = Vec::new();
    for (method, resource, content_type, body) in &requests {
        for stamp in stamps {
            let url = format!("https://calling.api.sinch.com{resource}");
            let mut args = vec![
                "sign",
                method,
                &url,
                "--timestamp",
                stamp,
                "--key",
                KEY,
                "--json",
            ];
            if let Some(ct) = content_type {
                args.extend(["--content-type", ct]);
            }
            if !body.is_empty() {
                args.extend(["--data", body]);
            }
            let out = sinch_ticket(&args);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            ours.push(json["authorization"].as_str().unwrap().to_owned());
            cases.push(serde_json::json!({
                "method": method, "resource": resource, "contentType": content_type,
                "body": body, "timestamp": stamp,
            }));
        }
    }
    let theirs = harness_lines("sign", &serde_json::Value::Array(cases));
    assert_eq!(theirs.len(), ours.len());
    for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        assert_eq!(a, b, "request {i}: {:?}", requests[i / stamps.len()]);
    }
}

/// Sinch's helper behind a Node HTTP server that answers `count` requests: the process, its
/// verdict lines, and its port.
fn node_server(
    count: usize,
) -> (
    std::process::Child,
    std::io::Lines<std::io::BufReader<std::process::ChildStdout>>,
    u16,
) {
    node_server_in("serve", count, "")
}

/// A Node server in the harness's `mode`, for `count` requests, webhooks checked with
/// `webhook_secret`: the process, its output lines after the port, and the port.
fn node_server_in(
    mode: &str,
    count: usize,
    webhook_secret: &str,
) -> (
    std::process::Child,
    std::io::Lines<std::io::BufReader<std::process::ChildStdout>>,
    u16,
) {
    let mut server = harness()
        .args([mode, &count.to_string()])
        .env("SINCH_WEBHOOK_SECRET", webhook_secret)
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs");
    let mut lines = std::io::BufReader::new(server.stdout.take().unwrap()).lines();
    let port: u16 = lines.next().unwrap().unwrap().trim().parse().unwrap();
    (server, lines, port)
}

#[test]
#[ignore = "needs node, npm and curl: run scripts/test.sh"]
fn sinchs_node_helper_accepts_what_send_and_sign_curl_send() {
    let (mut server, mut lines, port) = node_server(3);
    let url = format!("http://127.0.0.1:{port}/callbacks/ice?source=sinch");
    let body = r#"{"event":"ice","callid":"c-1","cli":"46700000000","custom":"Åsa"}"#;

    let out = sinch_ticket(&["send", "POST", &url, "--data", body, "--key", KEY]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let verdict: serde_json::Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(verdict["ok"], true, "{verdict}");

    // The curl command `sign --curl` prints, run by a shell, sends the exact bytes signed.
    let curl = sinch_ticket(&["sign", "POST", &url, "--data", body, "--key", KEY, "--curl"]);
    let curl = String::from_utf8(curl.stdout).unwrap();
    let status = Command::new("sh")
        .args([
            "-c",
            &format!("{} --silent --output /dev/null", curl.trim()),
        ])
        .status()
        .expect("curl runs");
    assert!(status.success());
    let verdict: serde_json::Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(verdict["ok"], true, "{verdict}");

    // And it refuses what another application's secret signed.
    let out = crate::support::program()
        .args(["send", "POST", &url, "--data", body, "--key", KEY])
        .env("SINCH_APPLICATION_SECRET", "ax8hTTQJF0OPXL32r1LHMA==")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let verdict: serde_json::Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(verdict["ok"], false, "{verdict}");
    assert!(server.wait().unwrap().success());
}

#[test]
#[ignore = "needs node and npm: run scripts/test.sh"]
fn sinchs_node_helper_validates_the_callbacks_trigger_sends_and_refuses_its_forgeries() {
    let (mut server, mut lines, port) = node_server(3);
    let url = format!("http://127.0.0.1:{port}/sinch/callback?app=sandbox");
    for (args, exit, helper_accepts) in [
        (&["dice", "--set", "custom=Åsa"][..], 0, true),
        (&["verification-result"][..], 0, true),
        // A forgery: Sinch's helper refuses it, so the server answers 401, as it should.
        (&["dice", "--signature", "bad"][..], 0, false),
    ] {
        let mut argv = vec!["trigger"];
        argv.extend_from_slice(args);
        argv.extend_from_slice(&["--to", &url, "--key", KEY]);
        let out = sinch_ticket(&argv);
        assert_eq!(
            out.status.code(),
            Some(exit),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let verdict: serde_json::Value =
            serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
        assert_eq!(verdict["ok"], helper_accepts, "{args:?}: {verdict}");
        assert_eq!(verdict["path"], "/sinch/callback?app=sandbox");
    }
    assert!(server.wait().unwrap().success());
}

#[test]
#[ignore = "needs node and npm (npm install @sinch/sdk-client): run scripts/test.sh"]
fn sinchs_node_helper_accepts_our_webhook_signatures_and_refuses_a_changed_byte() {
    use sinch_ticket::sinch::webhook::{WebhookSecret, conversation_signature, numbers_signature};
    let bodies = [
        r#"{"app_id":"01E","message":{"contact_message":{"text_message":{"text":"Hej Åsa 👋"}}}}"#,
        r#"{"type":"delivery_report_sms","batch_id":"01F","statuses":[{"code":0,"status":"Delivered"}]}"#,
        "{\r\n  \"eventId\": \"e-1\",\r\n  \"status\": \"SUCCEEDED\"\r\n}\n",
    ];
    let secrets = [
        "foo_secret1234",
        "sëcret with spaces and ünicode",
        "c2VjcmV0",
    ];
    let mut cases = Vec::new();
    let mut expected = Vec::new();
    for body in bodies {
        for secret_text in secrets {
            let secret = WebhookSecret::new(secret_text);
            let (nonce, stamp) = ("01FJA8B4A7BM43YGWSG9GBV067", "1634579353");
            let signature = conversation_signature(&secret, body.as_bytes(), nonce, stamp);
            let headers = serde_json::json!({
                "x-sinch-webhook-signature-nonce": nonce,
                "x-sinch-webhook-signature-timestamp": stamp,
                "x-sinch-webhook-signature-algorithm": "HmacSHA256",
                "x-sinch-webhook-signature": signature,
            });
            let changed = body.replacen('"', "'", 1);
            cases.push(serde_json::json!({"kind": "conversation", "secret": secret_text, "headers": headers, "body": body}));
            cases.push(serde_json::json!({"kind": "conversation", "secret": secret_text, "headers": headers, "body": changed}));
            expected.extend([true, false]);
            let signature = numbers_signature(&secret, body.as_bytes());
            let headers = serde_json::json!({ "X-Sinch-Signature": signature });
            cases.push(serde_json::json!({"kind": "numbers", "secret": secret_text, "headers": headers, "body": body}));
            cases.push(serde_json::json!({"kind": "numbers", "secret": secret_text, "headers": headers, "body": changed}));
            expected.extend([true, false]);
        }
    }
    let verdicts: Vec<bool> = harness_lines("webhooks", &serde_json::Value::Array(cases))
        .iter()
        .map(|l| l == "true")
        .collect();
    assert_eq!(verdicts, expected, "Sinch's helper, case by case");
}

#[test]
#[ignore = "needs node and npm (npm install @sinch/sdk-client): run scripts/test.sh"]
fn sinchs_node_helper_validates_every_webhook_trigger_sends_and_refuses_its_forgeries() {
    // A secret with non-ASCII letters and spaces, used as its UTF-8 bytes by both sides.
    let secret = "sëcret ünicode 🔑";
    let genuine: Vec<Vec<&str>> = vec![
        vec![
            "conversation-message-inbound",
            "--set",
            "message.contact_message.text_message.text=Hej Åsa 👋",
        ],
        vec!["conversation-message-delivery"],
        vec!["conversation-event-inbound"],
        vec![
            "conversation-contact-create",
            "--set",
            "contact_create_notification.contact.display_name=Zoë Ærø",
        ],
        vec!["sms-delivery-report"],
        vec!["sms-inbound", "--set", "body=Grüße ✓"],
        vec!["numbers-provisioning"],
    ];
    // (arguments, trigger's exit status, Sinch's helper accepts, the server answers 200)
    let mut runs: Vec<(Vec<&str>, i32, bool)> = genuine.into_iter().map(|a| (a, 0, true)).collect();
    for event in [
        "conversation-message-inbound",
        "sms-delivery-report",
        "numbers-provisioning",
    ] {
        runs.push((vec![event, "--signature", "bad"], 0, false));
        runs.push((vec![event, "--signature", "none"], 0, false));
    }
    // Sinch's helper ignores the timestamp: a stale Conversation webhook passes it, so a
    // server that only calls the helper accepts a replay, and trigger says so (exit 1).
    runs.push((
        vec!["conversation-message-inbound", "--timestamp-age", "20m"],
        1,
        true,
    ));
    let requests = runs.len() + 2;
    let (mut server, mut lines, port) = node_server_in("serve-webhooks", requests, secret);
    let url = format!("http://127.0.0.1:{port}/webhooks");
    for (args, exit, helper_accepts) in &runs {
        let mut argv = vec!["trigger"];
        argv.extend_from_slice(args);
        argv.extend_from_slice(&["--to", &url]);
        let out = crate::support::program()
            .args(&argv)
            .env("SINCH_WEBHOOK_SECRET", secret)
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env("HOME", crate::support::NO_HOME)
            .env("XDG_CONFIG_HOME", crate::support::NO_HOME)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(*exit),
            "{args:?}: {said}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let verdict: serde_json::Value =
            serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
        assert_eq!(verdict["ok"], *helper_accepts, "{args:?}: {verdict}");
        if let Some(text) = args.iter().find_map(|a| a.split_once('=').map(|(_, v)| v)) {
            assert!(
                verdict["body"].as_str().unwrap().contains(text),
                "{verdict}"
            );
        }
    }
    // --replay: the helper accepts both sends; the server refuses the reused nonce.
    let out = crate::support::program()
        .args(["trigger", "sms-inbound", "--replay", "--to", &url])
        .env("SINCH_WEBHOOK_SECRET", secret)
        .env("HOME", crate::support::NO_HOME)
        .env("XDG_CONFIG_HOME", crate::support::NO_HOME)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(said.contains("refused it sent again"), "{said}");
    for replayed in [false, true] {
        let verdict: serde_json::Value =
            serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
        assert_eq!(verdict["ok"], true, "{verdict}");
        assert_eq!(verdict["replayed"], replayed, "{verdict}");
    }
    assert!(server.wait().unwrap().success());
}

#[test]
#[ignore = "needs node and npm (npm install @sinch/sdk-client): run scripts/test.sh"]
fn webhooks_signed_by_sinchs_helper_verify_in_verify_callback_and_listen_and_tampering_is_named() {
    let secret = "sëcret ünicode 🔑";
    // As a Conversation webhook may arrive: compact, its non-ASCII letters escaped.
    let body = r#"{"app_id":"01E","project_id":"p","message":{"contact_message":{"text_message":{"text":"Hej \u00c5sa \ud83d\udc4b"}}}}"#;
    let nonce = "01FJA8B4A7BM43YGWSG9GBV067";
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let signature = harness_lines(
        "sign-webhooks",
        &serde_json::json!([{"secret": secret, "body": body, "nonce": nonce, "timestamp": stamp}]),
    )
    .remove(0);
    let request = |body: &str| {
        format!(
            "POST /webhooks HTTP/1.1\r\nContent-Type: application/json\r\n\
             x-sinch-webhook-signature-nonce: {nonce}\r\n\
             x-sinch-webhook-signature-timestamp: {stamp}\r\n\
             x-sinch-webhook-signature-algorithm: HmacSHA256\r\n\
             x-sinch-webhook-signature: {signature}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
    };
    // What a server that parses and serializes again checks: the letters unescaped (as
    // JSON.stringify writes them), or the body pretty-printed.
    let parsed: serde_json::Value = serde_json::from_str(body).unwrap();
    let cases = [
        (body.to_owned(), 0, "conversation scheme"),
        (
            serde_json::to_string(&parsed).unwrap(),
            1,
            "parsed and serialized again",
        ),
        (
            serde_json::to_string_pretty(&parsed).unwrap(),
            1,
            "parsed and serialized again",
        ),
        (format!("{body}\n"), 1, "trailing line break was added"),
        (body.replace("Hej", "Hey"), 1, "differ from what was signed"),
    ];
    let verify = |raw: &str| {
        let mut child = crate::support::program()
            .args(["verify-callback"])
            .env("SINCH_WEBHOOK_SECRET", secret)
            .env("HOME", crate::support::NO_HOME)
            .env("XDG_CONFIG_HOME", crate::support::NO_HOME)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(raw.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    for (sent, exit, says) in &cases {
        let out = verify(&request(sent));
        let said = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(*exit), "{said}");
        assert!(said.contains(says), "{says:?} in {said}");
    }

    // A running listen verifies it the same way, and refuses each tampered one with 401,
    // the cause in its record.
    let listener = listener::Listener::start_with(&["--json"], |cmd| {
        cmd.env("SINCH_WEBHOOK_SECRET", secret);
    });
    for (sent, exit, says) in &cases {
        let answer = listener::raw_exchange(listener.port, request(sent).as_bytes());
        let record = listener.next();
        if *exit == 0 {
            assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
            assert_eq!(record["verified"], true, "{record}");
            assert_eq!(record["scheme"], "conversation");
        } else {
            assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
            assert!(!answer.contains(says), "the cause stays local: {answer}");
            assert!(
                record["reason"].as_str().unwrap().contains(says),
                "{record}"
            );
        }
    }
    let (code, said) = listener.interrupt();
    assert_eq!(code, 0, "{said}");
}

#[test]
#[ignore = "needs node and npm (npm install @sinch/sdk-client): run scripts/test.sh"]
fn our_token_request_is_the_one_sinchs_node_sdk_sends() {
    use oauth::{AuthAnswer, KEY_ID, KEY_SECRET, PROJECT_ID, auth_server};
    let auth = auth_server(vec![AuthAnswer::Token(3600)]);
    let base = auth.url.trim_end_matches("/oauth2/token").to_owned();
    let out = harness()
        .args(["oauth-token", &base])
        .env("SINCH_KEY_ID", KEY_ID)
        .env("SINCH_KEY_SECRET", KEY_SECRET)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        theirs.trim(),
        format!("Bearer {}", auth.issued.lock().unwrap()[0])
    );

    let out = crate::support::program()
        .args([
            "token",
            "--project-id",
            PROJECT_ID,
            "--key-id",
            KEY_ID,
            "--auth-url",
            &auth.url,
        ])
        .env("SINCH_KEY_SECRET", KEY_SECRET)
        .env("HOME", crate::support::NO_HOME)
        .env("XDG_CONFIG_HOME", crate::support::NO_HOME)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen = auth.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    let (node, ours) = (&seen[0], &seen[1]);
    assert_eq!(ours.method, node.method);
    assert_eq!(ours.path, node.path);
    assert_eq!(ours.body, node.body);
    for header in ["authorization", "content-type"] {
        assert_eq!(ours.header(header), node.header(header), "{header}");
    }
}

#[test]
#[ignore = "needs node and npm (npm install @sinch/sdk-client): run scripts/test.sh"]
fn sinchs_node_helpers_accept_a_replay_from_the_history_signed_afresh() {
    let data = tempfile::tempdir().unwrap();
    let listener = listener::Listener::start_with(&["--json"], |cmd| {
        cmd.env("XDG_DATA_HOME", data.path())
            .env("SINCH_WEBHOOK_SECRET", "sëcret ünicode");
    });
    let kept = |args: &[&str]| {
        let out = crate::support::program()
            .args(args)
            .env("SINCH_APPLICATION_SECRET", listener::SECRET)
            .env("SINCH_WEBHOOK_SECRET", "sëcret ünicode")
            .env("XDG_DATA_HOME", data.path())
            .env("HOME", crate::support::NO_HOME)
            .env("XDG_CONFIG_HOME", crate::support::NO_HOME)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    // A Voice callback and a Conversation webhook reach the listener and are kept.
    let url = listener.url("/sinch/callback?app=sandbox");
    assert_eq!(
        kept(&["trigger", "dice", "--key", listener::KEY, "--to", &url]).0,
        Some(0)
    );
    listener.next();
    assert_eq!(
        kept(&["trigger", "conversation-message-inbound", "--to", &url]).0,
        Some(0)
    );
    listener.next();
    listener.interrupt();
    let listed = kept(&["history", "--json"]).1;
    let ids: Vec<i64> = serde_json::from_str::<serde_json::Value>(&listed)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    let (webhook, voice) = (ids[0], ids[1]);

    // Sinch's validateAuthenticationHeader takes the Voice one, re-signed with the harness's
    // application key and secret.
    let (mut server, mut lines, port) = node_server(1);
    let (code, said) = {
        let out = crate::support::program()
            .args(["replay", &voice.to_string(), "--key", KEY, "--to"])
            .arg(format!(
                "http://127.0.0.1:{port}/sinch/callback?app=sandbox"
            ))
            .env("SINCH_APPLICATION_SECRET", SECRET)
            .env("XDG_DATA_HOME", data.path())
            .env("HOME", crate::support::NO_HOME)
            .env("XDG_CONFIG_HOME", crate::support::NO_HOME)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    assert_eq!(code, Some(0), "{said}");
    let verdict: serde_json::Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(verdict["ok"], true, "{verdict}");
    assert!(server.wait().unwrap().success());

    // And validateWebhookSignature the Conversation one, with a fresh nonce and timestamp.
    let (mut server, mut lines, port) = node_server_in("serve-webhooks", 1, "sëcret ünicode");
    let to = format!("http://127.0.0.1:{port}/webhooks");
    let (code, said) = kept(&["replay", &webhook.to_string(), "--to", &to]);
    assert_eq!(code, Some(0), "{said}");
    let verdict: serde_json::Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(verdict["ok"], true, "{verdict}");
    assert!(server.wait().unwrap().success());
}
