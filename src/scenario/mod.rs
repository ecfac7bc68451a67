//! Scenarios: callbacks sent in order, as a test of the developer's server that CI can run
//! (`scenario run FILE`). Each step triggers an event (or replays one), signed or forged,
//! sent once or several times, in order or out of it, retried as Sinch retries, and expects
//! it accepted or refused.
//!
//! Three parts, apart as hurl keeps its file model, runner and reports:
//! - [`file`]: the TOML file as it is written, read with a bound;
//! - [`plan`]: the file checked whole against what is at hand (the events, the secrets, the
//!   history), so that a mistake is found before anything is sent; [`records`] the
//!   history's records a step replays;
//! - [`run`]: the runner, which sends through a [`run::Delivery`] it is given and returns
//!   outcomes, printing nothing; [`junit`] the report of them.

pub mod file;
pub mod junit;
pub mod plan;
pub mod records;
pub mod run;

pub use file::{ScenarioFile, read};
pub use plan::{Plan, PlanError, Planned, Source};
pub use records::Records;
pub use run::{Attempt, Delivery, Http, Outcome, Report, run};

#[cfg(test)]
mod tests;
