//! The listener's head parser on whatever arrives: it never panics, and what it takes is
//! within the limits it promises.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sinch_ticket::net::http1::{MAX_HEAD_BYTES, parse_head};

fuzz_target!(|data: &[u8]| {
    if let Ok(Some(head)) = parse_head(data) {
        assert!(head.len <= data.len() && head.len <= MAX_HEAD_BYTES);
        assert!(head.target.starts_with('/'));
        // Fed in two pieces, the same head is read the same way.
        let cut = data.len() / 2;
        if let Ok(Some(again)) = parse_head(&data[..cut.max(head.len)]) {
            assert_eq!(again, head);
        }
    }
});
