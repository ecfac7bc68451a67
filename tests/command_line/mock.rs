//! `sinch-ticket mock`, a local stand-in for Sinch's APIs: called by Sinch's own SDKs (Node
//! and Python) as they call Sinch, its refusals read by them as Sinch's, its callbacks
//! judged by Sinch's own validators; and by hand, with raw HTTP, for what an SDK never sends.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::mock::{self, Mock};
use crate::support::sdks;

/// Runs the Node harness (`tests/sdk/mock_node.js`) against a mock started with `extra`
/// arguments (its callbacks sent to the harness's receiver), for `steps`: each step's line,
/// the callbacks the receiver judged, and the mock.
fn node_steps(steps: &[&str], extra: &[&str]) -> (Vec<Value>, Value, Mock) {
    let mut harness = Command::new("node")
        .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sdk/mock_node.js"))
        .env("SINCH_SDKS_DIR", sdks::node())
        .env("MOCK_KEY", mock::KEY)
        .env("MOCK_PROJECT", mock::PROJECT)
        .env("MOCK_KEY_ID", mock::KEY_ID)
        .env("MOCK_PLAN", mock::PLAN)
        .envs(mock::SECRETS)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs (scripts/setup.sh test installs it)");
    let mut lines = BufReader::new(harness.stdout.take().unwrap()).lines();
    let first: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    let receiver = format!("http://127.0.0.1:{}/app", first["receiver"]);
    let mut args = vec!["--callback-url", receiver.as_str(), "--time-scale", "0.01"];
    args.extend_from_slice(extra);
    let mock = Mock::start(&args);
    let mut stdin = harness.stdin.take().unwrap();
    writeln!(stdin, "{}", json!({"mock": mock.url(), "steps": steps})).unwrap();
    let mut results = Vec::new();
    let mut judged = Value::Null;
    let mut said = Vec::new();
    for line in lines {
        let line = line.unwrap();
        // The SDKs log to standard output too: the harness's own lines are its JSON objects.
        let Ok(line) = serde_json::from_str::<Value>(&line).map_err(|_| said.push(line)) else {
            continue;
        };
        if line.get("callbacks").is_some() {
            judged = line;
            break;
        }
        results.push(line);
    }
    assert!(
        harness.wait().unwrap().success(),
        "the harness failed; it said: {said:?}"
    );
    if !said.is_empty() {
        eprintln!("the SDKs said: {said:?}");
    }
    (results, judged, mock)
}

fn step<'a>(results: &'a [Value], name: &str) -> &'a Value {
    let found = results
        .iter()
        .find(|r| r["step"] == name)
        .unwrap_or_else(|| panic!("no step {name} in {results:?}"));
    assert_eq!(found["ok"], true, "{name}: {found}");
    found
}

#[test]
#[ignore = "needs node and Sinch's Node SDKs (scripts/setup.sh test installs them): run scripts/test.sh"]
fn sinchs_node_sdks_call_the_mock_as_sinch_and_validate_every_callback_it_sends() {
    let (results, judged, mock) = node_steps(&[], &[]);
    let sms = step(&results, "sms");
    assert_eq!(sms["createdIsDate"], true, "dates parsed as dates: {sms}");
    assert_eq!(sms["sameBatch"], true);
    assert_eq!(sms["listed"], true);
    assert_eq!(
        sms["reportStatuses"],
        json!(["Delivered", "Dispatched", "Failed"])
    );
    assert_eq!(sms["recipientStatus"], "Failed", "numbers ending 0001 fail");
    assert_eq!(sms["recipientAtIsDate"], true);
    assert_eq!(sms["cancelled"], true);
    assert_eq!(step(&results, "sms-service-plan")["same"], true);
    let refused = step(&results, "sms-wrong-key-secret");
    assert_eq!(refused["refused"], true, "{refused}");
    let conversation = step(&results, "conversation");
    assert_eq!(conversation["same"], true, "{conversation}");
    assert_eq!(conversation["acceptedIsDate"], true);
    assert_eq!(conversation["text"], "Hello from the SDK");
    assert_eq!(conversation["listed"], true);
    let numbers = step(&results, "numbers");
    assert_eq!(
        (
            numbers["rented"].clone(),
            numbers["active"].clone(),
            numbers["listed"].clone()
        ),
        (json!(true), json!(true), json!(true)),
        "{numbers}"
    );
    let voice = step(&results, "voice");
    assert_eq!(voice["same"], true, "{voice}");
    assert_eq!(voice["participants"], json!([true]));
    assert_eq!(voice["endedStatus"], "FINAL");
    assert_eq!(voice["endedReason"], "MANAGERHANGUP");
    let wrong = step(&results, "voice-wrong-secret");
    assert_eq!(wrong["refused"], true, "{wrong}");
    assert_eq!(wrong["status"], 401, "{wrong}");
    let verification = step(&results, "verification");
    assert_eq!(verification["reported"], "SUCCESSFUL", "{verification}");
    assert_eq!(verification["status"], "SUCCESSFUL");
    // Every callback the SDKs' own validators accept, and all that the calls promised came.
    let callbacks = judged["callbacks"].as_array().unwrap();
    let mut kinds: Vec<&str> = callbacks
        .iter()
        .map(|c| c["kind"].as_str().unwrap_or("?"))
        .collect();
    let mut expected: Vec<&str> = judged["expected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    kinds.sort_unstable();
    expected.sort_unstable();
    assert_eq!(kinds, expected, "{judged}");
    assert!(
        callbacks.iter().all(|c| c["valid"] == true),
        "a callback Sinch's validators refused: {judged}"
    );
    // The ACE was answered with a hangup: the DiCE after it says so.
    let dice = mock.next_where(|l| {
        l["type"] == "callback" && l["event"] == "dice" && l["body"]["reason"] == "MANAGERHANGUP"
    });
    assert_eq!(dice["delivered"], true);
    // The refusals were explained here, never to the SDK.
    let wrong_call = mock.next_where(|l| {
        l["type"] == "call" && l["verified"] == false && l["operation"] == "voice.callout"
    });
    assert_eq!(wrong_call["status"], 401);
    assert_eq!(wrong_call["answer"]["errorCode"], 40102);
    assert!(
        wrong_call["string_to_sign"]
            .as_str()
            .unwrap()
            .starts_with("POST\n")
    );
    let (code, said) = mock.finish();
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("kept in the history"), "{said}");
}

#[test]
#[ignore = "needs node and Sinch's Node SDKs (scripts/setup.sh test installs them): run scripts/test.sh"]
fn the_node_sdk_renews_a_token_of_the_mock_by_itself() {
    let (results, _, mock) = node_steps(&["sms-token-renewed"], &["--token-lifetime", "61s"]);
    let renewed = step(&results, "sms-token-renewed");
    assert_eq!(renewed["second"], true);
    let tokens = |mock: &Mock| mock.next_where(|l| l["operation"] == "oauth2.token");
    assert_eq!(tokens(&mock)["status"], 200);
    assert_eq!(tokens(&mock)["status"], 200, "a second token was fetched");
}

/// A raw request to the mock: its status, headers (lowercase names) and body.
fn call(
    mock: &Mock,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Vec<(String, String)>, Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let mut request = ureq::http::Request::builder()
        .method(method)
        .uri(format!("{}{path}", mock.url()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = agent
        .run(request.body(body.as_bytes().to_vec()).unwrap())
        .unwrap();
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                v.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let text = response.into_body().read_to_string().unwrap();
    (
        status,
        headers,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn basic(user: &str, password: &str) -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

#[test]
fn refusals_tell_the_caller_only_the_kind_and_the_mock_says_why() {
    let mock = Mock::start(&["--callback-url", "http://127.0.0.1:9/never"]);
    assert!(mock.banner.contains("project e2df3a34"), "{}", mock.banner);
    // A wrong Key Secret: invalid_client, nothing about the profile.
    let (status, headers, body) = call(
        &mock,
        "POST",
        "/oauth2/token",
        &[
            ("Authorization", &basic(mock::KEY_ID, "nope")),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        "grant_type=client_credentials",
    );
    assert_eq!(status, 401);
    assert_eq!(body["error"], "invalid_client");
    assert!(headers.iter().any(|(n, _)| n == "www-authenticate"));
    assert!(!body.to_string().contains(mock::KEY_ID));
    let said = mock.next_where(|l| l["operation"] == "oauth2.token");
    assert!(
        said["reason"]
            .as_str()
            .unwrap()
            .contains("Key Secret is not its own"),
        "{said}"
    );
    // The right one, in the form body this time.
    let form = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        mock::KEY_ID,
        "k3y-s3cr3t.Z_4%7Eq"
    );
    let (status, _, token) = call(
        &mock,
        "POST",
        "/oauth2/token",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &form,
    );
    assert_eq!(status, 200, "{token}");
    // The Key Secret sent in the form is never printed (nor kept).
    let said = mock.next_where(|l| l["operation"] == "oauth2.token" && l["status"] == 200);
    assert!(!said.to_string().contains("k3y-s3cr3t"), "{said}");
    assert!(
        said["body"]
            .as_str()
            .unwrap()
            .contains("client_secret=%3Chidden%3E"),
        "{said}"
    );
    assert_eq!(token["token_type"], "bearer");
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    // A token for this project does not open another.
    let (status, _, _) = call(
        &mock,
        "GET",
        "/v1/projects/another-project/messages",
        &[("Authorization", &bearer)],
        "",
    );
    assert_eq!(status, 403);
    // Voice without an Authorization: 40100; the reason is local.
    let (status, _, body) = call(
        &mock,
        "POST",
        "/calling/v1/callouts",
        &[("Content-Type", "application/json")],
        "{}",
    );
    assert_eq!((status, body["errorCode"].clone()), (401, json!(40100)));
    // A path nobody serves: 404 naming what is served.
    let (status, _, body) = call(&mock, "GET", "/xms/v2/nothing", &[], "");
    assert_eq!(status, 404);
    assert!(
        body["served"].to_string().contains("/oauth2/token"),
        "{body}"
    );
    // A malformed body: 400 naming the field, in SMS's shape.
    let (status, _, body) = call(
        &mock,
        "POST",
        &format!("/xms/v1/{}/batches", mock::PROJECT),
        &[
            ("Authorization", &bearer),
            ("Content-Type", "application/json"),
        ],
        r#"{"to":["+46700000000"]}"#,
    );
    assert_eq!(status, 400);
    assert!(
        body["text"].as_str().unwrap().contains("\"body\""),
        "{body}"
    );
    let (code, said) = mock.finish();
    assert_eq!(code, 0, "{said}");
}

#[test]
fn calls_and_callbacks_are_kept_in_the_history_marked_as_the_mocks() {
    let port = statuses_in_turn(vec![500, 200]);
    let url = format!("http://127.0.0.1:{port}/sms");
    let mock = Mock::start(&["--callback-url", &url, "--time-scale", "0.001"]);
    let plan_bearer = format!("Bearer {}", mock::PLAN_TOKEN);
    let body = json!({"to": ["+46700000000"], "body": "hi", "delivery_report": "per_recipient"})
        .to_string();
    let (status, _, batch) = call(
        &mock,
        "POST",
        &format!("/xms/v1/{}/batches", mock::PLAN),
        &[
            ("Authorization", &plan_bearer),
            ("Content-Type", "application/json"),
        ],
        &body,
    );
    assert_eq!(status, 201, "{batch}");
    // Answered 500 first: sent again, as SMS retries, and then delivered.
    let delivered = mock.next_where(|l| l["type"] == "callback");
    assert_eq!(delivered["delivered"], true, "{delivered}");
    assert_eq!(
        delivered["tries"].as_array().unwrap().len(),
        2,
        "{delivered}"
    );
    assert_eq!(delivered["signed_with"], "conversation");
    let (code, said, home) = mock.finish_keeping_home();
    assert_eq!(code, 0, "{said}");
    let mut history = home.command();
    let out = history.args(["history", "--json"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        listed
            .iter()
            .any(|e| e["event"] == "mock:sms.send" && e["status"] == 201),
        "{listed:?}"
    );
    assert!(
        listed
            .iter()
            .any(|e| e["peer"] == "mock" && e["event"] == "sms-delivery-report"),
        "{listed:?}"
    );
    // The service plan's token is never kept.
    let dump = String::from_utf8_lossy(&out.stdout);
    assert!(!dump.contains(mock::PLAN_TOKEN));
}

/// A server on 127.0.0.1 that answers one request per status, in turn, then stops.
fn statuses_in_turn(statuses: Vec<u16>) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for status in statuses {
            let (mut stream, _) = listener.accept().unwrap();
            crate::support::server::read_one(&mut stream);
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    port
}

/// Runs the Python harness (`tests/sdk/mock_python.py`) against `mock` for `steps`.
fn python_steps(mock: &Mock, steps: &[&str]) -> Vec<Value> {
    let out = Command::new(sdks::python())
        .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sdk/mock_python.py"))
        .args(steps)
        .env("MOCK_URL", mock.url())
        .env("MOCK_PROJECT", mock::PROJECT)
        .env("MOCK_KEY_ID", mock::KEY_ID)
        .env("MOCK_PLAN", mock::PLAN)
        .envs(mock::SECRETS)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[test]
#[ignore = "needs Sinch's Python SDK (scripts/setup.sh test installs it): run scripts/test.sh"]
fn sinchs_python_sdk_calls_the_mock_as_sinch_and_renews_an_expired_token() {
    let mock = Mock::start(&["--token-lifetime", "1s"]);
    let results = python_steps(
        &mock,
        &[
            "sms",
            "sms-service-plan",
            "sms-wrong-key-secret",
            "conversation",
            "numbers",
            "sms-token-expired",
        ],
    );
    let sms = step(&results, "sms");
    assert_eq!(
        sms["type"], "TextResponse",
        "Python picks the type from `type`: {sms}"
    );
    assert_eq!(sms["createdIsDatetime"], true);
    assert_eq!(
        (
            sms["same"].clone(),
            sms["listed"].clone(),
            sms["cancelled"].clone()
        ),
        (json!(true), json!(true), json!(true))
    );
    assert_eq!(step(&results, "sms-service-plan")["same"], true);
    let refused = step(&results, "sms-wrong-key-secret");
    assert_eq!(refused["refused"], true, "{refused}");
    assert_eq!(refused["type"], "AuthenticationException", "{refused}");
    assert_eq!(step(&results, "conversation")["same"], true);
    let numbers = step(&results, "numbers");
    assert_eq!(
        (
            numbers["rented"].clone(),
            numbers["active"].clone(),
            numbers["listed"].clone()
        ),
        (json!(true), json!(true), json!(true)),
        "{numbers}"
    );
    step(&results, "sms-token-expired");
    // The second send met an expired token: 401 saying so, a new token, the send again.
    let expired = mock.next_where(|l| l["operation"] == "sms.send" && l["status"] == 401);
    assert!(
        expired["reason"].as_str().unwrap().contains("expired"),
        "{expired}"
    );
    let renewed = mock.next_where(|l| l["operation"] == "oauth2.token");
    assert_eq!(renewed["status"], 200);
    let again = mock.next_where(|l| l["operation"] == "sms.send");
    assert_eq!(again["status"], 201);
}

#[test]
fn mock_says_what_is_wrong_before_it_starts_and_exits_2_or_3() {
    let home = mock::Home::new();
    let run = |args: &[&str]| {
        let out = home.command().arg("mock").args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, said) = run(&["--callback-url", "ftp://example.com/x"]);
    assert_eq!(code, Some(2), "{said}");
    assert!(said.contains("--callback-url"), "{said}");
    let (code, said) = run(&["--time-scale=-1"]);
    assert_eq!(code, Some(2), "{said}");
    assert!(said.contains("time scale"), "{said}");
    let (code, said) = run(&[
        "--callback-url",
        "http://127.0.0.1:1/a",
        "--callback-url",
        "http://127.0.0.1:2/b",
    ]);
    assert_eq!(code, Some(2), "{said}");
    assert!(said.contains("name the product"), "{said}");
    // A port taken: said, and the status of a failure of the system.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (code, said) = run(&["--port", &port]);
    assert_eq!(code, Some(3), "{said}");
    assert!(said.contains("already in use"), "{said}");
}

#[test]
fn what_an_unknown_caller_sends_cannot_drive_the_terminal_and_no_secret_or_token_is_printed() {
    let home = mock::Home::new();
    let mut child = home
        .command()
        .args(["mock", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let port = loop {
        let line = stderr.next().expect("mock says where it listens").unwrap();
        if let Some((_, rest)) = line.split_once("http://127.0.0.1:") {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    let post = |body: &str| {
        let mut stream = std::net::TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
        write!(
            stream,
            "POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        std::io::Read::read_to_string(&mut stream, &mut answer).unwrap();
        answer
    };
    // An unknown caller: escape sequences and a right-to-left override in its client_id.
    let answer = post(
        "grant_type=client_credentials&client_id=%1b%5b2J%1b%5b31mALERT%e2%80%ae&client_secret=x",
    );
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    // A good one: its token is answered, never printed.
    let good = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        mock::KEY_ID,
        "k3y-s3cr3t.Z_4%7Eq"
    );
    let answer = post(&good);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let token = answer
        .split("\"access_token\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(!printed.contains('\u{1b}'), "{printed:?}");
    assert!(!printed.contains('\u{202e}'), "{printed:?}");
    assert!(printed.contains("\\u001b"), "said, escaped: {printed}");
    assert!(!printed.contains(&token), "{printed}");
    assert!(!printed.contains("k3y-s3cr3t"), "{printed}");
    // Nor kept.
    let shown = home
        .command()
        .args(["history", "show", "last", "--json"])
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(
        !shown.contains(&token) && !shown.contains("k3y-s3cr3t"),
        "{shown}"
    );
}

#[test]
fn a_server_that_never_answers_holds_its_share_of_the_senders_not_all_of_them() {
    // One server takes connections and never answers them (kept open until the test ends).
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_port = silent.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in silent.incoming() {
            held.push(stream);
        }
    });
    let answering = statuses_in_turn(vec![200]);
    let voice = format!("voice=http://127.0.0.1:{answering}/voice");
    let mock = Mock::start(&["--callback-url", &voice, "--callback-timeout", "120s"]);
    // Twenty delivery reports for the silent server: more than all the senders.
    let recipients: Vec<String> = (0..20).map(|n| format!("+467000000{n:02}")).collect();
    let body = json!({"to": recipients, "body": "hi", "delivery_report": "per_recipient",
        "callback_url": format!("http://127.0.0.1:{silent_port}/sms")})
    .to_string();
    let plan = format!("Bearer {}", mock::PLAN_TOKEN);
    let (status, _, _) = call(
        &mock,
        "POST",
        &format!("/xms/v1/{}/batches", mock::PLAN),
        &[
            ("Authorization", &plan),
            ("Content-Type", "application/json"),
        ],
        &body,
    );
    assert_eq!(status, 201);
    // Then a callout, whose ACE goes to the server that answers: it is not kept waiting
    // behind the silent one's (which would hold every sender for two minutes).
    let (status, _, _) = call(
        &mock,
        "POST",
        "/calling/v1/callouts",
        &[
            ("Authorization", &basic(mock::KEY, mock::SECRET)),
            ("Content-Type", "application/json"),
        ],
        r#"{"method":"ttsCallout","ttsCallout":{"destination":{"type":"number","endpoint":"+46700000000"},"text":"x"}}"#,
    );
    assert_eq!(status, 200);
    let ace = mock.next_where(|l| l["type"] == "callback" && l["event"] == "ace");
    assert_eq!(ace["status"], 200, "{ace}");
}
