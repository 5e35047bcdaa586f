//! The service end to end: a real server on an ephemeral port, a real PostgreSQL (one
//! embedded cluster per test run, a fresh database per test), every RPC through a tonic client.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::{seed, seed_names, TestServer};
use govreport::domain::{hex_sha256, IndicatorRecord, RankRecord, ReportRecord};
use govreport::proto::v1 as pb;
use govreport::store::PoolConfig;
use govreport_extract::{Approx, IndicatorKind};
use pb::parse_report_request::Source;
use tonic::Code;

fn parse_text(text: &str, source_uri: &str) -> pb::ParseReportRequest {
    pb::ParseReportRequest {
        source: Some(Source::Text(text.to_owned())),
        source_uri: source_uri.to_owned(),
        ..Default::default()
    }
}

async fn list_all(server: &mut TestServer) -> pb::ListReportsResponse {
    server
        .client
        .list_reports(pb::ListReportsRequest::default())
        .await
        .unwrap()
        .into_inner()
}

fn assert_invalid(status: tonic::Status, field: &str) {
    use tonic_types::StatusExt;
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert!(
        status.message().contains(field),
        "message {:?} should name {field:?}",
        status.message()
    );
    let violations = status
        .get_details_bad_request()
        .expect("a BadRequest detail")
        .field_violations;
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].field, field);
}

#[tokio::test]
async fn parse_report_stores_a_seed_and_get_report_reads_it_back() {
    let mut server = TestServer::start().await;
    for name in seed_names() {
        let text = seed(&name);
        let parsed = server
            .client
            .parse_report(parse_text(&text, &name))
            .await
            .unwrap()
            .into_inner();
        assert!(parsed.created, "{name}");
        let report = parsed.report.unwrap();
        assert!(uuid::Uuid::parse_str(&report.id).is_ok());
        assert_eq!(report.sha256, hex_sha256(&text));
        assert_eq!(report.source_uri, name);
        assert_eq!(report.parser_version, govreport_extract::PARSER_VERSION);
        assert_eq!(report.text_length as usize, text.chars().count());
        assert_eq!(report.indicator_count as usize, report.indicators.len());
        assert!(!report.create_time.is_empty());
        let chars: Vec<char> = text.chars().collect();
        for ind in &report.indicators {
            assert_eq!(ind.report_id, report.id);
            assert!(uuid::Uuid::parse_str(&ind.id).is_ok());
            let span = ind.span.unwrap();
            assert!(
                span.start < span.end && span.end as usize <= chars.len(),
                "span {span:?} out of the text"
            );
        }

        let got = server
            .client
            .get_report(pb::GetReportRequest {
                id: report.id.clone(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            got, report,
            "GetReport returns what ParseReport stored ({name})"
        );

        // The same report as a dry run parses to the same content.
        let mut dry = parse_text(&text, &name);
        dry.dry_run = true;
        let dry = server.client.parse_report(dry).await.unwrap().into_inner();
        assert!(!dry.created);
        let dry = dry.report.unwrap();
        assert_eq!(dry.id, "");
        assert_eq!(dry.indicators.len(), report.indicators.len());
        assert_eq!(dry.title, report.title);
        assert_eq!(dry.sections, report.sections);
    }
    assert_eq!(
        list_all(&mut server).await.total_size as usize,
        seed_names().len()
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn the_same_text_from_the_same_source_is_stored_once() {
    let mut server = TestServer::start().await;
    let text = seed("000");
    let first = server
        .client
        .parse_report(parse_text(&text, "a"))
        .await
        .unwrap()
        .into_inner();
    let mut again = parse_text(&text, "a");
    again.hints = Some(pb::Hints {
        issuer: Some("另一个机构".into()),
        report_year: Some(2001),
    });
    let second = server
        .client
        .parse_report(again)
        .await
        .unwrap()
        .into_inner();
    assert!(first.created);
    assert!(!second.created, "a repeat is not stored again");
    assert_eq!(
        first.report, second.report,
        "a repeat returns the stored report as stored, hints ignored"
    );
    let other_source = server
        .client
        .parse_report(parse_text(&text, "b"))
        .await
        .unwrap()
        .into_inner();
    assert!(other_source.created);
    assert_ne!(other_source.report.unwrap().id, first.report.unwrap().id);
    assert_eq!(list_all(&mut server).await.total_size, 2);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn concurrent_repeats_store_one_report() {
    let mut server = TestServer::start().await;
    let text = seed("003");
    let calls = (0..8).map(|_| {
        let mut client = server.client.clone();
        let req = parse_text(&text, "race");
        tokio::spawn(async move { client.parse_report(req).await.unwrap().into_inner() })
    });
    let mut results = Vec::new();
    for call in calls.collect::<Vec<_>>() {
        results.push(call.await.unwrap());
    }
    assert_eq!(
        results.iter().filter(|r| r.created).count(),
        1,
        "exactly one call stored it"
    );
    let ids: HashSet<_> = results
        .iter()
        .map(|r| r.report.as_ref().unwrap().id.clone())
        .collect();
    assert_eq!(ids.len(), 1, "every call returned the same report");
    assert_eq!(list_all(&mut server).await.total_size, 1);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn hints_override_what_the_parser_infers() {
    let mut server = TestServer::start().await;
    let mut req = parse_text(&seed("001"), "");
    req.hints = Some(pb::Hints {
        issuer: Some("测试街道办事处".into()),
        report_year: Some(2019),
    });
    let report = server
        .client
        .parse_report(req)
        .await
        .unwrap()
        .into_inner()
        .report
        .unwrap();
    assert_eq!(report.issuer, "测试街道办事处");
    assert_eq!(report.report_year, Some(2019));
    let listed = server
        .client
        .list_reports(pb::ListReportsRequest {
            issuer: "测试街道办事处".into(),
            report_year: Some(2019),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.total_size, 1);
    assert_eq!(listed.reports[0].id, report.id);
    assert!(
        listed.reports[0].indicators.is_empty(),
        "ListReports leaves indicators out"
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn raw_bytes_are_decoded_before_parsing() {
    let mut server = TestServer::start().await;
    let text = seed("003");
    let req = pb::ParseReportRequest {
        source: Some(Source::Content(text.clone().into_bytes())),
        content_type: "text/plain; charset=utf-8".into(),
        ..Default::default()
    };
    let report = server
        .client
        .parse_report(req)
        .await
        .unwrap()
        .into_inner()
        .report
        .unwrap();
    assert_eq!(report.sha256, hex_sha256(&text));
    assert_eq!(report.text_length as usize, text.chars().count());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn gbk_bytes_are_decoded_to_the_same_text_as_their_utf8_twin() {
    let mut server = TestServer::start().await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/external");
    let gbk = std::fs::read(dir.join("hailaer_district_2016_gwr.gbk.txt")).unwrap();
    let utf8 = std::fs::read_to_string(dir.join("hailaer_district_2016_gwr.txt")).unwrap();
    for content_type in ["text/plain; charset=gbk", ""] {
        let mut req = pb::ParseReportRequest {
            source: Some(Source::Content(gbk.clone())),
            content_type: content_type.into(),
            ..Default::default()
        };
        req.dry_run = true;
        let report = server
            .client
            .parse_report(req)
            .await
            .unwrap()
            .into_inner()
            .report
            .unwrap();
        assert_eq!(
            report.sha256,
            hex_sha256(&utf8),
            "content type {content_type:?}"
        );
    }
    let unknown = pb::ParseReportRequest {
        source: Some(Source::Content(gbk)),
        content_type: "text/plain; charset=no-such-charset".into(),
        ..Default::default()
    };
    assert_invalid(
        server.client.parse_report(unknown).await.unwrap_err(),
        "content_type",
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn dry_run_stores_nothing() {
    let mut server = TestServer::start().await;
    let mut req = parse_text(&seed("000"), "dry");
    req.dry_run = true;
    let res = server.client.parse_report(req).await.unwrap().into_inner();
    assert!(!res.created);
    assert_eq!(res.report.unwrap().id, "");
    assert_eq!(list_all(&mut server).await.total_size, 0);
    server.stop().await.unwrap();
}

/// A stored report with `n` indicators, written through the store (not the engine), so the
/// query tests do not depend on what the engine finds.
fn fixture(issuer: &str, year: i32, n: usize) -> ReportRecord {
    let text = format!("{issuer}{year}年工作总结");
    let indicators = (0..n)
        .map(|i| IndicatorRecord {
            id: None,
            name: if i % 3 == 0 {
                format!("地区生产总值{i}")
            } else {
                format!("固定资产投资_{i}%")
            },
            value: Some(1e8 * i as f64),
            unit: "元".into(),
            value_text: format!("{i}亿元"),
            approx: if i % 2 == 0 {
                Approx::Exact
            } else {
                Approx::Over
            },
            period_year: Some(year),
            from_month: 1,
            to_month: 12,
            kind: if i % 4 == 0 {
                IndicatorKind::Target
            } else {
                IndicatorKind::Actual
            },
            change: None,
            rank: (i == 1).then(|| RankRecord {
                position: 3,
                scope: "全市".into(),
            }),
            completion_pct: None,
            completion_approx: Approx::Exact,
            span: (i as u32, i as u32 + 1),
            sentence: format!("句子{i}"),
            section_path: vec!["一、工作回顾".into(), format!("（{i}）")],
            rule: "fixture".into(),
            canonical: None,
            report: None,
            ..Default::default()
        })
        .collect::<Vec<_>>();
    ReportRecord {
        title: format!("{issuer}{year}年工作总结"),
        issuer: issuer.into(),
        report_year: Some(year),
        sha256: hex_sha256(&text),
        parser_version: "fixture".into(),
        text_length: text.chars().count() as u32,
        indicator_count: indicators.len() as u32,
        indicators,
        ..Default::default()
    }
}

async fn query_all(
    server: &mut TestServer,
    mut req: pb::QueryIndicatorsRequest,
) -> (Vec<pb::Indicator>, usize) {
    let mut all = Vec::new();
    let mut pages = 0;
    loop {
        let res = server
            .client
            .query_indicators(req.clone())
            .await
            .unwrap()
            .into_inner();
        pages += 1;
        assert!(res.indicators.len() <= req.page_size.max(1) as usize || req.page_size == 0);
        all.extend(res.indicators);
        assert!(res.total_size as usize >= all.len());
        if res.next_page_token.is_empty() {
            assert_eq!(
                all.len(),
                res.total_size as usize,
                "all pages add up to total_size"
            );
            return (all, pages);
        }
        req.page_token = res.next_page_token;
    }
}

#[tokio::test]
async fn query_indicators_filters_and_pages() {
    let mut server = TestServer::start().await;
    for (issuer, year, n) in [
        ("甲街道", 2022, 25),
        ("甲街道", 2023, 10),
        ("乙镇", 2023, 7),
    ] {
        server
            .store
            .insert_report(&fixture(issuer, year, n))
            .await
            .unwrap();
    }

    let (all, pages) = query_all(
        &mut server,
        pb::QueryIndicatorsRequest {
            page_size: 10,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(all.len(), 42);
    assert_eq!(pages, 5);
    let ids: HashSet<_> = all.iter().map(|i| i.id.clone()).collect();
    assert_eq!(ids.len(), 42, "no indicator appears on two pages");
    let first = &all[0];
    let source = first
        .report
        .as_ref()
        .expect("each indicator names its report");
    assert_eq!(
        (source.issuer.as_str(), source.report_year),
        ("甲街道", Some(2022))
    );
    assert_eq!(first.report_id, source.id);
    assert!(source.title.contains("工作总结"));

    let count = |req: pb::QueryIndicatorsRequest| {
        let mut client = server.client.clone();
        async move {
            client
                .query_indicators(req)
                .await
                .unwrap()
                .into_inner()
                .total_size
        }
    };
    assert_eq!(
        count(pb::QueryIndicatorsRequest {
            issuer: "甲街道".into(),
            ..Default::default()
        })
        .await,
        35
    );
    assert_eq!(
        count(pb::QueryIndicatorsRequest {
            report_year_from: Some(2023),
            ..Default::default()
        })
        .await,
        17
    );
    assert_eq!(
        count(pb::QueryIndicatorsRequest {
            report_year_from: Some(2022),
            report_year_to: Some(2022),
            ..Default::default()
        })
        .await,
        25
    );
    assert_eq!(
        count(pb::QueryIndicatorsRequest {
            name_contains: "生产总值".into(),
            ..Default::default()
        })
        .await,
        9 + 4 + 3
    );
    // 固定资产投资_1, _10, _11, _13, _14, _16, _17, _19 of the first report and _1 of the others;
    // an unescaped `_` would also match 地区生产总值12 and the like.
    assert_eq!(
        count(pb::QueryIndicatorsRequest {
            name_contains: "_1".into(),
            ..Default::default()
        })
        .await,
        10,
        "_ is literal"
    );
    assert_eq!(
        count(pb::QueryIndicatorsRequest {
            kind: pb::IndicatorKind::Target as i32,
            ..Default::default()
        })
        .await,
        7 + 3 + 2
    );
    assert_eq!(
        count(pb::QueryIndicatorsRequest {
            issuer: "甲街道".into(),
            kind: pb::IndicatorKind::Actual as i32,
            name_contains: "投资".into(),
            report_year_to: Some(2022),
            ..Default::default()
        })
        .await,
        16 - 4,
        "i in 0..25 with i % 3 != 0 (投资), less i % 4 == 0 (target): 4, 8, 16, 20"
    );

    // A filtered query pages too, and its token does not continue another query.
    let req = pb::QueryIndicatorsRequest {
        issuer: "甲街道".into(),
        page_size: 4,
        ..Default::default()
    };
    let (filtered, _) = query_all(&mut server, req.clone()).await;
    assert!(filtered
        .iter()
        .all(|i| i.report.as_ref().unwrap().issuer == "甲街道"));
    let token = server
        .client
        .query_indicators(req.clone())
        .await
        .unwrap()
        .into_inner()
        .next_page_token;
    let other = pb::QueryIndicatorsRequest {
        issuer: "乙镇".into(),
        page_token: token,
        ..req
    };
    assert_invalid(
        server.client.query_indicators(other).await.unwrap_err(),
        "page_token",
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn seed_indicators_are_queryable_by_report() {
    let mut server = TestServer::start().await;
    let report = server
        .client
        .parse_report(parse_text(&seed("000"), ""))
        .await
        .unwrap()
        .into_inner()
        .report
        .unwrap();
    let req = pb::QueryIndicatorsRequest {
        report_id: report.id.clone(),
        page_size: 7,
        ..Default::default()
    };
    let (found, _) = query_all(&mut server, req).await;
    let expected: Vec<_> = report
        .indicators
        .iter()
        .map(|i| (i.id.clone(), i.name.clone(), i.span))
        .collect();
    let got: Vec<_> = found
        .iter()
        .map(|i| (i.id.clone(), i.name.clone(), i.span))
        .collect();
    assert_eq!(
        got, expected,
        "QueryIndicators by report returns its indicators in document order"
    );
    for name in report
        .indicators
        .iter()
        .map(|i| i.name.clone())
        .filter(|n| !n.is_empty())
        .take(3)
    {
        let res = server
            .client
            .query_indicators(pb::QueryIndicatorsRequest {
                name_contains: name.clone(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert!(res.indicators.iter().any(|i| i.name == name));
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn delete_report_removes_it_and_its_indicators() {
    let mut server = TestServer::start().await;
    let report = server
        .store
        .insert_report(&fixture("丙街道", 2024, 5))
        .await
        .unwrap();
    let id = match report {
        govreport::store::reports::InsertOutcome::Created(stored) => stored.id.unwrap().to_string(),
        _ => panic!("fixture already stored"),
    };
    let kept = server
        .client
        .parse_report(parse_text(&seed("000"), "kept"))
        .await
        .unwrap()
        .into_inner();
    let deleted = server
        .client
        .delete_report(pb::DeleteReportRequest { id: id.clone() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(deleted.deleted_indicators, 5);
    let gone = server
        .client
        .get_report(pb::GetReportRequest { id: id.clone(), ..Default::default() })
        .await
        .unwrap_err();
    assert_eq!(gone.code(), Code::NotFound);
    let left = server
        .client
        .query_indicators(pb::QueryIndicatorsRequest {
            report_id: id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(left.total_size, 0);
    let again = server
        .client
        .delete_report(pb::DeleteReportRequest { id })
        .await
        .unwrap_err();
    assert_eq!(again.code(), Code::NotFound);
    let listed = list_all(&mut server).await;
    assert_eq!(listed.total_size, 1);
    assert_eq!(listed.reports[0].id, kept.report.unwrap().id);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn list_reports_pages_newest_first() {
    let mut server = TestServer::start().await;
    for year in 2015..2022 {
        server
            .store
            .insert_report(&fixture("丁镇", year, 1))
            .await
            .unwrap();
    }
    let mut req = pb::ListReportsRequest {
        page_size: 3,
        ..Default::default()
    };
    let mut years = Vec::new();
    loop {
        let res = server
            .client
            .list_reports(req.clone())
            .await
            .unwrap()
            .into_inner();
        assert_eq!(res.total_size, 7);
        years.extend(res.reports.iter().map(|r| r.report_year.unwrap()));
        if res.next_page_token.is_empty() {
            break;
        }
        req.page_token = res.next_page_token;
    }
    assert_eq!(years, (2015..2022).rev().collect::<Vec<_>>());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn bad_input_is_invalid_argument_and_stores_nothing() {
    let mut server = TestServer::start().await;
    let c = &mut server.client;
    assert_invalid(
        c.parse_report(parse_text("", "")).await.unwrap_err(),
        "text",
    );
    assert_invalid(
        c.parse_report(parse_text(" \n\t　", "")).await.unwrap_err(),
        "text",
    );
    assert_invalid(
        c.parse_report(pb::ParseReportRequest::default())
            .await
            .unwrap_err(),
        "text",
    );
    let empty_bytes = pb::ParseReportRequest {
        source: Some(Source::Content(Vec::new())),
        ..Default::default()
    };
    assert_invalid(c.parse_report(empty_bytes).await.unwrap_err(), "content");
    let blank_bytes = pb::ParseReportRequest {
        source: Some(Source::Content(b" \r\n ".to_vec())),
        ..Default::default()
    };
    assert_invalid(c.parse_report(blank_bytes).await.unwrap_err(), "content");
    let binary: Vec<u8> = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0\x08\x06\0\0\0\x1f\x15\xc4\x89\xff\xfe\0\0".to_vec();
    let not_text = pb::ParseReportRequest {
        source: Some(Source::Content(binary)),
        ..Default::default()
    };
    assert_invalid(c.parse_report(not_text).await.unwrap_err(), "content");
    let mut bad_year = parse_text("2023年工作总结", "");
    bad_year.hints = Some(pb::Hints {
        issuer: None,
        report_year: Some(-5),
    });
    assert_invalid(
        c.parse_report(bad_year).await.unwrap_err(),
        "hints.report_year",
    );

    let query = |f: fn(&mut pb::QueryIndicatorsRequest)| {
        let mut r = pb::QueryIndicatorsRequest::default();
        f(&mut r);
        r
    };
    let rejected_queries = [
        (query(|r| r.page_token = "bm90IG91cnM".into()), "page_token"),
        (query(|r| r.page_token = "%%%".into()), "page_token"),
        (query(|r| r.kind = 9), "kind"),
        (query(|r| r.page_size = -1), "page_size"),
        (query(|r| r.report_id = "nope".into()), "report_id"),
        (
            query(|r| {
                r.report_year_from = Some(2024);
                r.report_year_to = Some(2020);
            }),
            "report_year_from",
        ),
    ];
    for (request, field) in rejected_queries {
        assert_invalid(c.query_indicators(request).await.unwrap_err(), field);
    }
    assert_invalid(
        c.get_report(pb::GetReportRequest { id: "123".into(), ..Default::default() })
            .await
            .unwrap_err(),
        "id",
    );
    assert_invalid(
        c.get_report(pb::GetReportRequest::default())
            .await
            .unwrap_err(),
        "id",
    );
    assert_invalid(
        c.delete_report(pb::DeleteReportRequest { id: "x".into() })
            .await
            .unwrap_err(),
        "id",
    );
    assert_invalid(
        c.list_reports(pb::ListReportsRequest {
            page_token: "AAAA".into(),
            ..Default::default()
        })
        .await
        .unwrap_err(),
        "page_token",
    );
    let missing = c
        .get_report(pb::GetReportRequest {
            id: uuid::Uuid::new_v4().to_string(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);

    assert_eq!(
        list_all(&mut server).await.total_size,
        0,
        "nothing was stored"
    );
    let rows: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM reports) + (SELECT count(*) FROM indicators)",
    )
    .fetch_one(server.store.pool())
    .await
    .unwrap();
    assert_eq!(rows, 0);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_failed_write_leaves_nothing_behind() {
    let server = TestServer::start().await;
    let mut record = fixture("戊街道", 2023, 4);
    // The second indicator breaks the indicators table's constraints (a NUL byte is not valid text).
    record.indicators[1].name = "bad\0name".into();
    assert!(server.store.insert_report(&record).await.is_err());
    let rows: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM reports) + (SELECT count(*) FROM sections) + (SELECT count(*) FROM indicators)",
    )
    .fetch_one(server.store.pool())
    .await
    .unwrap();
    assert_eq!(rows, 0, "the report's transaction was rolled back");
    server.stop().await.unwrap();
}

async fn health_of(
    server: &TestServer,
    service: &str,
) -> tonic_health::pb::health_check_response::ServingStatus {
    let mut health = tonic_health::pb::health_client::HealthClient::new(server.channel.clone());
    health
        .check(tonic_health::pb::HealthCheckRequest {
            service: service.into(),
        })
        .await
        .unwrap()
        .into_inner()
        .status()
}

async fn wait_for_health(
    server: &TestServer,
    want: tonic_health::pb::health_check_response::ServingStatus,
) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while health_of(server, govreport::server::SERVICE_NAME).await != want {
        assert!(Instant::now() < deadline, "health never became {want:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(health_of(server, "").await, want);
}

/// This test stops its database, so it runs its own cluster instead of the shared one.
#[tokio::test]
async fn health_is_not_serving_while_the_database_is_unreachable() {
    use govreport::embedded_pg::{EmbeddedPostgres, Options};
    use tonic_health::pb::health_check_response::ServingStatus;
    let dir = tempfile::Builder::new()
        .prefix("govreport-test-down-")
        .tempdir()
        .unwrap();
    let options = Options { no_fsync: true, ..Default::default() };
    let pg = EmbeddedPostgres::start(dir.path(), &options).unwrap();
    pg.ensure_database("govreport").await.unwrap();
    let pool = PoolConfig {
        max_connections: 4,
        acquire_timeout: Duration::from_secs(1),
        ..Default::default()
    };
    let store = govreport::store::Store::connect(pg.connect_options("govreport"), &pool)
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let mut server = TestServer::start_on(store, "govreport".into(), Default::default()).await;
    wait_for_health(&server, ServingStatus::Serving).await;

    tokio::task::spawn_blocking(move || pg.stop())
        .await
        .unwrap();
    wait_for_health(&server, ServingStatus::NotServing).await;
    let err = server
        .client
        .parse_report(parse_text(&seed("000"), ""))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unavailable, "{err:?}");

    let path = dir.path().to_owned();
    let pg = tokio::task::spawn_blocking(move || EmbeddedPostgres::start(&path, &options))
        .await
        .unwrap()
        .unwrap();
    wait_for_health(&server, ServingStatus::Serving).await;
    assert!(server
        .client
        .parse_report(parse_text(&seed("000"), ""))
        .await
        .is_ok());
    server.stop().await.unwrap();
    tokio::task::spawn_blocking(move || pg.stop())
        .await
        .unwrap();
}

#[tokio::test]
async fn reflection_v1_and_v1alpha_describe_the_service() {
    use tonic_reflection::pb::{v1, v1alpha};
    let server = TestServer::start().await;
    let mut client =
        v1::server_reflection_client::ServerReflectionClient::new(server.channel.clone());
    let req = v1::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(v1::server_reflection_request::MessageRequest::ListServices(
            String::new(),
        )),
    };
    let mut stream = client
        .server_reflection_info(tokio_stream::iter([req]))
        .await
        .unwrap()
        .into_inner();
    let Some(v1::server_reflection_response::MessageResponse::ListServicesResponse(list)) =
        stream.message().await.unwrap().unwrap().message_response
    else {
        panic!("not a list response")
    };
    let names: Vec<_> = list.service.iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&"govreport.v1.ReportService"), "{names:?}");
    assert!(names.contains(&"grpc.health.v1.Health"), "{names:?}");

    let mut client =
        v1alpha::server_reflection_client::ServerReflectionClient::new(server.channel.clone());
    let req = v1alpha::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(
            v1alpha::server_reflection_request::MessageRequest::FileContainingSymbol(
                "govreport.v1.ReportService".into(),
            ),
        ),
    };
    let mut stream = client
        .server_reflection_info(tokio_stream::iter([req]))
        .await
        .unwrap()
        .into_inner();
    let Some(v1alpha::server_reflection_response::MessageResponse::FileDescriptorResponse(files)) =
        stream.message().await.unwrap().unwrap().message_response
    else {
        panic!("not a file descriptor response")
    };
    assert!(!files.file_descriptor_proto.is_empty());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn shutdown_lets_in_flight_calls_finish() {
    let server = TestServer::start().await;
    let mut client = server.client.clone();
    // About two seconds of parsing: 300 ms is long enough for the call to reach the server
    // on a loaded machine, and short enough that it is still parsing at shutdown.
    let text = seed("000").repeat(40);
    let call = tokio::spawn(async move { client.parse_report(parse_text(&text, "")).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.stop().await.unwrap();
    let res = call.await.unwrap();
    assert!(
        res.is_ok(),
        "the call in flight at shutdown completed: {res:?}"
    );
}

#[tokio::test]
async fn a_report_over_the_message_limit_is_rejected_and_not_stored() {
    let (store, database) = common::fresh_store(PoolConfig::default()).await;
    let config = govreport::server::ServerConfig {
        max_message_bytes: 4096,
        ..Default::default()
    };
    let mut server = TestServer::start_on(store, database, config).await;
    let err = server
        .client
        .parse_report(parse_text(&seed("000"), ""))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::OutOfRange, "{err:?}");
    assert!(err.message().contains("too large"), "{}", err.message());
    assert_eq!(list_all(&mut server).await.total_size, 0);
    server.stop().await.unwrap();
}
