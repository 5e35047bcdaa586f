use std::process::ExitCode;

use clap::Parser;
use govreport::config::{Cli, Command};
use govreport::{cli, server, telemetry};

fn main() -> ExitCode {
    let args = Cli::parse();
    telemetry::init(args.log_format);
    let result = match args.command {
        Command::Parse(a) => cli::parse(&a),
        Command::Quantities => cli::quantities(),
        command => tokio::runtime::Runtime::new()
            .map_err(Into::into)
            .and_then(|rt| rt.block_on(run(command))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("govreport: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve(args) => {
            let listener = tokio::net::TcpListener::bind(args.listen).await?;
            let db = args.db.open().await?;
            let config = server::ServerConfig {
                max_message_bytes: args.max_message_bytes,
            };
            let served = server::serve(
                listener,
                db.store.clone(),
                config,
                server::shutdown_signal(),
            )
            .await;
            db.close().await;
            served
        }
        Command::Migrate(args) => {
            let db = args.open().await?;
            tracing::info!("migrations applied");
            db.close().await;
            Ok(())
        }
        Command::Healthcheck(args) => cli::healthcheck(&args).await,
        Command::Parse(_) | Command::Quantities => unreachable!("handled without a runtime"),
    }
}
