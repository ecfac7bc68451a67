//! `sign`, `send` and `verify-callback` as a script uses them: the built binary against
//! Sinch's documented vector, raw requests, and real HTTP servers on 127.0.0.1.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use crate::support;

use std::net::TcpListener;
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;
use support::server::checking_server;

const DOC_SECRET: &str = "JViE5vDor0Sw3WllZka15Q==";
const KEY: &str = "196087a1-e815-4bc4-8984-60d8d8a43f1d";
const DOC_SIGNATURE: &str = "qDXMwzfaxCRS849c/2R0hg0nphgdHciTo7OdM6MsdnM=";

fn sinch_ticket() -> Command {
    let mut cmd = support::sinch_ticket();
    cmd.env("SINCH_APPLICATION_SECRET", DOC_SECRET);
    cmd
}

fn doc_sign(extra: &[&str]) -> String {
    let out = sinch_ticket()
        .args([
            "sign",
            "POST",
            "https://messagingapi.sinch.com/v1/sms/+46700000000",
        ])
        .args([
            "--data",
            r#"{"message":"Hello world"}"#,
            "--content-type",
            "application/json",
        ])
        .args(["--timestamp", "2014-06-04T13:41:58Z", "--key", KEY])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn sign_gives_sinchs_documented_signature_in_every_form() {
    assert_eq!(
        doc_sign(&[]),
        format!(
            "x-timestamp: 2014-06-04T13:41:58Z\nAuthorization: Application {KEY}:{DOC_SIGNATURE}\nContent-Type: application/json\n"
        )
    );
    let json: serde_json::Value = serde_json::from_str(&doc_sign(&["--json"])).unwrap();
    assert_eq!(
        json["authorization"],
        format!("Application {KEY}:{DOC_SIGNATURE}")
    );
    assert_eq!(json["content_md5"], "jANzQ+rgAHyf1MWQFSwvYw==");
    assert_eq!(json["x_timestamp"], "2014-06-04T13:41:58Z");
    assert_eq!(json["content_type"], "application/json");
    assert!(
        json["string_to_sign"]
            .as_str()
            .unwrap()
            .ends_with("\n/v1/sms/+46700000000")
    );
    let curl = doc_sign(&["--curl"]);
    assert!(
        curl.starts_with(
            "curl --path-as-is -X POST 'https://messagingapi.sinch.com/v1/sms/+46700000000'"
        ),
        "{curl}"
    );
    assert!(
        curl.contains(r#"--data-binary '{"message":"Hello world"}'"#),
        "{curl}"
    );
    assert!(!curl.contains(DOC_SECRET));
}

#[test]
fn sign_defaults_and_refusals_say_what_to_do() {
    // A body without a Content-Type is signed as JSON, and says so.
    sinch_ticket()
        .args([
            "sign",
            "POST",
            "https://x.test/a",
            "--data",
            "{}",
            "--key",
            KEY,
            "--json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            r#""content_type": "application/json""#,
        ))
        .stderr(predicate::str::contains("signed as application/json"));
    // Not JSON under a JSON type: a warning, and the exact bytes still signed.
    sinch_ticket()
        .args([
            "sign",
            "POST",
            "https://x.test/a",
            "--data",
            "not json",
            "--key",
            KEY,
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("not valid JSON"));
    for (args, says) in [
        (vec!["sign", "POST", "x.test/a"], "not a URL"),
        (
            vec!["sign", "PO ST", "https://x.test/a"],
            "not an HTTP method",
        ),
        (
            vec![
                "sign",
                "GET",
                "https://x.test/a",
                "--timestamp",
                "yesterday",
            ],
            "RFC 3339",
        ),
        (
            vec!["send", "GET", "http://192.168.1.1/a"],
            "only for loopback",
        ),
        (
            vec!["sign", "GET", "https://x.test/a", "--secret", DOC_SECRET],
            "never taken as an argument",
        ),
    ] {
        sinch_ticket()
            .args(&args)
            .args(["--key", KEY])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says).and(predicate::str::contains(DOC_SECRET).not()));
    }
}

fn doc_request(auth: &str) -> String {
    format!(
        "POST /v1/sms/+46700000000 HTTP/1.1\r\nHost: example.com\r\nx-timestamp: 2014-06-04T13:41:58Z\r\nContent-Type: application/json\r\nAuthorization: {auth}\r\n\r\n{{\"message\":\"Hello world\"}}"
    )
}

#[test]
fn verify_callback_gives_a_verdict_its_reason_and_the_string_to_sign() {
    let good = doc_request(&format!("Application {KEY}:{DOC_SIGNATURE}"));
    sinch_ticket()
        .args(["verify-callback", "--max-age", "none", "--key", KEY])
        .write_stdin(good.clone())
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("Verified"));
    // Sinch's own timestamp is years old: valid, but a possible replay by default.
    sinch_ticket()
        .args(["verify-callback", "--key", KEY])
        .write_stdin(good.clone())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("replay"));
    let changed = good.replace("Hello world", "Hello World");
    let out = sinch_ticket()
        .args([
            "verify-callback",
            "--max-age",
            "none",
            "--key",
            KEY,
            "--json",
        ])
        .write_stdin(changed)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let verdict: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(verdict["verified"], false);
    assert!(
        verdict["reason"]
            .as_str()
            .unwrap()
            .contains("does not match")
    );
    assert!(
        verdict["string_to_sign"]
            .as_str()
            .unwrap()
            .contains("x-timestamp:2014-06-04T13:41:58Z")
    );
    // Another application's request.
    sinch_ticket()
        .args([
            "verify-callback",
            "--max-age",
            "none",
            "--key",
            "a32e5a8d-f7d8-411c-9645-9038e8dd051d",
        ])
        .write_stdin(good)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("profile's key is a32e5a8d"));
    // Basic: checked, warned about, and the secret never echoed.
    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{KEY}:{DOC_SECRET}"));
    sinch_ticket()
        .args(["verify-callback", "--key", KEY])
        .write_stdin(doc_request(&format!("Basic {basic}")))
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("carries the application secret itself")
                .and(predicate::str::contains(DOC_SECRET).not())
                .and(predicate::str::contains(&basic).not()),
        );
    // Not a request, or nothing to verify with: exit 2.
    sinch_ticket()
        .args(["verify-callback", "--key", KEY])
        .write_stdin("hello")
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("request line")
                .and(predicate::str::contains("give the whole request")),
        );
    sinch_ticket()
        .args(["verify-callback", "--key", KEY])
        .env_remove("SINCH_APPLICATION_SECRET")
        .write_stdin(doc_request("Application x:y"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no secret to verify with"));
}

#[test]
fn send_signs_what_it_sends_and_reports_the_answer() {
    let (port, server) = checking_server(DOC_SECRET, KEY, Some(60), None);
    let body = "{\n  \"method\": \"ttsCallout\", \"odd\": \"a/b \\u00e9\"\n}";
    sinch_ticket()
        .args([
            "send",
            "POST",
            &format!("http://127.0.0.1:{port}/calling/v1/callouts?x=%20y"),
        ])
        .args(["--data", body, "--key", KEY, "-H", "X-Trace: 1"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::starts_with("HTTP 200 OK")
                .and(predicate::str::contains("\"callId\": \"c-1\"")),
        );
    let received = server.join().unwrap();
    assert!(
        received.contains("POST /calling/v1/callouts?x=%20y HTTP/1.1"),
        "{received}"
    );
    assert!(
        received.ends_with(body),
        "the body went byte for byte: {received}"
    );
    assert!(
        received.contains("X-Trace: 1") || received.contains("x-trace: 1"),
        "{received}"
    );

    // A proxy in the environment is not used for a server on this machine: it would read the
    // signed request (here nothing listens on port 9, so using it would fail).
    let (port, server) = checking_server(DOC_SECRET, KEY, Some(60), None);
    sinch_ticket()
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .env("ALL_PROXY", "http://127.0.0.1:9")
        .env("http_proxy", "http://127.0.0.1:9")
        .args([
            "send",
            "POST",
            &format!("http://127.0.0.1:{port}/calling/v1/callouts"),
        ])
        .args(["--data", "{}", "--key", KEY])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("HTTP 200 OK"));
    server.join().unwrap();

    // Signed with another secret: the server says 401, and so does the exit status.
    let (port, server) = checking_server(DOC_SECRET, KEY, Some(60), None);
    sinch_ticket()
        .env("SINCH_APPLICATION_SECRET", "ax8hTTQJF0OPXL32r1LHMA==")
        .args([
            "send",
            "GET",
            &format!("http://localhost:{port}/x"),
            "--key",
            KEY,
        ])
        .assert()
        .code(1)
        .stdout(
            predicate::str::starts_with("HTTP 401").and(predicate::str::contains("does not match")),
        );
    server.join().unwrap();
}

#[test]
fn send_names_a_refused_connection_and_a_timeout() {
    // A port that was just free: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    sinch_ticket()
        .args([
            "send",
            "GET",
            &format!("http://127.0.0.1:{port}/x"),
            "--key",
            KEY,
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("connection"));
    let (hold, held) = std::sync::mpsc::channel();
    let (port, server) = checking_server(DOC_SECRET, KEY, Some(60), Some(held));
    sinch_ticket()
        .args([
            "send",
            "GET",
            &format!("http://127.0.0.1:{port}/x"),
            "--key",
            KEY,
            "--timeout",
            "2s",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("did not answer in time"));
    drop(hold);
    server.join().unwrap();
}

/// A request to /cb signed with the documented secret at `stamp`, with that x-timestamp
/// header (or none).
fn signed_at(stamp: &str, header: Option<&str>) -> String {
    use sinch_ticket::sinch::AppSecret;
    use sinch_ticket::sinch::signing::{SignRequest, sign_request};
    let secret = AppSecret::from_base64(DOC_SECRET).unwrap();
    let body = r#"{"event":"dice"}"#;
    let signed = sign_request(
        &KEY.to_ascii_uppercase(),
        &secret,
        &SignRequest {
            method: "POST",
            resource: "/cb",
            content_type: Some("application/json"),
            body: body.as_bytes(),
            timestamp: stamp,
        },
    );
    let stamp_line = header.map_or(String::new(), |h| format!("x-timestamp: {h}\r\n"));
    format!(
        "POST /cb HTTP/1.1\r\nContent-Type: application/json\r\n{stamp_line}Authorization: {}\r\n\r\n{body}",
        signed.authorization
    )
}

#[test]
fn verification_fails_closed_when_the_age_of_a_request_cannot_be_told() {
    for (case, request) in [
        ("no x-timestamp", signed_at("", None)),
        ("not a time", signed_at("yesterday", Some("yesterday"))),
    ] {
        // Under the default age limit, a request whose age is unknown may be a replay.
        sinch_ticket()
            .args(["verify-callback", "--key", KEY])
            .write_stdin(request.clone())
            .assert()
            .code(1)
            .stdout(predicate::str::contains("may be a replay"))
            .stdout(predicate::str::contains("--max-age"));
        // Without one, the signature alone decides.
        sinch_ticket()
            .args(["verify-callback", "--key", KEY, "--max-age", "none"])
            .write_stdin(request)
            .assert()
            .code(0)
            .stdout(predicate::str::starts_with("Verified"));
        let _ = case;
    }
    // A fresh one verifies, its key in upper case (as in Sinch's own callback example).
    let now = sinch_ticket::sinch::signing::timestamp(chrono::Utc::now());
    sinch_ticket()
        .args(["verify-callback", "--key", KEY])
        .write_stdin(signed_at(&now, Some(&now)))
        .assert()
        .code(0);
}

#[test]
fn sign_curl_sends_exactly_what_was_signed_dot_segments_included() {
    let (port, server) = checking_server(DOC_SECRET, KEY, Some(60), None);
    let curl = sinch_ticket()
        .args(["sign", "POST"])
        .arg(format!("http://127.0.0.1:{port}/a/../calling/./v1?x=1"))
        .args(["--data", "{}", "--key", KEY, "--curl"])
        .output()
        .unwrap();
    assert!(curl.status.success());
    let curl = String::from_utf8(curl.stdout).unwrap();
    let run = std::process::Command::new("sh")
        .args(["-c", &format!("{} --silent --show-error", curl.trim())])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let received = server.join().unwrap();
    assert!(
        received.starts_with("POST /a/../calling/./v1?x=1 HTTP/1.1"),
        "{received}"
    );
    assert!(
        String::from_utf8_lossy(&run.stdout).contains("\"ok\":true"),
        "the server verified what curl sent: {received}"
    );

    // send keeps the path as written too.
    let (port, server) = checking_server(DOC_SECRET, KEY, Some(60), None);
    sinch_ticket()
        .args(["send", "GET"])
        .arg(format!("http://127.0.0.1:{port}/a/./b/../c"))
        .args(["--key", KEY])
        .assert()
        .code(0);
    assert!(
        server
            .join()
            .unwrap()
            .starts_with("GET /a/./b/../c HTTP/1.1")
    );
}

#[test]
fn what_a_request_cannot_carry_is_refused_before_anything_is_signed() {
    sinch_ticket()
        .args([
            "sign",
            "GET",
            "https://calling.api.sinch.com/users/Åsa",
            "--key",
            KEY,
        ])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("percent-encoded (%C3%85)"));
    sinch_ticket()
        .args([
            "sign",
            "POST",
            "https://calling.api.sinch.com/v1",
            "--key",
            KEY,
        ])
        .args([
            "--data",
            "{}",
            "--content-type",
            "application/json\r\nX-Evil: 1",
        ])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("line break"));
    sinch_ticket()
        .args([
            "send",
            "GET",
            "https://key:pw@calling.api.sinch.com/v1",
            "--key",
            KEY,
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("user name or password"));
}

const CONVERSATION_BODY: &str = r#"{"app_id":"","accepted_time":"2021-10-18T17:49:13.813615Z","project_id":"e2df3a34-a71b-4448-9db5-a8d2baad28e4","contact_create_notification":{"contact":{"id":"01FJA8B466Y0R2GNXD78MD9SM1","channel_identities":[{"channel":"SMS","identity":"48123456789","app_id":""}],"display_name":"New Test Contact","email":"new.contact@email.com","external_id":"","metadata":"","language":"EN_US"}},"message_metadata":""}"#;

/// Sinch's published Conversation webhook (FORMATS §5.1) as a raw request, with `body`.
fn conversation_webhook(body: &str) -> String {
    format!(
        "POST /webhooks/conversation HTTP/1.1\r\nContent-Type: application/json\r\nx-sinch-webhook-signature-nonce: 01FJA8B4A7BM43YGWSG9GBV067\r\nx-sinch-webhook-signature-timestamp: 1634579353\r\nx-sinch-webhook-signature-algorithm: HmacSHA256\r\nx-sinch-webhook-signature: 6bpJoRmFoXVjfJIVglMoJzYXxnoxRujzR4k2GOXewOE=\r\n\r\n{body}"
    )
}

#[test]
fn verify_callback_recognises_and_verifies_webhook_schemes_and_names_why_not() {
    let webhook = || {
        let mut cmd = support::sinch_ticket();
        cmd.env_remove("SINCH_APPLICATION_SECRET")
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env("HOME", crate::support::NO_HOME)
            .env("XDG_CONFIG_HOME", crate::support::NO_HOME)
            .env("SINCH_WEBHOOK_SECRET", "foo_secret1234")
            .timeout(Duration::from_secs(60));
        cmd
    };
    webhook()
        .args(["verify-callback", "--max-age", "none"])
        .write_stdin(conversation_webhook(CONVERSATION_BODY))
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "signed with the conversation scheme",
        ));
    // Its timestamp is from 2021: a possible replay under the default age limit.
    webhook()
        .args(["verify-callback"])
        .write_stdin(conversation_webhook(CONVERSATION_BODY))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("replay").and(predicate::str::contains("--max-age")));
    // The body as a server that parsed and re-serialized it has it.
    let pretty = format!(
        "{:#}",
        serde_json::from_str::<serde_json::Value>(CONVERSATION_BODY).unwrap()
    );
    webhook()
        .args(["verify-callback", "--max-age", "none", "--json"])
        .write_stdin(conversation_webhook(&pretty))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("parsed and serialized again"))
        .stdout(predicate::str::contains("\"scheme\": \"conversation\""));
    // No webhook secret: said, exit 2; the secret is never echoed.
    webhook()
        .env_remove("SINCH_WEBHOOK_SECRET")
        .args(["verify-callback", "--max-age", "none"])
        .write_stdin(conversation_webhook(CONVERSATION_BODY))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("SINCH_WEBHOOK_SECRET"));
    // Numbers: verified, with the replay warning; Mailgun forced on a JSON body.
    let numbers_body = r#"{"eventId":"01hpa0mww4m79q8j2dwn3ggbgz","timestamp":"2024-02-10T17:22:09.412722588","projectId":"37b62a7b-0177-abcd-efgh-e10f848de123","resourceId":"+17818510001","resourceType":"ACTIVE_NUMBER","eventType":"DEPROVISIONING_FROM_VOICE_PLATFORM","status":"SUCCEEDED","failureCode":null}"#;
    webhook()
        .env("SINCH_WEBHOOK_SECRET", "my-callback-secret")
        .args(["verify-callback"])
        .write_stdin(format!(
            "POST /numbers HTTP/1.1\r\nX-Sinch-Signature: b93021e0182c2772dbcdf4e8983ae8f409e78c3b\r\n\r\n{numbers_body}"
        ))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("numbers scheme").and(predicate::str::contains("replay")))
        .stdout(predicate::str::contains("my-callback-secret").not());
    let mailgun = r#"{"signature":{"timestamp":"1529006854","token":"a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0","signature":"b63c0701c4f4b614f272106a1b367c5c3369bcdca664ae73ebd52787e45eef07"},"event-data":{"event":"delivered"}}"#;
    webhook()
        .env(
            "SINCH_WEBHOOK_SECRET",
            "key-3ax6xnjp29jd6fds4gc373sgvjxteol0",
        )
        .args([
            "verify-callback",
            "--scheme",
            "mailgun",
            "--max-age",
            "none",
        ])
        .write_stdin(format!(
            "POST /mailgun HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{mailgun}"
        ))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("event-data"));
}

#[test]
fn verify_callback_verifies_a_voice_v2_service_webhook_with_the_service_id_and_secret() {
    let body = r#"{"event":"call.incoming","call":{"callId":"01AN4Z07BY79KA1307SR9X4MV3"}}"#;
    let request = |body: &str| {
        format!(
            "POST /voice-webhooks HTTP/1.1\r\nContent-Type: application/json; charset=utf-8\r\nx-timestamp: 2026-04-01T12:00:00.0000000Z\r\nce-type: call.incoming\r\nce-specversion: 1.0\r\nAuthorization: service svc-1:EWFtVTrykdhMTdyYSbn40GBJpf5UBeggO9T99sdwLyY=\r\n\r\n{body}"
        )
    };
    let verify = |text: String| {
        support::sinch_ticket()
            .env("HOME", crate::support::NO_HOME)
            .env("XDG_CONFIG_HOME", crate::support::NO_HOME)
            .env("SINCH_APPLICATION_SECRET", "F5wrP9SKYU6w8sbZXkp7GA==")
            .args(["verify-callback", "--key", "svc-1", "--max-age", "none"])
            .write_stdin(text)
            .timeout(Duration::from_secs(60))
            .assert()
    };
    verify(request(body))
        .code(0)
        .stdout(predicate::str::contains("signed with the service scheme"))
        .stdout(predicate::str::contains("call.incoming"));
    verify(request(&body.replace("01AN", "01AM")))
        .code(1)
        .stdout(predicate::str::contains("NOT VERIFIED"));
}

#[test]
fn verify_callback_json_has_the_same_keys_for_every_scheme() {
    let keys = |out: &[u8]| -> Vec<String> {
        let json: serde_json::Value = serde_json::from_slice(out).unwrap();
        let mut keys: Vec<String> = json.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    let application = sinch_ticket()
        .args([
            "verify-callback",
            "--max-age",
            "none",
            "--json",
            "--key",
            KEY,
        ])
        .write_stdin(doc_request(&format!("Application {KEY}:{DOC_SIGNATURE}")))
        .output()
        .unwrap();
    let webhook = sinch_ticket()
        .env("SINCH_WEBHOOK_SECRET", "foo_secret1234")
        .args(["verify-callback", "--max-age", "none", "--json"])
        .write_stdin(conversation_webhook(CONVERSATION_BODY))
        .output()
        .unwrap();
    assert_eq!(application.status.code(), Some(0), "{application:?}");
    assert_eq!(webhook.status.code(), Some(0), "{webhook:?}");
    assert_eq!(keys(&application.stdout), keys(&webhook.stdout));
    let webhook: serde_json::Value = serde_json::from_slice(&webhook.stdout).unwrap();
    assert_eq!(webhook["scheme"], "conversation");
    assert!(webhook["string_to_sign"].is_null(), "{webhook}");
}

#[test]
fn a_copied_curl_of_a_received_request_is_read_by_a_shell_as_the_words_it_was_made_of() {
    // A request received with a quote in its method, and a body meant to run as commands
    // once the copy is pasted into a terminal.
    let command = sinch_ticket::history::replay::curl(
        "X'",
        "http://h/p",
        &[("X-Odd".to_owned(), "a'b \"c\" $(d) `e`".to_owned())],
        b";touch /tmp/pwned #",
    );
    let words = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "for w in {}; do printf '%s\\n' \"$w\"; done",
            command.strip_prefix("curl ").unwrap()
        ))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&words.stdout),
        "--path-as-is\n-X\nX'\nhttp://h/p\n-H\nX-Odd: a'b \"c\" $(d) `e`\n--data-binary\n;touch /tmp/pwned #\n",
        "{command}"
    );
}
