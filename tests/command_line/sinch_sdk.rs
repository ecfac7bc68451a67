//! Sinch's own JavaScript SDK v1 (npm `sinch-rtc` 1.4.12, the last v1) started with the
//! tickets this program makes, against a local stand-in for the Sinch API
//! (`tests/sdk/sinch_rtc_harness.js`). The stand-in checks what Sinch's server checks of a
//! user ticket (its MAC over the exact bytes, its key, identity and expiry); the SDK says
//! who it thinks the user is. Needs node and npm: run by `scripts/test.sh`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use crate::support::npm;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

const SECRET: &str = "oYdgGRXoxEuJhGDY2KQ/HQ==";
const OTHER_SECRET: &str = "ax8hTTQJF0OPXL32r1LHMA==";
const KEY: &str = "196087a1-e815-4bc4-8984-60d8d8a43f1d";
const SDK_VERSION: &str = "1.4.12";

fn sdk_dir() -> PathBuf {
    npm::installed("sinch-rtc", SDK_VERSION)
}

/// The program's own output for these arguments, with the secret in the environment.
fn sinch_ticket(args: &[&str], secret: &str) -> String {
    let out = crate::support::program()
        .args(args)
        .env("SINCH_APPLICATION_SECRET", secret)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim_end().to_owned()
}

fn ticket(user: &str, extra: &[&str]) -> String {
    let mut args = vec!["ticket", "--user", user, "--key", KEY];
    args.extend_from_slice(extra);
    sinch_ticket(&args, SECRET)
}

/// Runs the SDK on every case and returns its reports, by case name.
fn run_sdk(cases: serde_json::Value) -> std::collections::BTreeMap<String, serde_json::Value> {
    let input = serde_json::json!({ "key": KEY, "secret": SECRET, "cases": cases });
    let harness = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/sdk/sinch_rtc_harness.js");
    let mut child = Command::new("node")
        .arg(harness)
        .env("SINCH_RTC_DIR", sdk_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs (scripts/setup.sh test installs it)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let report: serde_json::Value = serde_json::from_str(line).unwrap();
            (report["name"].as_str().unwrap().to_owned(), report)
        })
        .collect()
}

fn got_past_the_instance(report: &serde_json::Value) -> bool {
    report["progress"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m.as_str().unwrap().contains("Get MXP configuration"))
}

#[test]
#[ignore = "needs node and npm (npm install sinch-rtc): run scripts/test.sh"]
fn sinchs_js_sdk_v1_starts_with_our_tickets_and_knows_the_user_by_the_right_name() {
    let users = [
        ("plain", "alice"),
        ("quotes, backslash and space", r#"a "quoted" \ name"#),
        ("non-ASCII", "Åsa"),
        ("beyond the BMP", "😀 山田"),
    ];
    let mut cases: Vec<serde_json::Value> = users
        .iter()
        .map(|(name, user)| serde_json::json!({ "name": name, "ticket": ticket(user, &[]) }))
        .collect();
    // Signed with another application's secret: Sinch refuses it.
    let forged = sinch_ticket(&["ticket", "--user", "alice", "--key", KEY], OTHER_SECRET);
    cases.push(serde_json::json!({ "name": "tampered", "ticket": forged }));
    // The gem's raw UTF-8, to show why the default escapes.
    cases
        .push(serde_json::json!({ "name": "raw UTF-8", "ticket": ticket("Åsa", &["--raw-utf8"]) }));
    // The program's own --snippet, run as the page would run it.
    cases.push(serde_json::json!({ "name": "snippet", "snippet": ticket("Åsa", &["--snippet"]) }));

    let reports = run_sdk(serde_json::Value::Array(cases));

    for (name, user) in users {
        let report = &reports[name];
        assert_eq!(report["standIn"]["ok"], true, "{name}: {report}");
        assert_eq!(
            report["standIn"]["identity"], user,
            "{name}: the server's user"
        );
        assert_eq!(report["userId"], user, "{name}: the SDK's own user id");
        assert!(got_past_the_instance(report), "{name}: {report}");
    }

    let snippet = &reports["snippet"];
    assert_eq!(snippet["userId"], "Åsa", "{snippet}");
    assert_eq!(snippet["standIn"]["ok"], true, "{snippet}");
    assert!(got_past_the_instance(snippet), "{snippet}");

    let tampered = &reports["tampered"];
    assert_eq!(tampered["standIn"]["ok"], false, "{tampered}");
    assert_eq!(tampered["standIn"]["reason"], "MAC mismatch", "{tampered}");
    assert!(
        tampered["outcome"].as_str().unwrap().starts_with("failed"),
        "{tampered}"
    );
    assert!(!got_past_the_instance(tampered), "{tampered}");

    // The gem's bytes verify at the server, but the SDK misreads the name: the reason the
    // default writes escapes.
    let raw = &reports["raw UTF-8"];
    assert_eq!(raw["standIn"]["identity"], "Åsa", "{raw}");
    assert_eq!(raw["userId"], "\u{c3}\u{85}sa", "{raw}");
}
