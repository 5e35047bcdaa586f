//! Who may call what: bearer tokens from a tokens file (kept as SHA-256 only) and JWTs from
//! an identity provider, each carrying scopes; the table of the scope each RPC needs; and
//! the check that applies both to every call before it reaches a service (`gate`).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::{bail, Context as _};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::config::AuthArgs;
use crate::error::Error;
use crate::gate::{Check, GateLayer};

/// What a token may do. Scopes are independent: an admin token that should also read lists both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Read,
    Ingest,
    Admin,
}

impl Scope {
    fn parse(s: &str) -> Option<Scope> {
        match s {
            "read" => Some(Scope::Read),
            "ingest" => Some(Scope::Ingest),
            "admin" => Some(Scope::Admin),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Ingest => "ingest",
            Scope::Admin => "admin",
        }
    }
}

const REPORT_SERVICE: &str = "/govreport.v1.ReportService/";

/// The scope each ReportService method needs.
const METHOD_SCOPES: &[(&str, Scope)] = &[
    ("QueryIndicators", Scope::Read),
    ("GetReport", Scope::Read),
    ("ListReports", Scope::Read),
    ("GetIndicatorSeries", Scope::Read),
    ("CompareIndicators", Scope::Read),
    ("ListIndicatorDefinitions", Scope::Read),
    ("ParseReport", Scope::Ingest),
    ("ParseReports", Scope::Ingest),
    ("DeleteReport", Scope::Admin),
    ("RelinkIndicators", Scope::Admin),
    ("ReparseReports", Scope::Admin),
    ("ExportIndicators", Scope::Read),
];

/// The scope a call to `path` needs; `None` for health and reflection, which stay open
/// (probes send no metadata). A ReportService method missing from the table needs admin,
/// so a new RPC is closed until someone decides otherwise.
pub fn required_scope(path: &str) -> Option<Scope> {
    let method = path.strip_prefix(REPORT_SERVICE)?;
    Some(
        METHOD_SCOPES
            .iter()
            .find(|(m, _)| *m == method)
            .map_or(Scope::Admin, |(_, s)| *s),
    )
}

/// Whether `path` is a ReportService method of the table (metrics label only those).
pub fn is_listed(path: &str) -> bool {
    path.strip_prefix(REPORT_SERVICE)
        .is_some_and(|method| METHOD_SCOPES.iter().any(|(m, _)| *m == method))
}

/// The caller of a request, in its extensions for the handlers (audit logs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub name: String,
    scopes: Vec<Scope>,
}

impl Principal {
    /// The caller when no authentication is configured.
    pub fn anonymous() -> Principal {
        Principal {
            name: "anonymous".into(),
            scopes: vec![Scope::Read, Scope::Ingest, Scope::Admin],
        }
    }

    fn allow(&self, scope: Scope) -> Result<(), Error> {
        if self.scopes.contains(&scope) {
            return Ok(());
        }
        Err(Error::PermissionDenied(format!(
            "token {:?} lacks the {} scope",
            self.name,
            scope.as_str()
        )))
    }
}

/// The name of the caller of a request that went through [`layer`].
pub fn caller<T>(request: &tonic::Request<T>) -> String {
    request
        .extensions()
        .get::<Principal>()
        .map_or_else(|| "anonymous".into(), |p| p.name.clone())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokensFile {
    #[serde(default)]
    token: Vec<TokenEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenEntry {
    name: String,
    sha256: String,
    scopes: Vec<Scope>,
}

/// Clock skew allowed on `exp` and `nbf`.
const JWT_LEEWAY_SECS: u64 = 30;

#[derive(Deserialize)]
struct Claims {
    sub: Option<String>,
    #[serde(default)]
    scope: String,
}

struct Jwt {
    key: DecodingKey,
    validation: Validation,
}

/// Checks credentials against the configured sources.
pub struct Verifier {
    /// SHA-256 of each token → who it is.
    tokens: HashMap<[u8; 32], Principal>,
    jwt: Option<Jwt>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("tokens", &self.tokens.len())
            .field("jwt", &self.jwt.as_ref().map(|j| &j.validation.iss))
            .finish()
    }
}

fn parse_sha256(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.trim();
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

fn load_tokens(path: &Path) -> anyhow::Result<HashMap<[u8; 32], Principal>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the tokens file {}", path.display()))?;
    let file: TokensFile = toml::from_str(&text)
        .with_context(|| format!("parsing the tokens file {}", path.display()))?;
    let mut tokens = HashMap::new();
    for entry in file.token {
        let Some(hash) = parse_sha256(&entry.sha256) else {
            bail!("token {:?}: sha256 must be 64 hex digits", entry.name);
        };
        let principal = Principal {
            name: entry.name,
            scopes: entry.scopes,
        };
        if let Some(other) = tokens.insert(hash, principal) {
            bail!("token {:?}: the same sha256 as another token", other.name);
        }
    }
    Ok(tokens)
}

/// RS256 for an RSA public key, ES256 for an EC (P-256) one.
fn load_jwt(path: &Path, issuer: &str, audience: &str) -> anyhow::Result<Jwt> {
    let pem = std::fs::read(path)
        .with_context(|| format!("reading the JWT public key {}", path.display()))?;
    let (key, algorithm) = match DecodingKey::from_rsa_pem(&pem) {
        Ok(key) => (key, Algorithm::RS256),
        Err(_) => (
            DecodingKey::from_ec_pem(&pem).with_context(|| {
                format!("{}: not an RSA or EC public key in PEM", path.display())
            })?,
            Algorithm::ES256,
        ),
    };
    let mut validation = Validation::new(algorithm);
    validation.leeway = JWT_LEEWAY_SECS;
    validation.validate_nbf = true;
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[audience]);
    validation.set_required_spec_claims(&["exp", "iss", "aud"]);
    Ok(Jwt { key, validation })
}

impl Verifier {
    /// The verifier the flags configure; `None` when they configure no source.
    pub fn load(args: &AuthArgs) -> anyhow::Result<Option<Verifier>> {
        let tokens = match &args.auth_file {
            Some(path) => load_tokens(path)?,
            None => HashMap::new(),
        };
        let jwt = match (&args.jwt_public_key, &args.jwt_issuer, &args.jwt_audience) {
            (None, None, None) => None,
            (Some(key), Some(iss), Some(aud)) => Some(load_jwt(key, iss, aud)?),
            _ => bail!("--jwt-public-key, --jwt-issuer and --jwt-audience go together"),
        };
        if args.auth_file.is_none() && jwt.is_none() {
            return Ok(None);
        }
        Ok(Some(Verifier { tokens, jwt }))
    }

    /// Who the `authorization` header says the caller is.
    pub fn authenticate(
        &self,
        authorization: Option<&http::HeaderValue>,
    ) -> Result<Principal, Error> {
        let unauthenticated = |why: &str| Error::Unauthenticated(why.to_owned());
        let value = authorization.ok_or_else(|| {
            unauthenticated("missing credentials: send `authorization: Bearer <token>`")
        })?;
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .filter(|token| !token.is_empty())
            .ok_or_else(|| unauthenticated("authorization must be `Bearer <token>`"))?;
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        if let Some(principal) = self.tokens.get(&digest) {
            return Ok(principal.clone());
        }
        match &self.jwt {
            Some(jwt) => jwt.verify(token),
            None => Err(unauthenticated("invalid token")),
        }
    }

    /// Authenticates and checks the scope `path` needs; `None` for open paths.
    fn authorize(&self, path: &str, headers: &http::HeaderMap) -> Result<Option<Principal>, Error> {
        let Some(scope) = required_scope(path) else {
            return Ok(None);
        };
        let principal = self.authenticate(headers.get(http::header::AUTHORIZATION))?;
        principal.allow(scope)?;
        Ok(Some(principal))
    }
}

impl Jwt {
    fn verify(&self, token: &str) -> Result<Principal, Error> {
        use jsonwebtoken::errors::ErrorKind;
        let data =
            jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation).map_err(|e| {
                tracing::debug!(error = %e, "JWT rejected");
                Error::Unauthenticated(match e.kind() {
                    ErrorKind::ExpiredSignature => "token expired".into(),
                    _ => "invalid token".into(),
                })
            })?;
        let claims = data.claims;
        Ok(Principal {
            name: format!("jwt:{}", claims.sub.as_deref().unwrap_or("")),
            scopes: claims
                .scope
                .split_whitespace()
                .filter_map(Scope::parse)
                .collect(),
        })
    }
}

/// Secure by default: without authentication, serve only on loopback unless told otherwise.
pub fn check_exposure(
    listen: SocketAddr,
    verifier: Option<&Verifier>,
    allow_unauthenticated: bool,
) -> anyhow::Result<()> {
    if verifier.is_some() {
        return Ok(());
    }
    if listen.ip().is_loopback() {
        tracing::warn!(%listen, "no authentication configured: every local process may call every RPC");
    } else if allow_unauthenticated {
        tracing::warn!(%listen, "no authentication (--allow-unauthenticated): whoever reaches this address may call every RPC");
    } else {
        bail!(
            "refusing to serve {listen} without authentication: set --auth-file or --jwt-public-key, \
             or pass --allow-unauthenticated (e.g. behind a proxy that authenticates)"
        );
    }
    Ok(())
}

/// Secure by default, as for gRPC: the metrics endpoint (plaintext, unauthenticated) serves
/// only on loopback unless told otherwise.
pub fn check_metrics_exposure(metrics: Option<SocketAddr>, allow_public: bool) -> anyhow::Result<()> {
    match metrics {
        Some(addr) if !addr.ip().is_loopback() => {
            if !allow_public {
                bail!(
                    "refusing to serve metrics on {addr}: the endpoint is plaintext and unauthenticated; \
                     bind --metrics-listen to loopback (127.0.0.1:9464), or pass --allow-public-metrics \
                     when only the scraper's network reaches that address"
                );
            }
            tracing::warn!(%addr, "metrics on a non-loopback address (--allow-public-metrics): whoever reaches it reads them");
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The check of every call's credentials and scope, for [`GateLayer`]: a refused call never
/// reaches a service. Without a verifier every call passes as [`Principal::anonymous`].
#[derive(Debug, Clone, Default)]
pub struct Authenticate {
    verifier: Option<Arc<Verifier>>,
}

/// The layer that authenticates and authorizes every call.
pub fn layer(verifier: Option<Arc<Verifier>>) -> GateLayer<Authenticate> {
    GateLayer::new(Authenticate { verifier })
}

impl Check for Authenticate {
    fn check(&self, parts: &mut http::request::Parts) -> Result<(), Error> {
        let principal = match &self.verifier {
            None => Some(Principal::anonymous()),
            Some(v) => v.authorize(parts.uri.path(), &parts.headers)?,
        };
        if let Some(p) = principal {
            parts.extensions.insert(p);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rpc_has_its_scope_and_probes_stay_open() {
        assert_eq!(
            required_scope("/govreport.v1.ReportService/GetReport"),
            Some(Scope::Read)
        );
        assert_eq!(
            required_scope("/govreport.v1.ReportService/ParseReport"),
            Some(Scope::Ingest)
        );
        assert_eq!(
            required_scope("/govreport.v1.ReportService/DeleteReport"),
            Some(Scope::Admin)
        );
        assert_eq!(
            required_scope("/govreport.v1.ReportService/NewRpc"),
            Some(Scope::Admin)
        );
        assert_eq!(required_scope("/grpc.health.v1.Health/Check"), None);
        assert_eq!(
            required_scope("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"),
            None
        );
    }

    #[test]
    fn sha256_hex_parses_in_either_case() {
        let lower = parse_sha256(&"ab".repeat(32)).unwrap();
        assert_eq!(parse_sha256(&"AB".repeat(32)), Some(lower));
        assert_eq!(parse_sha256("abc"), None);
        assert_eq!(parse_sha256(&"zz".repeat(32)), None);
    }

    #[test]
    fn without_auth_only_loopback_serves_unless_allowed() {
        let public: SocketAddr = "0.0.0.0:50051".parse().unwrap();
        let local: SocketAddr = "[::1]:50051".parse().unwrap();
        assert!(check_exposure(public, None, false).is_err());
        assert!(check_exposure(public, None, true).is_ok());
        assert!(check_exposure(local, None, false).is_ok());
    }
}
