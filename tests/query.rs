//! QueryIndicators as a data platform: catalog links and re-links, every filter, every
//! ordering with keyset paging, latest_only, series, cross-sections and every
//! INVALID_ARGUMENT case — against a real server and the harness's real PostgreSQL.

mod common;

use std::collections::HashSet;

use common::TestServer;
use govreport::domain::{self, hex_sha256, ChangeRecord, IndicatorRecord, RankRecord, ReportRecord};
use govreport::proto::v1 as pb;
use govreport::server::ServerConfig;
use govreport_extract::catalog::Catalog;
use govreport_extract::{Approx, ChangeUnit, IndicatorKind};
use tonic::Code;

const E8: f64 = 1e8;
const IND: &str = "industrial_output_above_scale";

struct Obs {
    name: &'static str,
    value: f64,
    unit: &'static str,
    year: i32,
    from_month: u8,
    to_month: u8,
    kind: IndicatorKind,
    change: Option<f64>,
    rank: Option<u32>,
}

fn obs(name: &'static str, value: f64, unit: &'static str, year: i32) -> Obs {
    Obs {
        name,
        value,
        unit,
        year,
        from_month: 1,
        to_month: 12,
        kind: IndicatorKind::Actual,
        change: None,
        rank: None,
    }
}

/// A report written through the store, linked by the domain (as ParseReport does).
fn report(issuer: &str, year: i32, rows: Vec<Obs>) -> ReportRecord {
    let title = format!("{issuer}{year}年工作总结");
    let mut indicators: Vec<IndicatorRecord> = rows
        .into_iter()
        .enumerate()
        .map(|(n, o)| IndicatorRecord {
            id: None,
            name: o.name.into(),
            value: Some(o.value),
            unit: o.unit.into(),
            value_text: format!("{}{}", o.value, o.unit),
            approx: Approx::Exact,
            period_year: Some(o.year),
            from_month: o.from_month,
            to_month: o.to_month,
            kind: o.kind,
            change: o.change.map(|pct| ChangeRecord {
                pct,
                approx: Approx::Exact,
                unit: ChangeUnit::Percent,
            }),
            rank: o.rank.map(|position| RankRecord {
                position,
                scope: "全区".into(),
            }),
            completion_pct: None,
            completion_approx: Approx::Exact,
            span: (n as u32 * 10, n as u32 * 10 + 6),
            sentence: format!("{}达{}{}。", o.name, o.value, o.unit),
            section_path: vec!["一、工作回顾".into()],
            rule: "level".into(),
            canonical: None,
            report: None,
            ..Default::default()
        })
        .collect();
    domain::link_indicators(&mut indicators);
    ReportRecord {
        title: title.clone(),
        issuer: issuer.into(),
        report_year: Some(year),
        published: chrono::NaiveDate::from_ymd_opt(year + 1, 2, 1),
        sha256: hex_sha256(&title),
        parser_version: "test-1".into(),
        text_length: 100,
        indicator_count: indicators.len() as u32,
        indicators,
        ..Default::default()
    }
}

/// 13 indicators in 4 reports of 3 issuers.
fn reports() -> Vec<ReportRecord> {
    vec![
        report(
            "甲街道",
            2022,
            vec![
                Obs {
                    change: Some(6.15),
                    ..obs("规上工业产值", 48.78 * E8, "元", 2022)
                },
                Obs {
                    rank: Some(3),
                    ..obs("GDP", 100.0 * E8, "元", 2022)
                },
                Obs {
                    to_month: 6,
                    ..obs("固投", 20.0 * E8, "元", 2022)
                },
                // 下半年: the one period that starts after June, so a month window can exclude it.
                Obs {
                    from_month: 7,
                    ..obs("整治点位", 35.0, "个", 2022)
                },
                Obs {
                    kind: IndicatorKind::Target,
                    ..obs("规上工业产值", 60.0 * E8, "元", 2023)
                },
            ],
        ),
        report(
            "甲街道",
            2023,
            vec![
                obs("规模以上工业总产值", 52.0 * E8, "元", 2023),
                Obs {
                    change: Some(10.0),
                    ..obs("地区生产总值", 110.0 * E8, "元", 2023)
                },
                obs("登记失业率", 2.1, "%", 2023),
            ],
        ),
        report(
            "乙镇",
            2023,
            vec![
                obs("规上工业总产值", 30.0 * E8, "元", 2023),
                obs("生产总值", 80.0 * E8, "元", 2023),
                obs("整治点位", 12.0, "个", 2023),
            ],
        ),
        report(
            "甲山区",
            2023,
            vec![
                obs("规上工业产值", 52.0 * E8, "元", 2023),
                obs("森林覆盖率", 60.0, "%", 2023),
            ],
        ),
    ]
}

async fn loaded() -> (TestServer, Vec<uuid::Uuid>) {
    let server = TestServer::start().await;
    let mut ids = Vec::new();
    for r in reports() {
        match server.store.insert_report(&r).await.unwrap() {
            govreport::store::reports::InsertOutcome::Created(stored) => ids.push(stored.id.unwrap()),
            _ => panic!("fixture stored twice"),
        }
    }
    (server, ids)
}

async fn query(server: &TestServer, req: pb::QueryIndicatorsRequest) -> pb::QueryIndicatorsResponse {
    server
        .client
        .clone()
        .query_indicators(req)
        .await
        .unwrap()
        .into_inner()
}

/// Every page of a query; checks that pages add up to total_size.
async fn query_all(server: &TestServer, mut req: pb::QueryIndicatorsRequest) -> Vec<pb::Indicator> {
    let mut all = Vec::new();
    loop {
        let res = query(server, req.clone()).await;
        all.extend(res.indicators);
        if res.next_page_token.is_empty() {
            assert_eq!(all.len(), res.total_size as usize, "pages add up to total_size");
            return all;
        }
        req.page_token = res.next_page_token;
    }
}

async fn compare(server: &TestServer, req: pb::CompareIndicatorsRequest) -> pb::CompareIndicatorsResponse {
    server
        .client
        .clone()
        .compare_indicators(req)
        .await
        .unwrap()
        .into_inner()
}

/// The ids of rows, in order.
fn ids(rows: &[pb::Indicator]) -> Vec<String> {
    rows.iter().map(|i| i.id.clone()).collect()
}

fn assert_invalid(status: tonic::Status, field: &str) {
    use tonic_types::StatusExt;
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    let violations = status
        .get_details_bad_request()
        .expect("a BadRequest detail")
        .field_violations;
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].field, field, "{status:?}");
}

#[tokio::test]
async fn names_link_to_the_catalog_and_definitions_count_their_data() {
    let (mut server, _) = loaded().await;
    let rows = query_all(
        &server,
        pb::QueryIndicatorsRequest {
            canonical_codes: vec![IND.into()],
            ..Default::default()
        },
    )
    .await;
    let names: HashSet<&str> = rows.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        names,
        HashSet::from(["规上工业产值", "规模以上工业总产值", "规上工业总产值"]),
        "names stay as written"
    );
    assert_eq!(rows.len(), 5);
    for i in &rows {
        assert_eq!(i.canonical_code, IND);
        assert_eq!(i.canonical_name, "规模以上工业总产值");
        assert_eq!(i.category, "industry");
    }
    let unlinked = query_all(
        &server,
        pb::QueryIndicatorsRequest {
            name_contains: "整治点位".into(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(unlinked.len(), 2);
    assert!(unlinked.iter().all(|i| i.canonical_code.is_empty()));

    let defs = server
        .client
        .list_indicator_definitions(pb::ListIndicatorDefinitionsRequest::default())
        .await
        .unwrap()
        .into_inner();
    let catalog = Catalog::embedded();
    assert_eq!(defs.definitions.len(), catalog.definitions().len());
    assert_eq!(defs.catalog_fingerprint, catalog.fingerprint());
    let gdp = defs.definitions.iter().find(|d| d.code == "gdp").unwrap();
    assert_eq!((gdp.observations, gdp.issuers, gdp.years), (3, 2, 2));
    assert_eq!(gdp.name, "地区生产总值");
    assert!(gdp.aliases.contains(&"GDP".to_string()) && gdp.additive && gdp.unit == "元");
    assert_eq!(gdp.category_name, "经济运行");
    let ind = defs.definitions.iter().find(|d| d.code == IND).unwrap();
    assert_eq!((ind.observations, ind.issuers, ind.years), (5, 3, 2));
    let env = server
        .client
        .list_indicator_definitions(pb::ListIndicatorDefinitionsRequest {
            category: "environment".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!env.definitions.is_empty());
    assert!(env.definitions.iter().all(|d| d.category == "environment"));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn relinking_restores_links_by_rpc_and_at_start_up() {
    let (mut server, _) = loaded().await;
    let linked = |pool: sqlx::PgPool| async move {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM indicators WHERE canonical_code IS NOT NULL")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    let pool = server.store.pool().clone();
    assert_eq!(linked(pool.clone()).await, 11);
    // Links as an older catalog would have left them: one wrong, the rest missing.
    sqlx::query("UPDATE indicators SET canonical_code = NULL")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE indicators SET canonical_code = 'gdp' WHERE name = '整治点位'")
        .execute(&pool)
        .await
        .unwrap();
    let done = server
        .client
        .relink_indicators(pb::RelinkIndicatorsRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(done.catalog_fingerprint, Catalog::embedded().fingerprint());
    assert_eq!(done.changed_indicators, 11 + 2);
    assert_eq!(done.distinct_names, 10);
    assert_eq!(done.linked_names, 9);
    assert_eq!(linked(pool.clone()).await, 11);
    let again = server
        .client
        .relink_indicators(pb::RelinkIndicatorsRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(again.changed_indicators, 0, "re-linking is idempotent");

    // A server starting on a database linked with another catalog re-links it.
    sqlx::query("UPDATE indicators SET canonical_code = NULL")
        .execute(&pool)
        .await
        .unwrap();
    let store = server.store.clone();
    let database = server.database.clone();
    let restarted = TestServer::start_on(store.clone(), database.clone(), ServerConfig::default()).await;
    assert_eq!(linked(pool.clone()).await, 0, "same fingerprint: nothing to do");
    restarted.stop().await.unwrap();
    let store = govreport::store::Store::connect(
        common::admin_options(&database),
        &govreport::store::PoolConfig::default(),
    )
    .await
    .unwrap();
    sqlx::query("UPDATE catalog_state SET fingerprint = 'an-older-catalog'")
        .execute(store.pool())
        .await
        .unwrap();
    let restarted = TestServer::start_on(store.clone(), database, ServerConfig::default()).await;
    // The server re-links before it serves; the listener may accept a connection earlier.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while linked(store.pool().clone()).await != 11 {
        assert!(std::time::Instant::now() < deadline, "start-up did not re-link");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // The first call is answered after the re-link.
    let defs = query(&restarted, pb::QueryIndicatorsRequest { canonical_codes: vec!["gdp".into()], ..Default::default() }).await;
    assert_eq!(defs.total_size, 3);
    let fp: String = sqlx::query_scalar("SELECT fingerprint FROM catalog_state")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(fp, Catalog::embedded().fingerprint());
    restarted.stop().await.unwrap();
    drop(server);
}

#[tokio::test]
async fn every_filter_selects_what_it_says() {
    let (server, ids) = loaded().await;
    let count = |req: pb::QueryIndicatorsRequest| {
        let server = &server;
        async move { query(server, req).await.total_size }
    };
    let q = pb::QueryIndicatorsRequest::default;
    assert_eq!(count(q()).await, 13);
    let cases: Vec<(&str, pb::QueryIndicatorsRequest, i32)> = vec![
        ("issuers", pb::QueryIndicatorsRequest { issuers: vec!["甲街道".into()], ..q() }, 8),
        ("issuers any", pb::QueryIndicatorsRequest { issuers: vec!["甲街道".into(), "乙镇".into()], ..q() }, 11),
        ("issuer", pb::QueryIndicatorsRequest { issuer: "甲街道".into(), ..q() }, 8),
        ("issuer_prefix", pb::QueryIndicatorsRequest { issuer_prefix: "甲".into(), ..q() }, 10),
        ("issuer_contains", pb::QueryIndicatorsRequest { issuer_contains: "山".into(), ..q() }, 2),
        ("report_ids", pb::QueryIndicatorsRequest { report_ids: vec![ids[2].to_string()], ..q() }, 3),
        ("report_id", pb::QueryIndicatorsRequest { report_id: ids[0].to_string(), ..q() }, 5),
        ("report years", pb::QueryIndicatorsRequest { report_year_from: Some(2023), report_year_to: Some(2023), ..q() }, 8),
        ("period years", pb::QueryIndicatorsRequest { period_year_from: Some(2023), period_year_to: Some(2023), ..q() }, 9),
        ("period_year_to", pb::QueryIndicatorsRequest { period_year_to: Some(2022), ..q() }, 4),
        ("months from 7", pb::QueryIndicatorsRequest { period_month_from: Some(7), ..q() }, 12),
        ("months to 6", pb::QueryIndicatorsRequest { period_month_from: Some(1), period_month_to: Some(6), ..q() }, 12),
        ("months 7 to 9", pb::QueryIndicatorsRequest { period_month_from: Some(7), period_month_to: Some(9), ..q() }, 12),
        ("months 1 to 6 only", pb::QueryIndicatorsRequest { period_month_to: Some(6), ..q() }, 12),
        ("canonical_codes", pb::QueryIndicatorsRequest { canonical_codes: vec!["gdp".into()], ..q() }, 3),
        ("two codes", pb::QueryIndicatorsRequest { canonical_codes: vec!["gdp".into(), "forest_coverage".into()], ..q() }, 4),
        ("categories", pb::QueryIndicatorsRequest { categories: vec!["economy".into()], ..q() }, 3),
        ("two categories", pb::QueryIndicatorsRequest { categories: vec!["industry".into(), "environment".into()], ..q() }, 6),
        ("name_contains", pb::QueryIndicatorsRequest { name_contains: "工业".into(), ..q() }, 5),
        ("name_contains, any case", pb::QueryIndicatorsRequest { name_contains: "gdp".into(), ..q() }, 1),
        (
            "name_contains and year",
            pb::QueryIndicatorsRequest { name_contains: "工业".into(), report_year_from: Some(2023), ..q() },
            3,
        ),
        (
            "name_contains and one year",
            pb::QueryIndicatorsRequest {
                name_contains: "工业".into(),
                report_year_from: Some(2023),
                report_year_to: Some(2023),
                ..q()
            },
            3,
        ),
        (
            "name_contains and years to",
            pb::QueryIndicatorsRequest { name_contains: "工业".into(), report_year_to: Some(2022), ..q() },
            2,
        ),
        ("name_contains, no such name", pb::QueryIndicatorsRequest { name_contains: "工业总值".into(), ..q() }, 0),
        ("kind", pb::QueryIndicatorsRequest { kind: pb::IndicatorKind::Target as i32, ..q() }, 1),
        ("kind actual", pb::QueryIndicatorsRequest { kind: pb::IndicatorKind::Actual as i32, ..q() }, 12),
        ("value_min", pb::QueryIndicatorsRequest { value_min: Some(50.0 * E8), ..q() }, 6),
        ("value range", pb::QueryIndicatorsRequest { value_min: Some(50.0 * E8), value_max: Some(60.0 * E8), ..q() }, 3),
        ("has_change", pb::QueryIndicatorsRequest { has_change: Some(true), ..q() }, 2),
        ("no change", pb::QueryIndicatorsRequest { has_change: Some(false), ..q() }, 11),
        ("has_rank", pb::QueryIndicatorsRequest { has_rank: Some(true), ..q() }, 1),
        ("no rank", pb::QueryIndicatorsRequest { has_rank: Some(false), ..q() }, 12),
        (
            "combined",
            pb::QueryIndicatorsRequest {
                issuer_prefix: "甲".into(),
                canonical_codes: vec![IND.into()],
                kind: pb::IndicatorKind::Actual as i32,
                period_year_from: Some(2023),
                ..q()
            },
            2,
        ),
    ];
    for (what, req, expected) in cases {
        assert_eq!(count(req).await, expected, "{what}");
    }

    // Trigram similarity (pg_trgm under a UTF-8 locale sees Chinese characters).
    let similar = query_all(
        &server,
        pb::QueryIndicatorsRequest {
            name_similar_to: "规上工业产值".into(),
            order_by: pb::IndicatorOrderBy::Relevance as i32,
            ..q()
        },
    )
    .await;
    assert!(similar.len() >= 3, "{:?}", similar.iter().map(|i| &i.name).collect::<Vec<_>>());
    assert!(similar.iter().all(|i| i.name.contains("工业")));
    assert_eq!(similar[0].name, "规上工业产值", "the exact name is most relevant");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn provenance_is_on_every_row() {
    let (server, ids) = loaded().await;
    let rows = query_all(&server, pb::QueryIndicatorsRequest::default()).await;
    assert_eq!(rows.len(), 13);
    let first = &rows[0];
    let r = first.report.as_ref().unwrap();
    assert_eq!(r.id, ids[0].to_string());
    assert_eq!(first.report_id, r.id);
    assert_eq!(
        (r.issuer.as_str(), r.title.as_str(), r.report_year, r.published.as_str(), r.parser_version.as_str()),
        ("甲街道", "甲街道2022年工作总结", Some(2022), "2023-02-01", "test-1")
    );
    assert_eq!(first.section_path, vec!["一、工作回顾".to_string()]);
    assert!(first.sentence.starts_with("规上工业产值"));
    assert_eq!(first.span, Some(pb::Span { start: 0, end: 6 }));
    assert_eq!(first.rule, "level");
    assert!(rows.iter().all(|i| i.report.is_some() && !i.sentence.is_empty()));
    server.stop().await.unwrap();
}

fn sort_key(order: pb::IndicatorOrderBy, i: &pb::Indicator) -> (f64, String) {
    let p = i.period.unwrap();
    match order {
        pb::IndicatorOrderBy::Period => ((p.year.unwrap_or(0) * 100 + p.to_month as i32) as f64, String::new()),
        pb::IndicatorOrderBy::Value => (i.value.unwrap_or(f64::NEG_INFINITY), String::new()),
        pb::IndicatorOrderBy::Issuer => (0.0, i.report.as_ref().unwrap().issuer.clone()),
        _ => (0.0, String::new()),
    }
}

#[tokio::test]
async fn every_ordering_pages_without_repeats_or_gaps() {
    let (server, _) = loaded().await;
    for order in [
        pb::IndicatorOrderBy::Unspecified,
        pb::IndicatorOrderBy::Period,
        pb::IndicatorOrderBy::Value,
        pb::IndicatorOrderBy::Issuer,
    ] {
        for descending in [false, true] {
            let req = pb::QueryIndicatorsRequest {
                order_by: order as i32,
                descending,
                ..Default::default()
            };
            let one_page = query(&server, pb::QueryIndicatorsRequest { page_size: 1000, ..req.clone() }).await;
            assert!(one_page.next_page_token.is_empty());
            let paged = query_all(&server, pb::QueryIndicatorsRequest { page_size: 2, ..req.clone() }).await;
            assert_eq!(ids(&paged), ids(&one_page.indicators), "{order:?} desc={descending}: pages = one page");
            assert_eq!(paged.iter().map(|i| &i.id).collect::<HashSet<_>>().len(), 13);
            for w in paged.windows(2) {
                let (a, b) = (sort_key(order, &w[0]), sort_key(order, &w[1]));
                if descending {
                    assert!(a >= b, "{order:?} desc: {a:?} before {b:?}");
                } else {
                    assert!(a <= b, "{order:?}: {a:?} before {b:?}");
                }
            }
        }
    }
    // Ties are deterministic: two queries give the same sequence.
    let req = pb::QueryIndicatorsRequest {
        order_by: pb::IndicatorOrderBy::Issuer as i32,
        page_size: 3,
        ..Default::default()
    };
    let a = query_all(&server, req.clone()).await;
    let b = query_all(&server, req).await;
    assert_eq!(a, b);
    server.stop().await.unwrap();
}

/// With several codes and many matches, a page merges a page per code (each in its index's
/// order): the rows, their order and the counts must be those of one sorted read.
#[tokio::test]
async fn pages_over_several_codes_match_one_sorted_read() {
    let server = TestServer::start().await;
    let catalog = Catalog::embedded();
    let mut rng = govreport::bench::Rng::new(11);
    for issuer in 0..30 {
        for year in [2023, 2024] {
            let report = govreport::bench::synthetic_report(&mut rng, catalog, issuer, year, 50);
            server.store.insert_report(&report).await.unwrap();
        }
    }
    let codes_of = |category: &str| catalog.definitions().iter().filter(|d| d.category == category).count();
    let q = pb::QueryIndicatorsRequest::default;
    let two_codes = vec!["industrial_output_above_scale".to_string(), "fixed_asset_investment".to_string()];
    for (req, codes) in [
        (
            pb::QueryIndicatorsRequest {
                categories: vec!["industry".into()],
                kind: pb::IndicatorKind::Actual as i32,
                report_year_from: Some(2024),
                report_year_to: Some(2024),
                ..q()
            },
            codes_of("industry"),
        ),
        (
            pb::QueryIndicatorsRequest {
                canonical_codes: two_codes.clone(),
                order_by: pb::IndicatorOrderBy::Period as i32,
                ..q()
            },
            2,
        ),
        (
            pb::QueryIndicatorsRequest {
                canonical_codes: two_codes.clone(),
                order_by: pb::IndicatorOrderBy::Value as i32,
                descending: true,
                ..q()
            },
            2,
        ),
        (
            pb::QueryIndicatorsRequest {
                canonical_codes: [two_codes.clone(), two_codes.clone()].concat(),
                ..q()
            },
            2,
        ),
    ] {
        let one_read = query(&server, pb::QueryIndicatorsRequest { page_size: 1000, ..req.clone() }).await;
        let page_size = 2;
        // More matches than a page per code: the merged per-code pages are used.
        assert!(one_read.indicators.len() > codes * (page_size + 1), "{} rows for {req:?}", one_read.indicators.len());
        let paged = query_all(&server, pb::QueryIndicatorsRequest { page_size: page_size as i32, ..req.clone() }).await;
        assert_eq!(ids(&paged), ids(&one_read.indicators), "{req:?}");
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn paging_survives_inserts_between_pages() {
    let (server, _) = loaded().await;
    for order in [pb::IndicatorOrderBy::Unspecified, pb::IndicatorOrderBy::Value] {
        let req = pb::QueryIndicatorsRequest {
            order_by: order as i32,
            page_size: 4,
            ..Default::default()
        };
        let before: Vec<String> = query_all(&server, req.clone()).await.into_iter().map(|i| i.id).collect();
        let first = query(&server, req.clone()).await;
        // A report arrives between pages, with values on both sides of the cursor.
        let extra = report(
            "丙街道",
            2024,
            vec![obs("生产总值", 1.0, "元", 2024), obs("生产总值", 1e12, "元", 2024)],
        );
        let extra = ReportRecord {
            source_uri: format!("{order:?}"),
            ..extra
        };
        server.store.insert_report(&extra).await.unwrap();
        let mut seen: Vec<String> = first.indicators.into_iter().map(|i| i.id).collect();
        let mut token = first.next_page_token;
        while !token.is_empty() {
            let page = query(&server, pb::QueryIndicatorsRequest { page_token: token, ..req.clone() }).await;
            seen.extend(page.indicators.into_iter().map(|i| i.id));
            token = page.next_page_token;
        }
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "{order:?}: no row twice");
        for id in &before {
            assert!(unique.contains(id), "{order:?}: none lost");
        }
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn latest_only_keeps_the_newest_observation_per_issuer_and_indicator() {
    let (server, _) = loaded().await;
    let rows = query_all(
        &server,
        pb::QueryIndicatorsRequest {
            issuers: vec!["甲街道".into()],
            kind: pb::IndicatorKind::Actual as i32,
            latest_only: true,
            page_size: 2,
            ..Default::default()
        },
    )
    .await;
    let mut got: Vec<(String, Option<i32>, Option<f64>)> = rows
        .iter()
        .map(|i| {
            let key = if i.canonical_code.is_empty() { i.name.clone() } else { i.canonical_code.clone() };
            (key, i.period.unwrap().year, i.value)
        })
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    let mut expected: Vec<(String, Option<i32>, Option<f64>)> = [
        (IND.to_string(), Some(2023), Some(52.0 * E8)),
        ("gdp".to_string(), Some(2023), Some(110.0 * E8)),
        ("fixed_asset_investment".to_string(), Some(2022), Some(20.0 * E8)),
        ("registered_unemployment_rate".to_string(), Some(2023), Some(2.1)),
        ("整治点位".to_string(), Some(2022), Some(35.0)),
    ]
    .into_iter()
    .collect();
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(got, expected);
    // Across all issuers, one row per (issuer, indicator).
    let all = query_all(&server, pb::QueryIndicatorsRequest { latest_only: true, ..Default::default() }).await;
    assert_eq!(all.len(), 5 + 3 + 2);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn series_and_cross_sections() {
    let (mut server, _) = loaded().await;
    let series = server
        .client
        .get_indicator_series(pb::GetIndicatorSeriesRequest {
            canonical_codes: vec![IND.into(), "gdp".into()],
            issuers: vec!["甲街道".into()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!series.truncated);
    let shape: Vec<(String, Vec<(i32, f64)>)> = series
        .series
        .iter()
        .map(|s| {
            assert_eq!(s.issuer, "甲街道");
            assert_eq!(s.unit, "元");
            (
                s.canonical_code.clone(),
                s.points.iter().map(|p| (p.period.unwrap().year.unwrap(), p.value)).collect(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        vec![
            ("gdp".to_string(), vec![(2022, 100.0 * E8), (2023, 110.0 * E8)]),
            (IND.to_string(), vec![(2022, 48.78 * E8), (2023, 52.0 * E8)]),
        ]
    );
    assert!(series.series[1].points[1].indicator.as_ref().unwrap().report.is_some());
    let targets = server
        .client
        .get_indicator_series(pb::GetIndicatorSeriesRequest {
            canonical_codes: vec![IND.into()],
            kind: pb::IndicatorKind::Target as i32,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(targets.series.len(), 1);
    assert_eq!(targets.series[0].points[0].value, 60.0 * E8);
    let capped = server
        .client
        .get_indicator_series(pb::GetIndicatorSeriesRequest {
            canonical_codes: vec![IND.into()],
            max_points: 2,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(capped.truncated);

    let section = compare(
        &server,
        pb::CompareIndicatorsRequest {
            canonical_code: IND.into(),
            period_year: Some(2023),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(section.canonical_name, "规模以上工业总产值");
    assert_eq!(section.total_issuers, 3);
    let ranked: Vec<(u32, &str, f64)> = section
        .entries
        .iter()
        .map(|e| (e.rank, e.issuer.as_str(), e.value))
        .collect();
    assert_eq!(
        ranked,
        vec![(1, "甲山区", 52.0 * E8), (1, "甲街道", 52.0 * E8), (3, "乙镇", 30.0 * E8)]
    );
    let top = compare(
        &server,
        pb::CompareIndicatorsRequest {
            canonical_code: IND.into(),
            period_year: Some(2023),
            limit: 1,
            issuer_prefix: "乙".into(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!((top.entries.len(), top.total_issuers), (1, 1));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn bad_queries_are_invalid_argument_naming_the_field() {
    let (mut server, _) = loaded().await;
    let q = pb::QueryIndicatorsRequest::default;
    let token = query(&server, pb::QueryIndicatorsRequest { page_size: 2, ..q() }).await.next_page_token;
    let value_token = query(
        &server,
        pb::QueryIndicatorsRequest { page_size: 2, order_by: pb::IndicatorOrderBy::Value as i32, ..q() },
    )
    .await
    .next_page_token;
    let cases: Vec<(pb::QueryIndicatorsRequest, &str)> = vec![
        (pb::QueryIndicatorsRequest { canonical_codes: vec!["no_such_code".into()], ..q() }, "canonical_codes"),
        (pb::QueryIndicatorsRequest { categories: vec!["weather".into()], ..q() }, "categories"),
        (pb::QueryIndicatorsRequest { order_by: 42, ..q() }, "order_by"),
        (pb::QueryIndicatorsRequest { kind: 9, ..q() }, "kind"),
        (pb::QueryIndicatorsRequest { order_by: pb::IndicatorOrderBy::Relevance as i32, ..q() }, "order_by"),
        (pb::QueryIndicatorsRequest { value_min: Some(10.0), value_max: Some(1.0), ..q() }, "value_min"),
        (pb::QueryIndicatorsRequest { value_min: Some(f64::NAN), ..q() }, "value_min"),
        (pb::QueryIndicatorsRequest { period_year_from: Some(2024), period_year_to: Some(2020), ..q() }, "period_year_from"),
        (pb::QueryIndicatorsRequest { report_year_from: Some(2024), report_year_to: Some(2020), ..q() }, "report_year_from"),
        (pb::QueryIndicatorsRequest { period_year_from: Some(20), ..q() }, "period_year_from"),
        (pb::QueryIndicatorsRequest { period_month_from: Some(13), ..q() }, "period_month_from"),
        (pb::QueryIndicatorsRequest { period_month_to: Some(0), ..q() }, "period_month_to"),
        (pb::QueryIndicatorsRequest { period_month_from: Some(9), period_month_to: Some(3), ..q() }, "period_month_from"),
        (pb::QueryIndicatorsRequest { report_ids: vec!["nope".into()], ..q() }, "report_ids"),
        (pb::QueryIndicatorsRequest { issuers: vec![" ".into()], ..q() }, "issuers"),
        (pb::QueryIndicatorsRequest { page_size: -1, ..q() }, "page_size"),
        // A token from another query (other filters, another ordering), or not ours.
        (pb::QueryIndicatorsRequest { issuer: "乙镇".into(), page_token: token.clone(), ..q() }, "page_token"),
        (pb::QueryIndicatorsRequest { page_token: value_token, ..q() }, "page_token"),
        (pb::QueryIndicatorsRequest { order_by: pb::IndicatorOrderBy::Period as i32, page_token: token, ..q() }, "page_token"),
        (pb::QueryIndicatorsRequest { page_token: "Z3IyOng6MTp5".into(), ..q() }, "page_token"),
    ];
    for (req, field) in cases {
        let status = server.client.query_indicators(req.clone()).await.unwrap_err();
        assert_invalid(status, field);
    }

    let series = |f: fn(&mut pb::GetIndicatorSeriesRequest)| {
        let mut r = pb::GetIndicatorSeriesRequest { canonical_codes: vec![IND.into()], ..Default::default() };
        f(&mut r);
        r
    };
    for (req, field) in [
        (series(|r| r.canonical_codes.clear()), "canonical_codes"),
        (series(|r| r.canonical_codes = vec!["nope".into()]), "canonical_codes"),
        (series(|r| r.kind = 7), "kind"),
        (series(|r| r.max_points = -3), "max_points"),
        (series(|r| { r.period_year_from = Some(2023); r.period_year_to = Some(2022); }), "period_year_from"),
    ] {
        assert_invalid(server.client.get_indicator_series(req).await.unwrap_err(), field);
    }
    let compare = |f: fn(&mut pb::CompareIndicatorsRequest)| {
        let mut r = pb::CompareIndicatorsRequest { canonical_code: IND.into(), period_year: Some(2023), ..Default::default() };
        f(&mut r);
        r
    };
    for (req, field) in [
        (compare(|r| r.canonical_code.clear()), "canonical_code"),
        (compare(|r| r.canonical_code = "nope".into()), "canonical_code"),
        (compare(|r| r.period_year = None), "period_year"),
        (compare(|r| r.limit = -1), "limit"),
        (compare(|r| r.kind = 5), "kind"),
    ] {
        assert_invalid(server.client.compare_indicators(req).await.unwrap_err(), field);
    }
    assert_invalid(
        server
            .client
            .list_indicator_definitions(pb::ListIndicatorDefinitionsRequest { category: "weather".into() })
            .await
            .unwrap_err(),
        "category",
    );
    server.stop().await.unwrap();
}

/// Counts that need the rows (name filters, latest_only) come from the same pass as the first
/// page (a window over every match): they stay exact on every page, and with no match.
#[tokio::test]
async fn row_checked_counts_are_exact_on_every_page() {
    let (server, _) = loaded().await;
    let q = pb::QueryIndicatorsRequest::default;
    for req in [
        pb::QueryIndicatorsRequest { name_contains: "工业".into(), page_size: 2, ..q() },
        pb::QueryIndicatorsRequest { name_contains: "工业".into(), page_size: 1, descending: true, ..q() },
        pb::QueryIndicatorsRequest { name_contains: "工业".into(), latest_only: true, page_size: 1, ..q() },
        pb::QueryIndicatorsRequest {
            latest_only: true,
            order_by: pb::IndicatorOrderBy::Value as i32,
            page_size: 2,
            ..q()
        },
        pb::QueryIndicatorsRequest {
            name_similar_to: "规上工业产值".into(),
            order_by: pb::IndicatorOrderBy::Relevance as i32,
            page_size: 1,
            ..q()
        },
    ] {
        let first = query(&server, req.clone()).await;
        let unpaged = query(&server, pb::QueryIndicatorsRequest { page_size: 1000, ..req.clone() }).await;
        assert_eq!(first.total_size as usize, unpaged.indicators.len(), "{req:?}");
        let mut page = first;
        while !page.next_page_token.is_empty() {
            let next = pb::QueryIndicatorsRequest { page_token: page.next_page_token.clone(), ..req.clone() };
            page = query(&server, next).await;
            assert_eq!(page.total_size as usize, unpaged.indicators.len(), "later page of {req:?}");
        }
        query_all(&server, req).await;
    }
    let none = query(&server, pb::QueryIndicatorsRequest { name_contains: "没有这个指标".into(), ..q() }).await;
    assert_eq!((none.indicators.len(), none.total_size, none.next_page_token.as_str()), (0, 0, ""));
    let nobody = compare(
        &server,
        pb::CompareIndicatorsRequest {
            canonical_code: IND.into(),
            period_year: Some(1999),
            ..Default::default()
        },
    )
    .await;
    assert_eq!((nobody.entries.len(), nobody.total_issuers), (0, 0));
    server.stop().await.unwrap();
}

/// Every ordering, descending, is its ascending sequence reversed (ties on seq reverse too), and
/// storage order is the fixtures' document order: a direction ignored or flipped goes red.
#[tokio::test]
async fn descending_reverses_every_ordering_and_storage_order_is_document_order() {
    let (server, _) = loaded().await;
    let written: Vec<String> = reports().iter().flat_map(|r| r.indicators.iter().map(|i| i.name.clone())).collect();
    let names = |rows: &[pb::Indicator]| rows.iter().map(|i| i.name.clone()).collect::<Vec<_>>();
    for (order, similar) in [
        (pb::IndicatorOrderBy::Unspecified, ""),
        (pb::IndicatorOrderBy::Period, ""),
        (pb::IndicatorOrderBy::Value, ""),
        (pb::IndicatorOrderBy::Issuer, ""),
        (pb::IndicatorOrderBy::Relevance, "规上工业产值"),
    ] {
        let req = |descending| pb::QueryIndicatorsRequest {
            order_by: order as i32,
            name_similar_to: similar.into(),
            descending,
            page_size: 2,
            ..Default::default()
        };
        let up = query_all(&server, req(false)).await;
        let mut down = query_all(&server, req(true)).await;
        assert!(up.len() > 2, "{order:?}: {} rows", up.len());
        if order == pb::IndicatorOrderBy::Unspecified {
            assert_eq!(names(&up), written, "storage order is the order written");
        }
        down.reverse();
        assert_eq!(ids(&down), ids(&up), "{order:?}: descending is ascending reversed");
    }
    server.stop().await.unwrap();
}
