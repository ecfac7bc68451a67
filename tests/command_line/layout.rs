//! The tree keeps its one rule: the faces (`src/cli/`, `src/app/`) hold no socket, database or
//! HTTP client, clap stays in the command line and egui in the window, and the core
//! (`src/sinch/`) does no I/O at all. Read from the sources, so that a move that breaks the
//! rule fails here, not in review.

#![allow(clippy::unwrap_used)] // Tests fail loudly on purpose.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found
}

/// The files under `src/DIR` that name any of `words` outside comments.
fn naming(dir: &str, words: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    let mut offenders = Vec::new();
    for path in sources(&root) {
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if let Some(word) = words.iter().find(|w| code.contains(*w)) {
                offenders.push(format!("{}:{}: {word}", path.display(), n + 1));
            }
        }
    }
    offenders
}

#[test]
fn the_faces_hold_no_socket_database_or_http_client() {
    for face in ["cli", "app"] {
        let found = naming(
            face,
            &["std::net", "rusqlite", "ureq", "TcpStream", "TcpListener"],
        );
        assert!(found.is_empty(), "{found:#?}");
    }
}

#[test]
fn clap_stays_in_the_command_line_and_egui_in_the_window() {
    for layer in ["sinch", "net", "profiles", "history", "scenario", "app"] {
        let found = naming(layer, &["clap::", "use clap"]);
        assert!(found.is_empty(), "{found:#?}");
    }
    for layer in ["sinch", "net", "profiles", "history", "scenario", "cli"] {
        let found = naming(layer, &["egui", "eframe"]);
        assert!(found.is_empty(), "{found:#?}");
    }
}

#[test]
fn the_core_does_no_io() {
    let found = naming(
        "sinch",
        &[
            "std::net",
            "std::fs",
            "std::process",
            "rusqlite",
            "ureq",
            "std::thread",
        ],
    );
    assert!(found.is_empty(), "{found:#?}");
}
