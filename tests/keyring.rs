//! Profiles against a real Secret Service (gnome-keyring on a private D-Bus session), driven
//! through the command line as a user would, and checked from outside with secret-tool.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod support;

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use support::{Bus, PrivateSession};

const SECRET: &str = "oYdgGRXoxEuJhGDY2KQ/HQ==";
const SECRET_BYTES: [u8; 16] = [
    0xa1, 0x87, 0x60, 0x19, 0x15, 0xe8, 0xc4, 0x4b, 0x89, 0x84, 0x60, 0xd8, 0xd8, 0xa4, 0x3f, 0x1d,
];
const KEY: &str = "196087a1-e815-4bc4-8984-60d8d8a43f1d";
const OTHER_SECRET: &str = "ax8hTTQJF0OPXL32r1LHMA==";
const VECTOR: &str = "eyJpZGVudGl0eSI6eyJ0eXBlIjoidXNlcm5hbWUiLCJlbmRwb2ludCI6ImFsaWNlIn0sImV4cGlyZXNJbiI6MzYwMCwiYXBwbGljYXRpb25LZXkiOiIxOTYwODdhMS1lODE1LTRiYzQtODk4NC02MGQ4ZDhhNDNmMWQiLCJjcmVhdGVkIjoiMjAyNi0wMS0wMlQwMzowNDowNVoifQ==:aOs0i+KiTP6mVdWD+kQYXgkYLtwm0qcGU6fIi5XqY9I=";

/// Starts `cmd` with its output captured and `stdin` written to it.
fn spawn_with_stdin(mut cmd: Command, stdin: &str) -> std::process::Child {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child
}

fn run(cmd: Command, stdin: &str) -> Output {
    spawn_with_stdin(cmd, stdin).wait_with_output().unwrap()
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn add_profile(session: &PrivateSession, name: &str, secret: &str, extra: &[&str]) -> Output {
    let mut cmd = session.sinch_ticket();
    cmd.args(["profile", "add", name, "--key", KEY]).args(extra);
    run(cmd, secret)
}

fn ticket_for_alice(session: &PrivateSession, extra: &[&str]) -> Output {
    let mut cmd = session.sinch_ticket();
    cmd.args([
        "ticket",
        "--user",
        "alice",
        "--created",
        "2026-01-02T03:04:05Z",
    ])
    .args(extra);
    run(cmd, "")
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring: run scripts/test.sh"]
fn a_profile_lives_in_the_real_keyring_from_add_to_remove() {
    let session = PrivateSession::start(Bus::UnlockedKeyring);

    let out = add_profile(&session, "sandbox", SECRET, &[]);
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(
        text(&out)
            .0
            .contains("Saved profile \"sandbox\" in the OS keyring")
    );

    // The entry is where it should be, seen from outside the program.
    let seen = session.secret_tool_search();
    assert!(seen.contains("attribute.service = sinch-ticket"), "{seen}");
    assert!(seen.contains("attribute.username = sandbox"), "{seen}");

    let list = session
        .sinch_ticket()
        .args(["profile", "list"])
        .output()
        .unwrap();
    let (stdout, _) = text(&list);
    assert!(
        stdout.contains("sandbox") && stdout.contains(KEY) && stdout.contains("(default)"),
        "{stdout}"
    );
    assert!(!stdout.contains(SECRET));

    let show = session
        .sinch_ticket()
        .args(["profile", "show", "sandbox"])
        .output()
        .unwrap();
    let (stdout, _) = text(&show);
    assert!(
        stdout.contains("(16 bytes)") && stdout.contains("Secret Service"),
        "{stdout}"
    );
    assert!(!stdout.contains(SECRET));

    // The default profile signs when no credentials are given; --profile names it.
    for extra in [&[][..], &["--profile", "sandbox"]] {
        let out = ticket_for_alice(&session, extra);
        assert_eq!(text(&out).0, format!("{VECTOR}\n"), "{:?}", text(&out));
    }
    let mut inspect = session.sinch_ticket();
    inspect.args(["inspect", VECTOR]);
    let out = run(inspect, "");
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));

    // Replacing asks for --force when nobody can be asked.
    let out = add_profile(&session, "sandbox", OTHER_SECRET, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("--force"));
    assert_eq!(
        text(&ticket_for_alice(&session, &[])).0,
        format!("{VECTOR}\n")
    );
    let out = add_profile(&session, "sandbox", OTHER_SECRET, &["--force"]);
    assert!(out.status.success());
    assert_ne!(
        text(&ticket_for_alice(&session, &[])).0,
        format!("{VECTOR}\n")
    );

    // A second profile, made the default.
    assert!(
        add_profile(&session, "production", SECRET, &[])
            .status
            .success()
    );
    let out = session
        .sinch_ticket()
        .args(["profile", "default", "production"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        text(&ticket_for_alice(&session, &[])).0,
        format!("{VECTOR}\n")
    );

    // Remove: gone from the keyring and the list; the default goes with it.
    let out = session
        .sinch_ticket()
        .args(["profile", "remove", "production"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(
        !session
            .secret_tool_search()
            .contains("username = production")
    );
    let out = ticket_for_alice(&session, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("no default profile"));
    let out = ticket_for_alice(&session, &["--profile", "production"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("there is no profile \"production\""));
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring: run scripts/test.sh"]
fn concurrent_processes_lose_no_profile() {
    let session = PrivateSession::start(Bus::UnlockedKeyring);
    let children: Vec<_> = (0..6)
        .map(|i| {
            let mut cmd = session.sinch_ticket();
            cmd.args(["profile", "add", &format!("app-{i}"), "--key", KEY]);
            spawn_with_stdin(cmd, SECRET)
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let list = text(
        &session
            .sinch_ticket()
            .args(["profile", "list"])
            .output()
            .unwrap(),
    )
    .0;
    let seen = session.secret_tool_search();
    for i in 0..6 {
        assert!(
            list.contains(&format!("app-{i}")),
            "app-{i} missing from the index:\n{list}"
        );
        assert!(
            seen.contains(&format!("username = app-{i}")),
            "app-{i} missing from the keyring"
        );
    }
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring: run scripts/test.sh"]
fn the_secret_never_reaches_a_file_or_the_process_arguments() {
    let session = PrivateSession::start(Bus::UnlockedKeyring);

    // While `profile add` waits for its secret, its arguments are public: look at them.
    let mut child = session
        .sinch_ticket()
        .args(["profile", "add", "sandbox", "--key", KEY])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let cmdline = std::fs::read(format!("/proc/{}/cmdline", child.id())).unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(SECRET.as_bytes())
        .unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    assert!(!String::from_utf8_lossy(&cmdline).contains(SECRET));

    for args in [
        &["ticket", "--user", "alice"][..],
        &["jwt", "--user", "alice", "--snippet"],
        &["inspect", VECTOR],
        &["profile", "show", "sandbox"],
        &["profile", "list"],
    ] {
        let out = session.sinch_ticket().args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {:?}", text(&out));
        let all = [out.stdout, out.stderr].concat();
        assert!(!String::from_utf8_lossy(&all).contains(SECRET), "{args:?}");
        assert!(!all.windows(16).any(|w| w == SECRET_BYTES), "{args:?}");
    }

    let files = session.files();
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("sinch-ticket/profiles.json")),
        "{files:?}"
    );
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(SECRET),
            "{} holds the secret",
            file.display()
        );
        assert!(
            !bytes.windows(16).any(|w| w == SECRET_BYTES),
            "{} holds the secret's bytes",
            file.display()
        );
    }
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring: run scripts/test.sh"]
fn no_secret_service_is_named_and_explicit_credentials_still_work() {
    let session = PrivateSession::start(Bus::NoServices);

    let out = add_profile(&session, "sandbox", SECRET, &[]);
    assert_eq!(out.status.code(), Some(4), "{:?}", text(&out));
    let (_, stderr) = text(&out);
    assert!(
        stderr.contains("OS keyring is not available") && stderr.contains("start a Secret Service"),
        "{stderr}"
    );
    assert!(!stderr.contains(SECRET));

    let out = ticket_for_alice(&session, &["--profile", "sandbox"]);
    assert_eq!(out.status.code(), Some(4));

    // Nothing was written instead: no index, no fallback file, nothing holding the secret.
    assert!(session.files().is_empty(), "{:?}", session.files());

    let out = session
        .sinch_ticket()
        .env("SINCH_APPLICATION_SECRET", SECRET)
        .args([
            "ticket",
            "--user",
            "alice",
            "--created",
            "2026-01-02T03:04:05Z",
            "--key",
            KEY,
        ])
        .output()
        .unwrap();
    assert_eq!(text(&out).0, format!("{VECTOR}\n"));
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring: run scripts/test.sh"]
fn a_locked_keyring_is_named_and_loses_nothing() {
    let session = PrivateSession::start(Bus::UnlockedKeyring);
    assert!(
        add_profile(&session, "sandbox", SECRET, &[])
            .status
            .success()
    );
    let index = std::fs::read(session.home().join(".config/sinch-ticket/profiles.json")).unwrap();

    let session = session.relock();
    let out = ticket_for_alice(&session, &[]);
    assert_eq!(out.status.code(), Some(4), "{:?}", text(&out));
    assert!(text(&out).1.contains("locked"), "{:?}", text(&out));

    let out = add_profile(&session, "other", SECRET, &[]);
    assert_eq!(out.status.code(), Some(4), "{:?}", text(&out));
    let out = session
        .sinch_ticket()
        .args(["profile", "remove", "sandbox"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{:?}", text(&out));

    // The profile is still listed, unchanged, and still works once unlocked again.
    let after = std::fs::read(session.home().join(".config/sinch-ticket/profiles.json")).unwrap();
    assert_eq!(index, after);
    let list = text(
        &session
            .sinch_ticket()
            .args(["profile", "list"])
            .output()
            .unwrap(),
    )
    .0;
    assert!(list.contains("sandbox"));
}

/// Runs `profile add` on a terminal (a pty from `script`), answering its prompts in turn.
fn add_on_a_terminal(session: &PrivateSession, name: &str, answers: &[&str]) -> (bool, String) {
    let command = format!(
        "{} profile add {name} --key {KEY}",
        env!("CARGO_BIN_EXE_sinch-ticket")
    );
    let mut child = session
        .command("script")
        .args(["-qec", &command, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script runs (util-linux)");
    let mut stdin = child.stdin.take().unwrap();
    for answer in answers {
        std::thread::sleep(std::time::Duration::from_millis(400));
        stdin.write_all(format!("{answer}\r").as_bytes()).unwrap();
    }
    std::thread::sleep(std::time::Duration::from_millis(400));
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring: run scripts/test.sh"]
fn on_a_terminal_the_secret_is_asked_without_echo_and_replacing_is_asked_too() {
    let session = PrivateSession::start(Bus::UnlockedKeyring);
    let (ok, screen) = add_on_a_terminal(&session, "tty", &[SECRET]);
    assert!(ok, "{screen}");
    assert!(
        screen.contains("Application secret for \"tty\" (input hidden)"),
        "{screen}"
    );
    assert!(!screen.contains(SECRET), "the secret was echoed: {screen}");
    assert!(screen.contains("Saved profile \"tty\""));

    let (ok, screen) = add_on_a_terminal(&session, "tty", &[OTHER_SECRET, "n"]);
    assert!(!ok);
    assert!(
        screen.contains("Replace it? [y/N]") && screen.contains("Kept the existing profile"),
        "{screen}"
    );
    assert_eq!(
        text(&ticket_for_alice(&session, &["--profile", "tty"])).0,
        format!("{VECTOR}\n")
    );

    let (ok, screen) = add_on_a_terminal(&session, "tty", &[OTHER_SECRET, "y"]);
    assert!(ok, "{screen}");
    assert!(!screen.contains(OTHER_SECRET));
    assert_ne!(
        text(&ticket_for_alice(&session, &["--profile", "tty"])).0,
        format!("{VECTOR}\n")
    );
}
