//! `trigger` and `listen` as a developer uses them: the built binary against real HTTP
//! servers on 127.0.0.1 that verify (or carelessly do not verify) signatures and answer what
//! each test needs, and a real listener fed real requests.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use crate::support;

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use support::listener::{Listener, raw_exchange};
use support::server::{Answering, answering_server};

const SECRET: &str = "oYdgGRXoxEuJhGDY2KQ/HQ==";
const KEY: &str = "196087a1-e815-4bc4-8984-60d8d8a43f1d";
const GOOD_ICE_ANSWER: &str = r#"{"instructions":[{"name":"say","text":"Hello","locale":"en-US"}],"action":{"name":"connectPstn","number":"+46700000001","cli":"+46700000000"}}"#;

fn sinch_ticket() -> Command {
    let mut cmd = support::sinch_ticket();
    cmd.env("SINCH_APPLICATION_SECRET", SECRET);
    cmd
}

/// `trigger EVENT` at a server answering as `answering` says, with `extra` arguments.
fn trigger_at(
    event: &str,
    answering: Answering,
    extra: &[&str],
) -> (assert_cmd::assert::Assert, support::server::Received) {
    let (port, server) = answering_server(SECRET, KEY, Some(900), answering);
    let url = format!("http://127.0.0.1:{port}/sinch/callback?app=1");
    let assert = sinch_ticket()
        .args(["trigger", event, "--to", &url, "--key", KEY])
        .args(extra)
        .assert();
    (assert, server.join().unwrap())
}

fn body_of(raw: &str) -> Value {
    let (_, body) = raw.split_once("\r\n\r\n").unwrap();
    serde_json::from_str(body).unwrap()
}

#[test]
fn an_ice_with_good_svaml_passes_and_the_server_verified_a_realistic_body() {
    let (assert, received) = trigger_at("ice", Answering::careful(200, GOOD_ICE_ANSWER), &[]);
    assert
        .code(0)
        .stdout(predicate::str::contains("HTTP 200"))
        .stdout(predicate::str::contains("Sinch can use this answer"));
    assert!(received.verified, "{}", received.raw);
    assert!(
        received
            .raw
            .starts_with("POST /sinch/callback?app=1 HTTP/1.1")
    );
    assert!(
        received
            .raw
            .to_ascii_lowercase()
            .contains("content-type: application/json; charset=utf-8")
    );
    let body = body_of(&received.raw);
    assert_eq!(body["event"], "ice");
    assert_eq!(body["applicationKey"], KEY);
    assert_eq!(body["to"]["type"], "number");
    assert!(body["callid"].as_str().unwrap().len() >= 32);
}

#[test]
fn set_changes_fields_and_data_file_replaces_the_body_byte_for_byte() {
    let (assert, received) = trigger_at(
        "ice",
        Answering::careful(200, GOOD_ICE_ANSWER),
        &[
            "--set",
            "to.endpoint=+46700000099",
            "--set",
            "custom=order-17",
        ],
    );
    assert.code(0);
    let body = body_of(&received.raw);
    assert_eq!(body["to"]["endpoint"], "+46700000099");
    assert_eq!(body["custom"], "order-17");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ace.json");
    let exact = "{ \"event\" : \"ace\",\n  \"callid\": \"mine\" }";
    std::fs::write(&file, exact).unwrap();
    let (assert, received) = trigger_at(
        "ace",
        Answering::careful(200, r#"{"action":{"name":"continue"}}"#),
        &["--data-file", file.to_str().unwrap()],
    );
    assert.code(0);
    assert!(received.verified);
    assert!(received.raw.ends_with(exact), "{}", received.raw);
}

#[test]
fn each_kind_of_bad_answer_fails_with_its_own_sentence() {
    for (event, status, answer, says) in [
        ("ice", 200, "{not json", "not valid JSON"),
        (
            "ice",
            200,
            r#"{"action":{"name":"dance"}}"#,
            "\"dance\" is not a SVAML action",
        ),
        (
            "ice",
            200,
            r#"{"action":{"name":"connectConf"}}"#,
            "connectConf needs a \"conferenceId\"",
        ),
        (
            "pie",
            200,
            r#"{"action":{"name":"park"}}"#,
            "cannot answer a PIE",
        ),
        ("ice", 500, "oops", "HTTP 500"),
        ("dice", 404, "", "HTTP 404"),
        (
            "verification-request",
            200,
            r#"{"action":"perhaps"}"#,
            "\"allow\" or \"deny\"",
        ),
    ] {
        let (assert, received) = trigger_at(event, Answering::careful(status, answer), &[]);
        assert
            .code(1)
            .stdout(predicate::str::contains("Sinch could not use this answer"))
            .stdout(predicate::str::contains(says));
        assert!(received.verified, "{event}");
    }
}

#[test]
fn events_that_take_any_answer_pass_with_any_2xx() {
    for event in ["dice", "notify", "verification-result"] {
        let (assert, _) = trigger_at(event, Answering::careful(204, ""), &[]);
        assert.code(0);
    }
    let (assert, _) = trigger_at(
        "verification-request",
        Answering::careful(200, r#"{"action":"allow"}"#),
        &[],
    );
    assert.code(0);
}

#[test]
fn a_server_that_does_not_answer_in_time_is_a_network_failure() {
    let (hold_tx, hold_rx) = mpsc::channel::<()>();
    let (port, server) = answering_server(
        SECRET,
        KEY,
        Some(900),
        Answering {
            hold: Some(hold_rx),
            ..Answering::careful(200, GOOD_ICE_ANSWER)
        },
    );
    sinch_ticket()
        .args(["trigger", "ice", "--key", KEY, "--timeout", "1s", "--to"])
        .arg(format!("http://127.0.0.1:{port}/slow"))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("did not answer in time"));
    drop(hold_tx);
    server.join().unwrap();
}

#[test]
fn each_forgery_passes_against_a_careful_server_and_fails_against_a_careless_one() {
    for forgery in [
        &["--signature", "bad"][..],
        &["--signature", "none"][..],
        &["--timestamp-age", "20m"][..],
    ] {
        let (assert, received) =
            trigger_at("ice", Answering::careful(200, GOOD_ICE_ANSWER), forgery);
        assert
            .code(0)
            .stdout(predicate::str::contains("rejected the forged callback"));
        assert!(!received.verified, "{forgery:?}");

        let (assert, _) = trigger_at("ice", Answering::careless(200, GOOD_ICE_ANSWER), forgery);
        assert.code(1).stdout(predicate::str::contains(
            "your server accepted a forged callback",
        ));
    }
    let (assert, received) =
        trigger_at("ice", Answering::careful(200, ""), &["--signature", "none"]);
    assert.code(0);
    assert!(!received.raw.to_ascii_lowercase().contains("authorization:"));
    let (assert, _) = trigger_at("ice", Answering::careless(500, ""), &["--signature", "bad"]);
    assert
        .code(1)
        .stdout(predicate::str::contains("refuse it with a 4xx"));
}

#[test]
fn trigger_refuses_plain_http_off_this_machine_bad_sets_and_unknown_events() {
    sinch_ticket()
        .args([
            "trigger",
            "ice",
            "--key",
            KEY,
            "--to",
            "http://example.com/cb",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("https"));
    sinch_ticket()
        .args([
            "trigger",
            "ice",
            "--key",
            KEY,
            "--to",
            "http://127.0.0.1:9/cb",
        ])
        .args(["--set", "version=two"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a number"));
    sinch_ticket()
        .args([
            "trigger",
            "sms",
            "--key",
            KEY,
            "--to",
            "http://127.0.0.1:9/cb",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("verification-request"));
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    sinch_ticket()
        .args(["trigger", "ice", "--key", KEY, "--to"])
        .arg(format!("http://127.0.0.1:{port}/cb"))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("refused"));
}

#[test]
fn trigger_json_reports_what_was_sent_and_the_verdict() {
    let (assert, _) = trigger_at(
        "ice",
        Answering::careful(200, r#"{"action":{"name":"dance"}}"#),
        &["--json"],
    );
    let out = assert.code(1).get_output().stdout.clone();
    let report: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["event"], "ice");
    assert_eq!(report["status"], 200);
    assert_eq!(report["passed"], false);
    assert_eq!(report["sent"]["applicationKey"], KEY);
    assert!(report["problems"][0].as_str().unwrap().contains("dance"));
}

/// A running `sinch-ticket listen`: its address, its stdout lines, and the process.
#[test]
fn listen_verifies_signed_requests_refuses_tampered_ones_and_stops_on_ctrl_c() {
    let listener = Listener::start(&["--json"]);
    sinch_ticket()
        .args(["trigger", "ice", "--key", KEY, "--to", &listener.url("/cb")])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("hangup"));
    let good = listener.next();
    assert_eq!(good["verified"], true, "{good}");
    assert_eq!(good["method"], "POST");
    assert_eq!(good["path"], "/cb");
    assert_eq!(good["event"], "ice");
    assert_eq!(good["reason"], Value::Null);
    assert_eq!(good["status"], 200);
    assert!(good["time"].as_str().unwrap().ends_with('Z'));

    // A correctly signed request whose body is changed on the way.
    let signed = sinch_ticket()
        .args(["sign", "POST", &listener.url("/cb"), "--key", KEY])
        .args([
            "--data",
            r#"{"event":"dice"}"#,
            "--content-type",
            "application/json",
            "--json",
        ])
        .output()
        .unwrap();
    let signed: Value = serde_json::from_slice(&signed.stdout).unwrap();
    let tampered = format!(
        "POST /cb HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nx-timestamp: {}\r\nAuthorization: {}\r\nContent-Length: 17\r\n\r\n{{\"event\":\"dice\"}} ",
        signed["x_timestamp"].as_str().unwrap(),
        signed["authorization"].as_str().unwrap()
    );
    let answer = raw_exchange(listener.port, tampered.as_bytes());
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    let bad = listener.next();
    assert_eq!(bad["verified"], false);
    assert_eq!(bad["event"], "dice");
    assert!(
        bad["reason"].as_str().unwrap().contains("does not match"),
        "{bad}"
    );

    let (code, said) = listener.interrupt();
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("Stopped after 2 request(s)."), "{said}");
}

#[test]
fn listen_forwards_to_the_app_unchanged_and_relays_and_checks_its_answer() {
    let (app_port, app) = answering_server(
        SECRET,
        KEY,
        Some(900),
        Answering::careful(200, r#"{"action":{"name":"dance"}}"#),
    );
    let data = tempfile::tempdir().unwrap();
    let listener = Listener::start_with(
        &[
            "--json",
            "--forward-to",
            &format!("http://127.0.0.1:{app_port}"),
        ],
        |command| {
            command.env("XDG_DATA_HOME", data.path());
        },
    );
    sinch_ticket()
        .args(["trigger", "ice", "--key", KEY, "--set", "custom=relay-1"])
        .args(["--to", &listener.url("/sinch/ice?x=1")])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"dance\" is not a SVAML action"));
    let at_app = app.join().unwrap();
    assert!(
        at_app.verified,
        "the app verifies what was forwarded: {}",
        at_app.raw
    );
    assert!(at_app.raw.starts_with("POST /sinch/ice?x=1 HTTP/1.1"));
    assert_eq!(body_of(&at_app.raw)["custom"], "relay-1");
    let seen = listener.next();
    assert_eq!(seen["verified"], true);
    assert_eq!(seen["forwarded"]["status"], 200);
    // What the app answered is kept whole (the history shows it later).
    assert_eq!(seen["forwarded"]["body"], r#"{"action":{"name":"dance"}}"#);
    assert_eq!(seen["forwarded"]["content_type"], "application/json");
    assert_eq!(seen["forwarded"]["body_size"], Value::Null, "not cut");
    assert!(
        seen["forwarded"]["problems"][0]
            .as_str()
            .unwrap()
            .contains("dance")
    );
    listener.interrupt();
    // history show says what the app answered, its body too.
    let shown = sinch_ticket()
        .env("XDG_DATA_HOME", data.path())
        .args(["history", "show", "last"])
        .output()
        .unwrap();
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&shown.stdout),
        String::from_utf8_lossy(&shown.stderr)
    );
    assert!(
        shown.contains(&format!(
            "your app at http://127.0.0.1:{app_port}/sinch/ice?x=1 answered 200"
        )),
        "{shown}"
    );
    assert!(shown.contains("Sinch could not use it: "), "{shown}");
    assert!(
        shown.contains("| {\"action\":{\"name\":\"dance\"}}"),
        "{shown}"
    );
}

#[test]
fn listen_answers_413_to_big_bodies_and_408_to_slow_clients() {
    let listener = Listener::start(&["--json", "--read-timeout", "1s"]);
    let big =
        "POST /cb HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n{";
    let answer = raw_exchange(listener.port, big.as_bytes());
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    let seen = listener.next();
    assert_eq!(seen["status"], 413);
    assert_eq!(seen["refused"], true);

    // Half a request, then silence: the listener gives up on its own.
    let answer = raw_exchange(
        listener.port,
        b"POST /cb HTTP/1.1\r\nContent-Length: 10\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        listener.next()["reason"]
            .as_str()
            .unwrap()
            .contains("too slowly")
    );
    listener.interrupt();
}

#[test]
fn listen_names_a_port_in_use_and_human_output_shows_the_verdict_and_body() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    sinch_ticket()
        .args(["listen", "--key", KEY, "--port", &port])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(format!(
            "port {port} is already in use"
        )))
        .stderr(predicate::str::contains("--port"));
    drop(taken);
    sinch_ticket()
        .args([
            "listen",
            "--key",
            KEY,
            "--forward-to",
            "http://example.com/app",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--forward-to http://example.com/app",
        ))
        .stderr(predicate::str::contains("https://"));

    let listener = Listener::start(&[]);
    sinch_ticket()
        .args([
            "trigger",
            "pie",
            "--key",
            KEY,
            "--to",
            &listener.url("/pie"),
        ])
        .assert()
        .code(0);
    let first = listener
        .lines
        .recv_timeout(Duration::from_secs(30))
        .unwrap();
    assert!(
        first.contains("POST /pie pie verified (application)"),
        "{first}"
    );
    let rest: Vec<String> = (0..3)
        .map(|_| {
            listener
                .lines
                .recv_timeout(Duration::from_secs(30))
                .unwrap()
        })
        .collect();
    assert!(rest[0].contains("answered 200"), "{rest:?}");
    assert!(
        rest.iter().any(|l| l.contains("\"event\": \"pie\"")),
        "{rest:?}"
    );
    listener.interrupt();
}

#[test]
fn listen_lets_a_client_that_expects_100_continue_send_its_body_at_once() {
    let listener = Listener::start(&["--json"]);
    let body = format!(r#"{{"event":"notify","custom":"{}"}}"#, "x".repeat(2000));
    let mut stream = TcpStream::connect(("127.0.0.1", listener.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "POST /cb HTTP/1.1\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    // The listener says go on before the body is sent (curl would otherwise wait a second).
    let mut interim = [0u8; 25];
    stream.read_exact(&mut interim).unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    stream.write_all(body.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "unsigned: {answer}");
    let seen = listener.next();
    assert_eq!(seen["event"], "notify");
    assert_eq!(seen["body"]["custom"].as_str().unwrap().len(), 2000);
    listener.interrupt();
}

#[test]
fn a_stale_forgery_a_careful_server_may_accept_is_a_usage_error() {
    sinch_ticket()
        .args(["trigger", "ice", "--key", KEY, "--timestamp-age", "5m"])
        .args(["--to", "http://127.0.0.1:9/cb"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at least 16m"));
    // A stale one is stale throughout: the body's timestamp is the x-timestamp.
    let (assert, received) = trigger_at(
        "ace",
        Answering::careful(200, ""),
        &["--timestamp-age", "20m"],
    );
    assert.code(0);
    let stamp = received
        .raw
        .lines()
        .find_map(|l| l.strip_prefix("x-timestamp: "))
        .unwrap()
        .to_owned();
    assert_eq!(body_of(&received.raw)["timestamp"], stamp.as_str());
}

const WEBHOOK_SECRET: &str = "sëcret ünicode";

/// A listener that verifies webhooks with [`WEBHOOK_SECRET`] too.
fn webhook_listener(extra: &[&str]) -> Listener {
    Listener::start_with(extra, |cmd| {
        cmd.env("SINCH_WEBHOOK_SECRET", WEBHOOK_SECRET);
    })
}

fn webhook_trigger(event: &str, url: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    sinch_ticket()
        .env("SINCH_WEBHOOK_SECRET", WEBHOOK_SECRET)
        .args(["trigger", event, "--to", url])
        .args(extra)
        .assert()
}

#[test]
fn listen_verifies_every_scheme_side_by_side_and_names_scheme_and_event() {
    let listener = webhook_listener(&["--json"]);
    let url = listener.url("/hooks");
    let events = [
        ("ice", "application"),
        ("conversation-message-inbound", "conversation"),
        ("conversation-message-delivery", "conversation"),
        ("conversation-event-inbound", "conversation"),
        ("conversation-contact-create", "conversation"),
        ("sms-delivery-report", "conversation"),
        ("sms-inbound", "conversation"),
        ("numbers-provisioning", "numbers"),
        ("mailgun-delivered", "mailgun"),
        ("mailgun-failed", "mailgun"),
    ];
    for (event, scheme) in events {
        let extra: &[&str] = if event == "ice" { &["--key", KEY] } else { &[] };
        webhook_trigger(event, &url, extra)
            .code(0)
            .stdout(predicate::str::contains("Sinch can use this answer"));
        let record = listener.next();
        assert_eq!(record["verified"], true, "{event}: {record}");
        assert_eq!(record["scheme"], scheme, "{event}: {record}");
        assert_eq!(record["event"], event, "{record}");
    }
    // Each forgery is refused, and trigger says the server did right.
    for (event, forgery) in [
        ("conversation-message-inbound", &["--signature", "bad"][..]),
        ("sms-inbound", &["--signature", "none"][..]),
        ("numbers-provisioning", &["--signature", "bad"][..]),
        ("mailgun-delivered", &["--signature", "none"][..]),
        ("mailgun-failed", &["--timestamp-age", "20m"][..]),
        ("conversation-event-inbound", &["--timestamp-age", "1h"][..]),
    ] {
        webhook_trigger(event, &url, forgery)
            .code(0)
            .stdout(predicate::str::contains("rejected the forged callback"));
        let record = listener.next();
        assert_eq!(record["verified"], false, "{event} {forgery:?}: {record}");
        assert_eq!(record["status"], 401);
    }
    // The same nonce (or Mailgun token) twice: the listener takes it once.
    for event in ["conversation-message-inbound", "mailgun-delivered"] {
        webhook_trigger(event, &url, &["--replay"])
            .code(0)
            .stdout(predicate::str::contains("refused it sent again"));
        // Two records, in whichever order their connection threads printed them (on a
        // loaded machine the refusal can come first): one verified, one refused as a replay.
        let pair = [listener.next(), listener.next()];
        assert_eq!(
            pair.iter().filter(|r| r["verified"] == true).count(),
            1,
            "{pair:?}"
        );
        let again = pair.iter().find(|r| r["verified"] == false).unwrap();
        assert!(
            again["reason"].as_str().unwrap().contains("a replay"),
            "{again}"
        );
    }
    let (code, said) = listener.interrupt();
    assert_eq!(code, 0, "{said}");
}

#[test]
fn webhook_triggers_refuse_what_their_product_cannot_carry_and_need_their_secret() {
    let url = "http://127.0.0.1:9/hooks";
    for (event, args, says) in [
        (
            "numbers-provisioning",
            &["--timestamp-age", "20m"][..],
            "no signed timestamp",
        ),
        ("numbers-provisioning", &["--replay"][..], "no signed nonce"),
        ("ice", &["--replay", "--key", KEY][..], "no signed nonce"),
    ] {
        webhook_trigger(event, url, args)
            .code(2)
            .stderr(predicate::str::contains(says));
    }
    sinch_ticket()
        .args(["trigger", "sms-inbound", "--to", url])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Conversation/SMS webhook secret"))
        .stderr(predicate::str::contains("SINCH_WEBHOOK_SECRET"));
    // The help lists the events with their products.
    sinch_ticket()
        .args(["trigger", "--help"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("mailgun-failed"))
        .stdout(predicate::str::contains("Inbound Message (SMS)"));
}

#[test]
fn an_answer_is_judged_by_the_rules_of_the_webhooks_product() {
    // Mailgun: a 204 is retried, so it fails; SMS: a 503 is retried on a schedule.
    for (event, status, says) in [
        (
            "mailgun-delivered",
            204,
            "retries anything else for up to 8 hours",
        ),
        ("mailgun-failed", 406, "never sends this webhook again"),
        ("sms-delivery-report", 503, "5 s, 10 s, 20 s"),
    ] {
        let (port, server) = answering_server(SECRET, KEY, None, Answering::careless(status, ""));
        let url = format!("http://127.0.0.1:{port}/hooks");
        webhook_trigger(event, &url, &[])
            .code(1)
            .stdout(predicate::str::contains(says));
        server.join().unwrap();
    }
}

#[test]
fn listen_with_only_a_webhook_secret_verifies_webhooks_and_names_the_missing_application() {
    use std::io::BufRead as _;
    let mut child = support::program()
        .args(["listen", "--port", "0", "--json"])
        .env("SINCH_WEBHOOK_SECRET", WEBHOOK_SECRET)
        .env_remove("SINCH_APPLICATION_SECRET")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("HOME", crate::support::NO_HOME)
        .env("XDG_CONFIG_HOME", crate::support::NO_HOME)
        .env("XDG_DATA_HOME", crate::support::NO_HOME)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let said = stderr.next().unwrap().unwrap();
    assert!(
        said.contains("signed with the conversation, numbers, mailgun webhook secret(s)"),
        "{said}"
    );
    let port: u16 = said
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|port| port.parse().ok())
        .unwrap();
    let url = format!("http://127.0.0.1:{port}/hooks");
    webhook_trigger("numbers-provisioning", &url, &[]).code(0);
    sinch_ticket()
        .args(["trigger", "ice", "--key", KEY, "--to", &url])
        .assert()
        .code(1);
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let numbers: Value = serde_json::from_str(&stdout.next().unwrap().unwrap()).unwrap();
    assert_eq!(numbers["verified"], true, "{numbers}");
    assert_eq!(numbers["scheme"], "numbers");
    let ice: Value = serde_json::from_str(&stdout.next().unwrap().unwrap()).unwrap();
    assert_eq!(ice["verified"], false);
    assert!(
        ice["reason"]
            .as_str()
            .unwrap()
            .contains("no application secret"),
        "{ice}"
    );
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
}
