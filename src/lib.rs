//! govreport: the gRPC service around the `govreport-extract` engine.
//!
//! Layers: `service` (gRPC handlers: validate, convert, call the domain, convert back) →
//! `domain` (parse, de-duplicate, store) → `store` (PostgreSQL, no proto types).
//! `convert` is the one place engine/domain types meet proto types; `error` the one
//! place domain errors become `tonic::Status`.

pub mod auth;
pub mod bench;
pub mod cli;
pub mod config;
pub mod convert;
pub mod deadline;
pub mod domain;
pub mod embedded_citus;
pub mod embedded_pg;
pub mod error;
pub mod export;
pub mod gate;
pub mod ingest;
pub mod metrics;
pub mod proto;
pub mod rate_limit;
pub mod remote;
pub mod server;
pub mod service;
pub mod store;
pub mod telemetry;
pub mod tls;
