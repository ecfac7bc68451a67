//! The real window, started for real: the release-like binary on a private X display (Xvfb)
//! with a private keyring, driven with real key presses (xdotool), its clipboard read back
//! from another process (xclip), and a screenshot checked for content.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod support;

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{Bus, PrivateSession};

const SECRET: &str = "oYdgGRXoxEuJhGDY2KQ/HQ==";
const KEY: &str = "196087a1-e815-4bc4-8984-60d8d8a43f1d";

fn output(mut cmd: Command) -> String {
    let out = cmd.output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn xdotool(session: &PrivateSession, args: &[&str]) {
    assert!(try_xdotool(session, args), "xdotool {args:?}");
}

/// Runs xdotool; `false` when it failed (a window not mapped yet, say).
fn try_xdotool(session: &PrivateSession, args: &[&str]) -> bool {
    session
        .command("xdotool")
        .args(args)
        .stderr(Stdio::null())
        .status()
        .expect("xdotool runs (apt-get install xdotool)")
        .success()
}

/// Waits until `check` returns something, or fails the test after `seconds` with what
/// `evidence` says (the window's standard error, where its picture was saved).
fn wait_for<T>(
    seconds: u64,
    what: &str,
    evidence: &dyn Fn() -> String,
    mut check: impl FnMut() -> Option<T>,
) -> T {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; {}",
            evidence()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Clicks the text field at `at` in window `id`, types `text` over what it holds, and copies
/// it back through the clipboard: `Some` once the field holds exactly `text`, so that nothing
/// is sent anywhere but where the test says.
fn fill_field(session: &PrivateSession, id: &str, at: (&str, &str), text: &str) -> Option<()> {
    xdotool(
        session,
        &["mousemove", "--window", id, at.0, at.1, "click", "1"],
    );
    xdotool(session, &["key", "ctrl+a"]);
    xdotool(session, &["type", "--delay", "20", text]);
    xdotool(session, &["key", "ctrl+a", "ctrl+c"]);
    (0..20).find_map(|_| {
        let copied = output({
            let mut cmd = session.command("xclip");
            cmd.args(["-o", "-selection", "clipboard"]);
            cmd
        });
        if copied == text {
            return Some(());
        }
        std::thread::sleep(Duration::from_millis(100));
        None
    })
}

/// `Some` once the test server has answered, looking for up to 5 s.
fn finished<T>(server: &std::thread::JoinHandle<T>) -> Option<()> {
    (0..50).find_map(|_| {
        if server.is_finished() {
            return Some(());
        }
        std::thread::sleep(Duration::from_millis(100));
        None
    })
}

#[test]
#[ignore = "needs Xvfb, xdotool, xclip, ImageMagick, dbus-daemon and gnome-keyring: run scripts/test.sh"]
fn generate_and_copy_through_real_input_and_read_the_clipboard_from_another_process() {
    let mut session = PrivateSession::start(Bus::UnlockedKeyring);
    session.start_display();
    add_profile(&session);
    let (mut window, id, stderr_file) = start_window(&session);
    let window_stderr = || std::fs::read_to_string(stderr_file.path()).unwrap_or_default();
    let evidence = || evidence_of(&session, &id, &window_stderr());
    let pasted = copy_a_ticket(&session, &id, &evidence);
    let secret = sinch_ticket::sinch::AppSecret::from_base64(SECRET).unwrap();
    let verify = sinch_ticket::sinch::VerifyWith {
        secret: &secret,
        application_key: Some(KEY),
    };
    let report = sinch_ticket::sinch::inspect(&pasted, Some(verify), chrono::Utc::now()).unwrap();
    assert!(report.accepted(), "{report:?}");
    assert_eq!(report.identity.unwrap().endpoint, "alice");

    // A screenshot with content (not a blank or black window), kept for the README script.
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("window.png");
    let status = session
        .command("import")
        .args(["-window", &id, shot.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    let colors: u32 = output({
        let mut cmd = session.command("convert");
        cmd.args([shot.to_str().unwrap(), "-format", "%k", "info:"]);
        cmd
    })
    .parse()
    .unwrap();
    assert!(
        colors > 50,
        "the screenshot has only {colors} colours: the window looks blank"
    );

    // The Request tab (Ctrl+3), sent to a server on this machine that checks the signature.
    // The Host field and the Send button are clicked where the tab lays them out in the
    // default window (Send below the Authorization row); before Send is pressed, the field's text is copied and read back, so
    // that nothing is ever sent anywhere but to 127.0.0.1.
    // The tab is shown, and the focus it gives its path field taken, before the Host field
    // is clicked: Ctrl+3 and a click in the same frame leave the focus on the path, and the
    // host was typed there once (a loaded machine, the key pressed again on a retry).
    wait_for(
        60,
        "the Request tab, its path field focused",
        &evidence,
        || {
            xdotool(&session, &["windowfocus", "--sync", &id]);
            xdotool(&session, &["key", "ctrl+3"]);
            xdotool(&session, &["key", "ctrl+a", "ctrl+c"]);
            let copied = output({
                let mut cmd = session.command("xclip");
                cmd.args(["-o", "-selection", "clipboard"]);
                cmd
            });
            (copied == "/calling/v1/callouts").then_some(())
        },
    );
    let (port, server) = support::server::checking_server(SECRET, KEY, Some(900), None);
    let host = format!("http://127.0.0.1:{port}");
    wait_for(60, "the request at the local server", &evidence, || {
        xdotool(&session, &["windowfocus", "--sync", &id]);
        fill_field(&session, &id, ("245", "101"), &host)?;
        xdotool(
            &session,
            &["mousemove", "--window", &id, "273", "331", "click", "1"],
        );
        finished(&server)
    });
    let received = server.join().unwrap();
    assert!(
        received.starts_with("POST /calling/v1/callouts HTTP/1.1"),
        "{received}"
    );
    let parsed = sinch_ticket::net::http1::parse_request(received.as_bytes()).unwrap();
    let verdict = sinch_ticket::sinch::signing::verify_request(
        &parsed,
        sinch_ticket::sinch::signing::CallbackKeys {
            key: Some(KEY),
            secret: &secret,
        },
        chrono::Utc::now(),
        Some(900),
    );
    assert!(verdict.verified, "{verdict:?}");

    // The Callbacks tab (Ctrl+4), its Trigger part: one ICE at a server on this machine that
    // checks the signature and answers SVAML. The URL field is filled and read back before
    // Ctrl+Enter sends, as for the Request tab.
    let (port, server) = support::server::answering_server(
        SECRET,
        KEY,
        Some(900),
        support::server::Answering::careful(200, r#"{"action":{"name":"hangup"}}"#),
    );
    let url = format!("http://127.0.0.1:{port}/sinch/callback");
    wait_for(60, "the event at the local server", &evidence, || {
        xdotool(&session, &["windowfocus", "--sync", &id]);
        xdotool(&session, &["key", "ctrl+4"]);
        xdotool(
            &session,
            &["mousemove", "--window", &id, "95", "75", "click", "1"],
        );
        fill_field(&session, &id, ("330", "132"), &url)?;
        xdotool(&session, &["key", "ctrl+Return"]);
        finished(&server)
    });
    let received = server.join().unwrap();
    assert!(received.verified, "{}", received.raw);
    assert!(
        received.raw.starts_with("POST /sinch/callback HTTP/1.1"),
        "{}",
        received.raw
    );
    let (_, body) = received.raw.split_once("\r\n\r\n").unwrap();
    let body: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(body["event"], "ice");
    assert_eq!(
        body["applicationKey"], KEY,
        "the profile's key is in the event"
    );

    // Ctrl+Q closes the window the way a user does: settings are saved, our copy cleared.
    xdotool(&session, &["key", "ctrl+q"]);
    let exited = wait_for(15, "the window to close", &window_stderr, || {
        window.try_wait().unwrap()
    });
    assert!(exited.success(), "{exited:?}");
    let leftover = output({
        let mut cmd = session.command("xclip");
        cmd.args(["-o", "-selection", "clipboard"]);
        cmd
    });
    assert!(
        !leftover.contains(&pasted),
        "the ticket outlived the window on the clipboard"
    );

    // What the window remembered is on disk; neither the secret nor the ticket is.
    let files = session.files();
    assert!(
        files
            .iter()
            .any(|f| f.to_string_lossy().contains("sinch-ticket/app.ron")),
        "the window saved its settings: {files:?}"
    );
    for file in files {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        assert!(
            !text.contains(SECRET),
            "{} holds the secret",
            file.display()
        );
        assert!(
            !text.contains(&pasted),
            "{} holds the generated ticket",
            file.display()
        );
    }
    let stderr = window_stderr();
    assert!(
        !stderr.contains(SECRET) && !stderr.contains("panicked"),
        "{stderr}"
    );
}

/// Adds profile "sandbox" with the test key and secret, as a user does.
fn add_profile(session: &PrivateSession) {
    let mut add = session
        .sinch_ticket()
        .args(["profile", "add", "sandbox", "--key", KEY])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(SECRET.as_bytes())
        .unwrap();
    assert!(add.wait().unwrap().success());
}

/// Starts the window and waits until it shows: the process, its X window id, and the file
/// its standard error goes to (a pipe nobody reads could fill and stall it, and the file is
/// there to read when something goes wrong).
fn start_window(
    session: &PrivateSession,
) -> (std::process::Child, String, tempfile::NamedTempFile) {
    start_window_with(session, &[])
}

/// [`start_window`], with `env` set for the window.
fn start_window_with(
    session: &PrivateSession,
    env: &[(&str, &str)],
) -> (std::process::Child, String, tempfile::NamedTempFile) {
    let stderr_file = tempfile::NamedTempFile::new().unwrap();
    let mut window = session
        .sinch_ticket()
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(stderr_file.reopen().unwrap())
        .spawn()
        .unwrap();
    let window_stderr = || std::fs::read_to_string(stderr_file.path()).unwrap_or_default();
    let deadline = Instant::now() + Duration::from_secs(90);
    let id = loop {
        let id = output({
            let mut cmd = session.command("xdotool");
            cmd.args(["search", "--name", "^sinch-ticket$"]);
            cmd
        });
        if let Some(id) = id.lines().next() {
            break id.to_owned();
        }
        if let Some(status) = window.try_wait().unwrap() {
            panic!(
                "the window exited ({status}) before showing: {}",
                window_stderr()
            );
        }
        assert!(
            Instant::now() < deadline,
            "no window after 90 s; its standard error: {}",
            window_stderr()
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    (window, id, stderr_file)
}

/// When a wait fails: the window's standard error and a picture of it, for the next one who
/// reads the failure.
fn evidence_of(session: &PrivateSession, id: &str, stderr: &str) -> String {
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("window-failure.png");
    let _ = session
        .command("import")
        .args(["-window", id, shot.to_str().unwrap_or_default()])
        .status();
    format!(
        "the window as it was: {}; its standard error: {stderr}",
        shot.display()
    )
}

/// What the clipboard holds, read by another process.
fn clipboard(session: &PrivateSession) -> String {
    output({
        let mut cmd = session.command("xclip");
        cmd.args(["-o", "-selection", "clipboard"]);
        cmd
    })
}

/// Types "alice" into the username field, generates (Ctrl+Enter) and copies (Ctrl+Shift+C)
/// as a user would, and returns the ticket as another process reads it off the clipboard.
fn copy_a_ticket(session: &PrivateSession, id: &str, evidence: &dyn Fn() -> String) -> String {
    copy_a_ticket_at(session, id, evidence, "75")
}

/// [`copy_a_ticket`], with the username field `y` pixels down the window (lower when the
/// profile bar has a second line).
fn copy_a_ticket_at(
    session: &PrivateSession,
    id: &str,
    evidence: &dyn Fn() -> String,
    y: &str,
) -> String {
    // The profile loads in the background meanwhile. Click the username field (its focus
    // from the first frame may be gone once a window manager has focused the window) and
    // type as a user would; if the window was not ready for the keys yet (not mapped,
    // profile still loading), do it again: each round replaces the username, so repeating
    // is harmless.
    wait_for(60, "the ticket on the clipboard", evidence, || {
        // Focusing fails until the window is mapped: then simply try again.
        if !try_xdotool(session, &["windowfocus", "--sync", id]) {
            std::thread::sleep(Duration::from_millis(100));
            return None;
        }
        xdotool(
            session,
            &["mousemove", "--window", id, "227", y, "click", "1"],
        );
        xdotool(session, &["key", "ctrl+a"]);
        xdotool(session, &["type", "--delay", "40", "alice"]);
        xdotool(session, &["key", "ctrl+Return"]);
        xdotool(session, &["key", "ctrl+shift+c"]);
        // The copy is served by the window's process; give it a few looks before retyping.
        (0..20).find_map(|_| {
            let text = clipboard(session);
            if text.contains(':') {
                return Some(text);
            }
            std::thread::sleep(Duration::from_millis(100));
            None
        })
    })
}

#[test]
#[ignore = "needs Xvfb, openbox, xdotool, xclip, x11-utils, dbus-daemon and gnome-keyring: run scripts/test.sh"]
fn a_copied_ticket_is_cleared_on_time_while_the_window_is_minimised() {
    let mut session = PrivateSession::start(Bus::UnlockedKeyring);
    session.start_display();
    session.start_window_manager();
    add_profile(&session);
    // Copies clear after 10 s: the window's own setting, as the last run left it.
    let data = session.home().join(".local/share/sinch-ticket");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("app.ron"),
        "{\n    \"app\": \"(clear_clipboard_after: Some(10))\",\n}\n",
    )
    .unwrap();
    let (mut window, id, stderr_file) = start_window(&session);
    let window_stderr = || std::fs::read_to_string(stderr_file.path()).unwrap_or_default();
    let evidence = || evidence_of(&session, &id, &window_stderr());
    let ticket = copy_a_ticket(&session, &id, &evidence);

    // Minimised under the window manager: eframe stops drawing it.
    xdotool(&session, &["windowminimize", "--sync", &id]);
    let unmapped = || {
        output({
            let mut cmd = session.command("xwininfo");
            cmd.args(["-id", &id]);
            cmd
        })
        .contains("IsUnMapped")
    };
    wait_for(30, "the window to be minimised", &evidence, || {
        unmapped().then_some(())
    });
    // The copy goes on time all the same, read by another process while the window is away.
    wait_for(
        40,
        "the clipboard to be cleared while minimised",
        &evidence,
        || (!clipboard(&session).contains(&ticket)).then_some(()),
    );
    assert!(
        unmapped(),
        "the window was restored before the copy was cleared"
    );
    let _ = window.kill();
    let _ = window.wait();
    let stderr = window_stderr();
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
#[ignore = "needs Xvfb, xdotool, xclip, dbus-daemon and gnome-keyring: run scripts/test.sh"]
fn the_real_window_signs_with_a_secret_it_fetches_from_a_secret_manager() {
    let mut session = PrivateSession::start(Bus::UnlockedKeyring);
    session.start_display();
    // The profile refers to an environment variable (as `op run` or CI set it): nothing of
    // the secret is in the keyring or a file, and the window fetches it when it loads it.
    let out = session
        .sinch_ticket()
        .args([
            "profile",
            "add",
            "team",
            "--key",
            KEY,
            "--secret-from",
            "env:TEAM_SECRET",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let (mut window, id, stderr_file) = start_window_with(&session, &[("TEAM_SECRET", SECRET)]);
    let window_stderr = || std::fs::read_to_string(stderr_file.path()).unwrap_or_default();
    let evidence = || evidence_of(&session, &id, &window_stderr());
    // The profile bar's second line says where the secret came from; the form is below it.
    let pasted = copy_a_ticket_at(&session, &id, &evidence, "98");
    let secret = sinch_ticket::sinch::AppSecret::from_base64(SECRET).unwrap();
    let verify = sinch_ticket::sinch::VerifyWith {
        secret: &secret,
        application_key: Some(KEY),
    };
    let report = sinch_ticket::sinch::inspect(&pasted, Some(verify), chrono::Utc::now()).unwrap();
    assert!(report.accepted(), "{report:?}");
    xdotool(&session, &["key", "ctrl+q"]);
    let exited = wait_for(15, "the window to close", &window_stderr, || {
        window.try_wait().unwrap()
    });
    assert!(exited.success(), "{exited:?}");
    assert!(!session.secret_tool_search().contains(SECRET));
    for file in session.files() {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        assert!(
            !text.contains(SECRET),
            "{} holds the secret",
            file.display()
        );
    }
    assert!(!window_stderr().contains(SECRET));
}

/// One node of the window as AT-SPI shows it to a screen reader (`tests/atspi/window.py`).
#[derive(Debug, serde::Deserialize)]
struct Seen {
    role: String,
    name: String,
    text: Option<String>,
    /// x, y, width, height on the screen.
    extents: Option<[i64; 4]>,
    showing: Option<bool>,
}

/// Runs `tests/atspi/window.py PID ARGS…` in the session: its JSON, or `None` when the
/// window is not (yet) there or the node asked for is not.
fn atspi(session: &PrivateSession, pid: u32, args: &[&str]) -> Option<serde_json::Value> {
    atspi_of(session, &pid.to_string(), args)
}

/// [`atspi`] for the application `which` names: a process id, or `name:NAME`.
fn atspi_of(session: &PrivateSession, which: &str, args: &[&str]) -> Option<serde_json::Value> {
    let out = session
        .command("/usr/bin/python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/atspi/window.py"
        ))
        .arg(which)
        .args(args)
        .output()
        .expect("python3 runs (apt-get install python3-gi gir1.2-atspi-2.0)");
    if !out.status.success() {
        return None;
    }
    serde_json::from_slice(&out.stdout).ok()
}

/// A private desktop a screen reader can read (display, window manager, accessibility bus)
/// with the sandbox profile saved.
fn accessible_desktop() -> PrivateSession {
    let mut session = PrivateSession::start(Bus::UnlockedKeyring);
    session.start_display();
    session.start_window_manager();
    session.start_accessibility();
    add_profile(&session);
    session
}

/// Every node of the window, as a screen reader reads it.
fn read_window(session: &PrivateSession, pid: u32) -> Option<Vec<Seen>> {
    serde_json::from_value(atspi(session, pid, &["dump"])?).ok()
}

#[test]
#[ignore = "needs Xvfb, openbox, AT-SPI (at-spi2-core, gir1.2-atspi-2.0, python3-gi), dbus-daemon and gnome-keyring: run scripts/test.sh"]
fn a_screen_reader_finds_every_control_named_and_the_request_tabs_answer_on_screen() {
    let session = accessible_desktop();
    let (mut window, id, stderr_file) = start_window(&session);
    let pid = window.id();
    let window_stderr = || std::fs::read_to_string(stderr_file.path()).unwrap_or_default();
    let evidence = || evidence_of(&session, &id, &window_stderr());
    let named = |nodes: &[Seen], role: &str, name: &str| {
        nodes.iter().any(|n| n.role == role && n.name == name)
    };
    // The window on the accessibility bus, its profile loaded (Generate is enabled then).
    let nodes = wait_for(90, "the window on the accessibility bus", &evidence, || {
        read_window(&session, pid).filter(|nodes| named(nodes, "entry", "Username"))
    });
    let frame = nodes
        .iter()
        .find(|n| n.role == "frame")
        .and_then(|n| n.extents)
        .expect("the window is a frame with a place on the screen");
    let inside = |extents: [i64; 4]| {
        extents[0] >= frame[0]
            && extents[1] >= frame[1]
            && extents[0] + extents[2] <= frame[0] + frame[2]
            && extents[1] + extents[3] <= frame[1] + frame[3]
    };

    // Every tab: each control shown has a name, and each pane is named.
    let tab_role = nodes
        .iter()
        .find(|n| n.name == "Request" && n.role.contains("button"))
        .map(|n| n.role.clone())
        .expect("the tabs are buttons");
    for (tab, part, panes) in support::panes::PANED {
        let tab = match part {
            Some(part) => format!("{tab}, {part}"),
            None => tab.to_owned(),
        };
        let nodes = wait_for(30, &format!("the {tab} tab"), &evidence, || {
            for name in tab.split(", ") {
                atspi(&session, pid, &["press", &tab_role, name])?;
            }
            read_window(&session, pid)
                .filter(|nodes| panes.iter().all(|p| named(nodes, "panel", p)))
        });
        for node in nodes.iter().filter(|n| n.showing == Some(true)) {
            if [
                "push button",
                "toggle button",
                "entry",
                "text",
                "combo box",
                "check box",
                "radio button",
            ]
            .contains(&node.role.as_str())
            {
                assert!(
                    !node.name.trim().is_empty(),
                    "{tab}: a {} with no name: {node:?}",
                    node.role
                );
            }
        }
    }

    // The Request tab, pointed at a server on this machine through the accessibility bus,
    // sent: the answer is on screen, inside the window, without scrolling.
    wait_for(30, "the Request tab", &evidence, || {
        atspi(&session, pid, &["press", &tab_role, "Request"])?;
        read_window(&session, pid).filter(|nodes| named(nodes, "panel", "Answer pane"))
    });
    let (port, server) = support::server::checking_server(SECRET, KEY, Some(900), None);
    let host = format!("http://127.0.0.1:{port}");
    wait_for(30, "the Host field filled", &evidence, || {
        atspi(&session, pid, &["set-text", "Host", &host])?;
        read_window(&session, pid)?
            .into_iter()
            .any(|n| n.name == "Host" && n.text.as_deref() == Some(host.as_str()))
            .then_some(())
    });
    atspi(&session, pid, &["press", "push button", "Send"]).expect("Send is pressed");
    let answer = wait_for(60, "the answer on screen", &evidence, || {
        read_window(&session, pid)?
            .into_iter()
            .find(|n| n.role == "label" && n.name.starts_with("HTTP 200"))
    });
    let received = server.join().unwrap();
    assert!(
        received.starts_with("POST /calling/v1/callouts HTTP/1.1"),
        "{received}"
    );
    assert_eq!(answer.showing, Some(true), "{answer:?}");
    let extents = answer
        .extents
        .expect("the answer has a place on the screen");
    assert!(
        inside(extents),
        "the answer {extents:?} is outside the window {frame:?}; {}",
        evidence()
    );
    let _ = window.kill();
    let _ = window.wait();
}

#[test]
#[ignore = "needs Xvfb, openbox, AT-SPI, zenity, dbus-daemon and gnome-keyring: run scripts/test.sh"]
fn save_test_page_opens_the_desktops_file_dialog_and_saves_where_it_says() {
    let session = accessible_desktop();
    let (mut window, id, stderr_file) = start_window(&session);
    let pid = window.id();
    let window_stderr = || std::fs::read_to_string(stderr_file.path()).unwrap_or_default();
    let evidence = || evidence_of(&session, &id, &window_stderr());
    let field_holds = |name: &str, text: &str| {
        read_window(&session, pid)?
            .into_iter()
            .any(|n| n.name == name && n.text.as_deref() == Some(text))
            .then_some(())
    };
    wait_for(90, "the username typed", &evidence, || {
        atspi(&session, pid, &["set-text", "Username", "alice"])?;
        field_holds("Username", "alice")
    });
    wait_for(30, "the ticket made", &evidence, || {
        atspi(&session, pid, &["press", "push button", "Generate ticket"])?;
        read_window(&session, pid)?
            .into_iter()
            .any(|n| n.name == "Copy ticket")
            .then_some(())
    });
    // The field says where; the desktop's dialog (zenity here: the private session has no
    // portal) starts there, and its OK is what writes.
    let page = session.home().join("pages/alice.html");
    std::fs::create_dir_all(page.parent().unwrap()).unwrap();
    let typed = page.display().to_string();
    wait_for(30, "the test page's path typed", &evidence, || {
        atspi(&session, pid, &["set-text", "Test page", &typed])?;
        field_holds("Test page", &typed)
    });
    atspi(&session, pid, &["press", "push button", "Save test page…"])
        .expect("Save test page… is pressed");
    wait_for(
        60,
        "zenity's file dialog, then its OK pressed",
        &evidence,
        || {
            let nodes: Vec<Seen> =
                serde_json::from_value(atspi_of(&session, "name:zenity", &["dump"])?).ok()?;
            // Its name field holds the page's name, in the page's folder.
            nodes
                .iter()
                .any(|n| n.text.as_deref() == Some("alice.html"))
                .then_some(())?;
            atspi_of(&session, "name:zenity", &["press", "push button", "OK"])
        },
    );
    let saved = wait_for(30, "the page written", &evidence, || {
        std::fs::read_to_string(&page).ok()
    });
    assert!(saved.contains("SinchClient"), "the test page: {saved}");
    // The window says where it went.
    wait_for(30, "the window saying so", &evidence, || {
        read_window(&session, pid)?
            .into_iter()
            .any(|n| n.name.contains(&typed) && n.name.contains("Open in browser shows it"))
            .then_some(())
    });
    let _ = window.kill();
    let _ = window.wait();
}
