//! TLS and mutual TLS end to end, with a CA and certificates made here (rcgen): every RPC
//! over TLS, plaintext and certificate-less clients refused, and `healthcheck` over both.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::calls::{call, target, RPCS};
use common::TestServer;
use govreport::server::ServerConfig;
use govreport::store::PoolConfig;
use govreport::tls::ServerTlsArgs;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use tonic::transport::{Certificate, ClientTlsConfig, Endpoint, Identity};
use tonic::Code;

const BIN: &str = env!("CARGO_BIN_EXE_govreport");

/// A CA, and the PEM files of certificates it (or another CA) signed, in a temp dir.
struct Pki {
    dir: tempfile::TempDir,
}

fn new_ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, name);
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

impl Pki {
    fn new() -> Pki {
        let pki = Pki {
            dir: tempfile::tempdir().unwrap(),
        };
        let ca = new_ca("govreport test CA");
        std::fs::write(pki.path("ca.pem"), ca.pem()).unwrap();
        pki.leaf("server", "localhost", &ca);
        pki.leaf("client", "client", &ca);
        pki.leaf("stranger", "client", &new_ca("another CA"));
        pki
    }

    fn path(&self, file: &str) -> PathBuf {
        self.dir.path().join(file)
    }

    /// Writes `<name>.pem` and `<name>.key`: a certificate for `san` signed by `ca`.
    fn leaf(&self, name: &str, san: &str, ca: &CertifiedIssuer<'_, KeyPair>) {
        let key = KeyPair::generate().unwrap();
        let params = CertificateParams::new(vec![san.to_owned()]).unwrap();
        let cert = params.signed_by(&key, ca).unwrap();
        std::fs::write(self.path(&format!("{name}.pem")), cert.pem()).unwrap();
        std::fs::write(self.path(&format!("{name}.key")), key.serialize_pem()).unwrap();
    }

    fn read(&self, file: &str) -> Vec<u8> {
        std::fs::read(self.path(file)).unwrap()
    }

    /// A client trusting the CA, presenting `<identity>.pem` when given.
    fn client(&self, identity: Option<&str>) -> ClientTlsConfig {
        let config = ClientTlsConfig::new()
            .ca_certificate(Certificate::from_pem(self.read("ca.pem")))
            .domain_name("localhost");
        match identity {
            None => config,
            Some(name) => config.identity(Identity::from_pem(
                self.read(&format!("{name}.pem")),
                self.read(&format!("{name}.key")),
            )),
        }
    }

    /// The server's flags: its certificate, and the client CA when `mutual`.
    fn server_args(&self, mutual: bool) -> ServerTlsArgs {
        ServerTlsArgs {
            tls_cert: Some(self.path("server.pem")),
            tls_key: Some(self.path("server.key")),
            tls_client_ca: mutual.then(|| self.path("ca.pem")),
        }
    }
}

async fn start(pki: &Pki, mutual: bool) -> TestServer {
    let config = ServerConfig {
        tls: pki.server_args(mutual).load().unwrap(),
        ..Default::default()
    };
    let client = pki.client(mutual.then_some("client"));
    let (store, database) = common::fresh_store(PoolConfig::default()).await;
    let reach = move |addr| {
        let endpoint = Endpoint::from_shared(format!("https://{addr}")).unwrap();
        endpoint.tls_config(client).unwrap()
    };
    TestServer::start_reached_by(store, database, config, reach).await
}

/// Every RPC through the server's own (TLS) channel succeeds.
async fn assert_every_rpc_works(server: &mut TestServer) {
    let existing = common::calls::store_one(server, "existing", None).await;
    for rpc in RPCS {
        let target = target(server, rpc, "tls", &existing, None).await;
        assert_eq!(call(server, rpc, None, &target).await, Code::Ok, "{rpc:?}");
    }
}

/// Whether a health check through `endpoint` gets an answer.
async fn answers(endpoint: Endpoint) -> bool {
    let Ok(channel) = endpoint.connect().await else {
        return false;
    };
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel);
    let request = tonic_health::pb::HealthCheckRequest::default();
    health.check(request).await.is_ok()
}

fn https(server: &TestServer, tls: ClientTlsConfig) -> Endpoint {
    let endpoint = Endpoint::from_shared(format!("https://{}", server.addr)).unwrap();
    endpoint.tls_config(tls).unwrap()
}

#[tokio::test]
async fn every_rpc_works_over_tls_and_plaintext_is_refused() {
    let pki = Pki::new();
    let mut server = start(&pki, false).await;
    assert_every_rpc_works(&mut server).await;
    assert!(answers(https(&server, pki.client(None))).await);
    let plaintext = Endpoint::from_shared(format!("http://{}", server.addr)).unwrap();
    assert!(!answers(plaintext).await, "a plaintext client is refused");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn mutual_tls_refuses_clients_without_a_certificate_from_its_ca() {
    let pki = Pki::new();
    let mut server = start(&pki, true).await;
    assert_every_rpc_works(&mut server).await;
    assert!(answers(https(&server, pki.client(Some("client")))).await);
    assert!(
        !answers(https(&server, pki.client(None))).await,
        "no certificate"
    );
    let stranger = pki.client(Some("stranger"));
    assert!(
        !answers(https(&server, stranger)).await,
        "another CA's certificate"
    );
    server.stop().await.unwrap();
}

/// `govreport healthcheck` against `addr` with these flags: whether it passed, and stderr.
async fn healthcheck(addr: String, flags: Vec<String>) -> (bool, String) {
    tokio::task::spawn_blocking(move || {
        let out = Command::new(BIN)
            .args(["healthcheck", "--addr", &addr])
            .args(flags)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    })
    .await
    .unwrap()
}

fn flags(pki: &Pki, identity: bool) -> Vec<String> {
    let path = |f: &str| pki.path(f).display().to_string();
    let mut flags = vec!["--tls-ca".into(), path("ca.pem")];
    flags.extend(["--tls-domain".into(), "localhost".into()]);
    if identity {
        flags.extend(["--tls-cert".into(), path("client.pem")]);
        flags.extend(["--tls-key".into(), path("client.key")]);
    }
    flags
}

#[tokio::test(flavor = "multi_thread")]
async fn healthcheck_speaks_tls_and_mutual_tls() {
    let pki = Pki::new();
    let server = start(&pki, true).await;
    let addr = format!("https://{}", server.addr);
    let (ok, stderr) = healthcheck(addr.clone(), flags(&pki, true)).await;
    assert!(ok, "{stderr}");
    let (ok, _) = healthcheck(addr, flags(&pki, false)).await;
    assert!(!ok, "without a client certificate");
    let plain = format!("http://{}", server.addr);
    let (ok, stderr) = healthcheck(plain, flags(&pki, true)).await;
    assert!(!ok && stderr.contains("https://"), "{stderr}");
    server.stop().await.unwrap();
}

#[test]
fn a_certificate_that_is_not_pem_is_refused_at_start() {
    let pki = Pki::new();
    std::fs::write(pki.path("server.pem"), "not a certificate").unwrap();
    let err = pki.server_args(false).load().unwrap_err();
    assert!(format!("{err:#}").contains("TLS"), "{err:#}");
}
