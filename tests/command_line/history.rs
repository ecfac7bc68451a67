//! The callback history: kept by a running `listen` in a real SQLite file, across restarts,
//! a kill -9 and two listeners at once; listed, shown, exported as HAR (read back by a
//! second implementation, Python's json), cleared; and replayed re-signed or as it was.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use crate::support;

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{Value, json};
use support::listener::{KEY, Listener, SECRET};
use support::server::{Answering, answering_server};

/// sinch-ticket with the test key and `data` as its data folder; no keyring, no config.
fn sinch_ticket(data: &Path) -> Command {
    let mut cmd = support::sinch_ticket();
    cmd.env("SINCH_APPLICATION_SECRET", SECRET)
        .env("XDG_DATA_HOME", data);
    cmd
}

fn listener_in(data: &Path) -> Listener {
    Listener::start_with(&["--json"], |cmd| {
        cmd.env("XDG_DATA_HOME", data);
    })
}

fn history_json(data: &Path, args: &[&str]) -> Value {
    let out = sinch_ticket(data)
        .arg("history")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn trigger(data: &Path, event: &str, url: &str, extra: &[&str]) {
    sinch_ticket(data)
        .args(["trigger", event, "--key", KEY, "--to", url])
        .args(extra)
        .assert()
        .code(0);
}

#[test]
fn the_history_survives_a_restart_and_lists_filters_and_shows_what_listen_answered() {
    let data = tempfile::tempdir().unwrap();
    let listener = listener_in(data.path());
    trigger(data.path(), "ice", &listener.url("/cb"), &[]);
    trigger(
        data.path(),
        "dice",
        &listener.url("/cb"),
        &["--signature", "bad"],
    );
    listener.next();
    listener.next();
    let (code, _) = listener.interrupt();
    assert_eq!(code, 0);

    // A new listener, the same history.
    let listener = listener_in(data.path());
    trigger(data.path(), "pie", &listener.url("/cb?x=1"), &[]);
    listener.next();
    listener.interrupt();

    let all = history_json(data.path(), &[]);
    let events: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["pie", "dice", "ice"], "newest first");
    let unverified = history_json(data.path(), &["--unverified"]);
    assert_eq!(unverified.as_array().unwrap().len(), 1);
    assert_eq!(unverified[0]["event"], "dice");
    assert_eq!(
        history_json(data.path(), &["--event", "ice"])[0]["verified"],
        true
    );
    let id = all[2]["id"].as_i64().unwrap().to_string();
    let shown = history_json(data.path(), &["show", &id]);
    // The body as received, byte for byte (as text: it is UTF-8).
    let body: Value = serde_json::from_str(shown["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["event"], "ice");
    assert_eq!(shown["body_size"], shown["body"].as_str().unwrap().len());
    assert_eq!(shown["record"]["status"], 200);
    sinch_ticket(data.path())
        .args(["history", "show", "last"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("pie").and(predicate::str::contains("\"menuResult\"")));

    use std::os::unix::fs::PermissionsExt as _;
    let file = data.path().join("sinch-ticket/history.sqlite3");
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );

    // Cleared, and the body's text is gone from the file.
    sinch_ticket(data.path())
        .args(["history", "clear"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Deleted 3 request(s)"));
    assert!(
        history_json(data.path(), &[])
            .as_array()
            .unwrap()
            .is_empty()
    );
    let raw = std::fs::read(&file).unwrap();
    assert!(
        !raw.windows(9).any(|w| w == b"menuResul"),
        "the cleared bodies left the file"
    );
}

#[test]
fn a_listener_killed_hard_loses_nothing_it_answered_and_two_listeners_share_one_history() {
    let data = tempfile::tempdir().unwrap();
    let mut first = listener_in(data.path());
    let second = listener_in(data.path());
    for i in 0..10 {
        let to = if i % 2 == 0 {
            first.url("/a")
        } else {
            second.url("/b")
        };
        trigger(data.path(), "dice", &to, &[]);
    }
    for _ in 0..5 {
        first.next();
        second.next();
    }
    // Each record is kept before it is printed: what was printed survives a kill -9.
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    second.interrupt();
    let all = history_json(data.path(), &["--limit", "100"]);
    assert_eq!(all.as_array().unwrap().len(), 10, "{all}");
    let paths: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.iter().filter(|p| **p == "/a").count(), 5);
}

#[test]
fn the_har_export_is_read_back_by_pythons_json_with_har_1_2s_required_fields() {
    let data = tempfile::tempdir().unwrap();
    let listener = listener_in(data.path());
    trigger(data.path(), "ace", &listener.url("/sinch?app=1"), &[]);
    listener.next();
    listener.interrupt();
    let har = data.path().join("out.har");
    sinch_ticket(data.path())
        .args(["history", "export", "--har"])
        .arg(&har)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Wrote 1 request(s)"));
    use std::os::unix::fs::PermissionsExt as _;
    assert_eq!(
        std::fs::metadata(&har).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let check = r#"
import json, sys
log = json.load(open(sys.argv[1]))["log"]
assert log["version"] == "1.2" and log["creator"]["name"] == "sinch-ticket"
for entry in log["entries"]:
    for key in ("startedDateTime", "time", "request", "response", "cache", "timings"):
        assert key in entry, key
    request, response = entry["request"], entry["response"]
    for key in ("method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize", "bodySize"):
        assert key in request, key
    for key in ("status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL", "headersSize", "bodySize"):
        assert key in response, key
    assert request["url"].endswith("/sinch?app=1"), request["url"]
    assert request["queryString"] == [{"name": "app", "value": "1"}]
    assert json.loads(request["postData"]["text"])["event"] == "ace"
    assert response["status"] == 200
print(len(log["entries"]))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", check])
        .arg(&har)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1");

    // An export never writes through a link (it once overwrote the .bashrc a link pointed
    // at), and a file there that others could read is replaced by one only you can.
    let victim = data.path().join("bashrc");
    std::fs::write(&victim, "export PATH=$PATH\n").unwrap();
    let link = data.path().join("link.har");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let open = data.path().join("open.har");
    std::fs::write(&open, "old").unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o644)).unwrap();
    for target in [&link, &open] {
        sinch_ticket(data.path())
            .args(["history", "export", "--har"])
            .arg(target)
            .assert()
            .code(0);
        let meta = std::fs::symlink_metadata(target).unwrap();
        assert!(
            meta.is_file(),
            "{}: a file now, not a link",
            target.display()
        );
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert!(std::fs::read_to_string(target).unwrap().contains("\"log\""));
    }
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "export PATH=$PATH\n",
        "the link's target is untouched"
    );
}

#[test]
fn a_replay_is_signed_afresh_unless_sent_as_is_and_is_kept_linked_to_its_original() {
    let data = tempfile::tempdir().unwrap();
    let listener = listener_in(data.path());
    // A stale callback: the listener refuses it, and keeps it.
    trigger(
        data.path(),
        "dice",
        &listener.url("/cb"),
        &["--timestamp-age", "20m"],
    );
    assert_eq!(listener.next()["verified"], false);
    listener.interrupt();
    let original = history_json(data.path(), &[])[0]["id"].as_i64().unwrap();

    // It never verified: signing it with the developer's secret is refused unless asked.
    sinch_ticket(data.path())
        .args([
            "replay",
            "last",
            "--key",
            KEY,
            "--to",
            "http://127.0.0.1:9/cb",
        ])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("never verified")
                .and(predicate::str::contains("--resign-unverified")),
        );
    assert_eq!(
        history_json(data.path(), &[]).as_array().unwrap().len(),
        1,
        "nothing sent, nothing kept"
    );

    // Re-signed when asked: a careful server takes it, with the body as recorded (custom
    // edited).
    let (port, server) = answering_server(SECRET, KEY, Some(900), Answering::careful(200, ""));
    sinch_ticket(data.path())
        .args([
            "replay",
            "last",
            "--key",
            KEY,
            "--set",
            "custom=again",
            "--resign-unverified",
        ])
        .arg("--to")
        .arg(format!("http://127.0.0.1:{port}/cb"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("signed afresh"));
    let received = server.join().unwrap();
    assert!(received.verified, "{}", received.raw);
    assert!(
        received.raw.contains(r#""custom":"again""#),
        "{}",
        received.raw
    );

    // As it was: its old signature and timestamp, which a careful server refuses.
    let (port, server) = answering_server(SECRET, KEY, Some(900), Answering::careful(200, ""));
    sinch_ticket(data.path())
        .args(["replay", &original.to_string(), "--as-is"])
        .arg("--to")
        .arg(format!("http://127.0.0.1:{port}/cb"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("rejected the forged callback"));
    assert!(!server.join().unwrap().verified);

    let all = history_json(data.path(), &[]);
    assert_eq!(all[0]["replay_of"], original);
    assert_eq!(all[1]["replay_of"], original);
    assert_eq!(all[0]["peer"], "replay");
    // The re-signed one is listed as such, never as verified.
    assert_eq!(
        (&all[1]["resigned"], &all[1]["verified"]),
        (&json!(true), &json!(false))
    );
    sinch_ticket(data.path())
        .arg("history")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("re-signed (application)"));
    sinch_ticket(data.path())
        .args([
            "replay",
            "999",
            "--to",
            "http://127.0.0.1:9/x",
            "--key",
            KEY,
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("there is no record 999"));
}

#[test]
fn no_history_keeps_nothing_and_a_damaged_file_is_moved_aside_and_said() {
    let data = tempfile::tempdir().unwrap();
    let listener = Listener::start_with(&["--json", "--no-history"], |cmd| {
        cmd.env("XDG_DATA_HOME", data.path());
    });
    trigger(data.path(), "ice", &listener.url("/cb"), &[]);
    listener.next();
    listener.interrupt();
    assert!(!data.path().join("sinch-ticket/history.sqlite3").exists());

    std::fs::create_dir_all(data.path().join("sinch-ticket")).unwrap();
    std::fs::write(
        data.path().join("sinch-ticket/history.sqlite3"),
        b"garbage, but someone's",
    )
    .unwrap();
    let listener = listener_in(data.path());
    let warning: Vec<String> = std::iter::from_fn(|| listener.stderr.try_recv().ok()).collect();
    trigger(data.path(), "ice", &listener.url("/cb"), &[]);
    listener.next();
    let (_, said) = listener.interrupt();
    let said = format!("{}{said}", warning.join("\n"));
    let aside: Vec<_> = std::fs::read_dir(data.path().join("sinch-ticket"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".damaged-"))
        .collect();
    assert_eq!(aside.len(), 1, "{said}");
    assert_eq!(
        std::fs::read(aside[0].path()).unwrap(),
        b"garbage, but someone's"
    );
    assert_eq!(history_json(data.path(), &[]).as_array().unwrap().len(), 1);
}

#[test]
fn a_scenario_step_replays_a_history_record_signed_afresh() {
    let data = tempfile::tempdir().unwrap();
    let listener = listener_in(data.path());
    trigger(
        data.path(),
        "dice",
        &listener.url("/cb"),
        &["--set", "custom=kept"],
    );
    listener.next();
    listener.interrupt();
    let id = history_json(data.path(), &[])[0]["id"].as_i64().unwrap();
    let file = data.path().join("scenario.toml");
    std::fs::write(
        &file,
        format!("[[step]]\nname = \"the kept one\"\nreplay = {id}\nexpect = \"accepted\"\n"),
    )
    .unwrap();
    let (port, server) = answering_server(SECRET, KEY, Some(900), Answering::careful(200, ""));
    sinch_ticket(data.path())
        .args(["scenario", "run"])
        .arg(&file)
        .args(["--key", KEY, "--to", &format!("http://127.0.0.1:{port}/cb")])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "ok   the kept one: dice answered 200",
        ));
    let received = server.join().unwrap();
    assert!(received.verified, "{}", received.raw);
    assert!(
        received.raw.contains(r#""custom":"kept""#),
        "{}",
        received.raw
    );
}
