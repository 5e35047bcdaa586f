//! Compiles proto/ without a system protoc: protox builds the descriptor set, which feeds
//! tonic's code generation, pbjson's proto3-JSON serde impls and server reflection.

use std::{env, fs, path::PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);
    let files = [
        "proto/govreport/v1/report.proto",
        "proto/govreport/v1/report_service.proto",
    ];
    let fds = protox::compile(files, ["proto"])?;
    let bytes = prost::Message::encode_to_vec(&fds);
    fs::write(out_dir.join("govreport_descriptor.bin"), &bytes)?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .compile_fds(fds)?;
    pbjson_build::Builder::new()
        .register_descriptors(&bytes)?
        .build(&[".govreport.v1"])?;
    Ok(())
}
