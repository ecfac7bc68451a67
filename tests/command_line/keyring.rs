//! Profiles against a real Secret Service (gnome-keyring on a private D-Bus session), driven
//! through the command line as a user would, and checked from outside with secret-tool.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use crate::support;

/// Profiles that refer to a secret manager (its own file, in this test binary).
mod managers;

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

/// Starts `cmd` with `stdin` written to it and its standard error captured; its standard
/// output goes where `cmd` says.
fn start_with_stdin(cmd: &mut Command, stdin: &str) -> std::process::Child {
    let mut child = cmd
        .stdin(Stdio::piped())
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

/// Starts `cmd` with its output captured and `stdin` written to it.
fn spawn_with_stdin(mut cmd: Command, stdin: &str) -> std::process::Child {
    start_with_stdin(cmd.stdout(Stdio::piped()), stdin)
}

/// What `profile list` prints in `session`.
fn profile_list(session: &PrivateSession) -> String {
    text(
        &session
            .sinch_ticket()
            .args(["profile", "list"])
            .output()
            .unwrap(),
    )
    .0
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
    let list = profile_list(&session);
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
    assert!(
        add_profile(&session, "sandbox", SECRET, &[])
            .status
            .success()
    );

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
    let list = profile_list(&session);
    assert!(list.contains("sandbox"));
}

/// `profile add` on a terminal (a pty from `script`), with what it has printed so far.
struct OnATerminal {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    screen: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
}

impl OnATerminal {
    /// `profile add NAME --key KEY` on a terminal.
    fn start(session: &PrivateSession, name: &str) -> Self {
        Self::run(session, &format!("profile add {name} --key {KEY}"))
    }

    /// `sinch-ticket ARGS` on a terminal.
    fn run(session: &PrivateSession, args: &str) -> Self {
        let command = format!("{} {args}", env!("CARGO_BIN_EXE_sinch-ticket"));
        let mut child = session
            .command("script")
            .args(["-qec", &command, "/dev/null"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("script runs (util-linux)");
        let screen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut stdout = child.stdout.take().unwrap();
        let copy = screen.clone();
        std::thread::spawn(move || {
            use std::io::Read as _;
            let mut buf = [0u8; 512];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                copy.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let stdin = child.stdin.take();
        Self {
            child,
            stdin,
            screen,
        }
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.screen.lock().unwrap()).into_owned()
    }

    /// Waits until the screen shows `text` (a prompt), with a generous deadline.
    fn wait_for(&self, text: &str) {
        wait_until(&format!("{text:?} on the terminal"), || {
            self.screen().contains(text)
        });
    }

    /// The sinch-ticket process that `script` runs.
    fn program_pid(&self) -> u32 {
        let script = self.child.id();
        let mut pid = 0;
        wait_until("the program under script", || {
            let children =
                std::fs::read_to_string(format!("/proc/{script}/task/{script}/children"))
                    .unwrap_or_default();
            pid = children
                .split_whitespace()
                .next()
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            pid != 0
        });
        pid
    }

    /// Waits until the terminal no longer echoes what is typed, then types `line`.
    fn type_hidden(&mut self, line: &str) {
        let pts = std::fs::read_link(format!("/proc/{}/fd/0", self.program_pid())).unwrap();
        wait_until("the terminal to stop echoing", || {
            let out = Command::new("stty")
                .arg("-F")
                .arg(&pts)
                .arg("-a")
                .output()
                .unwrap();
            String::from_utf8_lossy(&out.stdout)
                .split_whitespace()
                .any(|w| w == "-echo")
        });
        self.type_line(line);
    }

    fn type_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(format!("{line}\r").as_bytes()).unwrap();
        stdin.flush().unwrap();
    }

    fn finish(mut self) -> (bool, String) {
        drop(self.stdin.take());
        let ok = self.child.wait().unwrap().success();
        // The reader thread sees the end of the output once `script` has exited.
        wait_until("the terminal's last output", || {
            std::sync::Arc::strong_count(&self.screen) == 1
        });
        (ok, self.screen())
    }
}

/// Waits until `done` holds; the deadline only turns a hang into a failure.
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Every process's arguments and environment on the machine, where they hold `needle`.
fn processes_showing(needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        for what in ["cmdline", "environ"] {
            let Ok(bytes) = std::fs::read(entry.path().join(what)) else {
                continue;
            };
            if String::from_utf8_lossy(&bytes).contains(needle) {
                found.push(format!("{}/{what}", entry.path().display()));
            }
        }
    }
    found
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring: run scripts/test.sh"]
fn on_a_terminal_the_secret_is_asked_without_echo_and_replacing_is_asked_too() {
    let session = PrivateSession::start(Bus::UnlockedKeyring);
    let mut tty = OnATerminal::start(&session, "tty");
    tty.wait_for("Application secret for \"tty\" (input hidden)");
    tty.type_hidden(SECRET);
    let (ok, screen) = tty.finish();
    assert!(ok, "{screen}");
    assert!(!screen.contains(SECRET), "the secret was echoed: {screen}");
    assert!(screen.contains("Saved profile \"tty\""), "{screen}");

    let mut tty = OnATerminal::start(&session, "tty");
    tty.wait_for("(input hidden)");
    tty.type_hidden(OTHER_SECRET);
    tty.wait_for("Replace it? [y/N]");
    // The secret was read and is held by a running process: nothing on the machine shows
    // it in a process's arguments or environment (no helper started with it, nothing
    // exported for a child).
    assert_eq!(processes_showing(OTHER_SECRET), Vec::<String>::new());
    tty.type_line("n");
    let (ok, screen) = tty.finish();
    assert!(!ok);
    assert!(screen.contains("Kept the existing profile"), "{screen}");
    assert_eq!(
        text(&ticket_for_alice(&session, &["--profile", "tty"])).0,
        format!("{VECTOR}\n")
    );

    let mut tty = OnATerminal::start(&session, "tty");
    tty.wait_for("(input hidden)");
    tty.type_hidden(OTHER_SECRET);
    tty.wait_for("Replace it? [y/N]");
    tty.type_line("y");
    let (ok, screen) = tty.finish();
    assert!(ok, "{screen}");
    assert!(!screen.contains(OTHER_SECRET));
    assert_ne!(
        text(&ticket_for_alice(&session, &["--profile", "tty"])).0,
        format!("{VECTOR}\n")
    );
}

fn index_path(session: &PrivateSession) -> std::path::PathBuf {
    session.home().join(".config/sinch-ticket/profiles.json")
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring: run scripts/test.sh"]
fn a_secret_the_index_lost_is_not_replaced_without_force() {
    let session = PrivateSession::start(Bus::UnlockedKeyring);
    assert!(add_profile(&session, "prod", SECRET, &[]).status.success());
    std::fs::write(index_path(&session), "{ damaged").unwrap();

    let out = add_profile(&session, "prod", "AAAAAAAAAAAAAAAAAAAAAA==", &[]);
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
    assert!(
        text(&out).1.contains("profile attach prod"),
        "{:?}",
        text(&out)
    );
    let out = session
        .sinch_ticket()
        .args(["profile", "attach", "prod"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", text(&out));
    assert_eq!(
        text(&ticket_for_alice(&session, &["--profile", "prod"])).0,
        format!("{VECTOR}\n"),
        "the original secret survived"
    );
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring: run scripts/test.sh"]
fn of_eight_processes_adding_one_name_exactly_one_succeeds() {
    let session = PrivateSession::start(Bus::UnlockedKeyring);
    let secrets: Vec<String> = (0..8u8)
        .map(|i| format!("{}AAAAAAAAAAAAAAAAAAAAA==", char::from(b'A' + i)))
        .collect();
    let names = [
        "same", "same", "same", "same", "prod", "Prod", "PROD", "pRod",
    ];
    let children: Vec<_> = names
        .iter()
        .zip(&secrets)
        .map(|(name, secret)| {
            let mut cmd = session.sinch_ticket();
            cmd.args(["profile", "add", name, "--key", KEY]);
            spawn_with_stdin(cmd, secret)
        })
        .collect();
    let outcomes: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    for group in [&names[..4], &names[4..]] {
        let won: Vec<_> = names
            .iter()
            .zip(&outcomes)
            .filter(|(name, out)| group.contains(name) && out.status.success())
            .collect();
        assert_eq!(won.len(), 1, "{group:?}: {outcomes:?}");
    }
    for out in &outcomes {
        if !out.status.success() {
            assert_eq!(out.status.code(), Some(2), "{:?}", text(out));
            assert!(text(out).1.contains("exists already"), "{:?}", text(out));
        }
    }
    // The keyring holds exactly the secret of the add that succeeded.
    let winner = names
        .iter()
        .zip(&outcomes)
        .zip(&secrets)
        .find(|((name, out), _)| **name == "same" && out.status.success())
        .map(|(_, secret)| secret.clone())
        .unwrap();
    let mut cmd = session.sinch_ticket();
    cmd.args(["inspect", "-", "--profile", "same"]);
    let ticket = {
        let mut make = session.sinch_ticket();
        make.env("SINCH_APPLICATION_SECRET", &winner)
            .args(["ticket", "--user", "alice", "--key", KEY]);
        text(&run(make, "")).0
    };
    let out = run(cmd, &ticket);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let seen = session.secret_tool_search();
    assert_eq!(seen.matches("attribute.username = ").count(), 2, "{seen}");
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring: run scripts/test.sh"]
fn nothing_reaches_the_keyring_when_the_index_cannot_be_written() {
    let session = PrivateSession::start(Bus::UnlockedKeyring);
    // A file where the config folder should be.
    std::fs::write(session.home().join(".config/sinch-ticket"), b"").unwrap();
    let out = add_profile(&session, "y", SECRET, &[]);
    assert_eq!(out.status.code(), Some(3), "{:?}", text(&out));
    assert!(
        !session.secret_tool_search().contains("username = y"),
        "an orphan entry"
    );
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring: run scripts/test.sh"]
fn a_keyring_that_hangs_and_then_resumes_leaves_keyring_and_index_agreeing() {
    let session = PrivateSession::start(Bus::UnlockedKeyring);
    assert!(add_profile(&session, "kept", SECRET, &[]).status.success());
    let pid = session.keyring_pid().to_string();
    let signal = |sig: &str| {
        assert!(
            Command::new("kill")
                .args([sig, &pid])
                .status()
                .unwrap()
                .success()
        );
    };
    signal("-STOP");
    let added = add_profile(&session, "late", SECRET, &[]);
    let removed = session
        .sinch_ticket()
        .args(["profile", "remove", "kept"])
        .output()
        .unwrap();
    signal("-CONT");
    assert_eq!(added.status.code(), Some(4), "{:?}", text(&added));
    assert!(
        text(&added).1.contains("did not answer within 5 s"),
        "{:?}",
        text(&added)
    );
    assert_eq!(removed.status.code(), Some(4), "{:?}", text(&removed));

    // Whatever the resumed keyring finishes of the abandoned calls, the two agree: listed
    // profiles are in the keyring, and no entry is left unlisted.
    let list = profile_list(&session);
    let seen = session.secret_tool_search();
    for name in ["kept", "late"] {
        let listed = list
            .lines()
            .any(|l| l.split_whitespace().next() == Some(name));
        let stored = seen.contains(&format!("username = {name}"));
        assert_eq!(
            listed, stored,
            "{name}: listed {listed}, stored {stored}\n{list}\n{seen}"
        );
    }
    assert!(
        ticket_for_alice(&session, &["--profile", "kept"])
            .status
            .success()
    );
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring: run scripts/test.sh"]
fn profile_commands_with_output_gone_report_it_and_their_change_is_whole() {
    let session = PrivateSession::start(Bus::UnlockedKeyring);
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let closed = || {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        writer
    };

    let mut add = session.sinch_ticket();
    add.args(["profile", "add", "a", "--key", KEY])
        .stdout(full());
    let out = run_with_output(add, SECRET);
    assert_eq!(out.status.code(), Some(3), "{:?}", text(&out));
    assert!(text(&out).1.contains("writing to standard output failed"));
    assert!(session.secret_tool_search().contains("username = a"));

    let mut add = session.sinch_ticket();
    add.args(["profile", "add", "b", "--key", KEY])
        .stdout(closed());
    let out = run_with_output(add, SECRET);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert!(text(&out).1.is_empty(), "{:?}", text(&out));

    for args in [
        &["profile", "show", "a"][..],
        &["profile", "list"],
        &["profile", "default", "b"],
        &["profile", "attach", "a"],
        &["profile", "remove", "b"],
    ] {
        let status = session
            .sinch_ticket()
            .args(args)
            .stdout(full())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(
            status.status.code(),
            Some(3),
            "{args:?}: {:?}",
            text(&status)
        );
        assert!(!text(&status).1.contains("panicked"), "{args:?}");
    }
    assert!(
        !session.secret_tool_search().contains("username = b"),
        "remove went through"
    );
    let list = profile_list(&session);
    assert!(list.contains("a  ") && !list.contains("b  "), "{list}");
}

/// Runs `cmd` with `stdin` written to it and standard error captured; standard output goes
/// where `cmd` says.
fn run_with_output(mut cmd: Command, stdin: &str) -> Output {
    start_with_stdin(&mut cmd, stdin)
        .wait_with_output()
        .unwrap()
}

/// The Conversation known answer of docs/FORMATS.md §5.1, as a raw request.
fn conversation_vector_request() -> String {
    let body = r#"{"app_id":"","accepted_time":"2021-10-18T17:49:13.813615Z","project_id":"e2df3a34-a71b-4448-9db5-a8d2baad28e4","contact_create_notification":{"contact":{"id":"01FJA8B466Y0R2GNXD78MD9SM1","channel_identities":[{"channel":"SMS","identity":"48123456789","app_id":""}],"display_name":"New Test Contact","email":"new.contact@email.com","external_id":"","metadata":"","language":"EN_US"}},"message_metadata":""}"#;
    format!(
        "POST /webhook HTTP/1.1\r\nContent-Type: application/json\r\n\
         x-sinch-webhook-signature-nonce: 01FJA8B4A7BM43YGWSG9GBV067\r\n\
         x-sinch-webhook-signature-timestamp: 1634579353\r\n\
         x-sinch-webhook-signature-algorithm: HmacSHA256\r\n\
         x-sinch-webhook-signature: 6bpJoRmFoXVjfJIVglMoJzYXxnoxRujzR4k2GOXewOE=\r\n\r\n{body}"
    )
}

fn secret_tool(session: &PrivateSession, args: &[&str]) -> String {
    let out = session.command("secret-tool").args(args).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn verify_with_profile(session: &PrivateSession, extra: &[&str], request: &str) -> Output {
    let path = session.home().join("request.http");
    std::fs::write(&path, request).unwrap();
    let mut cmd = session.sinch_ticket();
    cmd.args(["verify-callback", "--max-age", "none"])
        .arg(&path)
        .args(extra);
    run(cmd, "")
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring: run scripts/test.sh"]
fn webhook_secrets_live_in_the_real_keyring_beside_the_application_secret() {
    let session = PrivateSession::start(Bus::UnlockedKeyring);
    assert!(
        add_profile(&session, "sandbox", SECRET, &[])
            .status
            .success()
    );
    let add_webhook = |kind: &str, secret: &str, extra: &[&str]| {
        let mut cmd = session.sinch_ticket();
        cmd.args(["profile", "webhook-secret", "add", "sandbox", kind])
            .args(extra);
        run(cmd, secret)
    };
    let out = add_webhook("conversation", "foo_secret1234\n", &[]);
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(
        text(&out).0.contains("service sinch-ticket:conversation"),
        "{:?}",
        text(&out)
    );

    // Seen from outside: its own entry, under its own service; the application entry as before.
    assert_eq!(
        secret_tool(
            &session,
            &[
                "lookup",
                "service",
                "sinch-ticket:conversation",
                "username",
                "sandbox"
            ]
        ),
        r#"{"secret":"foo_secret1234"}"#
    );
    assert_eq!(
        secret_tool(
            &session,
            &["lookup", "service", "sinch-ticket", "username", "sandbox"]
        ),
        format!(r#"{{"key":"{KEY}","secret":"{SECRET}"}}"#)
    );

    // Listed by kind, shown masked, never in the index.
    let list = profile_list(&session);
    assert!(list.contains("webhooks: conversation"), "{list}");
    let show = session
        .sinch_ticket()
        .args(["profile", "show", "sandbox"])
        .output()
        .unwrap();
    let (shown, _) = text(&show);
    assert!(
        shown.contains("conversation •••••••• (14 characters)"),
        "{shown}"
    );
    assert!(!shown.contains("foo_secret1234"));
    assert!(
        !std::fs::read_to_string(index_path(&session))
            .unwrap()
            .contains("foo_secret")
    );

    // verify-callback finds the secret of the right kind in the profile, and in the default.
    for extra in [&["--profile", "sandbox"][..], &[]] {
        let out = verify_with_profile(&session, extra, &conversation_vector_request());
        assert_eq!(out.status.code(), Some(0), "{extra:?}: {:?}", text(&out));
        assert!(text(&out).0.contains("conversation scheme"));
    }
    // A kind the profile lacks is named, with how to add it.
    let numbers =
        "POST /n HTTP/1.1\r\nX-Sinch-Signature: b93021e0182c2772dbcdf4e8983ae8f409e78c3b\r\n\r\n{}";
    let out = verify_with_profile(&session, &["--profile", "sandbox"], numbers);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).1.contains("has no Numbers callback secret")
            && text(&out).1.contains("webhook-secret add sandbox numbers"),
        "{:?}",
        text(&out)
    );

    // Replacing asks for --force; removing one kind leaves the rest.
    let out = add_webhook("conversation", "other\n", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("--force"));
    assert!(
        add_webhook("numbers", "my-callback-secret\n", &[])
            .status
            .success()
    );
    let out = session
        .sinch_ticket()
        .args([
            "profile",
            "webhook-secret",
            "remove",
            "sandbox",
            "conversation",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(profile_list(&session).contains("webhooks: numbers"));
    let out = verify_with_profile(&session, &[], &conversation_vector_request());
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));

    // Removing the profile removes every entry it had.
    let out = session
        .sinch_ticket()
        .args(["profile", "remove", "sandbox"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let left = secret_tool(&session, &["search", "--all", "username", "sandbox"]);
    assert!(left.trim().is_empty(), "{left}");
}

/// A profile exactly as sinch-ticket 0.1 left it (index file and keyring entry, the entry
/// written from outside with the attributes that release gives it, observed with secret-tool):
/// this version uses it unchanged, adds a webhook secret beside it without touching it, and
/// what an older version would read stays byte for byte what it wrote.
#[test]
#[ignore = "needs dbus-daemon and gnome-keyring: run scripts/test.sh"]
fn a_profile_of_the_previous_release_upgrades_and_downgrades_intact() {
    let session = PrivateSession::start(Bus::UnlockedKeyring);
    let entry = format!(r#"{{"key":"{KEY}","secret":"{SECRET}"}}"#);
    let mut store = session.command("secret-tool");
    store.args([
        "store",
        "--label=sinch-ticket profile",
        "service",
        "sinch-ticket",
        "username",
        "legacy",
    ]);
    assert!(run(store, &entry).status.success());
    let index = format!(
        "{{\n  \"default\": \"legacy\",\n  \"profiles\": {{\n    \"legacy\": {{\n      \"key\": \"{KEY}\",\n      \"last_user\": \"alice\",\n      \"last_expiry\": \"1h\"\n    }}\n  }}\n}}\n"
    );
    std::fs::create_dir_all(index_path(&session).parent().unwrap()).unwrap();
    std::fs::write(index_path(&session), &index).unwrap();

    assert_eq!(
        text(&ticket_for_alice(&session, &[])).0,
        format!("{VECTOR}\n")
    );
    assert!(profile_list(&session).contains("legacy"));
    let mut cmd = session.sinch_ticket();
    cmd.args(["profile", "webhook-secret", "add", "legacy", "conversation"]);
    let out = run(cmd, "foo_secret1234");
    assert!(out.status.success(), "{:?}", text(&out));

    assert_eq!(
        secret_tool(
            &session,
            &["lookup", "service", "sinch-ticket", "username", "legacy"]
        ),
        entry,
        "the entry an older version reads is untouched"
    );
    let now: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(index_path(&session)).unwrap()).unwrap();
    assert_eq!(now["default"], "legacy");
    assert_eq!(now["profiles"]["legacy"]["key"], KEY);
    assert_eq!(now["profiles"]["legacy"]["last_user"], "alice");

    // An older version rewrites the index as it knows it: back to the release's text. The
    // webhook secret is still used, and listed again once read.
    std::fs::write(index_path(&session), &index).unwrap();
    let out = verify_with_profile(
        &session,
        &["--profile", "legacy"],
        &conversation_vector_request(),
    );
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert!(profile_list(&session).contains("webhooks: conversation"));
    assert_eq!(
        text(&ticket_for_alice(&session, &[])).0,
        format!("{VECTOR}\n")
    );
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring: run scripts/test.sh"]
fn on_a_terminal_a_webhook_secret_is_asked_without_echo_and_replacing_is_asked_too() {
    let session = PrivateSession::start(Bus::UnlockedKeyring);
    assert!(
        add_profile(&session, "sandbox", SECRET, &[])
            .status
            .success()
    );
    let add = "profile webhook-secret add sandbox mailgun";
    let mut tty = OnATerminal::run(&session, add);
    tty.wait_for("Mailgun webhook signing key for \"sandbox\" (input hidden)");
    tty.type_hidden("key-3ax6xnjp29jd6fds4gc373sgvjxteol0");
    let (ok, screen) = tty.finish();
    assert!(ok, "{screen}");
    assert!(
        !screen.contains("key-3ax6"),
        "the secret was echoed: {screen}"
    );

    let mut tty = OnATerminal::run(&session, add);
    tty.wait_for("(input hidden)");
    tty.type_hidden("key-other");
    tty.wait_for("Replace it? [y/N]");
    tty.type_line("n");
    let (ok, screen) = tty.finish();
    assert!(!ok);
    assert!(
        screen.contains("Kept the existing Mailgun webhook signing key"),
        "{screen}"
    );
    assert_eq!(
        secret_tool(
            &session,
            &[
                "lookup",
                "service",
                "sinch-ticket:mailgun",
                "username",
                "sandbox"
            ]
        ),
        r#"{"secret":"key-3ax6xnjp29jd6fds4gc373sgvjxteol0"}"#
    );
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring: run scripts/test.sh"]
fn an_access_key_lives_in_the_keyring_and_its_token_is_reused_across_runs_never_in_a_file() {
    use std::sync::atomic::Ordering;
    use support::oauth::{AuthAnswer, KEY_ID, KEY_SECRET, PROJECT_ID, api_server, auth_server};
    let session = PrivateSession::start(Bus::UnlockedKeyring);
    let auth = auth_server(vec![AuthAnswer::Token(3600)]);
    let mut add = session.sinch_ticket();
    add.args([
        "profile",
        "add",
        "sms",
        "--project-id",
        PROJECT_ID,
        "--key-id",
        KEY_ID,
        "--key-secret-stdin",
    ]);
    let out = run(add, KEY_SECRET);
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(
        profile_list(&session).contains(&format!("access key: {KEY_ID} (project {PROJECT_ID})"))
    );
    let show = session
        .sinch_ticket()
        .args(["profile", "show", "sms"])
        .output()
        .unwrap();
    assert!(
        text(&show).0.contains("Key Secret ••••••••"),
        "{:?}",
        text(&show)
    );
    assert!(!text(&show).0.contains(KEY_SECRET));

    // Two runs, one token request: the second takes the token kept in the keyring.
    let token = |session: &PrivateSession| {
        let out = session
            .sinch_ticket()
            .args(["token", "--profile", "sms", "--auth-url", &auth.url])
            .output()
            .unwrap();
        assert!(out.status.success(), "{:?}", text(&out));
        text(&out).0.trim().to_owned()
    };
    let first = token(&session);
    let second = token(&session);
    assert_eq!(first, second);
    assert_eq!(auth.count.load(Ordering::SeqCst), 1, "the token was reused");
    let kept = secret_tool(
        &session,
        &[
            "lookup",
            "service",
            "sinch-ticket:oauth-token",
            "username",
            "sms",
        ],
    );
    assert!(
        kept.contains(&first),
        "kept in the keyring beside the profile"
    );

    // A call with it, through the default profile, to a project API.
    let api = api_server(auth.issued.clone(), false);
    let out = session
        .sinch_ticket()
        .args([
            "send",
            "GET",
            &format!("{}/v1/projects/{{project}}/activeNumbers", api.base),
            "--auth",
            "oauth",
            "--auth-url",
            &auth.url,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", text(&out));
    assert_eq!(api.calls.lock().unwrap()[0].1, first);

    // Neither the Key Secret nor the token is in a file of HOME, nor in a process's
    // arguments or environment.
    for file in session.files() {
        let bytes = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        assert!(
            !bytes.contains(KEY_SECRET),
            "{} holds the Key Secret",
            file.display()
        );
        assert!(
            !bytes.contains(&first),
            "{} holds the token",
            file.display()
        );
    }
    assert_eq!(processes_showing(KEY_SECRET), Vec::<String>::new());
    assert_eq!(processes_showing(&first), Vec::<String>::new());

    // A new access key forgets the token of the old one.
    let mut replace = session.sinch_ticket();
    replace.args([
        "profile",
        "add",
        "sms",
        "--project-id",
        PROJECT_ID,
        "--key-id",
        KEY_ID,
        "--key-secret-stdin",
        "--force",
    ]);
    assert!(run(replace, KEY_SECRET).status.success());
    assert!(
        secret_tool(
            &session,
            &[
                "lookup",
                "service",
                "sinch-ticket:oauth-token",
                "username",
                "sms"
            ]
        )
        .is_empty()
    );
    let _ = token(&session);
    assert_eq!(auth.count.load(Ordering::SeqCst), 2);
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring: run scripts/test.sh"]
fn an_sms_service_plan_is_kept_in_the_keyring_and_sent_as_the_bearer() {
    use support::oauth::api_server;
    let session = PrivateSession::start(Bus::UnlockedKeyring);
    let api_token = "sp-api-token-0001";
    let mut add = session.sinch_ticket();
    add.args(["profile", "add", "sms", "--service-plan-id", "plan-42"]);
    let out = run(add, api_token);
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(profile_list(&session).contains("service plan: plan-42"));
    assert_eq!(
        secret_tool(
            &session,
            &[
                "lookup",
                "service",
                "sinch-ticket:service-plan",
                "username",
                "sms"
            ]
        ),
        format!(r#"{{"secret":"{api_token}","id":"plan-42"}}"#)
    );
    let api = api_server(
        std::sync::Arc::new(std::sync::Mutex::new(vec![api_token.to_owned()])),
        false,
    );
    let out = session
        .sinch_ticket()
        .args([
            "send",
            "GET",
            &format!("{}/xms/v1/{{service_plan_id}}/batches", api.base),
            "--auth",
            "service-plan",
            "--profile",
            "sms",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", text(&out));
    let calls = api.calls.lock().unwrap().clone();
    assert_eq!(
        calls[0],
        ("/xms/v1/plan-42/batches".to_owned(), api_token.to_owned())
    );
    assert!(
        !std::fs::read_to_string(index_path(&session))
            .unwrap()
            .contains(api_token)
    );
}
