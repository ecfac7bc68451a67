//! A private desktop session for tests of the real parts: a throwaway HOME, its own D-Bus
//! session bus, and (unless asked otherwise) an unlocked gnome-keyring on it. The program
//! under test only ever sees this session, so no test touches the keyring of the person who
//! runs it, however the tests are started.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod listener;
pub mod mock;
pub mod npm;
pub mod oauth;
pub mod panes;
pub mod sdks;
pub mod server;

/// Where a test's HOME and XDG folders point unless it gives its own: a folder under the
/// target folder that nothing populates, never the user's (and not `/nonexistent`, which a
/// test run as root would create and share between runs).
pub const NO_HOME: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/no-home");

/// The program under test, kept apart from the person running the tests: HOME and the XDG
/// folders at [`NO_HOME`], no D-Bus session (so no keyring), and none of the shell's
/// `SINCH_*`, `VAULT_*` or `BAO_*` variables (a developer's own secret must not change what a
/// test sees). A test adds what it needs.
pub fn program() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_sinch-ticket"));
    for (name, _) in std::env::vars_os() {
        let name_text = name.to_string_lossy();
        if ["SINCH_", "VAULT_", "BAO_"]
            .iter()
            .any(|prefix| name_text.starts_with(prefix))
        {
            cmd.env_remove(&name);
        }
    }
    cmd.env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("HOME", NO_HOME)
        .env("XDG_CONFIG_HOME", NO_HOME)
        .env("XDG_DATA_HOME", NO_HOME);
    cmd
}

/// [`program`] for assertions, given a minute to finish.
pub fn sinch_ticket() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::from_std(program());
    cmd.timeout(Duration::from_secs(60));
    cmd
}

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct PrivateSession {
    /// Always `Some` but while `relock` hands the folder to the next session.
    dir: Option<tempfile::TempDir>,
    bus: Child,
    keyring: Option<Child>,
    display: Option<(Child, String)>,
    /// Held while the session has a display: one private X display at a time.
    display_lock: Option<std::fs::File>,
    window_manager: Option<Child>,
    accessibility: Option<Child>,
    address: String,
}

/// What the session's bus offers.
pub enum Bus {
    /// The standard session bus, services activated on demand, with gnome-keyring started
    /// and unlocked before the test begins.
    UnlockedKeyring,
    /// The standard session bus where gnome-keyring is only activated on demand, never
    /// unlocked: the keyring files of an earlier session then stay locked.
    Plain,
    /// A bus on which no Secret Service can ever appear.
    NoServices,
}

impl PrivateSession {
    pub fn start(bus: Bus) -> Self {
        Self::start_in(tempfile::tempdir().unwrap(), bus)
    }

    fn start_in(dir: tempfile::TempDir, bus: Bus) -> Self {
        for sub in ["home/.config", "home/.local/share", "home/.cache", "run"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        set_private(&dir.path().join("run"));
        let socket = dir.path().join("bus");
        let mut daemon = Command::new("dbus-daemon");
        daemon.arg("--nofork").arg("--print-address=1");
        daemon.arg(format!("--address=unix:path={}", socket.display()));
        match bus {
            Bus::NoServices => {
                let config = dir.path().join("no-services.conf");
                std::fs::write(&config, NO_SERVICES_CONFIG).unwrap();
                daemon.arg(format!("--config-file={}", config.display()));
            }
            Bus::UnlockedKeyring | Bus::Plain => {
                daemon.arg("--session");
            }
        }
        let mut bus_child = daemon
            .envs(env_for(dir.path()))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon runs (apt-get install dbus)");
        let mut address = String::new();
        {
            use std::io::BufRead as _;
            let stdout = bus_child.stdout.take().unwrap();
            std::io::BufReader::new(stdout)
                .read_line(&mut address)
                .unwrap();
        }
        let mut session = Self {
            dir: Some(dir),
            bus: bus_child,
            keyring: None,
            display: None,
            display_lock: None,
            window_manager: None,
            accessibility: None,
            address: address.trim().to_owned(),
        };
        if matches!(bus, Bus::UnlockedKeyring) {
            session.start_keyring();
        }
        session
    }

    fn start_keyring(&mut self) {
        let mut keyring = self
            .command("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon runs (apt-get install gnome-keyring)");
        keyring
            .stdin
            .take()
            .unwrap()
            .write_all(b"test-password")
            .unwrap();
        self.keyring = Some(keyring);
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.secret_service_is_up() {
            assert!(
                Instant::now() < deadline,
                "gnome-keyring did not come up on the private bus"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the keyring daemon and starts the same session again on a plain bus: the
    /// keyring files stay, but nothing unlocks them.
    pub fn relock(mut self) -> Self {
        self.stop();
        let dir = self.dir.take().unwrap();
        Self::start_in(dir, Bus::Plain)
    }

    /// Starts a private X display (Xvfb, software rendering) that the session's programs use.
    pub fn start_display(&mut self) {
        // One private display at a time, across test threads and binaries: with two Xvfb
        // servers up at once, a client of one now and then could not connect to it (1 run
        // in 6 of the real-window tests here, also when only their start was serialized;
        // none in 8 runs one at a time). The lock is held until the session stops.
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(std::env::temp_dir().join("sinch-ticket-tests-xvfb.lock"))
            .expect("the display lock can be made");
        lock.lock().expect("the display lock can be taken");
        let mut xvfb = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
                // An X server resets when its last client leaves, and refuses connections
                // while it does: a probe that connects and leaves (xprop, xdotool search)
                // then made the next client fail now and then ("Failed to open the
                // display", for openbox and for the window). A desktop's server never resets.
                "-noreset",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb runs (apt-get install xvfb)");
        let mut number = String::new();
        {
            use std::io::BufRead as _;
            let stdout = xvfb.stdout.take().unwrap();
            std::io::BufReader::new(stdout)
                .read_line(&mut number)
                .unwrap();
        }
        self.display_lock = Some(lock);
        self.display = Some((xvfb, format!(":{}", number.trim())));
        // Xvfb names its display when it listens; a client that came at once was still
        // refused now and then on a loaded machine ("Failed to open connection to X
        // server", once in a full run beside the other suites). Wait until one is served.
        self.until_it_succeeds(
            "xprop",
            &["-root", "-len", "0"],
            "the private X display serves no client",
        );
    }

    /// Runs `program` with `args` in the session until it succeeds, for at most 30 s (then
    /// the test fails, saying `failing`).
    fn until_it_succeeds(&self, program: &str, args: &[&str], failing: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self
            .command(program)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
        {
            assert!(Instant::now() < deadline, "{failing}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Starts a window manager (openbox) on the session's display, as a desktop has one:
    /// windows can then be minimised. Returns once it manages the display.
    pub fn start_window_manager(&mut self) {
        let openbox = self
            .command("openbox")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("openbox runs (apt-get install openbox)");
        self.window_manager = Some(openbox);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let out = self
                .command("xprop")
                .args(["-root", "_NET_SUPPORTING_WM_CHECK"])
                .output()
                .expect("xprop runs (apt-get install x11-utils)");
            if String::from_utf8_lossy(&out.stdout).contains("window id") {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "openbox did not take the display"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Starts the session's accessibility bus (AT-SPI) and turns accessibility on, as a
    /// desktop does for a screen reader: windows started afterwards can be read and driven
    /// from another process (`tests/atspi/window.py`). Returns once it answers.
    pub fn start_accessibility(&mut self) {
        let launcher = self
            .command("/usr/libexec/at-spi-bus-launcher")
            .arg("--launch-immediately")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("at-spi-bus-launcher runs (apt-get install at-spi2-core)");
        self.accessibility = Some(launcher);
        // Without IsEnabled, applications never appear on the bus.
        self.until_it_succeeds(
            "busctl",
            &[
                "--user",
                "set-property",
                "org.a11y.Bus",
                "/org/a11y/bus",
                "org.a11y.Status",
                "IsEnabled",
                "b",
                "true",
            ],
            "the accessibility bus did not come up",
        );
    }

    fn stop(&mut self) {
        if let Some(mut launcher) = self.accessibility.take() {
            // TERM, not KILL: the launcher then ends the accessibility bus it started (killed,
            // it leaves that dbus-daemon running after the test).
            let _ = Command::new("kill")
                .args(["-TERM", &launcher.id().to_string()])
                .status();
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
            while launcher.try_wait().ok().flatten().is_none()
                && std::time::Instant::now() < deadline
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            let _ = launcher.kill();
            let _ = launcher.wait();
        }
        if let Some(mut openbox) = self.window_manager.take() {
            let _ = openbox.kill();
            let _ = openbox.wait();
        }
        if let Some((mut xvfb, _)) = self.display.take() {
            // SIGTERM, so that Xvfb removes its socket and lock: a socket left behind by a
            // killed server makes a later Xvfb on that display fail its clients now and then.
            let _ = Command::new("kill")
                .args(["-TERM", &xvfb.id().to_string()])
                .status();
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while xvfb.try_wait().ok().flatten().is_none() && std::time::Instant::now() < deadline {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            let _ = xvfb.kill();
            let _ = xvfb.wait();
        }
        self.display_lock = None;
        if let Some(mut keyring) = self.keyring.take() {
            let _ = keyring.kill();
            let _ = keyring.wait();
        }
        // gnome-keyring instances activated by the bus leave with it.
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }

    fn root(&self) -> &Path {
        self.dir.as_ref().unwrap().path()
    }

    fn secret_service_is_up(&self) -> bool {
        self.command("dbus-send")
            .args([
                "--session",
                "--dest=org.freedesktop.DBus",
                "--print-reply",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ])
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("boolean true"))
    }

    /// The process id of the session's gnome-keyring, to stop and continue it as a hung
    /// keyring would be.
    pub fn keyring_pid(&self) -> u32 {
        self.keyring
            .as_ref()
            .expect("a session with a keyring")
            .id()
    }

    pub fn home(&self) -> PathBuf {
        self.root().join("home")
    }

    /// Any program, run inside the session and nowhere else.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(env_for(self.root()))
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address);
        if let Some((_, display)) = &self.display {
            cmd.env("DISPLAY", display);
        }
        cmd
    }

    /// The sinch-ticket binary, run inside the session.
    pub fn sinch_ticket(&self) -> Command {
        self.command(env!("CARGO_BIN_EXE_sinch-ticket"))
    }

    /// What `secret-tool` sees in the keyring for service sinch-ticket: the check from outside.
    pub fn secret_tool_search(&self) -> String {
        let out = self
            .command("secret-tool")
            .args(["search", "--all", "service", "sinch-ticket"])
            .output()
            .expect("secret-tool runs (apt-get install libsecret-tools)");
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }

    /// Every regular file under the session's HOME (config, data, cache and keyring files).
    pub fn files(&self) -> Vec<PathBuf> {
        let mut files = Vec::new();
        let mut stack = vec![self.home()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        files
    }
}

impl Drop for PrivateSession {
    fn drop(&mut self) {
        self.stop();
    }
}

fn env_for(root: &Path) -> Vec<(&'static str, PathBuf)> {
    let home = root.join("home");
    vec![
        ("HOME", home.clone()),
        ("XDG_CONFIG_HOME", home.join(".config")),
        ("XDG_DATA_HOME", home.join(".local/share")),
        ("XDG_CACHE_HOME", home.join(".cache")),
        ("XDG_RUNTIME_DIR", root.join("run")),
    ]
}

fn set_private(dir: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).unwrap();
}

const NO_SERVICES_CONFIG: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;
