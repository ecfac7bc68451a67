//! sinch-ticket: generate, inspect and copy Sinch client credentials.
//!
//! - [`credential`]: the pure core (formats, signing, inspection, snippets).
//! - [`profiles`]: app profiles in the OS keyring.
//! - [`http`]: sending a signed request, for both faces.
//! - [`listen`]: a small server that receives, verifies and forwards callbacks.
//! - [`trigger`]: sending a signed (or forged) callback at a server, and judging its answer.
//! - [`cli`] and [`app`]: the command line and the window, two thin faces over them.

pub mod app;
pub mod cli;
pub mod credential;
pub mod http;
pub mod listen;
pub mod profiles;
pub mod trigger;
