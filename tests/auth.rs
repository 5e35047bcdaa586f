//! Authentication and scopes end to end: a real server with a tokens file and a JWT key made
//! here, every RPC called with every kind of credential through a tonic client.

mod common;

use std::path::Path;
use std::sync::Arc;

use common::calls::{call, store_one, target, Rpc, RPCS};
use common::TestServer;
use govreport::auth::Verifier;
use govreport::config::AuthArgs;
use govreport::domain::hex_sha256;
use govreport::server::ServerConfig;
use govreport::store::PoolConfig;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use tonic::Code;

const ISSUER: &str = "https://idp.test";
const AUDIENCE: &str = "govreport";

/// A signing key (PKCS#8 PEM) and its public key (SPKI PEM).
struct KeyPair {
    private_pem: String,
    public_pem: String,
    algorithm: Algorithm,
}

fn es256_key() -> KeyPair {
    use p256::elliptic_curve::Generate;
    use p256::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
    let secret = p256::SecretKey::try_generate_from_rng(&mut getrandom::SysRng).unwrap();
    KeyPair {
        private_pem: secret.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
        public_pem: secret
            .public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap(),
        algorithm: Algorithm::ES256,
    }
}

fn rs256_key() -> KeyPair {
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
    let secret = rsa::PrivateKey::new(&mut getrandom::SysRng, 2048).unwrap();
    KeyPair {
        private_pem: secret.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
        public_pem: secret
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap(),
        algorithm: Algorithm::RS256,
    }
}

fn now() -> i64 {
    jsonwebtoken::get_current_timestamp() as i64
}

/// A JWT signed by `key` with these claims on top of a valid iss, aud and exp.
fn jwt(key: &KeyPair, claims: serde_json::Value) -> String {
    let mut all = serde_json::json!({
        "iss": ISSUER, "aud": AUDIENCE, "sub": "alice", "exp": now() + 600,
    });
    all.as_object_mut()
        .unwrap()
        .extend(claims.as_object().unwrap().clone());
    let signing = match key.algorithm {
        Algorithm::RS256 => EncodingKey::from_rsa_pem(key.private_pem.as_bytes()),
        _ => EncodingKey::from_ec_pem(key.private_pem.as_bytes()),
    }
    .unwrap();
    jsonwebtoken::encode(&Header::new(key.algorithm), &all, &signing).unwrap()
}

/// Writes a tokens file (one token per scope, named after it) and the public key; returns
/// the flags that configure both.
fn auth_files(dir: &Path, public_pem: &str) -> AuthArgs {
    let mut toml = String::from("# tokens are stored as SHA-256 only\n");
    for scope in ["read", "ingest", "admin"] {
        toml += &format!(
            "[[token]]\nname = \"{scope}-bot\"\nsha256 = \"{}\"\nscopes = [\"{scope}\"]\n",
            hex_sha256(&file_token(scope))
        );
    }
    std::fs::write(dir.join("tokens.toml"), toml).unwrap();
    std::fs::write(dir.join("jwt.pem"), public_pem).unwrap();
    AuthArgs {
        auth_file: Some(dir.join("tokens.toml")),
        jwt_public_key: Some(dir.join("jwt.pem")),
        jwt_issuer: Some(ISSUER.into()),
        jwt_audience: Some(AUDIENCE.into()),
        allow_unauthenticated: false,
    }
}

fn file_token(scope: &str) -> String {
    format!("test-token-for-{scope}-0123456789")
}

async fn start(args: &AuthArgs, reflection: bool) -> TestServer {
    let verifier = Verifier::load(args).unwrap().expect("auth configured");
    let config = ServerConfig {
        reflection,
        auth: Some(Arc::new(verifier)),
        ..Default::default()
    };
    let (store, database) = common::fresh_store(PoolConfig::default()).await;
    TestServer::start_on(store, database, config).await
}

/// A credential and the scopes it proves (`None`: it proves nothing).
struct Credential {
    what: &'static str,
    authorization: Option<String>,
    scopes: Option<&'static [&'static str]>,
}

fn credentials(trusted: &KeyPair, untrusted: &KeyPair) -> Vec<Credential> {
    let bearer = |t: String| Some(format!("Bearer {t}"));
    let all = serde_json::json!({ "scope": "read ingest admin" });
    let bad = |what, authorization| Credential {
        what,
        authorization,
        scopes: None,
    };
    let mut list = vec![
        bad("no token", None),
        bad("malformed header", Some("Basic dXNlcjpwYXNz".into())),
        bad("empty bearer", Some("Bearer ".into())),
        bad("unknown token", bearer("not-a-token".into())),
        bad(
            "expired JWT",
            bearer(jwt(
                trusted,
                serde_json::json!({ "scope": "read ingest admin", "exp": now() - 600 }),
            )),
        ),
        bad("wrong signature", bearer(jwt(untrusted, all.clone()))),
        bad(
            "wrong audience",
            bearer(jwt(
                trusted,
                serde_json::json!({ "scope": "read ingest admin", "aud": "other" }),
            )),
        ),
    ];
    for scope in ["read", "ingest", "admin"] {
        let scopes: &'static [&'static str] = match scope {
            "read" => &["read"],
            "ingest" => &["ingest"],
            _ => &["admin"],
        };
        list.push(Credential {
            what: scope,
            authorization: bearer(file_token(scope)),
            scopes: Some(scopes),
        });
        list.push(Credential {
            what: scope,
            authorization: bearer(jwt(
                trusted,
                serde_json::json!({ "scope": format!("openid {scope}") }),
            )),
            scopes: Some(scopes),
        });
    }
    list
}

fn scope_of(rpc: Rpc) -> &'static str {
    match rpc {
        Rpc::ParseReport | Rpc::ParseReportDryRun | Rpc::ParseReports => "ingest",
        Rpc::DeleteReport | Rpc::RelinkIndicators | Rpc::ReparseReports => "admin",
        _ => "read",
    }
}

fn expected(rpc: Rpc, credential: &Credential) -> Code {
    match credential.scopes {
        None => Code::Unauthenticated,
        Some(scopes) if scopes.contains(&scope_of(rpc)) => Code::Ok,
        Some(_) => Code::PermissionDenied,
    }
}

async fn report_count(server: &TestServer) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM reports")
        .fetch_one(server.store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn every_rpc_answers_each_credential_with_the_exact_code() {
    let dir = tempfile::tempdir().unwrap();
    let (trusted, untrusted) = (es256_key(), es256_key());
    let mut server = start(&auth_files(dir.path(), &trusted.public_pem), true).await;
    let ingest = format!("Bearer {}", file_token("ingest"));
    let existing = store_one(&mut server, "existing", Some(&ingest)).await;
    let mut stored = 1;
    for (n, credential) in credentials(&trusted, &untrusted).iter().enumerate() {
        for rpc in RPCS {
            let tag = format!("matrix:{n}");
            let target = target(&mut server, rpc, &tag, &existing, Some(&ingest)).await;
            stored += i64::from(rpc == Rpc::DeleteReport);
            let want = expected(rpc, credential);
            let auth = credential.authorization.as_deref();
            let got = call(&mut server, rpc, auth, &target).await;
            assert_eq!(got, want, "{rpc:?} with {}", credential.what);
            let wrote = want == Code::Ok && matches!(rpc, Rpc::ParseReport | Rpc::ParseReports);
            let deleted = want == Code::Ok && rpc == Rpc::DeleteReport;
            stored += i64::from(wrote) - i64::from(deleted);
            assert_eq!(
                report_count(&server).await,
                stored,
                "{rpc:?} with {}",
                credential.what
            );
        }
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn an_rs256_key_verifies_rs256_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let key = rs256_key();
    let mut server = start(&auth_files(dir.path(), &key.public_pem), true).await;
    let token = format!(
        "Bearer {}",
        jwt(&key, serde_json::json!({ "scope": "read" }))
    );
    let code = call(&mut server, Rpc::ListReports, Some(&token), "").await;
    assert_eq!(code, Code::Ok);
    let forged = format!(
        "Bearer {}",
        jwt(&es256_key(), serde_json::json!({ "scope": "read" }))
    );
    let code = call(&mut server, Rpc::ListReports, Some(&forged), "").await;
    assert_eq!(
        code,
        Code::Unauthenticated,
        "an ES256 token against an RSA key"
    );
    server.stop().await.unwrap();
}

async fn health(server: &TestServer) -> Result<(), tonic::Status> {
    let mut health = tonic_health::pb::health_client::HealthClient::new(server.channel.clone());
    let request = tonic_health::pb::HealthCheckRequest {
        service: String::new(),
    };
    health.check(request).await.map(drop)
}

async fn list_services(server: &TestServer) -> Result<Vec<String>, tonic::Status> {
    use tonic_reflection::pb::v1alpha::{
        server_reflection_client::ServerReflectionClient,
        server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
        ServerReflectionRequest,
    };
    let mut client = ServerReflectionClient::new(server.channel.clone());
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut stream = client
        .server_reflection_info(tokio_stream::iter([request]))
        .await?
        .into_inner();
    match stream.message().await?.and_then(|r| r.message_response) {
        Some(MessageResponse::ListServicesResponse(list)) => {
            Ok(list.service.into_iter().map(|s| s.name).collect())
        }
        other => panic!("not a list response: {other:?}"),
    }
}

#[tokio::test]
async fn health_and_reflection_need_no_token_and_reflection_can_be_turned_off() {
    let dir = tempfile::tempdir().unwrap();
    let args = auth_files(dir.path(), &es256_key().public_pem);
    let on = start(&args, true).await;
    health(&on).await.expect("health is open");
    let services = list_services(&on).await.expect("reflection is open");
    assert!(
        services.contains(&"govreport.v1.ReportService".to_owned()),
        "{services:?}"
    );
    on.stop().await.unwrap();

    let off = start(&args, false).await;
    health(&off).await.expect("health is open");
    let refused = list_services(&off).await.unwrap_err();
    assert_eq!(refused.code(), Code::Unimplemented, "{refused:?}");
    off.stop().await.unwrap();
}

#[test]
fn a_tokens_file_with_a_typo_or_a_bad_hash_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.toml");
    let load = |toml: &str| {
        std::fs::write(&path, toml).unwrap();
        Verifier::load(&AuthArgs {
            auth_file: Some(path.clone()),
            ..Default::default()
        })
    };
    let hash = "a".repeat(64);
    let ok = format!("[[token]]\nname = \"a\"\nsha256 = \"{hash}\"\nscopes = [\"read\"]\n");
    assert!(load(&ok).unwrap().is_some());
    for bad in [
        ok.replace("scopes", "scope"),
        ok.replace("read", "write"),
        ok.replace(&hash, "abc"),
        format!("{ok}{}", ok.replace("\"a\"", "\"b\"")),
    ] {
        assert!(load(&bad).is_err(), "{bad}");
    }
}
