//! `govreport ingest DIR|FILE…`: sends report files to a running server over one
//! ParseReports stream, with a progress bar and a summary (created, already stored, failed
//! with the reason per file). The files go as bytes with their media type, so the server
//! decodes them by its one rule (UTF-8, else GB18030 ⊇ GBK); re-running it is safe: the
//! server stores a text from one source_uri once.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use walkdir::WalkDir;

use crate::config::IngestArgs;
use crate::proto::v1 as pb;
use pb::parse_report_request::Source;
use pb::report_service_client::ReportServiceClient;

/// A report file found under the paths given.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub path: PathBuf,
    pub source_uri: String,
    pub content_type: &'static str,
}

/// The media type of a report file by its extension; `None` for other files.
fn media_type(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "txt" => Some("text/plain"),
        "html" | "htm" => Some("text/html"),
        _ => None,
    }
}

/// The report files of `paths`: a file as given (any extension; plain text unless .html or
/// .htm), a folder walked recursively for .txt, .html and .htm, in file name order; each file
/// once. Its source_uri is `prefix` + its path below the folder given (a file: its name), or
/// without a prefix its absolute path.
pub fn collect(paths: &[PathBuf], prefix: Option<&str>) -> Result<Vec<Found>> {
    let mut found: Vec<Found> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for root in paths {
        let meta = std::fs::metadata(root).with_context(|| format!("{}", root.display()))?;
        let files: Vec<(PathBuf, PathBuf)> = if meta.is_file() {
            let name = root.file_name().map(PathBuf::from).unwrap_or_default();
            vec![(root.clone(), name)]
        } else {
            let mut files = Vec::new();
            for entry in WalkDir::new(root).follow_links(true).sort_by_file_name() {
                let entry = entry.with_context(|| format!("walking {}", root.display()))?;
                if entry.file_type().is_file() && media_type(entry.path()).is_some() {
                    let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
                    files.push((entry.path().to_owned(), relative.to_owned()));
                }
            }
            files
        };
        for (path, relative) in files {
            let absolute =
                std::fs::canonicalize(&path).with_context(|| format!("{}", path.display()))?;
            if !seen.insert(absolute.clone()) {
                continue;
            }
            let source_uri = match prefix {
                Some(prefix) => format!("{prefix}{}", slashed(&relative)),
                None => absolute.display().to_string(),
            };
            let content_type = media_type(&path).unwrap_or("text/plain");
            found.push(Found {
                path,
                source_uri,
                content_type,
            });
        }
    }
    Ok(found)
}

fn slashed(path: &Path) -> String {
    let parts: Vec<String> = path
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// What happened to each file.
#[derive(Debug, Default)]
pub struct Summary {
    pub created: usize,
    pub existing: usize,
    /// (file index, reason), in file order.
    pub failed: Vec<(usize, String)>,
    /// Results received (for the first requests sent, in order).
    pub answered: usize,
}

/// Reads the files in order on a thread of its own and sends a request per readable file;
/// `sent[i]` is the file index of the stream's request `i`. A file that cannot be read or is
/// over `max_bytes` is a failure here (one over the server's message limit would end the stream).
fn produce(
    files: Vec<Found>,
    max_bytes: u64,
    sent: Arc<Mutex<Vec<usize>>>,
    local: Arc<Mutex<Vec<(usize, String)>>>,
) -> mpsc::Receiver<pb::ParseReportRequest> {
    let (tx, rx) = mpsc::channel(16);
    std::thread::spawn(move || {
        for (n, file) in files.into_iter().enumerate() {
            let content = match std::fs::metadata(&file.path) {
                Ok(m) if m.len() > max_bytes => Err(format!(
                    "{} bytes, over --max-file-bytes {max_bytes}",
                    m.len()
                )),
                _ => std::fs::read(&file.path).map_err(|e| format!("reading: {e}")),
            };
            let content = match content {
                Ok(content) => content,
                Err(reason) => {
                    local.lock().expect("not poisoned").push((n, reason));
                    continue;
                }
            };
            sent.lock().expect("not poisoned").push(n);
            let request = pb::ParseReportRequest {
                source: Some(Source::Content(content)),
                content_type: file.content_type.to_owned(),
                source_uri: file.source_uri,
                // The counts are all the summary needs: no report too large to answer.
                view: pb::ReportView::Basic as i32,
                ..Default::default()
            };
            if tx.blocking_send(request).is_err() {
                return;
            }
        }
    });
    rx
}

fn progress_bar(len: usize) -> ProgressBar {
    let bar = ProgressBar::new(len as u64);
    let style = ProgressStyle::with_template(
        "{bar:40} {pos}/{len} files, {per_sec}, {elapsed} (eta {eta}) {msg}",
    )
    .expect("a valid template");
    bar.set_style(style);
    bar
}

/// `govreport ingest`: prints the summary; an error when any file failed.
pub async fn ingest(args: &IngestArgs) -> Result<()> {
    let files = collect(&args.paths, args.source_prefix.as_deref())?;
    let channel = args
        .tls
        .connect_for(&args.addr, Duration::from_secs(10), None)
        .await?;
    let mut client = ReportServiceClient::new(channel).max_decoding_message_size(usize::MAX);
    let bar = progress_bar(files.len());
    let (sent, local) = (Arc::default(), Arc::default());
    let requests = produce(
        files.clone(),
        args.max_file_bytes,
        Arc::clone(&sent),
        Arc::clone(&local),
    );
    let mut request = tonic::Request::new(ReceiverStream::new(requests));
    if let Some(token) = &args.token {
        let value = format!("Bearer {token}").parse().context("--token")?;
        request.metadata_mut().insert("authorization", value);
    }
    let mut summary = Summary::default();
    let ended = match client.parse_reports(request).await {
        Ok(response) => read_results(response.into_inner(), &sent, &mut summary, &bar).await,
        Err(status) => Some(status),
    };
    bar.finish_and_clear();
    finish(&files, &sent, &local, summary, ended)
}

/// Counts each result against its file; the status that ended the stream early, if one did.
async fn read_results(
    mut results: tonic::Streaming<pb::ParseReportResult>,
    sent: &Mutex<Vec<usize>>,
    summary: &mut Summary,
    bar: &ProgressBar,
) -> Option<tonic::Status> {
    loop {
        let result = match results.message().await {
            Ok(Some(result)) => result,
            Ok(None) => return None,
            Err(status) => return Some(status),
        };
        let file = sent.lock().expect("not poisoned")[result.index as usize];
        let status = result.status.unwrap_or_default();
        match (status.code, result.response) {
            (0, Some(response)) if response.created => summary.created += 1,
            (0, Some(_)) => summary.existing += 1,
            (code, _) => {
                let code = tonic::Code::from(code);
                summary
                    .failed
                    .push((file, format!("{code:?}: {}", status.message)));
            }
        }
        summary.answered += 1;
        bar.inc(1);
    }
}

/// Prints the summary; files sent without a result (the stream ended) count as failed.
fn finish(
    files: &[Found],
    sent: &Mutex<Vec<usize>>,
    local: &Mutex<Vec<(usize, String)>>,
    mut summary: Summary,
    ended: Option<tonic::Status>,
) -> Result<()> {
    summary
        .failed
        .extend(local.lock().expect("not poisoned").drain(..));
    if let Some(status) = &ended {
        for &file in sent
            .lock()
            .expect("not poisoned")
            .iter()
            .skip(summary.answered)
        {
            summary.failed.push((
                file,
                format!("no result: the stream ended: {}", status.message()),
            ));
        }
    }
    summary.failed.sort();
    println!(
        "{} files: {} created, {} already stored, {} failed",
        files.len(),
        summary.created,
        summary.existing,
        summary.failed.len()
    );
    for (file, reason) in &summary.failed {
        println!("failed {}: {reason}", files[*file].path.display());
    }
    if let Some(status) = ended {
        bail!(
            "the stream ended early: {:?}: {}",
            status.code(),
            status.message()
        );
    }
    if !summary.failed.is_empty() {
        bail!("{} of {} files failed", summary.failed.len(), files.len());
    }
    Ok(())
}
