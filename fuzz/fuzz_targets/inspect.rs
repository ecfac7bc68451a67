//! The credential inspector on any pasted text, with and without a secret.
#![no_main]

use chrono::DateTime;
use libfuzzer_sys::fuzz_target;
use sinch_ticket::sinch::{AppSecret, VerifyWith, inspect};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let now = DateTime::from_timestamp(1_764_000_000, 0).unwrap_or_default();
    let _ = inspect(text, None, now);
    if let Ok(secret) = AppSecret::from_base64("oYdgGRXoxEuJhGDY2KQ/HQ==") {
        let with = VerifyWith {
            secret: &secret,
            application_key: Some("196087a1-e815-4bc4-8984-60d8d8a43f1d"),
        };
        if let Ok(inspection) = inspect(text, Some(with), now) {
            let _ = inspection.verdict_sentence();
        }
    }
});
