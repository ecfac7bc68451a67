//! The command line and the network, as one test binary: each file a module (one links the
//! program's crate and its dependencies once, not a dozen times). The window's tests are
//! `tests/window_ui.rs` (in-process, kittest) and `tests/window_real.rs` (the real window on
//! its own display); what they all share is `tests/support/`.

#[path = "../support/mod.rs"]
mod support;

mod callbacks;
mod cli;
mod history;
mod install;
mod keeping;
mod keyring;
mod layout;
mod mock;
mod network_edge;
mod oauth;
mod rest;
mod scenario;
mod sinch_sdk;
mod sinch_sdk_client;
