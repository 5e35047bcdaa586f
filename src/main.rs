use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use govreport::config::{Cli, Command};
use govreport::auth::{self, Verifier};
use govreport::{cli, remote, server, telemetry};

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
            let verifier = Verifier::load(&args.auth)?;
            auth::check_exposure(args.listen, verifier.as_ref(), args.auth.allow_unauthenticated)?;
            auth::check_metrics_exposure(args.metrics_listen, args.allow_public_metrics)?;
            let tls = args.tls.load()?;
            let token_key = args.token_key()?;
            let listener = tokio::net::TcpListener::bind(args.listen).await?;
            let db = args.db.open_with(args.statement_timeout()).await?;
            let config = server::ServerConfig {
                max_message_bytes: args.max_message_bytes,
                reflection: args.reflection,
                auth: verifier.map(Arc::new),
                tls,
                token_key,
                parse_limit: args.parse_limit(),
                ingest_batch: args.ingest_batch(),
                rate_limit: args.rate_limit(),
                metrics: args.metrics_listen,
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
        Command::Relink(args) => {
            let db = args.open().await?;
            let done = govreport::domain::Reports::new(db.store.clone()).relink().await;
            db.close().await;
            let done = done?;
            println!(
                "catalog {}: {} distinct names, {} linked, {} indicators changed",
                done.fingerprint, done.distinct_names, done.linked_names, done.changed_indicators
            );
            Ok(())
        }
        Command::BenchLoad(args) => {
            let db = args.db.open().await?;
            let result = govreport::bench::load(&db.store, &args).await;
            db.close().await;
            result
        }
        Command::Healthcheck(args) => cli::healthcheck(&args).await,
        Command::Ingest(args) => govreport::ingest::ingest(&args).await,
        Command::Reparse(args) => remote::reparse(&args).await,
        Command::Export(args) => remote::export(&args).await,
        Command::Parse(_) | Command::Quantities => unreachable!("handled without a runtime"),
    }
}
