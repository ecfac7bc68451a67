//! The `sinch-ticket` binary: parses the command line and hands over to the library.

use std::process::ExitCode;

use clap::{CommandFactory as _, Parser as _};
use sinch_ticket::cli::{self, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(command) = cli.command else {
        // TODO(window): open the desktop window here once it exists.
        let _ = Cli::command().print_help();
        return ExitCode::from(cli::exit::USAGE);
    };
    ExitCode::from(cli::run(command))
}
