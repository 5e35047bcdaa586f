//! The commands that call a running server: `reparse` (ReparseReports in batches, with a
//! progress bar) and `export` (ExportIndicators' chunks to a file or stdout). They reach it with `--addr`, TLS as `healthcheck` does, and `--token`.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use tonic::metadata::{Ascii, MetadataValue};
use tonic::transport::Channel;

use crate::config::{ClientArgs, ExportArgs, ExportFormatArg, ReparseArgs};
use crate::proto::v1 as pb;
use pb::report_service_client::ReportServiceClient;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A client of a running server, with the `authorization` every call carries (if any).
pub struct Remote {
    pub client: ReportServiceClient<Channel>,
    authorization: Option<MetadataValue<Ascii>>,
}

impl Remote {
    /// Connects; each call is answered within `calls` (`None`: no limit).
    pub async fn connect(args: &ClientArgs, calls: Option<Duration>) -> Result<Remote> {
        let channel = args.tls.connect_for(&args.addr, CONNECT_TIMEOUT, calls).await?;
        let authorization = match &args.token {
            Some(token) => Some(format!("Bearer {token}").parse().context("--token")?),
            None => None,
        };
        Ok(Remote {
            client: ReportServiceClient::new(channel),
            authorization,
        })
    }

    pub fn request<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        if let Some(value) = &self.authorization {
            request.metadata_mut().insert("authorization", value.clone());
        }
        request
    }
}

/// What a whole re-parse run did, summed over its batches.
#[derive(Debug, Default)]
struct ReparseTotals {
    done: i64,
    skipped: i64,
    added: i64,
    removed: i64,
    changed: i64,
}

impl ReparseTotals {
    fn add(&mut self, r: &pb::ReparseReportsResponse) {
        self.done += r.reports_done;
        self.skipped += r.reports_skipped;
        self.added += r.indicators_added;
        self.removed += r.indicators_removed;
        self.changed += r.indicators_changed;
    }
}

fn reparse_request(args: &ReparseArgs) -> pb::ReparseReportsRequest {
    pb::ReparseReportsRequest {
        report_ids: args.report_ids.clone(),
        issuer: args.issuer.clone().unwrap_or_default(),
        report_year_from: args.report_year_from,
        report_year_to: args.report_year_to,
        dry_run: args.dry_run,
        page_size: i32::try_from(args.batch).unwrap_or(i32::MAX),
        page_token: String::new(),
    }
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {pos}/{len} reports ({per_sec}, {eta} left)",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    bar
}

/// `govreport reparse`: calls ReparseReports batch after batch until the run is done.
pub async fn reparse(args: &ReparseArgs) -> Result<()> {
    // A batch is a few reports' parses: minutes at most, even on a busy server.
    let remote = Remote::connect(&args.client, Some(Duration::from_secs(600))).await?;
    let mut client = remote.client.clone();
    let mut request = reparse_request(args);
    let (bar, started) = (progress_bar(), Instant::now());
    let mut totals = ReparseTotals::default();
    let version = loop {
        let batch = client
            .reparse_reports(remote.request(request.clone()))
            .await
            .context("ReparseReports")?
            .into_inner();
        totals.add(&batch);
        let seen = (totals.done + totals.skipped) as u64;
        bar.set_length(seen + batch.reports_remaining.max(0) as u64);
        bar.set_position(seen);
        if batch.next_page_token.is_empty() {
            break batch.parser_version;
        }
        request.page_token = batch.next_page_token;
    };
    bar.finish();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{}{} reports re-parsed with {version}, {} skipped (no kept text); indicators: {} added, \
         {} removed, {} changed; {secs:.1} s, {:.1} reports/s",
        if args.dry_run { "dry run: " } else { "" },
        totals.done,
        totals.skipped,
        totals.added,
        totals.removed,
        totals.changed,
        totals.done as f64 / secs.max(1e-9),
    );
    Ok(())
}

fn export_request(args: &ExportArgs) -> pb::ExportIndicatorsRequest {
    pb::ExportIndicatorsRequest {
        query: Some(pb::QueryIndicatorsRequest {
            issuers: args.issuers.clone(),
            canonical_codes: args.canonical_codes.clone(),
            report_year_from: args.report_year_from,
            report_year_to: args.report_year_to,
            updated_after: args.updated_after.clone().unwrap_or_default(),
            ..Default::default()
        }),
        format: match args.format {
            ExportFormatArg::Csv => pb::ExportFormat::Csv,
            ExportFormatArg::Jsonl => pb::ExportFormat::Jsonl,
        } as i32,
    }
}

/// `govreport export`: writes the chunks as they come; the row count and rate on stderr.
pub async fn export(args: &ExportArgs) -> Result<()> {
    use std::io::Write;
    let remote = Remote::connect(&args.client, None).await?;
    let mut client = remote.client.clone();
    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let started = Instant::now();
    let mut stream = client
        .export_indicators(remote.request(export_request(args)))
        .await
        .context("ExportIndicators")?
        .into_inner();
    let (mut rows, mut bytes) = (0u64, 0u64);
    while let Some(chunk) = stream.message().await.context("ExportIndicators")? {
        out.write_all(&chunk.data)?;
        rows += u64::from(chunk.rows);
        bytes += chunk.data.len() as u64;
    }
    out.flush()?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{rows} rows, {:.1} MB in {secs:.1} s: {:.0} rows/s",
        bytes as f64 / 1e6,
        rows as f64 / secs.max(1e-9)
    );
    Ok(())
}
