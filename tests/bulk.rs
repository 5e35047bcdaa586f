//! Bulk in: ParseReports (a real server and PostgreSQL, a tonic client) and `govreport
//! ingest` (the binary against that server).

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::serve::BIN;
use common::{seed, TestServer};
use govreport::domain::hex_sha256;
use govreport::proto::v1 as pb;
use pb::parse_report_request::Source;
use tonic::Code;

fn text(text: &str, source_uri: &str) -> pb::ParseReportRequest {
    pb::ParseReportRequest {
        source: Some(Source::Text(text.to_owned())),
        source_uri: source_uri.to_owned(),
        ..Default::default()
    }
}

fn bytes(content: &[u8], source_uri: &str) -> pb::ParseReportRequest {
    pb::ParseReportRequest {
        source: Some(Source::Content(content.to_vec())),
        source_uri: source_uri.to_owned(),
        ..Default::default()
    }
}

/// A small report of its own text: 2 indicators.
fn small(n: usize) -> String {
    format!("云江街道2023年工作总结\n一、工作回顾\n全年实现地区生产总值{n}.5亿元，同比增长6.1%；新增市场主体{n}0家。")
}

async fn send(
    server: &mut TestServer,
    requests: Vec<pb::ParseReportRequest>,
) -> Vec<pb::ParseReportResult> {
    let mut results = server
        .client
        .parse_reports(tokio_stream::iter(requests))
        .await
        .unwrap()
        .into_inner();
    let mut all = Vec::new();
    while let Some(result) = results.message().await.unwrap() {
        all.push(result);
    }
    all
}

fn code(result: &pb::ParseReportResult) -> Code {
    Code::from(result.status.clone().unwrap_or_default().code)
}

fn report(result: &pb::ParseReportResult) -> (&pb::Report, bool) {
    let response = result
        .response
        .as_ref()
        .unwrap_or_else(|| panic!("no response: {result:?}"));
    (response.report.as_ref().unwrap(), response.created)
}

async fn stored_uris(server: &TestServer) -> Vec<String> {
    sqlx::query_scalar("SELECT source_uri FROM reports ORDER BY source_uri")
        .fetch_all(server.store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn each_request_gets_its_own_status_in_order_and_only_the_good_ones_are_stored() {
    let mut server = TestServer::start().await;
    let (a, b, c) = (seed("000"), seed("001"), seed("003"));
    let requests = vec![
        text(&a, "a"),
        text("  \n ", "empty"),
        text(&b, "b"),
        text(&b, "nul\u{0}uri"),
        text(&a, "a"),
        bytes(b"\x00\x01\x02\x03binary", "binary"),
        text(&c, "c"),
    ];
    let results = send(&mut server, requests).await;
    let codes: Vec<Code> = results.iter().map(code).collect();
    use Code::{InvalidArgument as Bad, Ok};
    assert_eq!(codes, [Ok, Bad, Ok, Bad, Ok, Bad, Ok], "{results:#?}");
    let indexes: Vec<u32> = results.iter().map(|r| r.index).collect();
    assert_eq!(indexes, [0, 1, 2, 3, 4, 5, 6]);
    let fields: Vec<String> = results
        .iter()
        .map(|r| r.status.clone().unwrap().field)
        .collect();
    assert_eq!(fields, ["", "text", "", "source_uri", "", "content", ""]);
    assert_eq!(results[2].source_uri, "b");
    assert!(results[1]
        .status
        .clone()
        .unwrap()
        .message
        .starts_with("text: "));

    let created: Vec<bool> = [0, 2, 4, 6]
        .iter()
        .map(|&i| report(&results[i]).1)
        .collect();
    assert_eq!(
        created,
        [true, true, false, true],
        "the repeat of a is already stored"
    );
    let (first_a, again_a) = (report(&results[0]).0, report(&results[4]).0);
    assert_eq!(first_a.id, again_a.id);
    assert_eq!(first_a.sha256, hex_sha256(&a));
    assert!(!first_a.indicators.is_empty());
    assert_eq!(stored_uris(&server).await, ["a", "b", "c"]);

    // Each result is the report as stored, as GetReport reads it.
    for i in [0, 2, 6] {
        let (streamed, _) = report(&results[i]);
        let got = server
            .client
            .get_report(pb::GetReportRequest {
                id: streamed.id.clone(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(&got, streamed, "result {i}");
    }
    server.stop().await.unwrap();
}

/// Holds a lock that makes every insert into `reports` wait, released after `hold`.
async fn block_writes(server: &TestServer, hold: Duration) -> tokio::task::JoinHandle<()> {
    let unblock = hold_writes(&server.database).await;
    tokio::spawn(async move {
        tokio::time::sleep(hold).await;
        unblock.await;
    })
}

#[tokio::test]
async fn a_bad_report_inside_a_batch_fails_alone_and_the_stream_goes_on() {
    let mut server = TestServer::start().await;
    // A report the database refuses, after validation: its write fails inside the batch.
    sqlx::raw_sql("ALTER TABLE reports ADD CONSTRAINT test_poison CHECK (source_uri <> 'poison')")
        .execute(server.store.pool())
        .await
        .unwrap();
    let mut requests: Vec<pb::ParseReportRequest> = (0..21)
        .map(|n| text(&small(n), &format!("r{n:02}")))
        .collect();
    requests[10] = text("", "blank");
    requests[15].source_uri = "poison".into();
    // Writes wait a while, so the later reports likely meet in one batch (under load they
    // may not: then the refused one fails alone in its own write, and the checks still hold).
    let unblocked = block_writes(&server, Duration::from_millis(1500)).await;
    let results = send(&mut server, requests).await;
    unblocked.await.unwrap();

    assert_eq!(results.len(), 21);
    for (i, result) in results.iter().enumerate() {
        assert_eq!(result.index as usize, i);
        let want = match i {
            10 => Code::InvalidArgument,
            15 => Code::Internal,
            _ => Code::Ok,
        };
        assert_eq!(code(result), want, "result {i}: {result:?}");
        if want == Code::Ok {
            assert!(report(result).1, "result {i} was stored by this call");
        }
    }
    let expected: Vec<String> = (0..21)
        .filter(|n| ![10, 15].contains(n))
        .map(|n| format!("r{n:02}"))
        .collect();
    assert_eq!(stored_uris(&server).await, expected);
    // Nothing of the refused report is left, and its neighbours have all their rows.
    let indicators: i64 = sqlx::query_scalar("SELECT count(*) FROM indicators")
        .fetch_one(server.store.pool())
        .await
        .unwrap();
    let counted: i64 = sqlx::query_scalar("SELECT sum(indicator_count) FROM reports")
        .fetch_one(server.store.pool())
        .await
        .unwrap();
    assert_eq!(indicators, counted);
    assert!(counted >= 2 * 19, "{counted} indicators");
    // How many transactions those writes took depends on how fast the parses went in the
    // hold; held_writes_meet_in_one_batch_… checks the batching without a clock.
    server.stop().await.unwrap();
}

/// `govreport ingest ARGS…` against `server`, off the runtime's threads; (exit ok, stdout).
async fn ingest(server: &TestServer, args: &[&str]) -> (bool, String) {
    let mut command = Command::new(BIN);
    command
        .arg("ingest")
        .args(["--addr", &format!("http://{}", server.addr)])
        .args(args);
    let out = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("ingest {args:?}:\n{stdout}{stderr}");
    (out.status.success(), stdout)
}

fn write(dir: &Path, name: &str, content: &[u8]) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ingest_sends_a_folder_and_is_safe_to_run_again() {
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let (utf8, gbk) = (seed("000"), seed("001"));
    write(dir.path(), "a.txt", utf8.as_bytes());
    let (gbk_bytes, _, lossy) = encoding_rs::GBK.encode(&gbk);
    assert!(!lossy, "the seed is GBK text");
    assert!(std::str::from_utf8(&gbk_bytes).is_err(), "not UTF-8");
    write(dir.path(), "sub/b.TXT", &gbk_bytes);
    write(
        dir.path(),
        "sub/c.html",
        small(7).replace('\n', "<br>").as_bytes(),
    );
    write(dir.path(), "bad.txt", b" \n\t ");
    write(dir.path(), "notes.pdf", b"%PDF-1.4 not a report");
    let root = dir.path().to_str().unwrap();
    let args = [root, "--source-prefix", "https://gov.example/"];

    let (ok, out) = ingest(&server, &args).await;
    assert!(!ok, "a failed file makes the exit code non-zero");
    assert!(
        out.contains("4 files: 3 created, 0 already stored, 1 failed"),
        "{out}"
    );
    let bad = dir.path().join("bad.txt");
    assert!(
        out.contains(&format!(
            "failed {}: InvalidArgument: content: ",
            bad.display()
        )),
        "{out}"
    );
    assert_eq!(
        stored_uris(&server).await,
        [
            "https://gov.example/a.txt",
            "https://gov.example/sub/b.TXT",
            "https://gov.example/sub/c.html"
        ]
    );
    let gbk_sha: String =
        sqlx::query_scalar("SELECT sha256 FROM reports WHERE source_uri LIKE '%b.TXT'")
            .fetch_one(server.store.pool())
            .await
            .unwrap();
    assert_eq!(
        gbk_sha,
        hex_sha256(&gbk),
        "the GBK file read as the same text"
    );

    let (ok, out) = ingest(&server, &args).await;
    assert!(!ok);
    assert!(
        out.contains("4 files: 0 created, 3 already stored, 1 failed"),
        "{out}"
    );
    std::fs::remove_file(&bad).unwrap();
    let (ok, out) = ingest(&server, &args).await;
    assert!(ok, "{out}");
    assert!(
        out.contains("3 files: 0 created, 3 already stored, 0 failed"),
        "{out}"
    );
    assert_eq!(stored_uris(&server).await.len(), 3);
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ingest_names_files_by_absolute_path_by_default_and_fails_on_a_missing_path() {
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "one.htm", small(3).as_bytes());
    let file = dir.path().join("one.htm");
    let (ok, out) = ingest(&server, &[file.to_str().unwrap()]).await;
    assert!(ok, "{out}");
    let absolute = std::fs::canonicalize(&file).unwrap();
    assert_eq!(stored_uris(&server).await, [absolute.display().to_string()]);

    let missing = dir.path().join("missing");
    let (ok, _) = ingest(&server, &[missing.to_str().unwrap()]).await;
    assert!(!ok, "a path that does not exist is an error");
    server.stop().await.unwrap();
}

/// ParseReports' pipeline (`Reports::parse_stream`) on a real store, its writes held until
/// every command has been parsed and handed to the writer: no wall-time guess. With one
/// parse in flight the pipeline asks for the next command only once the one before is
/// parsed and sent on, so its asking for the end of the stream proves all of them are.
/// The two writer slots hold the batches taken before; the rest meet in one batch.
#[tokio::test]
async fn held_writes_meet_in_one_batch_and_a_bad_report_in_it_fails_alone() {
    use futures_util::StreamExt;
    use govreport::domain::{BatchLimit, ParseCommand, ParseLimit, Reports, Source as Input};
    use govreport::error::Error;
    use govreport::store::reports::ReportView;
    use govreport::store::page_token::TokenKey;
    // No statement timeout: the held writes wait as long as the parses take.
    let pool = govreport::store::PoolConfig { statement_timeout: None, ..Default::default() };
    let (store, database) = common::fresh_store(pool).await;
    sqlx::raw_sql("ALTER TABLE reports ADD CONSTRAINT test_poison CHECK (source_uri <> 'poison')")
        .execute(store.pool())
        .await
        .unwrap();
    let one_parse = ParseLimit { concurrent: 1, wait: Duration::from_secs(60) };
    let reports = Reports::with_limits(store.clone(), TokenKey::random(), one_parse)
        .with_batch(BatchLimit { reports: 32, writers: 2 });
    let command = |n: usize| -> Result<ParseCommand, Error> {
        if n == 10 {
            return Err(Error::invalid("source", "blank"));
        }
        let uri = if n == 15 { "poison".to_owned() } else { format!("r{n:02}") };
        Ok(ParseCommand {
            source: Input::Text(small(n)),
            content_type: String::new(),
            source_uri: uri,
            hints: Default::default(),
            dry_run: false,
            view: ReportView::Standard,
            answer_check: None,
        })
    };
    let (all_asked, asked) = tokio::sync::oneshot::channel::<()>();
    let mut all_asked = Some(all_asked);
    let end = futures_util::stream::poll_fn(move |_| {
        all_asked.take().map(|tx| tx.send(()));
        std::task::Poll::Ready(None)
    });
    let commands = futures_util::stream::iter((0..21).map(move |n| (n, command(n)))).chain(end);
    let unblock = hold_writes(&database).await;
    let mut outcomes = reports.parse_stream(commands);
    // A pipeline that does not keep a batch's worth of parsed reports while the writes wait
    // stalls here: after the timeout the writes go on and the count below says how it wrote.
    let all_parsed = tokio::time::timeout(Duration::from_secs(30), asked).await;
    unblock.await;
    let mut results = Vec::new();
    while let Some(item) = outcomes.recv().await {
        results.push(item);
    }
    assert_eq!(results.len(), 21);
    for (i, (n, outcome)) in results.iter().enumerate() {
        assert_eq!(*n, i);
        match (i, outcome) {
            (10, Err(Error::InvalidArgument { .. })) | (15, Err(Error::Internal(_))) => {}
            (10 | 15, other) => panic!("result {i}: {other:?}"),
            (_, Ok((_, created))) => assert!(created, "result {i} stored by this call"),
            (_, Err(e)) => panic!("result {i}: {e:?}"),
        }
    }
    let stored: Vec<String> = sqlx::query_scalar("SELECT source_uri FROM reports ORDER BY source_uri")
        .fetch_all(store.pool())
        .await
        .unwrap();
    let expected: Vec<String> = (0..21)
        .filter(|n| ![10, 15].contains(n))
        .map(|n| format!("r{n:02}"))
        .collect();
    assert_eq!(stored, expected);
    // Batched: reports written in one transaction share its start time.
    let transactions: i64 = sqlx::query_scalar("SELECT count(DISTINCT created_at) FROM reports")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert!(
        transactions <= 3,
        "{transactions} transactions for 19 reports (all parsed before the writes: {})",
        all_parsed.is_ok()
    );
    store.close().await;
}

/// Locks `reports` against writes (reads go on) until the returned future is awaited.
async fn hold_writes(database: &str) -> impl std::future::Future<Output = ()> + Send {
    let mut conn = common::holding_lock(database, "LOCK TABLE reports IN EXCLUSIVE MODE").await;
    async move {
        sqlx::raw_sql("COMMIT").execute(&mut conn).await.unwrap();
    }
}
