//! ParseReports: each request validated by ParseReport's own `parse_command`, the domain's
//! stream pipeline, and one `ParseReportResult` per request, in order.

use std::pin::Pin;
use std::sync::{Arc, Mutex};

use futures_util::{stream, Stream, StreamExt};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

use prost::Message;

use super::input::MAX_SOURCE_URI_BYTES;
use super::parse_command;
use super::status::result_status;
use super::AnswerLimit;
use crate::auth::caller;
use crate::domain::{ParseCommand, ParseOutcome, Reports};
use crate::error::Result;
use crate::proto::v1 as pb;
use crate::store::reports::ReportView;

pub type ResultStream = Pin<Box<dyn Stream<Item = Result<pb::ParseReportResult, Status>> + Send>>;

/// Where a result's request was: its position in the stream and its source_uri; its view.
struct Tag {
    index: u32,
    source_uri: String,
    view: ReportView,
}

/// The request's command, checking before its write that its result fits the limit.
fn command(mut tag: Tag, request: pb::ParseReportRequest, limit: AnswerLimit) -> (Tag, Result<ParseCommand>) {
    let cmd = parse_command(request).map(|mut cmd| {
        tag.view = cmd.view;
        let (index, source_uri) = (tag.index, tag.source_uri.clone());
        cmd.answer_check = limit.before_store(cmd.view, move |response| {
            pb::ParseReportResult {
                index,
                source_uri: source_uri.clone(),
                status: Some(pb::ResultStatus::default()),
                response: Some(response),
            }
            .encoded_len()
        });
        cmd
    });
    (tag, cmd)
}

pub async fn parse_reports(
    reports: &Reports,
    limit: AnswerLimit,
    request: Request<Streaming<pb::ParseReportRequest>>,
) -> Result<Response<ResultStream>, Status> {
    let token = caller(&request);
    // A broken request stream (a message over the size limit, a reset) ends the answer:
    // the results of the requests before it, then its status.
    let broken: Arc<Mutex<Option<Status>>> = Arc::default();
    let seen = broken.clone();
    let commands = request
        .into_inner()
        .enumerate()
        .take_while(move |(_, item)| {
            if let Err(status) = item {
                *seen.lock().expect("not poisoned") = Some(status.clone());
            }
            std::future::ready(item.is_ok())
        })
        .map(move |(index, item)| {
            let request = item.expect("errors end the stream above");
            let tag = Tag {
                index: u32::try_from(index).unwrap_or(u32::MAX),
                source_uri: echo(&request.source_uri),
                view: ReportView::Standard,
            };
            command(tag, request, limit)
        });
    let results = ReceiverStream::new(reports.parse_stream(commands))
        .map(move |(tag, outcome)| Ok(result(tag, outcome, limit, &token)));
    let tail = stream::once(async move { broken.lock().expect("not poisoned").take() })
        .filter_map(|status| std::future::ready(status.map(Err)));
    Ok(Response::new(Box::pin(results.chain(tail))))
}

/// The source_uri as echoed in a result: as sent, unless over its limit (then its error says so).
fn echo(source_uri: &str) -> String {
    if source_uri.len() > MAX_SOURCE_URI_BYTES {
        return String::new();
    }
    source_uri.to_owned()
}

fn result(tag: Tag, outcome: ParseOutcome, limit: AnswerLimit, token: &str) -> pb::ParseReportResult {
    let answer = outcome.and_then(|(report, created)| {
        if created {
            let report_id = report.id.unwrap_or_default();
            let indicators = report.indicator_count;
            tracing::info!(%token, %report_id, issuer = %report.issuer, indicators, "report stored");
        }
        limit.parsed((report, created), tag.view)
    });
    let (status, response) = match answer {
        Ok(response) => (result_status(Ok(())), Some(response)),
        Err(e) => (result_status(Err(e)), None),
    };
    pb::ParseReportResult {
        index: tag.index,
        source_uri: tag.source_uri,
        status: Some(status),
        response,
    }
}
