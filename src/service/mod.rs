//! gRPC handlers: validate, convert, call the domain, convert back.

mod status;

use tonic::{Request, Response, Status};
use uuid::Uuid;

use crate::convert;
use crate::domain::{ParseCommand, Reports, Source};
use crate::error::{Error, Result};
use crate::proto::v1 as pb;
use crate::store::indicators::IndicatorFilter;
use crate::store::reports::ReportFilter;

pub use pb::report_service_server::ReportServiceServer;

const DEFAULT_INDICATOR_PAGE: u32 = 100;
const MAX_INDICATOR_PAGE: u32 = 1000;
const DEFAULT_REPORT_PAGE: u32 = 50;
const MAX_REPORT_PAGE: u32 = 500;
const MAX_SOURCE_URI: usize = 4096;

pub struct ReportService {
    reports: Reports,
}

impl ReportService {
    pub fn new(reports: Reports) -> Self {
        ReportService { reports }
    }
}

fn parse_id(field: &'static str, id: &str) -> Result<Uuid> {
    if id.is_empty() {
        return Err(Error::invalid(field, "is required"));
    }
    Uuid::parse_str(id).map_err(|_| Error::invalid(field, format!("{id:?} is not a UUID")))
}

/// AIP-158: 0 means the default, larger than the maximum is coerced down, negative is an error.
fn page_size(size: i32, default: u32, max: u32) -> Result<u32> {
    match size {
        s if s < 0 => Err(Error::invalid(
            "page_size",
            format!("must not be negative, got {s}"),
        )),
        0 => Ok(default),
        s => Ok((s as u32).min(max)),
    }
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

fn check_year(field: &'static str, year: Option<i32>) -> Result<Option<i32>> {
    match year {
        Some(y) if !(1900..=2200).contains(&y) => Err(Error::invalid(
            field,
            format!("{y} is not a plausible year"),
        )),
        y => Ok(y),
    }
}

fn parse_command(req: pb::ParseReportRequest) -> Result<ParseCommand> {
    let source = match req.source {
        None => return Err(Error::invalid("text", "either text or content is required")),
        Some(pb::parse_report_request::Source::Text(text)) => {
            if text.trim().is_empty() {
                return Err(Error::invalid("text", "must not be empty"));
            }
            Source::Text(text)
        }
        Some(pb::parse_report_request::Source::Content(content)) => {
            if content.is_empty() {
                return Err(Error::invalid("content", "must not be empty"));
            }
            Source::Bytes {
                content,
                content_type: non_empty(req.content_type),
            }
        }
    };
    if req.source_uri.len() > MAX_SOURCE_URI {
        return Err(Error::invalid(
            "source_uri",
            format!("longer than {MAX_SOURCE_URI} bytes"),
        ));
    }
    let hints = req.hints.unwrap_or_default();
    let issuer = hints.issuer.map(|s| s.trim().to_owned());
    if issuer.as_deref() == Some("") {
        return Err(Error::invalid("hints.issuer", "must not be blank when set"));
    }
    Ok(ParseCommand {
        source,
        source_uri: req.source_uri,
        hints: govreport_extract::Hints {
            issuer,
            report_year: check_year("hints.report_year", hints.report_year)?,
        },
        dry_run: req.dry_run,
    })
}

fn indicator_filter(req: &pb::QueryIndicatorsRequest) -> Result<IndicatorFilter> {
    let kind = pb::IndicatorKind::try_from(req.kind)
        .map_err(|_| Error::invalid("kind", format!("unknown IndicatorKind value {}", req.kind)))?;
    let from = check_year("report_year_from", req.report_year_from)?;
    let to = check_year("report_year_to", req.report_year_to)?;
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(Error::invalid(
                "report_year_from",
                format!("{f} is after report_year_to {t}"),
            ));
        }
    }
    Ok(IndicatorFilter {
        issuer: non_empty(req.issuer.clone()),
        report_year_from: from,
        report_year_to: to,
        name_contains: non_empty(req.name_contains.trim().to_owned()),
        kind: convert::kind_filter(kind),
        report_id: if req.report_id.is_empty() {
            None
        } else {
            Some(parse_id("report_id", &req.report_id)?)
        },
    })
}

#[tonic::async_trait]
impl pb::report_service_server::ReportService for ReportService {
    async fn parse_report(
        &self,
        request: Request<pb::ParseReportRequest>,
    ) -> Result<Response<pb::ParseReportResponse>, Status> {
        let cmd = parse_command(request.into_inner())?;
        let (report, created) = self.reports.parse(cmd).await?;
        Ok(Response::new(pb::ParseReportResponse {
            report: Some(convert::report(&report)),
            created,
        }))
    }

    async fn query_indicators(
        &self,
        request: Request<pb::QueryIndicatorsRequest>,
    ) -> Result<Response<pb::QueryIndicatorsResponse>, Status> {
        let req = request.into_inner();
        let filter = indicator_filter(&req)?;
        let size = page_size(req.page_size, DEFAULT_INDICATOR_PAGE, MAX_INDICATOR_PAGE)?;
        let page = self
            .reports
            .query_indicators(filter, size, &req.page_token)
            .await?;
        Ok(Response::new(pb::QueryIndicatorsResponse {
            indicators: page
                .indicators
                .iter()
                .map(|i| convert::indicator(i, None))
                .collect(),
            next_page_token: page.next_page_token,
            total_size: i32::try_from(page.total_size).unwrap_or(i32::MAX),
        }))
    }

    async fn get_report(
        &self,
        request: Request<pb::GetReportRequest>,
    ) -> Result<Response<pb::Report>, Status> {
        let id = parse_id("id", &request.get_ref().id)?;
        Ok(Response::new(convert::report(&self.reports.get(id).await?)))
    }

    async fn list_reports(
        &self,
        request: Request<pb::ListReportsRequest>,
    ) -> Result<Response<pb::ListReportsResponse>, Status> {
        let req = request.into_inner();
        let filter = ReportFilter {
            issuer: non_empty(req.issuer),
            report_year: check_year("report_year", req.report_year)?,
        };
        let size = page_size(req.page_size, DEFAULT_REPORT_PAGE, MAX_REPORT_PAGE)?;
        let page = self.reports.list(filter, size, &req.page_token).await?;
        Ok(Response::new(pb::ListReportsResponse {
            reports: page.reports.iter().map(convert::report).collect(),
            next_page_token: page.next_page_token,
            total_size: i32::try_from(page.total_size).unwrap_or(i32::MAX),
        }))
    }

    async fn delete_report(
        &self,
        request: Request<pb::DeleteReportRequest>,
    ) -> Result<Response<pb::DeleteReportResponse>, Status> {
        let id = parse_id("id", &request.get_ref().id)?;
        let deleted_indicators = self.reports.delete(id).await?;
        Ok(Response::new(pb::DeleteReportResponse {
            deleted_indicators,
        }))
    }
}
