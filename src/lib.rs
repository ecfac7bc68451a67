//! sinch-ticket: generate, inspect and copy Sinch client credentials, sign Sinch REST calls,
//! and verify, trigger and listen for Sinch callbacks.
//!
//! One rule, visible in the tree:
//! - [`sinch`]: the pure Sinch domain. Bytes and an explicit clock in, values out; no
//!   socket, file, keyring, clipboard or window.
//! - [`net`]: every socket: the HTTP/1.1 parser, the client, `trigger` and the listener.
//! - [`profiles`]: the OS keyring and the non-secret profile index.
//! - [`history`]: the callback history, a SQLite file in the data folder.
//! - [`scenario`]: scenario files checked whole, run through a delivery, and reported.
//! - [`bounded`]: a queue bounded by bytes, between a listener and its keeper and printer.
//! - [`cli`] and [`app`]: the command line and the window, two thin faces that turn the
//!   values above into words and widgets.

pub mod app;
pub mod bounded;
pub mod cli;
pub mod history;
pub mod net;
pub mod profiles;
pub mod scenario;
pub mod sinch;
