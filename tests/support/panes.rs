//! The window's tabs and parts, for the tests that walk them all: the in-process window
//! (`tests/window_ui.rs`) and the real one read through AT-SPI (`tests/window_real.rs`).

/// Every tab and part of the window, with the names of its two panes.
pub const PANED: [(&str, Option<&str>, [&str; 2]); 8] = [
    ("Generate", None, ["Form pane", "Credential pane"]),
    ("Inspect", None, ["Token pane", "Decoded pane"]),
    ("Request", None, ["Request pane", "Answer pane"]),
    (
        "Callbacks",
        Some("Verify"),
        ["Pasted request pane", "Verdict pane"],
    ),
    (
        "Callbacks",
        Some("Trigger"),
        ["Event pane", "Server answer pane"],
    ),
    ("Callbacks", Some("Scenario"), ["Scenario pane", "Run pane"]),
    (
        "Callbacks",
        Some("Listen"),
        ["Arrivals pane", "Detail pane"],
    ),
    ("Callbacks", Some("Mock"), ["Mock pane", "Call pane"]),
];
