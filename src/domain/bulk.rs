//! ParseReports: a stream of ParseReport commands through the same decode, look-up and
//! bounded parse pool as ParseReport, with the writes batched: whatever parsed reports are
//! ready (up to `BatchLimit::reports`) go in one transaction, one savepoint each.
//!
//! Two tasks joined by a channel, so parsing goes on while batches are written: the first
//! keeps at most one parse per parse slot in flight, in order; the second takes the
//! prepared reports that are ready, writes up to `BatchLimit::writers` batches at once, and
//! sends one outcome per command, in order.

use futures_util::{Stream, StreamExt};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::{ParseCommand, Prepared, ReportRecord, Reports};
use crate::deadline;
use crate::error::{Error, Result};
use super::queries::{InsertOutcome, ReportView};

/// One command's answer: the stored (or dry-run) report and whether this call stored it.
pub type ParseOutcome = Result<(ReportRecord, bool)>;

/// How ParseReports batches its writes.
#[derive(Debug, Clone, Copy)]
pub struct BatchLimit {
    /// Most reports written in one transaction; 1 writes each in its own, as ParseReport does.
    pub reports: usize,
    /// Batches of one stream written at once (a connection each).
    pub writers: usize,
}

impl Default for BatchLimit {
    fn default() -> Self {
        BatchLimit {
            reports: 32,
            writers: 2,
        }
    }
}

impl Reports {
    /// Runs each command of `commands` (a validation error passes through as its outcome)
    /// and answers `(tag, outcome)` per command, in the order received. Dropping the receiver
    /// stops the work after the batch being written.
    pub fn parse_stream<T, S>(&self, commands: S) -> mpsc::Receiver<(T, ParseOutcome)>
    where
        T: Send + 'static,
        S: Stream<Item = (T, Result<ParseCommand>)> + Send + 'static,
    {
        let batch = self.batch.reports.max(1);
        let (prepared_tx, prepared_rx) = mpsc::channel(2 * batch);
        let (out_tx, out_rx) = mpsc::channel(2 * batch);
        let this = self.clone();
        let in_flight = self.parse.concurrent.max(1);
        tokio::spawn(deadline::inherit(async move {
            let mut prepared = Box::pin(
                commands
                    .map(move |(tag, cmd)| {
                        let this = this.clone();
                        async move { (tag, this.prepare_patiently(cmd).await) }
                    })
                    .buffered(in_flight),
            );
            while let Some(item) = prepared.next().await {
                if prepared_tx.send(item).await.is_err() {
                    return;
                }
            }
        }));
        let (this, writers) = (self.clone(), self.batch.writers.max(1));
        tokio::spawn(deadline::inherit(async move {
            // In order, `writers` batches at once.
            let mut written = Box::pin(
                ReceiverStream::new(prepared_rx)
                    .ready_chunks(batch)
                    .map(move |chunk| {
                        let this = this.clone();
                        async move { this.write_chunk(chunk).await }
                    })
                    .buffered(writers),
            );
            while let Some(answers) = written.next().await {
                for answer in answers {
                    if out_tx.send(answer).await.is_err() {
                        return;
                    }
                }
            }
        }));
        out_rx
    }

    async fn prepare_patiently(&self, cmd: Result<ParseCommand>) -> Result<Prepared> {
        self.prepare(cmd?, true).await
    }

    /// Writes the reports of `chunk` to store (one transaction for all when more than one)
    /// and answers every item of it, in order.
    async fn write_chunk<T>(&self, chunk: Vec<(T, Result<Prepared>)>) -> Vec<(T, ParseOutcome)> {
        let records: Vec<&ReportRecord> = chunk
            .iter()
            .filter_map(|(_, p)| match p {
                Ok(Prepared::Store(record, _)) => Some(record),
                _ => None,
            })
            .collect();
        let written = match records.as_slice() {
            [] => Vec::new(),
            [one] => vec![self.store.insert_report(one).await],
            many => self.store.insert_reports(many).await,
        };
        let mut written = written.into_iter();
        let mut answers = Vec::with_capacity(chunk.len());
        for (tag, prepared) in chunk {
            let outcome = match prepared {
                Err(e) => Err(e),
                Ok(Prepared::Done(done)) => Ok(done),
                Ok(Prepared::Store(record, view)) => {
                    let outcome = written.next().expect("one outcome per record");
                    self.answer(record, view, outcome).await
                }
            };
            answers.push((tag, outcome));
        }
        answers
    }

    /// A written report's answer. One that failed inside a batch for a reason of the
    /// database (a deadlock with another writer, say) is tried once more on its own.
    async fn answer(
        &self,
        record: ReportRecord,
        view: ReportView,
        outcome: Result<InsertOutcome>,
    ) -> ParseOutcome {
        match outcome {
            Ok(outcome) => self.stored(outcome, record, view).await,
            Err(Error::Internal(e)) => {
                tracing::warn!(error = %e, source_uri = %record.source_uri, "batched write failed; writing the report alone");
                let outcome = self.store.insert_report(&record).await?;
                self.stored(outcome, record, view).await
            }
            Err(e) => Err(e),
        }
    }
}
