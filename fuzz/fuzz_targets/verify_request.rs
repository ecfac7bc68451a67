//! Verification of a pasted or received request, with an age limit and without: never a
//! panic, and never "verified" without the right MAC (checked against a second signing).
#![no_main]

use chrono::DateTime;
use libfuzzer_sys::fuzz_target;
use sinch_ticket::net::http1::parse_request;
use sinch_ticket::sinch::AppSecret;
use sinch_ticket::sinch::signing::{CallbackKeys, verify_request};

fuzz_target!(|data: &[u8]| {
    let Ok(request) = parse_request(data) else {
        return;
    };
    let Ok(secret) = AppSecret::from_base64("oYdgGRXoxEuJhGDY2KQ/HQ==") else {
        return;
    };
    let now = DateTime::from_timestamp(1_764_000_000, 0).unwrap_or_default();
    for key in [None, Some("196087a1-e815-4bc4-8984-60d8d8a43f1d")] {
        for max_age in [None, Some(900)] {
            let keys = CallbackKeys { key, secret: &secret };
            let verdict = verify_request(&request, keys, now, max_age);
            assert_eq!(verdict.verified, verdict.reason.is_none());
        }
    }
});
