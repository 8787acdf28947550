use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = aurora_console::cli::Cli::parse();
    // Standard output carries command results (ids, demo logins); logs go
    // to standard error.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    aurora_console::telemetry::init(std::io::stderr, ansi);
    match aurora_console::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("aurora-console: {err}");
            ExitCode::FAILURE
        }
    }
}
