//! TLS with tonic's rustls (ring, the one crypto provider): the server's certificate and,
//! for mutual TLS, the CA its clients' certificates must come from; and the client side
//! that `healthcheck` and `loadgen` share.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::Args;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity, ServerTlsConfig};

/// The server's TLS (see README, TLS). Without `--tls-cert` the server speaks plaintext.
#[derive(Debug, Default, Args)]
pub struct ServerTlsArgs {
    /// PEM certificate chain to serve TLS with.
    #[arg(long, env = "GOVREPORT_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, env = "GOVREPORT_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// PEM CA certificates: clients must present a certificate one of them signed (mutual TLS).
    #[arg(long, env = "GOVREPORT_TLS_CLIENT_CA", requires = "tls_cert")]
    pub tls_client_ca: Option<PathBuf>,
}

/// How a client reaches an `https://` server.
#[derive(Debug, Default, Clone, Args)]
pub struct ClientTlsArgs {
    /// PEM CA to trust for the server's certificate, besides the system's roots.
    #[arg(long, env = "GOVREPORT_CLIENT_TLS_CA")]
    pub tls_ca: Option<PathBuf>,
    /// PEM client certificate, for a server that requires mutual TLS.
    #[arg(long, env = "GOVREPORT_CLIENT_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, env = "GOVREPORT_CLIENT_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Name to verify the server's certificate against [default: the address's host].
    #[arg(long, env = "GOVREPORT_CLIENT_TLS_DOMAIN")]
    pub tls_domain: Option<String>,
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading the {what} {}", path.display()))
}

fn identity(cert: &Path, key: &Path) -> Result<Identity> {
    Ok(Identity::from_pem(
        read(cert, "TLS certificate")?,
        read(key, "TLS key")?,
    ))
}

impl ServerTlsArgs {
    /// The server's TLS configuration, checked now (a bad PEM fails at start, not at the
    /// first connection); `None` for plaintext.
    pub fn load(&self) -> Result<Option<ServerTlsConfig>> {
        let (Some(cert), Some(key)) = (&self.tls_cert, &self.tls_key) else {
            return Ok(None);
        };
        let mut config = ServerTlsConfig::new().identity(identity(cert, key)?);
        if let Some(ca) = &self.tls_client_ca {
            config = config.client_ca_root(Certificate::from_pem(read(ca, "client CA")?));
        }
        tonic::transport::Server::builder()
            .tls_config(config.clone())
            .context("TLS certificate, key or client CA")?;
        Ok(Some(config))
    }
}

impl ClientTlsArgs {
    fn any(&self) -> bool {
        self.tls_ca.is_some() || self.tls_cert.is_some() || self.tls_domain.is_some()
    }

    /// A channel to `addr` (`http://` or `https://`), connected within `timeout`, each call
    /// answered within it too.
    pub async fn connect(&self, addr: &str, timeout: Duration) -> Result<Channel> {
        self.connect_for(addr, timeout, Some(timeout)).await
    }

    /// A channel to `addr`, connected within `timeout`, each call answered within `calls`
    /// (`None`: no limit, for streams that run as long as there is data).
    pub async fn connect_for(
        &self,
        addr: &str,
        timeout: Duration,
        calls: Option<Duration>,
    ) -> Result<Channel> {
        let mut endpoint = Endpoint::from_shared(addr.to_owned())?.connect_timeout(timeout);
        if let Some(calls) = calls {
            endpoint = endpoint.timeout(calls);
        }
        if addr.starts_with("https://") {
            endpoint = endpoint.tls_config(self.config()?)?;
        } else if self.any() {
            bail!("TLS options given for {addr}: use an https:// address");
        }
        endpoint
            .connect()
            .await
            .with_context(|| format!("connecting to {addr}"))
    }

    fn config(&self) -> Result<ClientTlsConfig> {
        let mut config = ClientTlsConfig::new().with_native_roots();
        if let Some(ca) = &self.tls_ca {
            config = config.ca_certificate(Certificate::from_pem(read(ca, "TLS CA")?));
        }
        if let (Some(cert), Some(key)) = (&self.tls_cert, &self.tls_key) {
            config = config.identity(identity(cert, key)?);
        }
        if let Some(domain) = &self.tls_domain {
            config = config.domain_name(domain.clone());
        }
        Ok(config)
    }
}
