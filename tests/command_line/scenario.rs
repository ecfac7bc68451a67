//! `scenario run`: steps sent in order to a real `listen` (a careful server: it verifies,
//! and refuses a replayed webhook nonce) and to scripted servers; expectations, failures
//! named, a JUnit report read back by Python, a bad file that sends nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use crate::support;

use std::io::Write as _;
use std::net::TcpListener;
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;
use support::listener::{KEY, Listener, SECRET};

fn sinch_ticket() -> Command {
    let mut cmd = support::sinch_ticket();
    cmd.env("SINCH_APPLICATION_SECRET", SECRET)
        .env("SINCH_WEBHOOK_SECRET", "whsec")
        .timeout(Duration::from_secs(120));
    cmd
}

fn scenario(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scenario.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

const STEPS: &str = r#"
[[step]]
name = "an incoming call is answered"
trigger = "ice"
set = { "to.endpoint" = "+46700000000", custom = "order-17" }
expect = "accepted"

[[step]]
trigger = "ice"
signature = "bad"
expect = "refused"

[[step]]
trigger = "dice"
timestamp_age = "20m"
expect = "refused"

[[step]]
replay = "last"
repeat = 2
delay = "50ms"
expect = "refused"

[[step]]
name = "a webhook, then the same nonce again"
trigger = "sms-inbound"
expect = "accepted"

[[step]]
replay = "last"
expect = "refused"

[[step]]
name = "out of order"
order = "reverse"
steps = [{ trigger = "dice", name = "dice" }, { trigger = "ace", name = "ace" }]
"#;

#[test]
fn a_scenario_runs_its_steps_in_order_against_a_careful_server_and_reports_junit() {
    let listener = Listener::start_with(&["--json"], |cmd| {
        cmd.env("SINCH_WEBHOOK_SECRET", "whsec");
    });
    let (dir, path) = scenario(STEPS);
    let junit = dir.path().join("report.xml");
    sinch_ticket()
        .args(["scenario", "run"])
        .arg(&path)
        .args(["--key", KEY, "--to", &listener.url("/sinch"), "--junit"])
        .arg(&junit)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "ok   an incoming call is answered: ice answered 200: accepted",
        ))
        .stdout(predicate::str::contains(
            "ok   step 4: dice answered 401, then 401: refused",
        ))
        .stdout(predicate::str::contains("8 step(s), 0 failed"));
    // The listener saw them in the order the file says, the group reversed.
    let events: Vec<String> = (0..9)
        .map(|_| {
            listener.next()["event"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(
        events,
        [
            "ice",
            "ice",
            "dice",
            "dice",
            "dice",
            "sms-inbound",
            "sms-inbound",
            "ace",
            "dice"
        ]
    );
    let check = r#"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
suites = root.findall("testsuite")
assert len(suites) == 1, suites
suite = suites[0]
cases = suite.findall("testcase")
print(suite.get("tests"), suite.get("failures"), len(cases), cases[0].get("name"))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", check])
        .arg(&junit)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "8 0 8 an incoming call is answered"
    );
    listener.interrupt();
}

#[test]
fn a_failed_expectation_is_named_and_a_bad_file_sends_nothing() {
    let listener = Listener::start(&["--json"]);
    let (dir, path) =
        scenario("[[step]]\ntrigger = \"dice\"\nsignature = \"none\"\nexpect = \"accepted\"\n");
    let junit = dir.path().join("report.xml");
    sinch_ticket()
        .args(["scenario", "run"])
        .arg(&path)
        .args(["--key", KEY, "--to", &listener.url("/cb"), "--junit"])
        .arg(&junit)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "FAIL step 1: dice answered 401: expected it accepted",
        ));
    assert!(
        std::fs::read_to_string(&junit)
            .unwrap()
            .contains("<failure message=\"dice answered 401")
    );
    listener.next();

    // A link planted where the report goes is replaced by the report, not followed.
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let link = dir.path().join("link.xml");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    sinch_ticket()
        .args(["scenario", "run"])
        .arg(&path)
        .args(["--key", KEY, "--to", &listener.url("/cb"), "--junit"])
        .arg(&link)
        .assert()
        .code(1);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(std::fs::symlink_metadata(&link).unwrap().is_file());
    assert!(
        std::fs::read_to_string(&link)
            .unwrap()
            .contains("<testsuites")
    );
    listener.next();

    for (text, says) in [
        ("[[step]]\ntrigger = \"dance\"\n", "is not an event"),
        (
            "[[step]]\ntrigger = \"ice\"\nexpect = \"maybe\"\n",
            "expect = \"maybe\"",
        ),
        ("[[step]]\ntrigger = \"ice\"\nwhat = 1\n", "unknown field"),
        (
            "[[step]]\ntrigger = \"ice\"\n[[step]]\nreplay = \"last\"\nsignature = \"bad\"\ntimestamp_age = \"20m\"\n",
            "two forgeries",
        ),
        ("to = 3\n", "is not a scenario"),
    ] {
        let (_dir, path) = scenario(text);
        sinch_ticket()
            .args(["scenario", "run"])
            .arg(&path)
            .args(["--key", KEY, "--to", &listener.url("/cb")])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }

    // Each of these files starts with a good step, which must not be sent either: the whole
    // file, the profile's secrets and the history are checked first.
    let data = tempfile::tempdir().unwrap();
    let no_folder = data.path().join("no-such-folder/report.xml");
    let no_folder = no_folder.to_str().unwrap();
    let folder = data.path().to_str().unwrap();
    let first = "[[step]]\ntrigger = \"ice\"\n[[step]]\n";
    for (rest, says, extra) in [
        (
            "trigger = \"numbers-provisioning\"\ntimestamp_age = \"20m\"\n",
            "carry no signed timestamp",
            &[][..],
        ),
        (
            "trigger = \"dice\"\ntimestamp_age = \"10m\"\n",
            "still within",
            &[],
        ),
        (
            "trigger = \"ice\"\nset = { \"to.endpoint.x\" = \"1\" }\n",
            "set to.endpoint.x",
            &[],
        ),
        ("replay = 424242\n", "there is no record 424242", &[]),
        (
            "trigger = \"ice\"\ndelay = \"2h\"\n",
            "longer than an hour",
            &[],
        ),
        ("trigger = \"ice\"\nrepeat = 1000000\n", "at most 100", &[]),
        (
            "name = \"g\"\ntrigger = \"ice\"\nsteps = [{ trigger = \"ace\" }]\n",
            "takes only name, order and steps",
            &[],
        ),
        (
            "trigger = \"ice\"\n",
            "--time-scale",
            &["--time-scale", "1e300"],
        ),
        (
            "trigger = \"ice\"\n",
            "there is no folder",
            &["--junit", no_folder],
        ),
        ("trigger = \"ice\"\n", "is a folder", &["--junit", folder]),
        (
            "trigger = \"ice\"\nset = { \"a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a\" = 1 }\n",
            "deeper than any Sinch body",
            &[],
        ),
    ] {
        let (_dir, path) = scenario(&format!("{first}{rest}"));
        sinch_ticket()
            .env("XDG_DATA_HOME", data.path())
            .args(["scenario", "run"])
            .arg(&path)
            .args(["--key", KEY, "--to", &listener.url("/cb")])
            .args(extra)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
    // Looking `replay = 424242` up made no history file where there was none.
    assert!(
        !data.path().join("sinch-ticket/history.sqlite3").exists(),
        "checking a scenario makes no history"
    );
    // A webhook step with no webhook secret anywhere.
    let (_dir, path) = scenario(&format!("{first}trigger = \"sms-inbound\"\n"));
    sinch_ticket()
        .env_remove("SINCH_WEBHOOK_SECRET")
        .args(["scenario", "run"])
        .arg(&path)
        .args(["--key", KEY, "--to", &listener.url("/cb")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no Conversation/SMS webhook secret",
        ));
    // A device or a named pipe is no scenario: refused at once, never read (a pipe with no
    // writer would wait for ever, /dev/zero until memory runs out).
    let pipes = tempfile::tempdir().unwrap();
    let fifo = pipes.path().join("scenario.toml");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for not_a_file in [std::path::Path::new("/dev/zero"), fifo.as_path()] {
        sinch_ticket()
            .args(["scenario", "run"])
            .arg(not_a_file)
            .args(["--to", &listener.url("/cb")])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("is not a regular file"));
    }
    // A file read with a bound.
    let big = pipes.path().join("big.toml");
    std::fs::write(&big, vec![b'#'; 1100 * 1024]).unwrap();
    sinch_ticket()
        .args(["scenario", "run"])
        .arg(&big)
        .args(["--to", &listener.url("/cb")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("larger than 1024 KiB"));
    let (code, said) = listener.interrupt();
    assert_eq!(code, 0);
    assert!(
        said.contains("Stopped after 2 request(s)"),
        "nothing else was sent (the step, and again with the report behind a link): {said}"
    );
}

#[test]
fn retry_sinch_sends_again_on_a_5xx_with_the_backoff_shortened() {
    // A server that answers 503, then 503, then 200.
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        for status in [503, 503, 200] {
            let (mut stream, _) = server.accept().unwrap();
            support::server::read_one(&mut stream);
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    let (_dir, path) = scenario(
        "[[step]]\ntrigger = \"sms-delivery-report\"\nretry = \"sinch\"\nexpect = \"accepted\"\n",
    );
    sinch_ticket()
        .args(["scenario", "run"])
        .arg(&path)
        .args([
            "--to",
            &format!("http://127.0.0.1:{port}/hooks"),
            "--time-scale",
            "0.01",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "sms-delivery-report answered 503, then 503, then 200: accepted",
        ));
    handle.join().unwrap();
}
