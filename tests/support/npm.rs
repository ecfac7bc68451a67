//! npm packages the tests run (Sinch's own SDKs), installed once per version into a cache
//! folder under the target directory.

use std::path::PathBuf;
use std::process::Command;

/// The folder whose `node_modules` holds `package` at `version`, installing it when missing.
pub fn installed(package: &str, version: &str) -> PathBuf {
    let folder = format!("{}-{version}", package.replace(['@', '/'], "_"));
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(folder);
    let marker = dir.join("node_modules").join(package).join("package.json");
    let present = std::fs::read_to_string(&marker)
        .is_ok_and(|text| text.contains(&format!("\"version\": \"{version}\"")));
    if !present {
        std::fs::create_dir_all(&dir).unwrap();
        let status = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
            .arg(&dir)
            .arg(format!("{package}@{version}"))
            .status()
            .expect("npm runs (scripts/setup.sh test installs it)");
        assert!(status.success(), "npm install {package}@{version} failed");
    }
    dir
}
