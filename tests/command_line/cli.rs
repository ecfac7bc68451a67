//! The command line as a script uses it: the built binary, its output and its exit status.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use assert_cmd::Command;
use predicates::prelude::*;

const SECRET: &str = "oYdgGRXoxEuJhGDY2KQ/HQ==";
/// The secret's bytes as lower-case hex: it must not leak in that form either.
const SECRET_HEX: &str = "a187601915e8c44b898460d8d8a43f1d";
const KEY: &str = "196087a1-e815-4bc4-8984-60d8d8a43f1d";
const VECTOR: &str = "eyJpZGVudGl0eSI6eyJ0eXBlIjoidXNlcm5hbWUiLCJlbmRwb2ludCI6ImFsaWNlIn0sImV4cGlyZXNJbiI6MzYwMCwiYXBwbGljYXRpb25LZXkiOiIxOTYwODdhMS1lODE1LTRiYzQtODk4NC02MGQ4ZDhhNDNmMWQiLCJjcmVhdGVkIjoiMjAyNi0wMS0wMlQwMzowNDowNVoifQ==:aOs0i+KiTP6mVdWD+kQYXgkYLtwm0qcGU6fIi5XqY9I=";
const JWT_SECRET: &str = "ax8hTTQJF0OPXL32r1LHMA==";
const JWT_KEY: &str = "a32e5a8d-f7d8-411c-9645-9038e8dd051d";
const JWT: &str = "eyJhbGciOiJIUzI1NiIsImtpZCI6ImhrZGZ2MS0yMDE4MDEwMiJ9.eyJpc3MiOiIvL3J0Yy5zaW5jaC5jb20vYXBwbGljYXRpb25zL2EzMmU1YThkLWY3ZDgtNDExYy05NjQ1LTkwMzhlOGRkMDUxZCIsInN1YiI6Ii8vcnRjLnNpbmNoLmNvbS9hcHBsaWNhdGlvbnMvYTMyZTVhOGQtZjdkOC00MTFjLTk2NDUtOTAzOGU4ZGQwNTFkL3VzZXJzL2ZvbyIsImlhdCI6MTUxNDg2MjI0NSwiZXhwIjoxNTE0ODYyODQ1LCJub25jZSI6IjZiNDM4YmRhLTJkNWMtNGU4Yy05MmIwLTM5ZjIwYTk0YjM0ZSJ9.EUltTTD4fxhkwCgLgj6qSQXKawpwQ952Ywm3OwQSARo";

thread_local! {
    /// Each test's own HOME: libtest runs every test on a thread of its own, so the folder
    /// lives as long as the test and no two tests (or two users) share one.
    static HOME: tempfile::TempDir = tempfile::tempdir().unwrap();
}

/// The calling test's throwaway HOME.
fn home() -> std::path::PathBuf {
    HOME.with(|home| home.path().to_owned())
}

/// The binary with a clean environment: no secret unless the test gives one, a throwaway
/// HOME so nothing it might write lands in the real one, and no session bus, so that no
/// keyring of the person running the tests can be reached.
fn sinch_ticket() -> Command {
    let mut cmd = Command::from_std(plain_sinch_ticket());
    cmd.timeout(std::time::Duration::from_secs(60));
    cmd
}

/// [`sinch_ticket`] as a std Command, for tests that choose where its output goes.
fn plain_sinch_ticket() -> std::process::Command {
    with_test_environment(crate::support::program())
}

/// [`plain_sinch_ticket`] held to 2 GiB of address space and 30 s, for input without end:
/// a regression then fails the test instead of exhausting the machine.
fn bounded_sinch_ticket() -> std::process::Command {
    let mut cmd = std::process::Command::new("prlimit");
    cmd.args(["--as=2147483648", "--", "timeout", "30"])
        .arg(assert_cmd::cargo::cargo_bin("sinch-ticket"));
    with_test_environment(cmd)
}

fn with_test_environment(mut cmd: std::process::Command) -> std::process::Command {
    let home = home();
    cmd.env_remove("SINCH_APPLICATION_SECRET")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_RUNTIME_DIR", home.join("run"));
    cmd
}

/// Runs `cmd` with `stdin` written to it and standard error captured; its standard output
/// goes wherever `cmd` says.
fn run_with_stdin(mut cmd: std::process::Command, stdin: &str) -> std::process::Output {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command that does not read its input may exit first: that is not the test's failure.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn with_secret(secret: &str) -> Command {
    let mut cmd = sinch_ticket();
    cmd.env("SINCH_APPLICATION_SECRET", secret);
    cmd
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn ticket_prints_the_known_answer_vector() {
    for expiry in ["3600", "1h", "60m"] {
        with_secret(SECRET)
            .args(["ticket", "--user", "alice", "--expires-in", expiry])
            .args(["--created", "2026-01-02T03:04:05Z", "--key", KEY])
            .assert()
            .success()
            .stdout(format!("{VECTOR}\n"))
            .stderr("");
    }
}

#[test]
fn ticket_reads_the_secret_from_stdin() {
    sinch_ticket()
        .args([
            "ticket",
            "--user",
            "alice",
            "--created",
            "2026-01-02T03:04:05Z",
        ])
        .args(["--key", KEY, "--secret-stdin"])
        .write_stdin(format!("{SECRET}\n"))
        .assert()
        .success()
        .stdout(format!("{VECTOR}\n"));
}

#[test]
fn ticket_defaults_to_one_hour_from_now() {
    let ticket = stdout_of(with_secret(SECRET).args(["ticket", "--user", "bob", "--key", KEY]));
    let report =
        stdout_of(with_secret(SECRET).args(["inspect", ticket.trim(), "--key", KEY, "--json"]));
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report["accepted"], true);
    let issued =
        chrono::DateTime::parse_from_rfc3339(report["issued_at"].as_str().unwrap()).unwrap();
    let expires =
        chrono::DateTime::parse_from_rfc3339(report["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!((expires - issued).num_seconds(), 3600);
    assert!((chrono::Utc::now().timestamp() - issued.timestamp()).abs() < 60);
}

#[test]
fn ticket_snippet_starts_the_v1_client_with_the_ticket() {
    let snippet = stdout_of(
        with_secret(SECRET)
            .args([
                "ticket",
                "--user",
                "alice",
                "--created",
                "2026-01-02T03:04:05Z",
            ])
            .args(["--key", KEY, "--snippet", "--no-calling"]),
    );
    assert!(snippet.contains(&format!(
        "sinchClient.start({{\"userTicket\": \"{VECTOR}\"}});"
    )));
    assert!(snippet.contains(&format!("applicationKey: \"{KEY}\"")));
    assert!(snippet.contains("capabilities: {messaging: true, calling: false}"));
}

#[test]
fn users_from_writes_one_ticket_per_line_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.txt");
    std::fs::write(&file, "alice\r\nbob\nÅsa 山田\n").unwrap();
    let out = stdout_of(
        with_secret(SECRET)
            .args(["ticket", "--users-from", file.to_str().unwrap()])
            .args(["--created", "2026-01-02T03:04:05Z", "--key", KEY]),
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0], VECTOR);
    for (line, user) in lines.iter().zip(["alice", "bob", "Åsa 山田"]) {
        let one = stdout_of(with_secret(SECRET).args([
            "ticket",
            "--user",
            user,
            "--created",
            "2026-01-02T03:04:05Z",
            "--key",
            KEY,
        ]));
        assert_eq!(*line, one.trim_end());
    }
}

/// 40,000 usernames of every shape (ASCII, e-mail-like, non-ASCII, some with white space
/// that is warned about), and their tickets as the core makes them one by one.
fn many_users() -> (String, String) {
    use sinch_ticket::sinch::{AppSecret, NonAscii, TicketSigner};
    let users: Vec<String> = (0..40_000)
        .map(|i| match i % 4 {
            0 => format!("user-{i:06}"),
            1 => format!("user.{i}@example.com"),
            2 => format!("Åsa-山田-{i}"),
            // Around the 16,384-line chunks the batch signs together, and at the end.
            _ if [3, 16_383, 16_387, 39_999].contains(&i) => format!("spaced user {i}"),
            _ => format!("+4670{i:07}"),
        })
        .collect();
    let secret = AppSecret::from_base64(SECRET).unwrap();
    let signer = TicketSigner::new(KEY, &secret).with_non_ascii(NonAscii::Escaped);
    let created = "2026-01-02T03:04:05Z".parse().unwrap();
    let mut batch = signer.batch(600, created);
    let mut expected = String::new();
    for user in &users {
        batch.push_ticket(user, &mut expected);
        expected.push('\n');
    }
    (users.join("\n") + "\n", expected)
}

#[test]
fn users_from_a_long_list_is_byte_for_byte_the_core_s_tickets_in_order_from_a_file_or_a_pipe_to_a_file_or_a_pipe()
 {
    let (users, expected) = many_users();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.txt");
    std::fs::write(&file, &users).unwrap();
    let args = |from: &str| {
        let mut cmd = with_secret(SECRET);
        cmd.args(["ticket", "--users-from", from, "--key", KEY])
            .args(["--created", "2026-01-02T03:04:05Z", "--expires-in", "10m"]);
        cmd
    };
    // From the file, into a pipe.
    let out = args(file.to_str().unwrap()).output().unwrap();
    assert!(out.status.success());
    assert!(
        out.stdout == expected.as_bytes(),
        "file to pipe: the core's tickets, in order"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    let warned: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("white space"))
        .collect();
    let numbers: Vec<usize> = warned
        .iter()
        .map(|l| {
            l.split("line ")
                .nth(1)
                .unwrap()
                .split(':')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(
        numbers,
        [4, 16_384, 16_388, 40_000],
        "each warned of, in line order: {stderr}"
    );
    // From a pipe, into a file.
    let into = dir.path().join("tickets.txt");
    let status = crate::support::program()
        .env("SINCH_APPLICATION_SECRET", SECRET)
        .args(["ticket", "--users-from", "-", "--key", KEY])
        .args(["--created", "2026-01-02T03:04:05Z", "--expires-in", "10m"])
        .stdin(std::fs::File::open(&file).unwrap())
        .stdout(std::fs::File::create(&into).unwrap())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert!(
        std::fs::read(&into).unwrap() == expected.as_bytes(),
        "pipe to file: the same bytes"
    );
}

#[test]
fn users_from_a_bad_line_deep_in_a_long_list_stops_after_the_tickets_before_it() {
    let (users, expected) = many_users();
    let mut lines: Vec<&str> = users.lines().collect();
    lines[29_999] = "";
    let out = with_secret(SECRET)
        .args(["ticket", "--users-from", "-", "--key", KEY])
        .args(["--created", "2026-01-02T03:04:05Z", "--expires-in", "10m"])
        .write_stdin(lines.join("\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let before: String = expected
        .lines()
        .take(29_999)
        .map(|t| format!("{t}\n"))
        .collect();
    assert!(
        out.stdout == before.as_bytes(),
        "exactly the 29,999 tickets before it"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("line 30000") && stderr.contains("empty"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("line 40000"),
        "nothing said of lines after it: {stderr}"
    );
}

#[test]
fn users_from_stdin_stops_at_an_empty_line_and_names_it() {
    with_secret(SECRET)
        .args(["ticket", "--users-from", "-", "--key", KEY])
        .write_stdin("alice\n\nbob\n")
        .assert()
        .code(2)
        .stdout(predicate::str::contains(":").and(predicate::str::contains("\n").count(1)))
        .stderr(predicate::str::contains("line 2").and(predicate::str::contains("empty")));
}

#[test]
fn users_from_a_missing_file_is_an_io_error() {
    with_secret(SECRET)
        .args([
            "ticket",
            "--users-from",
            "/nonexistent/users.txt",
            "--key",
            KEY,
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("/nonexistent/users.txt"));
}

#[test]
fn users_from_and_secret_stdin_cannot_share_stdin() {
    sinch_ticket()
        .args([
            "ticket",
            "--users-from",
            "-",
            "--key",
            KEY,
            "--secret-stdin",
        ])
        .write_stdin("alice\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot both read standard input"));
}

#[test]
fn jwt_prints_sinchs_published_vector() {
    with_secret(JWT_SECRET)
        .args([
            "jwt",
            "--user",
            "foo",
            "--issued-at",
            "2018-01-02T03:04:05Z",
            "--ttl",
            "10m",
        ])
        .args([
            "--nonce",
            "6b438bda-2d5c-4e8c-92b0-39f20a94b34e",
            "--key",
            JWT_KEY,
        ])
        .assert()
        .success()
        .stdout(format!("{JWT}\n"));
}

#[test]
fn jwt_defaults_verify_and_get_fresh_nonces() {
    let make =
        || stdout_of(with_secret(JWT_SECRET).args(["jwt", "--user", "foo", "--key", JWT_KEY]));
    let (a, b) = (make(), make());
    assert_ne!(
        a, b,
        "two JWTs made in the same second still differ by their nonce"
    );
    let report = stdout_of(with_secret(JWT_SECRET).args(["inspect", a.trim(), "--json"]));
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report["accepted"], true);
    assert_eq!(report["kind"], "registration_jwt");
    let issued =
        chrono::DateTime::parse_from_rfc3339(report["issued_at"].as_str().unwrap()).unwrap();
    let expires =
        chrono::DateTime::parse_from_rfc3339(report["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!(
        (expires - issued).num_seconds(),
        600,
        "the default TTL is 10 minutes"
    );
    assert!(report["expiry"].as_str().unwrap().starts_with("expires in"));
}

#[test]
fn jwt_snippet_registers_the_jwt() {
    let snippet = stdout_of(
        with_secret(JWT_SECRET)
            .args([
                "jwt",
                "--user",
                "foo",
                "--issued-at",
                "2018-01-02T03:04:05Z",
            ])
            .args([
                "--nonce",
                "6b438bda-2d5c-4e8c-92b0-39f20a94b34e",
                "--key",
                JWT_KEY,
                "--snippet",
            ]),
    );
    assert!(snippet.contains(&format!("registration.register(\"{JWT}\")")));
    assert!(snippet.contains(".userId(\"foo\")"));
}

#[test]
fn inspect_verifies_and_reports() {
    with_secret(SECRET)
        .args(["inspect", VECTOR, "--key", KEY])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("legacy user ticket")
                .and(predicate::str::contains("username alice"))
                .and(predicate::str::contains("verified with the given secret"))
                .and(predicate::str::contains("2026-01-02 04:04:05 UTC")),
        );
    with_secret(JWT_SECRET)
        .args(["inspect", "-", "--key", JWT_KEY])
        .write_stdin(format!("{JWT}\n"))
        .assert()
        .success()
        .stdout(
            predicate::str::contains("registration JWT")
                .and(predicate::str::contains("user id foo")),
        );
}

#[test]
fn inspect_without_a_secret_decodes_and_exits_2() {
    sinch_ticket()
        .args(["inspect", VECTOR])
        .assert()
        .code(2)
        .stdout(
            predicate::str::contains("username alice").and(predicate::str::contains("not checked")),
        )
        .stderr(predicate::str::contains("no secret was given"));
}

#[test]
fn inspect_rejects_a_wrong_secret_and_garbage() {
    with_secret(JWT_SECRET)
        .args(["inspect", VECTOR])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("DOES NOT VERIFY")
                .and(predicate::str::contains("Sinch will reject it")),
        );
    with_secret(SECRET)
        .args(["inspect", "hello world"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not a Sinch credential"));
    let out = with_secret(SECRET)
        .args(["inspect", "e30=:AAAA", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["error"].as_str().unwrap().contains("identity"));
}

#[test]
fn bad_inputs_get_one_clear_sentence_and_exit_2() {
    let cases: Vec<(Vec<&str>, Option<&str>, &str)> = vec![
        (
            vec!["ticket", "--user", "alice", "--key", KEY],
            Some("not base64!"),
            "not valid base64",
        ),
        (
            vec!["ticket", "--user", "alice", "--key", KEY],
            None,
            "no application secret",
        ),
        (
            vec!["ticket", "--user", "alice"],
            Some(SECRET),
            "no application key",
        ),
        (
            vec!["ticket", "--user", "", "--key", KEY],
            Some(SECRET),
            "username is empty",
        ),
        (
            vec![
                "ticket",
                "--user",
                "alice",
                "--expires-in",
                "99999999999",
                "--key",
                KEY,
            ],
            Some(SECRET),
            "ten years",
        ),
        (
            vec![
                "ticket",
                "--user",
                "alice",
                "--expires-in",
                "soon",
                "--key",
                KEY,
            ],
            Some(SECRET),
            "not a duration",
        ),
        (
            vec![
                "ticket",
                "--user",
                "alice",
                "--created",
                "yesterday",
                "--key",
                KEY,
            ],
            Some(SECRET),
            "RFC 3339",
        ),
        (vec!["ticket", "--key", KEY], Some(SECRET), "--user"),
        (
            vec!["jwt", "--user", "foo", "--ttl", "30s", "--key", KEY],
            Some(SECRET),
            "at least 60",
        ),
        (
            vec!["jwt", "--user", "foo", "--nonce", "", "--key", KEY],
            Some(SECRET),
            "nonce is empty",
        ),
    ];
    for (args, secret, expected) in cases {
        let mut cmd = match secret {
            Some(secret) => with_secret(secret),
            None => sinch_ticket(),
        };
        cmd.args(&args).assert().code(2).stdout("").stderr(
            predicate::str::contains(expected).and(predicate::str::contains("panicked").not()),
        );
    }
}

#[test]
fn the_secret_is_never_an_argument_and_never_echoed() {
    // However a value follows a --secret… flag, clap's error never quotes it back.
    for args in [
        vec![
            "ticket",
            "--user",
            "alice",
            "--key",
            KEY,
            "--secret-stdin=HUNTER2SECRET",
        ],
        vec![
            "ticket",
            "--user",
            "alice",
            "--key",
            KEY,
            "--secret-stdin",
            "HUNTER2SECRET",
        ],
        vec!["jwt", "--secret-stdin=HUNTER2SECRET"],
        vec!["inspect", "--secret", "HUNTER2SECRET", "--bogus"],
        // The secret pasted where its reference belongs.
        vec![
            "profile",
            "add",
            "p",
            "--key",
            KEY,
            "--secret-from",
            "HUNTER2SECRET",
        ],
        vec![
            "profile",
            "add",
            "p",
            "--project-id",
            "P",
            "--key-id",
            "K",
            "--key-secret-from=HUNTER2SECRET",
        ],
        vec![
            "profile",
            "add",
            "p",
            "--service-plan-id",
            "S",
            "--service-plan-token-from",
            "HUNTER2SECRET",
        ],
        vec![
            "profile",
            "webhook-secret",
            "add",
            "p",
            "numbers",
            "--from",
            "HUNTER2SECRET",
        ],
    ] {
        let out = sinch_ticket().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let all = String::from_utf8_lossy(&[out.stdout, out.stderr].concat()).into_owned();
        assert!(!all.contains("HUNTER2SECRET"), "{args:?}: {all}");
        assert!(all.contains("error"), "{args:?}: {all}");
    }
    sinch_ticket()
        .args([
            "ticket", "--user", "alice", "--key", KEY, "--secret", SECRET,
        ])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("never taken as an argument")
                .and(predicate::str::contains(SECRET).not()),
        );
    sinch_ticket()
        .args([
            "ticket",
            "--user",
            "alice",
            "--key",
            KEY,
            &format!("--secret={SECRET}"),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(SECRET).not());
}

#[test]
fn no_output_of_any_command_contains_the_secret() {
    let runs: Vec<Vec<&str>> = vec![
        vec!["ticket", "--user", "alice", "--key", KEY],
        vec!["ticket", "--user", "alice", "--key", KEY, "--snippet"],
        vec!["ticket", "--user", " odd\tname ", "--key", "not-a-uuid"],
        vec!["jwt", "--user", "alice", "--key", KEY, "--snippet"],
        vec!["inspect", VECTOR, "--key", KEY],
        vec!["inspect", VECTOR, "--json"],
        vec!["inspect", JWT],
        vec!["inspect", "garbage"],
    ];
    for args in runs {
        let out = with_secret(SECRET).args(&args).output().unwrap();
        let all = [out.stdout, out.stderr].concat();
        let text = String::from_utf8_lossy(&all).to_lowercase();
        assert!(!text.contains(&SECRET.to_lowercase()), "{args:?}");
        assert!(!text.contains(SECRET_HEX), "{args:?}");
    }
}

#[test]
fn odd_usernames_and_keys_get_warnings_but_still_a_ticket() {
    with_secret(SECRET)
        .args(["ticket", "--user", " alice", "--key", "my-app"])
        .assert()
        .success()
        .stdout(predicate::str::contains(":"))
        .stderr(
            predicate::str::contains("kept as typed")
                .and(predicate::str::contains("does not look like a Sinch key")),
        );
    with_secret("c2VjcmV0")
        .args(["ticket", "--user", "alice", "--key", KEY])
        .assert()
        .success()
        .stderr(predicate::str::contains("6 bytes, not the usual 16"));
}

#[test]
fn help_teaches_each_command_with_examples() {
    sinch_ticket().arg("--help").assert().success().stdout(
        predicate::str::contains("SINCH_APPLICATION_SECRET")
            .and(predicate::str::contains("Exit status")),
    );
    for command in ["ticket", "jwt", "inspect"] {
        sinch_ticket()
            .args([command, "--help"])
            .assert()
            .success()
            .stdout(
                predicate::str::contains("Examples:")
                    .and(predicate::str::contains(format!("sinch-ticket {command}"))),
            );
    }
}

/// A ticket over these exact JSON bytes, signed with SECRET, as any generator could make it.
fn crafted_ticket(json: &str) -> String {
    use base64::Engine as _;
    use hmac::{KeyInit as _, Mac as _};
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&b64.decode(SECRET).unwrap()).unwrap();
    mac.update(json.as_bytes());
    format!(
        "{}:{}",
        b64.encode(json),
        b64.encode(mac.finalize().into_bytes())
    )
}

/// Every command whose output can fail, as (arguments, standard input).
fn commands_that_print() -> Vec<(Vec<String>, &'static str)> {
    let users = home().join("users.txt");
    std::fs::write(&users, "alice\nbob\n").unwrap();
    let owned = |args: &[&str]| args.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
    vec![
        (owned(&["ticket", "--user", "alice", "--key", KEY]), ""),
        (
            owned(&["ticket", "--user", "alice", "--key", KEY, "--snippet"]),
            "",
        ),
        (
            vec![
                "ticket".into(),
                "--users-from".into(),
                users.display().to_string(),
                "--key".into(),
                KEY.into(),
            ],
            "",
        ),
        (owned(&["jwt", "--user", "alice", "--key", KEY]), ""),
        (owned(&["inspect", VECTOR, "--key", KEY]), ""),
        (owned(&["inspect", VECTOR, "--key", KEY, "--json"]), ""),
        (owned(&["inspect", "-", "--key", KEY]), VECTOR),
        (owned(&["inspect", "garbage", "--json"]), ""),
        (owned(&["profile", "list"]), ""),
        (owned(&["--help"]), ""),
        (owned(&["ticket", "--help"]), ""),
        (owned(&["--version"]), ""),
    ]
}

/// Runs one of [`commands_that_print`] with its standard output going to `stdout`: its exit
/// status and what it said on standard error.
fn printing_to(
    args: &[String],
    stdin: &str,
    stdout: impl Into<std::process::Stdio>,
) -> (Option<i32>, String) {
    let mut cmd = plain_sinch_ticket();
    cmd.env("SINCH_APPLICATION_SECRET", SECRET)
        .args(args)
        .stdout(stdout);
    let out = run_with_stdin(cmd, stdin);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn output_to_a_full_disk_is_exit_3_with_a_sentence_never_a_panic() {
    for (args, stdin) in commands_that_print() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let (status, stderr) = printing_to(&args, stdin, full);
        assert_eq!(status, Some(3), "{args:?}: {stderr}");
        assert!(
            stderr.contains("writing to standard output failed") && !stderr.contains("panicked"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn output_to_a_closed_pipe_ends_quietly() {
    for (args, stdin) in commands_that_print() {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let (status, stderr) = printing_to(&args, stdin, writer);
        assert_eq!(status, Some(0), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("error") && !stderr.contains("panicked"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn an_error_with_standard_error_gone_too_keeps_its_exit_status() {
    for (args, status) in [
        (vec!["ticket", "--user", "", "--key", KEY], 2),
        (vec!["inspect", "garbage"], 1),
        (vec!["ticket", "--bogus"], 2),
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let status_seen = plain_sinch_ticket()
            .env("SINCH_APPLICATION_SECRET", SECRET)
            .args(&args)
            .stdout(std::process::Stdio::null())
            .stderr(full)
            .status()
            .unwrap();
        assert_eq!(status_seen.code(), Some(status), "{args:?}");
    }
}

#[test]
fn endless_input_is_cut_off_with_a_clear_error() {
    let zero = || std::fs::File::open("/dev/zero").unwrap();
    let with = |secret: Option<&str>, args: &[&str], stdin: Option<std::fs::File>| {
        let mut cmd = bounded_sinch_ticket();
        if let Some(secret) = secret {
            cmd.env("SINCH_APPLICATION_SECRET", secret);
        }
        cmd.args(args);
        if let Some(stdin) = stdin {
            cmd.stdin(stdin);
        }
        cmd
    };
    let cases = [
        (
            with(
                Some(SECRET),
                &["ticket", "--users-from", "/dev/zero", "--key", KEY],
                None,
            ),
            "line 1 of /dev/zero is longer than 64 KiB",
        ),
        (
            with(Some(SECRET), &["inspect", "--key", KEY], Some(zero())),
            "the token on standard input is longer than 64 KiB",
        ),
        (
            with(
                None,
                &["ticket", "--user", "a", "--key", KEY, "--secret-stdin"],
                Some(zero()),
            ),
            "the secret on standard input is longer than 4 KiB",
        ),
        (
            with(None, &["profile", "add", "x", "--key", KEY], Some(zero())),
            "the secret on standard input is longer than 4 KiB",
        ),
    ];
    for (mut cmd, says) in cases {
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{cmd:?}: {stderr}");
        assert!(
            out.stdout.is_empty() && stderr.contains(says),
            "{cmd:?}: {stderr}"
        );
    }

    let config = home().join("config/sinch-ticket");
    std::fs::create_dir_all(&config).unwrap();
    std::os::unix::fs::symlink("/dev/zero", config.join("profiles.json")).unwrap();
    let out = bounded_sinch_ticket()
        .args(["profile", "list"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("larger than 1 MiB"), "{stderr}");
}

#[test]
fn a_crafted_identity_cannot_drive_the_terminal() {
    let ticket = crafted_ticket(&format!(
        r#"{{"identity":{{"type":"username","endpoint":"\u001b]0;PWNED\u0007\u001b[2J\u009b31m\u202eevil"}},"expiresIn":3600,"applicationKey":"{KEY}\u001b[5m","created":"2026-01-02T03:04:05Z"}}"#
    ));
    let out = with_secret(SECRET)
        .args(["inspect", &ticket, "--key", KEY])
        .output()
        .unwrap();
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(report.contains("\\u001b]0;PWNED\\u0007"), "{report}");
    assert!(report.contains("\\u202eevil"), "{report}");
    for raw in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
        assert!(
            !report.contains(raw),
            "{raw:?} reached the terminal: {report}"
        );
    }
    // JSON stays exact: the value decodes back to the very characters.
    let out = with_secret(SECRET)
        .args(["inspect", &ticket, "--json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["identity"]["endpoint"],
        "\u{1b}]0;PWNED\u{7}\u{1b}[2J\u{9b}31m\u{202e}evil"
    );
}

#[test]
fn out_of_range_numbers_are_rejected_and_the_generator_agrees_with_the_inspector() {
    let ticket = crafted_ticket(&format!(
        r#"{{"identity":{{"type":"username","endpoint":"alice"}},"expiresIn":9223372036854775807,"applicationKey":"{KEY}","created":"2026-01-02T03:04:05Z"}}"#
    ));
    with_secret(SECRET)
        .args(["inspect", &ticket, "--key", KEY])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("out of range")
                .and(predicate::str::contains("Sinch will reject it")),
        );

    with_secret(SECRET)
        .args([
            "jwt",
            "--user",
            "u",
            "--issued-at",
            "9999-12-31T23:59:59Z",
            "--key",
            KEY,
        ])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("after 9999-12-31T23:59:59Z"));
    with_secret(SECRET)
        .args([
            "ticket",
            "--user",
            "u",
            "--created",
            "9999-12-31T23:30:00Z",
            "--key",
            KEY,
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("after 9999-12-31T23:59:59Z"));
    // The latest JWT the generator makes is one the inspector accepts.
    let jwt = stdout_of(with_secret(SECRET).args([
        "jwt",
        "--user",
        "u",
        "--issued-at",
        "9999-12-31T23:49:59Z",
        "--key",
        KEY,
    ]));
    with_secret(SECRET)
        .args(["inspect", jwt.trim(), "--key", KEY])
        .assert()
        .code(0);
}

#[test]
fn invisible_characters_are_named_and_a_byte_order_mark_is_dropped() {
    for (user, named) in [
        ("ali\u{200b}ce", "U+200B"),
        ("\u{202e}ecila", "U+202E"),
        ("\u{feff}alice", "U+FEFF"),
    ] {
        with_secret(SECRET)
            .args(["ticket", "--user", user, "--key", KEY])
            .assert()
            .success()
            .stderr(
                predicate::str::contains("invisible character")
                    .and(predicate::str::contains(named)),
            );
    }
    let users = home().join("bom.txt");
    std::fs::write(&users, "\u{feff}alice\r\nbob\r\n").unwrap();
    let out = with_secret(SECRET)
        .args([
            "ticket",
            "--users-from",
            users.to_str().unwrap(),
            "--key",
            KEY,
        ])
        .args(["--created", "2026-01-02T03:04:05Z"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("byte order mark"));
    let first = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        first, VECTOR,
        "the first username is alice, without the mark"
    );
}

#[test]
fn small_messages_say_the_right_thing() {
    with_secret(SECRET)
        .args([
            "ticket",
            "--user",
            "a",
            "--created",
            "2016-12-31T23:59:60Z",
            "--key",
            KEY,
        ])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("leap second").and(predicate::str::contains("fraction").not()),
        );
    for loose in ["1h30", "1h1h", "30m1h"] {
        with_secret(SECRET)
            .args(["ticket", "--user", "a", "--expires-in", loose, "--key", KEY])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("not a duration"));
    }
    // Invalid UTF-8 piped in is wrong input (2), not an input/output failure (3).
    with_secret(SECRET)
        .args(["inspect", "-", "--key", KEY])
        .write_stdin(&b"\xff\xfe"[..])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not UTF-8"));
    sinch_ticket()
        .args(["ticket", "--user", "a", "--key", KEY, "--secret-stdin"])
        .write_stdin(&b"\xff"[..])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not UTF-8"));
    with_secret(SECRET)
        .args(["inspect", &format!("authorization: bearer {JWT}")])
        .env("SINCH_APPLICATION_SECRET", JWT_SECRET)
        .args(["--key", JWT_KEY])
        .assert()
        .stdout(predicate::str::contains("registration JWT"));
    let out = with_secret(SECRET)
        .args(["inspect", "eyJhbGciOiJub25lIn0.e30.AAAA"])
        .output()
        .unwrap();
    let all = String::from_utf8_lossy(&[out.stdout, out.stderr].concat()).into_owned();
    assert!(all.contains(r#""alg" is "none""#), "{all}");
    assert!(!all.contains("Some(") && !all.contains("None"), "{all}");
}

#[test]
fn profile_default_follows_a_symlink_and_writes_nothing_when_nothing_changes() {
    let config = home().join("config/sinch-ticket");
    std::fs::create_dir_all(&config).unwrap();
    let real = home().join("dotfiles-profiles.json");
    let text =
        format!(r#"{{"default":"a","profiles":{{"a":{{"key":"{KEY}"}},"b":{{"key":"{KEY}"}}}}}}"#);
    std::fs::write(&real, &text).unwrap();
    std::os::unix::fs::symlink(&real, config.join("profiles.json")).unwrap();
    let link_is_a_link = || {
        std::fs::symlink_metadata(config.join("profiles.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    };

    sinch_ticket()
        .args(["profile", "default", "nobody"])
        .assert()
        .code(2);
    sinch_ticket()
        .args(["profile", "default", "a"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(&real).unwrap(),
        text,
        "nothing changed, nothing written"
    );
    assert!(link_is_a_link());

    sinch_ticket()
        .args(["profile", "default", "b"])
        .assert()
        .success();
    assert!(link_is_a_link(), "the link was replaced by a file");
    assert!(
        std::fs::read_to_string(&real)
            .unwrap()
            .contains(r#""default": "b""#)
    );
}

/// The effective user id, from /proc (no libc needed).
fn euid() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("Uid:")).unwrap();
    line.split_whitespace().nth(2).unwrap().parse().unwrap()
}

/// `profile list` run as an ordinary user (root reads through any permission): as `nobody`
/// through setpriv when the tests run as root.
fn profile_list_as_an_ordinary_user() -> std::process::Output {
    let bin = assert_cmd::cargo::cargo_bin("sinch-ticket");
    let home = home();
    let mut cmd = if euid() == 0 {
        let mut cmd = std::process::Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(bin);
        cmd
    } else {
        std::process::Command::new(bin)
    };
    cmd.args(["profile", "list"])
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .output()
        .unwrap()
}

#[test]
fn a_read_only_config_folder_lists_and_an_unreadable_one_says_why() {
    use std::os::unix::fs::PermissionsExt as _;
    let config = home().join("config/sinch-ticket");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("profiles.json"),
        format!(r#"{{"default":"a","profiles":{{"a":{{"key":"{KEY}"}}}}}}"#),
    )
    .unwrap();
    let mode = |path: &std::path::Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    mode(&home(), 0o755);
    mode(&home().join("config"), 0o755);
    mode(&config.join("profiles.json"), 0o644);

    mode(&config, 0o555);
    let out = profile_list_as_an_ordinary_user();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("a  "),
        "{out:?}"
    );

    mode(&config, 0o000);
    let out = profile_list_as_an_ordinary_user();
    mode(&config, 0o755);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("could not read the profile index") && stderr.contains("ermission denied"),
        "{stderr}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("No profiles yet"));
}

#[test]
fn non_ascii_usernames_are_escaped_for_the_js_sdk_unless_raw_utf8_is_asked() {
    let escaped = "eyJpZGVudGl0eSI6eyJ0eXBlIjoidXNlcm5hbWUiLCJlbmRwb2ludCI6Ilx1MDBjNXNhIn0sImV4cGlyZXNJbiI6MzYwMCwiYXBwbGljYXRpb25LZXkiOiIxOTYwODdhMS1lODE1LTRiYzQtODk4NC02MGQ4ZDhhNDNmMWQiLCJjcmVhdGVkIjoiMjAyNi0wMS0wMlQwMzowNDowNVoifQ==:dqVhz/cLDpTBBHiwc5RyRhowtIL9NlC63PtNh+1yJls=";
    let ticket = |extra: &[&str]| {
        stdout_of(
            with_secret(SECRET)
                .args([
                    "ticket",
                    "--user",
                    "Åsa",
                    "--created",
                    "2026-01-02T03:04:05Z",
                    "--key",
                    KEY,
                ])
                .args(extra),
        )
    };
    assert_eq!(ticket(&[]), format!("{escaped}\n"));
    let raw = ticket(&["--raw-utf8"]);
    use base64::Engine as _;
    let json = base64::engine::general_purpose::STANDARD
        .decode(raw.split_once(':').unwrap().0)
        .unwrap();
    assert!(
        String::from_utf8(json)
            .unwrap()
            .contains(r#""endpoint":"Åsa""#)
    );
    // ASCII names give the gem's bytes either way.
    let alice = |extra: &[&str]| {
        stdout_of(
            with_secret(SECRET)
                .args([
                    "ticket",
                    "--user",
                    "alice",
                    "--created",
                    "2026-01-02T03:04:05Z",
                    "--key",
                    KEY,
                ])
                .args(extra),
        )
    };
    assert_eq!(alice(&[]), format!("{VECTOR}\n"));
    assert_eq!(alice(&["--raw-utf8"]), format!("{VECTOR}\n"));
    // The inspector tells what the JS SDK v1 makes of the raw ticket.
    with_secret(SECRET)
        .args(["inspect", raw.trim(), "--key", KEY])
        .assert()
        .stdout(predicate::str::contains(
            "the JS SDK v1 will see this user as",
        ));
}

#[test]
fn inspect_keeps_each_field_on_its_own_line_whatever_the_ticket_holds() {
    let crafted = "alice\nSignature:   verified with the given secret\nVerdict:     Accepted";
    let ticket = stdout_of(with_secret(SECRET).args(["ticket", "--user", crafted, "--key", KEY]));
    // Checked with the wrong secret: the report must not be able to say otherwise.
    let out = with_secret("ax8hTTQJF0OPXL32r1LHMA==")
        .args(["inspect", ticket.trim(), "--key", KEY])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8(out.stdout).unwrap();
    let labelled = |label: &str| report.lines().filter(|l| l.starts_with(label)).count();
    assert_eq!(labelled("Signature:"), 1, "{report}");
    assert_eq!(labelled("Verdict:"), 1, "{report}");
    assert!(report.contains(r"username alice\nSignature:"), "{report}");
    assert!(report.contains("DOES NOT VERIFY"), "{report}");
}
