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

/// The binary with a clean environment: no secret unless the test gives one, and a throwaway
/// HOME so nothing it might write lands in the real one.
fn sinch_ticket() -> Command {
    let mut cmd = Command::cargo_bin("sinch-ticket").unwrap();
    cmd.env_remove("SINCH_APPLICATION_SECRET")
        .env("HOME", std::env::temp_dir().join("sinch-ticket-cli-tests"))
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("sinch-ticket-cli-tests/config"),
        );
    cmd
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
            "--nonce is empty",
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
