//! Views (AIP-157) and the message limit: a report's answer holds as much as its view asks,
//! and one larger than the server sends is refused with the figures (FAILED_PRECONDITION,
//! ANSWER_TOO_LARGE) instead of failing in the transport — for a parse, before the report
//! is stored.

use std::sync::Arc;

use prost::Message;

use crate::convert;
use crate::domain::{AnswerCheck, ReportRecord};
use crate::error::{Error, Result};
use crate::proto::v1 as pb;
use crate::store::reports::ReportView;

/// What to ask instead of an answer too large: the same report without its lists.
const ASK_BASIC: &str = "ask view REPORT_VIEW_BASIC (metadata and counts) and read its \
    indicators page by page with QueryIndicators (report_id)";

/// The API's view, as the store reads it (UNSPECIFIED: STANDARD).
pub fn report_view(view: i32) -> Result<ReportView> {
    match pb::ReportView::try_from(view) {
        Ok(pb::ReportView::Unspecified | pb::ReportView::Standard) => Ok(ReportView::Standard),
        Ok(pb::ReportView::Basic) => Ok(ReportView::Basic),
        Ok(pb::ReportView::Full) => Ok(ReportView::Full),
        Err(_) => Err(Error::invalid("view", format!("unknown ReportView value {view}"))),
    }
}

fn view_name(view: ReportView) -> &'static str {
    match view {
        ReportView::Basic => "BASIC",
        ReportView::Standard => "STANDARD",
        ReportView::Full => "FULL",
    }
}

/// The largest message the server sends, in bytes (its `--max-message-bytes`).
#[derive(Debug, Clone, Copy)]
pub struct AnswerLimit(pub usize);

impl AnswerLimit {
    /// An error unless `size` bytes fit; `what` names the answer for the message.
    fn fit(self, size: usize, what: String, advice: String) -> Result<()> {
        if size <= self.0 {
            return Ok(());
        }
        Err(Error::AnswerTooLarge {
            what,
            size,
            limit: self.0,
            advice,
        })
    }

    /// GetReport's answer, checked.
    pub fn report(self, record: ReportRecord, view: ReportView) -> Result<pb::Report> {
        let id = record.id.map(|id| id.to_string()).unwrap_or_default();
        let answer = convert::report_as(record, view);
        let what = format!("report {id} in view {}", view_name(view));
        let advice = match view {
            ReportView::Full => format!("ask view REPORT_VIEW_STANDARD (without the text), or {ASK_BASIC}"),
            _ => ASK_BASIC.to_owned(),
        };
        self.fit(answer.encoded_len(), what, advice)?;
        Ok(answer)
    }

    /// ParseReport's answer (a dry run, a report stored before or by this call), checked.
    pub fn parsed(
        self,
        (record, created): (ReportRecord, bool),
        view: ReportView,
    ) -> Result<pb::ParseReportResponse> {
        let answer = pb::ParseReportResponse {
            report: Some(convert::report_as(record, view)),
            created,
        };
        self.fit(answer.encoded_len(), parse_what(view), parse_advice(created))?;
        Ok(answer)
    }

    /// The check a parse to store runs before its write. `wrap` is the message the answer
    /// travels in (ParseReports' result), around the report's ParseReportResponse. None for
    /// BASIC, whose answer holds no list.
    pub fn before_store(
        self,
        view: ReportView,
        wrap: impl Fn(pb::ParseReportResponse) -> usize + Send + Sync + 'static,
    ) -> Option<AnswerCheck> {
        if view == ReportView::Basic {
            return None;
        }
        Some(AnswerCheck(Arc::new(move |record: &ReportRecord| {
            let mut report = convert::as_stored(convert::report(record));
            if view == ReportView::Full {
                report.text = record.text.clone().unwrap_or_default();
            }
            let answer = pb::ParseReportResponse {
                report: Some(report),
                created: true,
            };
            self.fit(wrap(answer), parse_what(view), parse_advice(false))
        })))
    }
}

fn parse_what(view: ReportView) -> String {
    format!("the report's answer in view {}", view_name(view))
}

fn parse_advice(created: bool) -> String {
    let stored = if created {
        "the report is stored"
    } else {
        "this call stored nothing"
    };
    format!("{stored}; send it with view REPORT_VIEW_BASIC and read its indicators page by page with QueryIndicators (report_id)")
}
