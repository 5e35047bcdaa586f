//! Every ReportService RPC, called with a valid request (one that succeeds when allowed)
//! and an optional `authorization` header: for tests that go through all of them.

use govreport::proto::v1 as pb;
use pb::parse_report_request::Source;
use tonic::Code;

use super::TestServer;

pub const TEXT: &str = "2023年全年实现地区生产总值48.78亿元。";

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rpc {
    ParseReport,
    ParseReportDryRun,
    QueryIndicators,
    GetReport,
    ListReports,
    DeleteReport,
    ListIndicatorDefinitions,
    RelinkIndicators,
    GetIndicatorSeries,
    CompareIndicators,
    ParseReports,
    ReparseReports,
    ExportIndicators,
}

pub const RPCS: [Rpc; 13] = [
    Rpc::ParseReport,
    Rpc::ParseReportDryRun,
    Rpc::QueryIndicators,
    Rpc::GetReport,
    Rpc::ListReports,
    Rpc::DeleteReport,
    Rpc::ListIndicatorDefinitions,
    Rpc::RelinkIndicators,
    Rpc::GetIndicatorSeries,
    Rpc::CompareIndicators,
    Rpc::ParseReports,
    Rpc::ReparseReports,
    Rpc::ExportIndicators,
];

pub fn with_auth<T>(message: T, authorization: Option<&str>) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    if let Some(value) = authorization {
        request
            .metadata_mut()
            .insert("authorization", value.parse().unwrap());
    }
    request
}

pub fn parse_request(source_uri: &str, dry_run: bool) -> pb::ParseReportRequest {
    pb::ParseReportRequest {
        source: Some(Source::Text(TEXT.into())),
        source_uri: source_uri.into(),
        dry_run,
        ..Default::default()
    }
}

/// Stores a report from `source_uri` (with an `authorization` that may); returns its id.
pub async fn store_one(
    server: &mut TestServer,
    source_uri: &str,
    authorization: Option<&str>,
) -> String {
    let request = with_auth(parse_request(source_uri, false), authorization);
    let parsed = server.client.parse_report(request).await.unwrap();
    parsed.into_inner().report.unwrap().id
}

/// What `rpc` acts on: a new source_uri for ParseReport, a report stored for it (with the
/// `ingest` authorization) for DeleteReport, else the `existing` report.
pub async fn target(
    server: &mut TestServer,
    rpc: Rpc,
    tag: &str,
    existing: &str,
    ingest: Option<&str>,
) -> String {
    match rpc {
        Rpc::ParseReport | Rpc::ParseReportDryRun | Rpc::ParseReports => format!("{tag}:{rpc:?}"),
        Rpc::DeleteReport => store_one(server, &format!("delete:{tag}"), ingest).await,
        _ => existing.to_owned(),
    }
}

/// Calls `rpc` with a valid request (one that succeeds when allowed); returns the code.
pub async fn call(server: &mut TestServer, rpc: Rpc, auth: Option<&str>, target: &str) -> Code {
    let c = &mut server.client;
    let result = match rpc {
        Rpc::ParseReport | Rpc::ParseReportDryRun => {
            let request = parse_request(target, rpc == Rpc::ParseReportDryRun);
            c.parse_report(with_auth(request, auth)).await.map(drop)
        }
        Rpc::QueryIndicators => {
            let request = pb::QueryIndicatorsRequest::default();
            c.query_indicators(with_auth(request, auth)).await.map(drop)
        }
        Rpc::GetReport => {
            let request = pb::GetReportRequest { id: target.into(), ..Default::default() };
            c.get_report(with_auth(request, auth)).await.map(drop)
        }
        Rpc::ListReports => {
            let request = pb::ListReportsRequest::default();
            c.list_reports(with_auth(request, auth)).await.map(drop)
        }
        Rpc::DeleteReport => {
            let request = pb::DeleteReportRequest { id: target.into() };
            c.delete_report(with_auth(request, auth)).await.map(drop)
        }
        Rpc::ListIndicatorDefinitions => {
            let request = pb::ListIndicatorDefinitionsRequest::default();
            c.list_indicator_definitions(with_auth(request, auth))
                .await
                .map(drop)
        }
        Rpc::RelinkIndicators => {
            let request = pb::RelinkIndicatorsRequest {};
            c.relink_indicators(with_auth(request, auth))
                .await
                .map(drop)
        }
        Rpc::GetIndicatorSeries => {
            let request = pb::GetIndicatorSeriesRequest {
                canonical_codes: vec!["gdp".into()],
                ..Default::default()
            };
            c.get_indicator_series(with_auth(request, auth))
                .await
                .map(drop)
        }
        Rpc::CompareIndicators => {
            let request = pb::CompareIndicatorsRequest {
                canonical_code: "gdp".into(),
                period_year: Some(2023),
                ..Default::default()
            };
            c.compare_indicators(with_auth(request, auth))
                .await
                .map(drop)
        }
        Rpc::ParseReports => return parse_reports(c, auth, target).await,
        Rpc::ReparseReports => {
            // A dry run: it writes nothing, so the callers' report counts stay.
            let request = pb::ReparseReportsRequest {
                report_ids: vec![target.into()],
                dry_run: true,
                ..Default::default()
            };
            c.reparse_reports(with_auth(request, auth)).await.map(drop)
        }
        Rpc::ExportIndicators => {
            let request = pb::ExportIndicatorsRequest::default();
            match c.export_indicators(with_auth(request, auth)).await {
                Ok(stream) => {
                    let mut stream = stream.into_inner();
                    loop {
                        match stream.message().await {
                            Ok(Some(_)) => continue,
                            Ok(None) => break Ok(()),
                            Err(e) => break Err(e),
                        }
                    }
                }
                Err(e) => Err(e),
            }
        }
    };
    result.err().map_or(Code::Ok, |status| status.code())
}

/// ParseReports with one request: the call's code, else its one result's.
async fn parse_reports(
    c: &mut pb::report_service_client::ReportServiceClient<tonic::transport::Channel>,
    auth: Option<&str>,
    target: &str,
) -> Code {
    let requests = tokio_stream::iter(vec![parse_request(target, false)]);
    let mut results = match c.parse_reports(with_auth(requests, auth)).await {
        Ok(response) => response.into_inner(),
        Err(status) => return status.code(),
    };
    match results.message().await {
        Ok(Some(result)) => Code::from(result.status.unwrap_or_default().code),
        Ok(None) => Code::Unknown,
        Err(status) => status.code(),
    }
}
