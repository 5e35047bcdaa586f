//! gRPC handlers: validate, convert, call the domain, convert back.

mod answer;
mod bulk;
mod export;
mod input;
mod status;

use prost::Message;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use crate::auth::caller;
use crate::convert;
use crate::deadline::{self, Limit};
use crate::domain::{ParseCommand, ReparseCommand, ReparseScope, Reports, Source};
use crate::error::{quoted, Error, Result};
use crate::proto::v1 as pb;
use crate::store::indicators::{IndicatorFilter, IndicatorOrder, IndicatorQuery};
use crate::store::reports::ReportFilter;
use answer::report_view;
pub use answer::AnswerLimit;
use govreport_extract::catalog::Catalog;
use input::{
    checked, checked_list, filter_text, MAX_CODE_CHARS, MAX_CONTENT_TYPE_CHARS, MAX_ID_CHARS,
    MAX_NAME_CHARS, MAX_PAGE_TOKEN_CHARS, MAX_SOURCE_URI_BYTES,
};

pub use pb::report_service_server::ReportServiceServer;

const DEFAULT_INDICATOR_PAGE: u32 = 50;
const MAX_INDICATOR_PAGE: u32 = 1000;
const DEFAULT_REPORT_PAGE: u32 = 50;
const MAX_REPORT_PAGE: u32 = 500;
const DEFAULT_SERIES_POINTS: u32 = 1000;
const MAX_SERIES_POINTS: u32 = 10_000;
const DEFAULT_COMPARE_LIMIT: u32 = 50;
const MAX_COMPARE_LIMIT: u32 = 1000;
const MAX_TIME_CHARS: usize = 64;
const DEFAULT_REPARSE_BATCH: u32 = 20;
const MAX_REPARSE_BATCH: u32 = 500;

pub struct ReportService {
    reports: Reports,
    limit: AnswerLimit,
}

impl ReportService {
    /// Answers at most `limit` bytes long (the server's message limit).
    pub fn new(reports: Reports, limit: AnswerLimit) -> Self {
        ReportService { reports, limit }
    }
}

fn parse_id(field: &'static str, id: &str) -> Result<Uuid> {
    if id.is_empty() {
        return Err(Error::invalid(field, "is required"));
    }
    checked(field, id, MAX_ID_CHARS)?;
    Uuid::parse_str(id).map_err(|_| Error::invalid(field, format!("{} is not a UUID", quoted(id))))
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

fn page_token(token: &str) -> Result<&str> {
    checked("page_token", token, MAX_PAGE_TOKEN_CHARS)
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
    let content_type = filter_text("content_type", &req.content_type, MAX_CONTENT_TYPE_CHARS)?;
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
                content_type: content_type.clone(),
            }
        }
    };
    if req.source_uri.len() > MAX_SOURCE_URI_BYTES {
        return Err(Error::invalid(
            "source_uri",
            format!("longer than {MAX_SOURCE_URI_BYTES} bytes"),
        ));
    }
    checked("source_uri", &req.source_uri, usize::MAX)?;
    let hints = req.hints.unwrap_or_default();
    let issuer = match &hints.issuer {
        None => None,
        Some(s) => Some(
            filter_text("hints.issuer", s, MAX_NAME_CHARS)?
                .ok_or_else(|| Error::invalid("hints.issuer", "must not be blank when set"))?,
        ),
    };
    Ok(ParseCommand {
        source,
        content_type: content_type.unwrap_or_default(),
        source_uri: req.source_uri,
        hints: govreport_extract::Hints {
            issuer,
            report_year: check_year("hints.report_year", hints.report_year)?,
        },
        dry_run: req.dry_run,
        view: report_view(req.view)?,
        answer_check: None,
    })
}

/// An RFC 3339 time (empty: none).
fn parse_time(field: &'static str, time: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    if checked(field, time, MAX_TIME_CHARS)?.is_empty() {
        return Ok(None);
    }
    chrono::DateTime::parse_from_rfc3339(time)
        .map(|t| Some(t.to_utc()))
        .map_err(|e| Error::invalid(field, format!("{} is not an RFC 3339 time ({e})", quoted(time))))
}

fn check_range<T: PartialOrd + std::fmt::Display + Copy>(
    from_field: &'static str,
    from: Option<T>,
    to_field: &'static str,
    to: Option<T>,
) -> Result<()> {
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(Error::invalid(
                from_field,
                format!("{f} is after {to_field} {t} (an empty range)"),
            ));
        }
    }
    Ok(())
}

fn check_month(field: &'static str, month: Option<u32>) -> Result<Option<u8>> {
    match month {
        None => Ok(None),
        Some(m @ 1..=12) => Ok(Some(m as u8)),
        Some(m) => Err(Error::invalid(field, format!("{m} is not a month (1..12)"))),
    }
}

fn check_value(field: &'static str, v: Option<f64>) -> Result<Option<f64>> {
    match v {
        Some(x) if x.is_nan() => Err(Error::invalid(field, "must be a number, not NaN")),
        v => Ok(v),
    }
}

fn parse_kind(field: &'static str, kind: i32) -> Result<pb::IndicatorKind> {
    pb::IndicatorKind::try_from(kind)
        .map_err(|_| Error::invalid(field, format!("unknown IndicatorKind value {kind}")))
}

/// Every code must be in the catalog.
fn check_codes(field: &'static str, codes: &[String]) -> Result<Vec<String>> {
    let catalog = Catalog::embedded();
    for code in checked_list(field, codes, MAX_CODE_CHARS)? {
        if catalog.get(code).is_none() {
            return Err(Error::invalid(
                field,
                format!("unknown canonical code {} (see ListIndicatorDefinitions)", quoted(code)),
            ));
        }
    }
    Ok(codes.to_vec())
}

/// Every category must be in the catalog.
fn check_category(field: &'static str, category: &str) -> Result<()> {
    checked(field, category, MAX_CODE_CHARS)?;
    match Catalog::embedded().category(category) {
        Some(_) => Ok(()),
        None => Err(Error::invalid(field, format!("unknown category {}", quoted(category)))),
    }
}

/// Exact issuers: `issuer` and `issuers` together; none may be blank.
fn issuers(one: &str, many: &[String]) -> Result<Vec<String>> {
    let field = "issuers";
    let mut all: Vec<String> = checked_list(field, many, MAX_NAME_CHARS)?.to_vec();
    if !checked("issuer", one, MAX_NAME_CHARS)?.is_empty() {
        all.push(one.to_owned());
    }
    if all.iter().any(|s| s.trim().is_empty()) {
        return Err(Error::invalid(field, "must not contain a blank issuer"));
    }
    all.sort();
    all.dedup();
    Ok(all)
}

fn indicator_query(req: &pb::QueryIndicatorsRequest) -> Result<IndicatorQuery> {
    let kind = parse_kind("kind", req.kind)?;
    let order_by = pb::IndicatorOrderBy::try_from(req.order_by).map_err(|_| {
        Error::invalid(
            "order_by",
            format!("unknown IndicatorOrderBy value {}", req.order_by),
        )
    })?;
    let report_from = check_year("report_year_from", req.report_year_from)?;
    let report_to = check_year("report_year_to", req.report_year_to)?;
    check_range("report_year_from", report_from, "report_year_to", report_to)?;
    let period_from = check_year("period_year_from", req.period_year_from)?;
    let period_to = check_year("period_year_to", req.period_year_to)?;
    check_range("period_year_from", period_from, "period_year_to", period_to)?;
    let month_from = check_month("period_month_from", req.period_month_from)?;
    let month_to = check_month("period_month_to", req.period_month_to)?;
    check_range("period_month_from", month_from, "period_month_to", month_to)?;
    let value_min = check_value("value_min", req.value_min)?;
    let value_max = check_value("value_max", req.value_max)?;
    check_range("value_min", value_min, "value_max", value_max)?;
    let catalog = Catalog::embedded();
    for category in checked_list("categories", &req.categories, MAX_CODE_CHARS)? {
        check_category("categories", category)?;
    }
    let mut report_ids = checked_list("report_ids", &req.report_ids, MAX_ID_CHARS)?
        .iter()
        .map(|id| parse_id("report_ids", id))
        .collect::<Result<Vec<_>>>()?;
    if !req.report_id.is_empty() {
        report_ids.push(parse_id("report_id", &req.report_id)?);
    }
    let name_contains = filter_text("name_contains", &req.name_contains, MAX_NAME_CHARS)?;
    let name_similar = filter_text("name_similar_to", &req.name_similar_to, MAX_NAME_CHARS)?;
    let order = match order_by {
        pb::IndicatorOrderBy::Unspecified => IndicatorOrder::Storage,
        pb::IndicatorOrderBy::Period => IndicatorOrder::Period,
        pb::IndicatorOrderBy::Value => IndicatorOrder::Value,
        pb::IndicatorOrderBy::Issuer => IndicatorOrder::Issuer,
        pb::IndicatorOrderBy::Relevance => {
            if name_contains.is_none() && name_similar.is_none() {
                return Err(Error::invalid(
                    "order_by",
                    "RELEVANCE needs name_similar_to or name_contains",
                ));
            }
            IndicatorOrder::Relevance
        }
    };
    Ok(IndicatorQuery {
        filter: IndicatorFilter {
            issuers: issuers(&req.issuer, &req.issuers)?,
            issuer_prefix: filter_text("issuer_prefix", &req.issuer_prefix, MAX_NAME_CHARS)?,
            issuer_contains: filter_text("issuer_contains", &req.issuer_contains, MAX_NAME_CHARS)?,
            report_ids,
            report_year_from: report_from,
            report_year_to: report_to,
            period_year_from: period_from,
            period_year_to: period_to,
            period_month_from: month_from,
            period_month_to: month_to,
            canonical_codes: check_codes("canonical_codes", &req.canonical_codes)?,
            category_codes: (!req.categories.is_empty()).then(|| {
                catalog
                    .definitions()
                    .iter()
                    .filter(|d| req.categories.contains(&d.category))
                    .map(|d| d.code.clone())
                    .collect()
            }),
            name_contains,
            name_similar,
            kind: convert::kind_filter(kind),
            value_min,
            value_max,
            has_change: req.has_change,
            has_rank: req.has_rank,
            latest_only: req.latest_only,
            updated_after: parse_time("updated_after", &req.updated_after)?,
            failed_checks_only: req.failed_checks_only,
        },
        order,
        descending: req.descending,
    })
}

/// A count in a request: 0 means the default, larger than the maximum is coerced down.
fn bounded(field: &'static str, n: i32, default: u32, max: u32) -> Result<u32> {
    match n {
        n if n < 0 => Err(Error::invalid(field, format!("must not be negative, got {n}"))),
        0 => Ok(default),
        n => Ok((n as u32).min(max)),
    }
}

fn series_filter(req: &pb::GetIndicatorSeriesRequest) -> Result<IndicatorFilter> {
    if req.canonical_codes.is_empty() {
        return Err(Error::invalid("canonical_codes", "at least one code is required"));
    }
    let kind = parse_kind("kind", req.kind)?;
    let from = check_year("period_year_from", req.period_year_from)?;
    let to = check_year("period_year_to", req.period_year_to)?;
    check_range("period_year_from", from, "period_year_to", to)?;
    Ok(IndicatorFilter {
        canonical_codes: check_codes("canonical_codes", &req.canonical_codes)?,
        issuers: issuers("", &req.issuers)?,
        issuer_prefix: filter_text("issuer_prefix", &req.issuer_prefix, MAX_NAME_CHARS)?,
        period_year_from: from,
        period_year_to: to,
        kind: Some(convert::kind_filter(kind).unwrap_or(govreport_extract::IndicatorKind::Actual)),
        ..Default::default()
    })
}

fn compare_filter(req: &pb::CompareIndicatorsRequest) -> Result<IndicatorFilter> {
    if req.canonical_code.is_empty() {
        return Err(Error::invalid("canonical_code", "is required"));
    }
    let codes = check_codes("canonical_code", std::slice::from_ref(&req.canonical_code))?;
    let Some(year) = check_year("period_year", req.period_year)? else {
        return Err(Error::invalid("period_year", "is required"));
    };
    let kind = parse_kind("kind", req.kind)?;
    Ok(IndicatorFilter {
        canonical_codes: codes,
        issuers: issuers("", &req.issuers)?,
        issuer_prefix: filter_text("issuer_prefix", &req.issuer_prefix, MAX_NAME_CHARS)?,
        period_year_from: Some(year),
        period_year_to: Some(year),
        kind: Some(convert::kind_filter(kind).unwrap_or(govreport_extract::IndicatorKind::Actual)),
        ..Default::default()
    })
}

fn reparse_command(req: pb::ReparseReportsRequest) -> Result<ReparseCommand> {
    let report_ids = checked_list("report_ids", &req.report_ids, MAX_ID_CHARS)?
        .iter()
        .map(|id| parse_id("report_ids", id))
        .collect::<Result<Vec<_>>>()?;
    let from = check_year("report_year_from", req.report_year_from)?;
    let to = check_year("report_year_to", req.report_year_to)?;
    check_range("report_year_from", from, "report_year_to", to)?;
    Ok(ReparseCommand {
        scope: ReparseScope {
            report_ids,
            issuer: filter_text("issuer", &req.issuer, MAX_NAME_CHARS)?,
            report_year_from: from,
            report_year_to: to,
        },
        dry_run: req.dry_run,
        batch: bounded("page_size", req.page_size, DEFAULT_REPARSE_BATCH, MAX_REPARSE_BATCH)?,
        page_token: page_token(&req.page_token)?.to_owned(),
    })
}

#[tonic::async_trait]
impl pb::report_service_server::ReportService for ReportService {
    type ExportIndicatorsStream = ReceiverStream<Result<pb::ExportIndicatorsChunk, Status>>;

    async fn parse_report(
        &self,
        request: Request<pb::ParseReportRequest>,
    ) -> Result<Response<pb::ParseReportResponse>, Status> {
        let token = caller(&request);
        let mut cmd = parse_command(request.into_inner())?;
        let view = cmd.view;
        cmd.answer_check = self.limit.before_store(view, |answer| answer.encoded_len());
        let (report, created) = self.reports.parse(cmd).await?;
        if created {
            let report_id = report.id.unwrap_or_default();
            let indicators = report.indicator_count;
            tracing::info!(%token, %report_id, issuer = %report.issuer, indicators, "report stored");
        }
        Ok(Response::new(self.limit.parsed((report, created), view)?))
    }

    type ParseReportsStream = bulk::ResultStream;

    async fn parse_reports(
        &self,
        request: Request<tonic::Streaming<pb::ParseReportRequest>>,
    ) -> Result<Response<Self::ParseReportsStream>, Status> {
        bulk::parse_reports(&self.reports, self.limit, request).await
    }

    async fn query_indicators(
        &self,
        request: Request<pb::QueryIndicatorsRequest>,
    ) -> Result<Response<pb::QueryIndicatorsResponse>, Status> {
        let req = request.into_inner();
        let query = indicator_query(&req)?;
        let size = page_size(req.page_size, DEFAULT_INDICATOR_PAGE, MAX_INDICATOR_PAGE)?;
        let page = self
            .reports
            .query_indicators(query, size, page_token(&req.page_token)?)
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
        let req = request.into_inner();
        let id = parse_id("id", &req.id)?;
        let view = report_view(req.view)?;
        let report = self.reports.get(id, view).await?;
        Ok(Response::new(self.limit.report(report, view)?))
    }

    async fn list_reports(
        &self,
        request: Request<pb::ListReportsRequest>,
    ) -> Result<Response<pb::ListReportsResponse>, Status> {
        let req = request.into_inner();
        let filter = ReportFilter {
            issuer: filter_text("issuer", &req.issuer, MAX_NAME_CHARS)?,
            report_year: check_year("report_year", req.report_year)?,
        };
        let size = page_size(req.page_size, DEFAULT_REPORT_PAGE, MAX_REPORT_PAGE)?;
        let page = self
            .reports
            .list(filter, size, page_token(&req.page_token)?)
            .await?;
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
        tracing::info!(token = %caller(&request), report_id = %id, deleted_indicators, "report deleted");
        Ok(Response::new(pb::DeleteReportResponse {
            deleted_indicators,
        }))
    }

    async fn list_indicator_definitions(
        &self,
        request: Request<pb::ListIndicatorDefinitionsRequest>,
    ) -> Result<Response<pb::ListIndicatorDefinitionsResponse>, Status> {
        let category = request.into_inner().category;
        if !category.is_empty() {
            check_category("category", &category)?;
        }
        let definitions = self.reports.definitions().await?;
        Ok(Response::new(pb::ListIndicatorDefinitionsResponse {
            definitions: definitions
                .iter()
                .filter(|(d, _, _)| category.is_empty() || d.category == category)
                .map(|(d, name, stats)| convert::definition(d, name, stats))
                .collect(),
            catalog_fingerprint: Catalog::embedded().fingerprint().to_owned(),
        }))
    }

    async fn relink_indicators(
        &self,
        request: Request<pb::RelinkIndicatorsRequest>,
    ) -> Result<Response<pb::RelinkIndicatorsResponse>, Status> {
        let done = self.reports.relink().await?;
        tracing::info!(token = %caller(&request), changed = done.changed_indicators, "indicators re-linked");
        Ok(Response::new(pb::RelinkIndicatorsResponse {
            catalog_fingerprint: done.fingerprint,
            distinct_names: done.distinct_names as i64,
            linked_names: done.linked_names as i64,
            changed_indicators: done.changed_indicators as i64,
        }))
    }

    async fn get_indicator_series(
        &self,
        request: Request<pb::GetIndicatorSeriesRequest>,
    ) -> Result<Response<pb::GetIndicatorSeriesResponse>, Status> {
        let req = request.into_inner();
        let filter = series_filter(&req)?;
        let max = bounded("max_points", req.max_points, DEFAULT_SERIES_POINTS, MAX_SERIES_POINTS)?;
        let set = self.reports.series(filter, max).await?;
        Ok(Response::new(pb::GetIndicatorSeriesResponse {
            series: set.series.iter().map(convert::series).collect(),
            truncated: set.truncated,
        }))
    }

    async fn compare_indicators(
        &self,
        request: Request<pb::CompareIndicatorsRequest>,
    ) -> Result<Response<pb::CompareIndicatorsResponse>, Status> {
        let req = request.into_inner();
        let filter = compare_filter(&req)?;
        let limit = bounded("limit", req.limit, DEFAULT_COMPARE_LIMIT, MAX_COMPARE_LIMIT)?;
        let section = self.reports.compare(filter, limit).await?;
        let definition = Catalog::embedded()
            .get(&req.canonical_code)
            .expect("validated code");
        Ok(Response::new(pb::CompareIndicatorsResponse {
            canonical_code: definition.code.clone(),
            canonical_name: definition.name.clone(),
            unit: definition.unit.clone(),
            entries: section
                .entries
                .iter()
                .map(|(rank, i)| convert::cross_section_entry(*rank, i))
                .collect(),
            total_issuers: section.total_issuers,
        }))
    }

    async fn reparse_reports(
        &self,
        request: Request<pb::ReparseReportsRequest>,
    ) -> Result<Response<pb::ReparseReportsResponse>, Status> {
        let token = caller(&request);
        let cmd = reparse_command(request.into_inner())?;
        let dry_run = cmd.dry_run;
        let done = self.reports.reparse(cmd).await?;
        let d = done.indicators;
        tracing::info!(%token, dry_run, reports = done.done, skipped = done.skipped,
            added = d.added, removed = d.removed, changed = d.changed, "reports re-parsed");
        Ok(Response::new(convert::reparse_outcome(&done)))
    }

    async fn export_indicators(
        &self,
        request: Request<pb::ExportIndicatorsRequest>,
    ) -> Result<Response<Self::ExportIndicatorsStream>, Status> {
        let (filter, format) = export::export_request(request.get_ref())?;
        let token = caller(&request);
        let (out, chunks) = tokio::sync::mpsc::channel(2);
        let reports = self.reports.clone();
        // Its one statement streams as fast as the client reads: bounded by the call's
        // deadline if it has one, not by the server-wide statement timeout.
        let limit = deadline::current().unwrap_or(Limit::Unlimited);
        tokio::spawn(deadline::within(limit, async move {
            let mut sink = export::ChunkSink::new(format, out.clone());
            match reports.export(&filter, &mut sink).await {
                Ok(rows) => {
                    sink.flush().await;
                    tracing::info!(%token, rows, "indicators exported");
                }
                Err(e) => {
                    let _ = out.send(Err(e.into())).await;
                }
            }
        }));
        Ok(Response::new(ReceiverStream::new(chunks)))
    }
}
