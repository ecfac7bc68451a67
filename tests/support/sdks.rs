//! Sinch's own SDKs, as `scripts/setup.sh test` installs them from their registries into
//! `target/sinch-sdks/` (never fetched by a test): the Node packages under `node/` and the
//! Python SDK in a virtual environment under `python/`. SINCH_SDKS_DIR names another folder.

#![allow(dead_code)] // Each test binary uses its own part of it.

use std::path::PathBuf;

fn root() -> PathBuf {
    std::env::var_os("SINCH_SDKS_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../sinch-sdks"),
        PathBuf::from,
    )
}

/// The folder whose `node_modules` holds `@sinch/sms`, `conversation`, `numbers`, `voice`,
/// `verification` and `sdk-client`.
pub fn node() -> PathBuf {
    let dir = root().join("node");
    assert!(
        dir.join("node_modules/@sinch/sms/package.json").exists()
            && dir
                .join("node_modules/@sinch/sdk-core/package.json")
                .exists(),
        "Sinch's Node SDKs are not in {}: run scripts/setup.sh test, which installs them",
        dir.display()
    );
    dir
}

/// The Python interpreter of the virtual environment that holds PyPI's `sinch`.
pub fn python() -> PathBuf {
    let python = root().join("python/bin/python3");
    assert!(
        python.exists(),
        "Sinch's Python SDK is not in {}: run scripts/setup.sh test, which installs it",
        root().join("python").display()
    );
    python
}
