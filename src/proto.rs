//! Generated protobuf types (prost), gRPC stubs (tonic) and proto3 JSON (pbjson).

#![allow(clippy::all, missing_docs)]

pub mod v1 {
    tonic::include_proto!("govreport.v1");
    include!(concat!(env!("OUT_DIR"), "/govreport.v1.serde.rs"));
}

/// The encoded descriptor set of proto/, served by reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("govreport_descriptor");
