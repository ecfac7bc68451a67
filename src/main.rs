//! The `sinch-ticket` binary: with no arguments it opens the window; otherwise it runs the
//! command line. Both live in the library.

use std::process::ExitCode;

use sinch_ticket::cli::{self, Failure};

fn main() -> ExitCode {
    let cli = match cli::parse(std::env::args_os().collect()) {
        Ok(cli) => cli,
        Err(code) => return ExitCode::from(code),
    };
    let Some(command) = cli.command else {
        return match sinch_ticket::app::run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => ExitCode::from(cli::report(Failure {
                code: cli::exit::IO,
                message,
            })),
        };
    };
    ExitCode::from(cli::run(command))
}
