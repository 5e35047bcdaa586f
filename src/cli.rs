//! The commands that need no server: `parse` and `quantities`, plus `healthcheck`.

use std::io::{BufRead, Read, Write};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use crate::config::{HealthcheckArgs, ParseArgs};
use crate::domain::{self, Source};
use crate::{convert, proto::v1 as pb};

/// `govreport parse FILE`: the ParseReportResponse a dry run would return, as proto3 JSON.
pub fn parse(args: &ParseArgs) -> Result<()> {
    let mut content = Vec::new();
    if args.file.as_os_str() == "-" {
        std::io::stdin()
            .read_to_end(&mut content)
            .context("reading stdin")?;
    } else {
        content = std::fs::read(&args.file)
            .with_context(|| format!("reading {}", args.file.display()))?;
    }
    let text = domain::decode(Source::Bytes {
        content,
        content_type: args.content_type.clone(),
    })?;
    let hints = govreport_extract::Hints {
        issuer: args.issuer.clone(),
        report_year: args.report_year,
    };
    let record = domain::read_report(&text, &args.source_uri, &hints);
    let response = pb::ParseReportResponse {
        report: Some(convert::report(&record)),
        created: false,
    };
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &response)?;
    writeln!(out)?;
    Ok(())
}

#[derive(Deserialize)]
struct QuantitiesInput {
    text: String,
}

/// `govreport quantities`: JSON lines in, one JSON line of quantities out per input line.
pub fn quantities() -> Result<()> {
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (n, line) in stdin.lines().enumerate() {
        let line = line.context("reading stdin")?;
        if line.trim().is_empty() {
            continue;
        }
        let input: QuantitiesInput = serde_json::from_str(&line)
            .with_context(|| format!("line {}: expected {{\"text\": \"...\"}}", n + 1))?;
        let found: Vec<serde_json::Value> = govreport_extract::quantities(&input.text)
            .into_iter()
            .map(|q| {
                let mut v = serde_json::json!({
                    "start": q.span.start,
                    "end": q.span.end,
                    "text": q.text,
                    "value": q.value,
                    "unit": q.unit,
                    "approx": q.approx,
                });
                if let Some(max) = q.max {
                    v["max_value"] = serde_json::json!(max);
                }
                v
            })
            .collect();
        serde_json::to_writer(&mut out, &serde_json::json!({ "quantities": found }))?;
        writeln!(out)?;
    }
    out.flush()?;
    Ok(())
}

/// `govreport healthcheck`: exit 0 when the server reports SERVING.
pub async fn healthcheck(args: &HealthcheckArgs) -> Result<()> {
    use tonic_health::pb::{
        health_check_response::ServingStatus, health_client::HealthClient, HealthCheckRequest,
    };
    let channel = args
        .tls
        .connect(&args.addr, std::time::Duration::from_secs(3))
        .await?;
    let mut client = HealthClient::new(channel);
    let status = client
        .check(HealthCheckRequest {
            service: String::new(),
        })
        .await?
        .into_inner()
        .status();
    if status != ServingStatus::Serving {
        bail!("server is {}", status.as_str_name());
    }
    println!("SERVING");
    Ok(())
}
