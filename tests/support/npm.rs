//! npm packages the tests run (Sinch's own SDKs), installed once per version into a cache
//! folder under the target directory.
//!
//! Tests of one binary run on parallel threads and may all ask for the same package on a fresh
//! machine; two `npm install`s into one prefix at once break each other. So each install holds
//! an exclusive file lock (which also serializes separate test processes) and looks again for
//! the package once it has the lock.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The folder whose `node_modules` holds `package` at `version`, installing it when missing.
pub fn installed(package: &str, version: &str) -> PathBuf {
    let folder = format!("{}-{version}", package.replace(['@', '/'], "_"));
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(folder);
    if holds(&dir, package, version) {
        return dir;
    }
    std::fs::create_dir_all(&dir).unwrap();
    let lock = File::create(dir.with_extension("lock")).unwrap();
    lock.lock().unwrap();
    // One more try on a failure: the registry is across a network.
    for attempt in 1..=2 {
        if holds(&dir, package, version) {
            return dir;
        }
        let output = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .arg(format!("{package}@{version}"))
            .output()
            .expect("npm runs (scripts/setup.sh test installs it)");
        if output.status.success() {
            continue;
        }
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            attempt < 2,
            "npm install {package}@{version} failed:\n{said}"
        );
        eprintln!("npm install {package}@{version} failed, trying once more:\n{said}");
    }
    assert!(
        holds(&dir, package, version),
        "npm install {package}@{version} succeeded but left no {package}/package.json"
    );
    dir
}

fn holds(dir: &Path, package: &str, version: &str) -> bool {
    let marker = dir.join("node_modules").join(package).join("package.json");
    std::fs::read_to_string(marker)
        .is_ok_and(|text| text.contains(&format!("\"version\": \"{version}\"")))
}
