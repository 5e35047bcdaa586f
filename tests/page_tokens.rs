//! Page tokens are signed: a token altered or made up by a client is INVALID_ARGUMENT, and
//! one signed with the same key pages on, on another server of the same database.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::{seed, TestServer};
use govreport::proto::v1 as pb;
use govreport::server::ServerConfig;
use govreport::store::page_token::TokenKey;
use govreport::store::{PoolConfig, Store};
use pb::parse_report_request::Source;
use tonic::Code;

fn key(byte: u8) -> TokenKey {
    TokenKey::new(&[byte; 32]).unwrap()
}

async fn start(store: Store, database: &str, token_key: TokenKey) -> TestServer {
    let config = ServerConfig {
        token_key,
        ..Default::default()
    };
    TestServer::start_on(store, database.to_owned(), config).await
}

async fn store_seed(server: &mut TestServer) {
    let request = pb::ParseReportRequest {
        source: Some(Source::Text(seed("000"))),
        ..Default::default()
    };
    server.client.parse_report(request).await.unwrap();
}

fn by_issuer(page_token: &str) -> pb::QueryIndicatorsRequest {
    pb::QueryIndicatorsRequest {
        order_by: pb::IndicatorOrderBy::Issuer.into(),
        page_size: 2,
        page_token: page_token.into(),
        ..Default::default()
    }
}

async fn page(server: &mut TestServer, token: &str) -> Result<String, tonic::Status> {
    let page = server.client.query_indicators(by_issuer(token)).await?;
    Ok(page.into_inner().next_page_token)
}

/// `sealed` with its contents edited by `edit` and its tag kept.
fn altered(sealed: &str, edit: impl Fn(&str) -> String) -> String {
    let (token, tag) = sealed.rsplit_once('.').unwrap();
    let contents = String::from_utf8(URL_SAFE_NO_PAD.decode(token).unwrap()).unwrap();
    format!("{}.{tag}", URL_SAFE_NO_PAD.encode(edit(&contents)))
}

#[tokio::test]
async fn an_altered_or_forged_page_token_is_invalid_argument() {
    let mut server = TestServer::start().await;
    store_seed(&mut server).await;
    let token = page(&mut server, "").await.unwrap();
    assert!(!token.is_empty());
    assert!(
        !page(&mut server, &token).await.unwrap().is_empty(),
        "a real token pages on"
    );

    let (unsealed, _) = token.rsplit_once('.').unwrap();
    // gr2:<fingerprint>:<seq>:<key>
    let with_seq = |seq: &'static str| {
        move |c: &str| {
            let mut parts: Vec<&str> = c.splitn(4, ':').collect();
            parts[2] = seq;
            parts.join(":")
        }
    };
    let seq_zero = altered(&token, with_seq("0"));
    let huge_seq = altered(&token, with_seq("9223372036854775807"));
    let nul_key = altered(&token, |c| format!("{c}\0"));
    let mut flipped = token.clone();
    let last = flipped.pop().unwrap();
    flipped.push(if last == 'A' { 'B' } else { 'A' });
    for forged in [unsealed.to_owned(), seq_zero, huge_seq, nul_key, flipped] {
        let status = page(&mut server, &forged).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{forged}: {status:?}");
        assert!(status.message().starts_with("page_token:"), "{status:?}");
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_token_pages_on_wherever_the_same_key_signs() {
    let (store, database) = common::fresh_store(PoolConfig::default()).await;
    let mut first = start(store, &database, key(1)).await;
    store_seed(&mut first).await;
    let token = page(&mut first, "").await.unwrap();
    first.stop().await.unwrap();

    let pool = PoolConfig::default();
    let connect = || Store::connect(common::admin_options(&database), &pool);
    let mut same_key = start(connect().await.unwrap(), &database, key(1)).await;
    assert!(page(&mut same_key, &token).await.is_ok());
    same_key.stop().await.unwrap();

    let mut other_key = start(connect().await.unwrap(), &database, key(2)).await;
    let status = page(&mut other_key, &token).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    other_key.stop().await.unwrap();
}
