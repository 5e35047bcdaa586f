//! The `govreport` binary: `parse` and `quantities` (what the scoring tools run), and
//! `serve` with its embedded PostgreSQL keeping reports across a restart.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::seed;
use common::serve::{free_port, Serve, BIN};
use govreport::domain::hex_sha256;
use govreport::proto::v1 as pb;

fn seed_path(prefix: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/seeds");
    std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .unwrap()
        .path()
}

/// Runs the binary with `args`, feeding `input` on stdin; stdout and stderr are captured.
fn run_with_stdin(args: &[&str], input: &[u8]) -> std::process::Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn keys_are_lower_camel_case(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Object(m) => {
            m.keys().all(|k| {
                !k.contains('_') && k.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            }) && m.values().all(keys_are_lower_camel_case)
        }
        serde_json::Value::Array(a) => a.iter().all(keys_are_lower_camel_case),
        _ => true,
    }
}

#[test]
fn parse_prints_the_response_as_proto3_json() {
    let path = seed_path("000");
    let out = Command::new(BIN).arg("parse").arg(&path).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        keys_are_lower_camel_case(&json),
        "proto3 JSON uses lowerCamelCase keys"
    );
    let report = &json["report"];
    assert_eq!(report["sha256"], hex_sha256(&seed("000")));
    assert_eq!(report["parserVersion"], govreport_extract::PARSER_VERSION);
    assert!(
        json.get("created").is_none(),
        "created is false for a parse without storing"
    );
    // The JSON reads back into the message (the same mapping grpcurl prints).
    let response: pb::ParseReportResponse = serde_json::from_value(json.clone()).unwrap();
    let indicators = response.report.unwrap().indicators;
    let text_len = seed("000").chars().count() as u32;
    for (i, ind) in indicators.iter().enumerate() {
        let span = ind.span.unwrap();
        assert!(span.start < span.end && span.end <= text_len);
        if ind.approx == pb::Approx::Exact as i32 {
            assert_eq!(json["report"]["indicators"][i]["approx"], "APPROX_EXACT");
        }
    }

    let from_stdin = run_with_stdin(&["parse", "-"], &std::fs::read(&path).unwrap());
    assert!(from_stdin.status.success());
    assert_eq!(
        from_stdin.stdout, out.stdout,
        "stdin and file give the same output"
    );
}

#[test]
fn parse_rejects_what_is_not_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "  \n").unwrap();
    let out = Command::new(BIN).arg("parse").arg(&empty).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty"));
    let missing = Command::new(BIN)
        .args(["parse", "/nonexistent/report.txt"])
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/report.txt"));
}

#[test]
fn quantities_answers_one_json_line_per_input_line() {
    let inputs = [
        "全年实现地区生产总值48.78亿元，同比增长6.15%",
        "一切正常",
        "新增就业岗位1200余个",
    ];
    let stdin: String = inputs
        .iter()
        .map(|t| serde_json::json!({ "text": t }).to_string() + "\n")
        .collect();
    let out = run_with_stdin(&["quantities"], stdin.as_bytes());
    assert!(out.status.success());
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), inputs.len());
    for (line, input) in lines.iter().zip(inputs) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let chars = input.chars().count() as u64;
        for q in v["quantities"].as_array().expect("a quantities array") {
            let (start, end) = (q["start"].as_u64().unwrap(), q["end"].as_u64().unwrap());
            assert!(start < end && end <= chars, "{q} within {input}");
            for key in ["text", "value", "unit", "approx"] {
                assert!(q.get(key).is_some(), "{key} in {q}");
            }
        }
    }

    let bad = run_with_stdin(&["quantities"], b"not json\n");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("line 1"));
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_keeps_reports_across_a_restart_and_stops_its_postgres() {
    let dir = tempfile::Builder::new()
        .prefix("govreport-test-serve-")
        .tempdir()
        .unwrap();
    let port = free_port();
    let server = Serve::started(dir.path(), port).await;
    let url = format!("http://127.0.0.1:{port}");
    let mut client = pb::report_service_client::ReportServiceClient::connect(url.clone())
        .await
        .unwrap();
    let req = pb::ParseReportRequest {
        source: Some(pb::parse_report_request::Source::Text(seed("001"))),
        ..Default::default()
    };
    let stored = client.parse_report(req).await.unwrap().into_inner();
    assert!(stored.created);
    let stored = stored.report.unwrap();
    let second = pb::ParseReportRequest {
        source: Some(pb::parse_report_request::Source::Text(seed("000"))),
        ..Default::default()
    };
    client.parse_report(second).await.unwrap();
    let first_page = pb::ListReportsRequest {
        page_size: 1,
        ..Default::default()
    };
    let first_page = client.list_reports(first_page).await.unwrap().into_inner();
    drop(client);
    let status = tokio::task::spawn_blocking(move || server.terminate())
        .await
        .unwrap();
    assert!(status.success(), "serve exits cleanly on SIGTERM: {status}");
    assert!(
        !dir.path().join("pgdata/postmaster.pid").exists(),
        "the embedded PostgreSQL was stopped"
    );

    let server = Serve::started(dir.path(), port).await;
    let mut client = pb::report_service_client::ReportServiceClient::connect(url)
        .await
        .unwrap();
    let again = client
        .get_report(pb::GetReportRequest {
            id: stored.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(again, stored, "the report survived the restart");
    let next_page = pb::ListReportsRequest {
        page_size: 1,
        page_token: first_page.next_page_token,
        ..Default::default()
    };
    let next_page = client.list_reports(next_page).await.unwrap().into_inner();
    assert_eq!(next_page.reports[0].id, stored.id, "a page token outlives a restart");
    let key_file = std::fs::metadata(dir.path().join("page-token.key")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(key_file.permissions().mode() & 0o777, 0o600);
    drop(client);
    let status = tokio::task::spawn_blocking(move || server.terminate())
        .await
        .unwrap();
    assert!(status.success());
    assert!(!dir.path().join("pgdata/postmaster.pid").exists());
}

/// `serve` with these arguments and no authentication from the environment.
fn serve_output(args: &[&str], data_dir: &std::path::Path) -> std::process::Output {
    Command::new(BIN)
        .arg("serve")
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("GOVREPORT_AUTH_FILE")
        .env_remove("GOVREPORT_JWT_PUBLIC_KEY")
        .env_remove("GOVREPORT_ALLOW_UNAUTHENTICATED")
        .env_remove("GOVREPORT_METRICS_LISTEN")
        .env_remove("GOVREPORT_ALLOW_PUBLIC_METRICS")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn serve_refuses_public_metrics_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let out = serve_output(&["--listen", "127.0.0.1:0", "--metrics-listen", "0.0.0.0:0"], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("refusing to serve metrics on 0.0.0.0:0"), "{stderr}");
    assert!(stderr.contains("--allow-public-metrics"), "{stderr}");
    assert!(!dir.path().join("pgdata").exists(), "refused before starting PostgreSQL");

    // Allowed, it serves there (reached here through loopback).
    let (port, metrics_port) = (free_port(), free_port());
    let listen = format!("0.0.0.0:{metrics_port}");
    let envs = [("GOVREPORT_METRICS_LISTEN", listen.as_str()), ("GOVREPORT_ALLOW_PUBLIC_METRICS", "true")];
    let serve = Serve::start_with(dir.path(), port, &envs);
    let (status, body) = common::scrape::get(([127, 0, 0, 1], metrics_port).into(), "/metrics");
    assert_eq!(status, 200, "{body}");
    assert_eq!(serve.terminate().code(), Some(0));
}

#[test]
fn serve_refuses_a_public_address_without_authentication() {
    let dir = tempfile::tempdir().unwrap();
    let out = serve_output(&["--listen", "0.0.0.0:0"], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("--allow-unauthenticated"), "{stderr}");
    assert!(
        !dir.path().join("pgdata").exists(),
        "refused before starting PostgreSQL"
    );

    let missing = dir.path().join("no-such-tokens.toml");
    let out = serve_output(
        &["--listen", "0.0.0.0:0", "--auth-file", missing.to_str().unwrap()],
        dir.path(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("tokens file"), "{stderr}");
}
