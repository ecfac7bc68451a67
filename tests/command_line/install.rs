//! What an installed sinch-ticket brings besides the binary: shell completions that a real
//! bash loads and uses, man pages that `man` renders without warnings, a desktop file and
//! an AppStream metainfo file that their validators accept. The Debian package that carries
//! them all is built and checked by `scripts/package.sh`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_sinch-ticket")
}

fn output_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// What bash offers for the words typed so far (the last one being completed), with
/// `home` as the user's HOME and sinch-ticket on PATH, as after an install.
fn bash_completes(words: &[&str], home: &Path) -> Vec<String> {
    let script = home.join("sinch-ticket.bash");
    std::fs::write(
        &script,
        output_of(Command::new(bin()).args(["completions", "bash"])),
    )
    .unwrap();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={}\n_sinch_ticket_with_profiles sinch-ticket '{}' '{}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words.len() - 1,
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let bin_dir = Path::new(bin()).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let text = output_of(
        Command::new("bash")
            .args(["--norc", "-c", &program])
            .env("PATH", path)
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env_remove("DBUS_SESSION_BUS_ADDRESS"),
    );
    text.lines().map(str::to_owned).collect()
}

#[test]
fn bash_completes_subcommands_flags_and_profile_names() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config/sinch-ticket");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("profiles.json"),
        r#"{"default":"sandbox","profiles":{"sandbox":{"key":"k"},"production":{"key":"k"}}}"#,
    )
    .unwrap();
    assert_eq!(
        bash_completes(&["sinch-ticket", "ti"], home.path()),
        ["ticket"]
    );
    let sub = bash_completes(&["sinch-ticket", "ve"], home.path());
    assert_eq!(sub, ["verify-callback"]);
    assert_eq!(
        bash_completes(&["sinch-ticket", "ticket", "--us"], home.path()),
        ["--user", "--users-from"]
    );
    assert!(
        bash_completes(&["sinch-ticket", "send", "--"], home.path())
            .contains(&"--timeout".to_owned())
    );
    assert_eq!(
        bash_completes(&["sinch-ticket", "jwt", "--profile", ""], home.path()),
        ["production", "sandbox"]
    );
    assert_eq!(
        bash_completes(&["sinch-ticket", "profile", "show", "s"], home.path()),
        ["sandbox"]
    );
}

#[test]
fn zsh_and_fish_scripts_name_every_subcommand() {
    for shell in ["zsh", "fish"] {
        let script = output_of(Command::new(bin()).args(["completions", shell]));
        for sub in [
            "ticket",
            "jwt",
            "inspect",
            "profile",
            "sign",
            "send",
            "verify-callback",
        ] {
            assert!(script.contains(sub), "{shell}: {sub}");
        }
    }
    let fish = output_of(Command::new(bin()).args(["completions", "fish"]));
    assert!(fish.contains("profile list --names"));
}

fn man_pages() -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    output_of(Command::new(bin()).arg("man").arg(dir.path()));
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.sort();
    (dir, pages)
}

#[test]
fn the_man_pages_hold_exit_statuses_environment_files_and_examples() {
    let (_dir, pages) = man_pages();
    let names: Vec<String> = pages
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for expected in [
        "sinch-ticket.1",
        "sinch-ticket-ticket.1",
        "sinch-ticket-verify-callback.1",
    ] {
        assert!(names.contains(&expected.to_owned()), "{names:?}");
    }
    assert!(
        !names.iter().any(|n| n.contains("-man.")),
        "the hidden subcommand has no page"
    );
    let top = std::fs::read_to_string(
        pages
            .iter()
            .find(|p| p.ends_with("sinch-ticket.1"))
            .unwrap(),
    )
    .unwrap();
    for section in [
        ".SH \"EXIT STATUS\"",
        ".SH ENVIRONMENT",
        ".SH FILES",
        "SINCH_APPLICATION_SECRET",
        "Examples:",
    ] {
        assert!(top.contains(section), "{section}");
    }
}

#[test]
#[ignore = "needs man-db: run scripts/test.sh"]
fn man_renders_every_page_without_a_warning() {
    let (_dir, pages) = man_pages();
    for page in pages {
        let out = Command::new("man")
            .args(["--warnings", "-E", "UTF-8", "-l"])
            .arg(&page)
            .env("MANWIDTH", "80")
            .env("MANPAGER", "cat")
            .output()
            .expect("man runs (apt-get install man-db)");
        assert!(out.status.success(), "{}", page.display());
        let warnings = String::from_utf8_lossy(&out.stderr);
        assert!(warnings.trim().is_empty(), "{}: {warnings}", page.display());
        assert!(String::from_utf8_lossy(&out.stdout).contains("SYNOPSIS"));
    }
}

#[test]
#[ignore = "needs desktop-file-utils and appstream: run scripts/test.sh"]
fn the_desktop_file_and_the_metainfo_pass_their_validators() {
    let assets = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let out = Command::new("desktop-file-validate")
        .arg(assets.join("sinch-ticket.desktop"))
        .output()
        .expect("desktop-file-validate runs (apt-get install desktop-file-utils)");
    assert!(out.status.success() && out.stdout.is_empty(), "{out:?}");
    let out = Command::new("appstreamcli")
        .args(["validate", "--no-net"])
        .arg(assets.join("io.github.sinchticket.SinchTicket.metainfo.xml"))
        .output()
        .expect("appstreamcli runs (apt-get install appstream)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    for size in ["48x48", "128x128", "256x256"] {
        let icon = assets.join(format!("icons/hicolor/{size}/apps/sinch-ticket.png"));
        let text = output_of(
            Command::new("identify")
                .args(["-format", "%wx%h"])
                .arg(&icon),
        );
        assert_eq!(text, size, "{}", icon.display());
    }
}
