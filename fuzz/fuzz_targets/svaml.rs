//! The check of a server's answer (SVAML, allow/deny) for every event, on any body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sinch_ticket::sinch::callback::{Event, check_answer};

fuzz_target!(|data: &[u8]| {
    let sent = serde_json::json!({"event": "ice", "to": {"type": "number", "endpoint": "+46700000001"}});
    for event in Event::ALL {
        let check = check_answer(event, &sent, 200, data);
        // A body that is not JSON never passes an event that reads its body.
        if serde_json::from_slice::<serde_json::Value>(data).is_err()
            && event.expects() != sinch_ticket::sinch::callback::Expects::AnyBody
        {
            assert!(!check.ok());
        }
    }
});
