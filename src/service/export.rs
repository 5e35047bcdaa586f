//! ExportIndicators: the request checked, rows formatted into ~64 KiB chunks of whole lines
//! and sent down a bounded channel (2 chunks: a slow reader holds the cursor back, so
//! memory stays flat however many rows).

use tokio::sync::mpsc;
use tonic::Status;

use super::indicator_query;
use crate::error::{Error, Result};
use crate::export::{csv_line, json_line, Format, CSV_HEADER};
use crate::proto::v1 as pb;
use crate::store::export::{ExportRow, RowSink};
use crate::store::indicators::IndicatorFilter;

/// A chunk is sent once this many bytes of lines are buffered.
const CHUNK_BYTES: usize = 64 * 1024;

pub type Chunks = mpsc::Sender<Result<pb::ExportIndicatorsChunk, Status>>;

/// The filter and format of an export; paging and ordering fields of the query are refused.
pub fn export_request(req: &pb::ExportIndicatorsRequest) -> Result<(IndicatorFilter, Format)> {
    let format = match pb::ExportFormat::try_from(req.format) {
        Ok(pb::ExportFormat::Unspecified | pb::ExportFormat::Csv) => Format::Csv,
        Ok(pb::ExportFormat::Jsonl) => Format::Jsonl,
        Err(_) => return Err(Error::invalid("format", format!("unknown ExportFormat value {}", req.format))),
    };
    let query = req.query.clone().unwrap_or_default();
    let unset = |field: &'static str, set: bool| match set {
        true => Err(Error::invalid(field, "an export is every match in storage order: leave it unset")),
        false => Ok(()),
    };
    unset("page_size", query.page_size != 0)?;
    unset("page_token", !query.page_token.is_empty())?;
    unset("order_by", query.order_by != 0)?;
    unset("descending", query.descending)?;
    Ok((indicator_query(&query)?.filter, format))
}

/// Formats rows into chunks for the response stream.
pub struct ChunkSink {
    format: Format,
    buf: String,
    rows: u32,
    out: Chunks,
}

impl ChunkSink {
    pub fn new(format: Format, out: Chunks) -> ChunkSink {
        let mut buf = String::with_capacity(CHUNK_BYTES + 4096);
        if format == Format::Csv {
            buf.push_str(CSV_HEADER);
        }
        ChunkSink { format, buf, rows: 0, out }
    }

    /// Sends what is buffered; false when the caller has gone away.
    pub async fn flush(&mut self) -> bool {
        if self.buf.is_empty() {
            return true;
        }
        let data = std::mem::replace(&mut self.buf, String::with_capacity(CHUNK_BYTES + 4096));
        let chunk = pb::ExportIndicatorsChunk { data: data.into_bytes(), rows: self.rows };
        self.rows = 0;
        self.out.send(Ok(chunk)).await.is_ok()
    }
}

impl RowSink for ChunkSink {
    async fn row(&mut self, row: ExportRow) -> Result<bool> {
        match self.format {
            Format::Csv => csv_line(&mut self.buf, &row),
            Format::Jsonl => json_line(&mut self.buf, &row),
        }
        self.rows += 1;
        if self.buf.len() < CHUNK_BYTES {
            return Ok(true);
        }
        Ok(self.flush().await)
    }
}
