//! sinch-ticket: generate, inspect and copy Sinch client credentials.
//!
//! - [`credential`]: the pure core (formats, signing, inspection, snippets).
//! - [`cli`]: the command line, a thin face over the core.

pub mod cli;
pub mod credential;
pub mod profiles;
