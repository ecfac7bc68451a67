//! The parser of pasted requests (verify-callback, the window's Verify part) on any text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sinch_ticket::net::http1::parse_request;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = parse_request(data) {
        assert!(request.body.len() <= data.len());
        assert!(!request.method.is_empty());
    }
});
