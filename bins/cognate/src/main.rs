//! `cognate`: the server binary. Parses the command line, loads the configuration, and runs
//! `serve` (the default), `migrate` or `keys rotate`.

mod bootstrap;
mod config;
mod local_tls;
mod serve;

use clap::{Parser, Subcommand};

/// A self-hosted identity server that speaks the Amazon Cognito user-pools API.
#[derive(Debug, Parser)]
#[command(name = "cognate", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Starts the server (creating the data directory, database and configured pools).
    Serve(config::ServeArgs),
    /// Creates or upgrades the database schema, then exits.
    Migrate(config::ServeArgs),
    /// Manages signing keys.
    #[command(subcommand)]
    Keys(KeysCommand),
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Adds new id and access signing keys to a pool; old keys stay in its JWKS.
    Rotate {
        /// The pool whose keys to rotate.
        #[arg(long)]
        pool: String,
        #[command(flatten)]
        args: config::ServeArgs,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Serve(config::ServeArgs::default())) {
        Command::Serve(args) => serve::run(args).await,
        Command::Migrate(args) => serve::migrate(args).await,
        Command::Keys(KeysCommand::Rotate { pool, args }) => serve::rotate_keys(args, &pool).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("cognate: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
