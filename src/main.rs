//! The `sinch-ticket` binary: with no arguments it opens the window; otherwise it runs the
//! command line. Both live in the library.

use std::process::ExitCode;

use clap::Parser as _;
use sinch_ticket::cli::{self, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(command) = cli.command else {
        return match sinch_ticket::app::run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("sinch-ticket: error: {message}");
                ExitCode::from(cli::exit::IO)
            }
        };
    };
    ExitCode::from(cli::run(command))
}
