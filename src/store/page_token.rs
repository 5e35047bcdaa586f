//! Opaque page tokens (AIP-158): the fingerprint of the query they belong to and the
//! last sort key returned, so a token only continues the query that issued it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

const PREFIX: &str = "gr1";

/// A short hash of a query's filters (not its page size, which may change between pages).
pub fn fingerprint(kind: &str, filter: &impl Serialize) -> String {
    let json = serde_json::to_vec(filter).expect("filters serialize");
    let digest = Sha256::new()
        .chain_update(kind.as_bytes())
        .chain_update(b"\0")
        .chain_update(&json)
        .finalize();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

pub fn encode(fingerprint: &str, last_key: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{PREFIX}:{fingerprint}:{last_key}"))
}

/// The last sort key of the previous page; `None` for an empty token (the first page).
pub fn decode(token: &str, fingerprint: &str) -> Result<Option<i64>> {
    let opened = open(
        token,
        PREFIX,
        fingerprint,
        "the token belongs to a query with other filters",
        false,
    )?;
    Ok(opened.map(|(key, _)| key))
}

/// Opens `prefix:fingerprint:number` (`…:number:key` when `keyed`): `None` for an empty
/// token, else the number and the key (empty unless keyed). A token that is not ours, or
/// (`mismatch`) belongs to another query, is INVALID_ARGUMENT.
fn open(
    token: &str,
    prefix: &str,
    fingerprint: &str,
    mismatch: &str,
    keyed: bool,
) -> Result<Option<(i64, String)>> {
    if token.is_empty() {
        return Ok(None);
    }
    let not_ours = || Error::invalid("page_token", "not a page token issued by this service");
    let raw = URL_SAFE_NO_PAD.decode(token).map_err(|_| not_ours())?;
    let raw = String::from_utf8(raw).map_err(|_| not_ours())?;
    let mut parts = raw.splitn(if keyed { 4 } else { 3 }, ':');
    let (Some(p), Some(fp), Some(number)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(not_ours());
    };
    let key = match parts.next() {
        Some(key) if keyed => key,
        None if !keyed => "",
        _ => return Err(not_ours()),
    };
    // A key with a control character was never issued (NUL would reach PostgreSQL).
    if p != prefix || key.contains(char::is_control) {
        return Err(not_ours());
    }
    let number: i64 = number.parse().map_err(|_| not_ours())?;
    if fp != fingerprint {
        return Err(Error::invalid("page_token", mismatch));
    }
    Ok(Some((number, key.to_owned())))
}

/// The key that signs page tokens, so a token altered or made up by a client is refused
/// (its contents reach SQL as keyset bounds).
#[derive(Clone)]
pub struct TokenKey(Vec<u8>);

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKey(..)")
    }
}

/// Bytes of HMAC-SHA256 kept in a token: 128 bits cannot be guessed.
const TAG_BYTES: usize = 16;
/// Shortest secret accepted as a key.
pub const MIN_KEY_BYTES: usize = 32;

impl TokenKey {
    pub fn new(secret: &[u8]) -> Result<TokenKey, String> {
        if secret.len() < MIN_KEY_BYTES {
            return Err(format!("a page-token key needs at least {MIN_KEY_BYTES} bytes"));
        }
        Ok(TokenKey(secret.to_vec()))
    }

    /// A key of this process only: its tokens die with it.
    pub fn random() -> TokenKey {
        let mut secret = vec![0u8; MIN_KEY_BYTES];
        getrandom::fill(&mut secret).expect("the system's random numbers");
        TokenKey(secret)
    }

    fn mac(&self, token: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(token.as_bytes());
        mac
    }

    /// `token.tag`; the empty token (no further page) stays empty.
    pub fn seal(&self, token: String) -> String {
        if token.is_empty() {
            return token;
        }
        let tag = self.mac(&token).finalize().into_bytes();
        format!("{token}.{}", URL_SAFE_NO_PAD.encode(&tag[..TAG_BYTES]))
    }

    /// The token inside a sealed one; INVALID_ARGUMENT unless this key sealed it.
    pub fn open<'a>(&self, sealed: &'a str) -> Result<&'a str> {
        if sealed.is_empty() {
            return Ok(sealed);
        }
        let not_ours = || Error::invalid("page_token", "not a page token issued by this service");
        let (token, tag) = sealed.rsplit_once('.').ok_or_else(not_ours)?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| not_ours())?;
        if tag.len() != TAG_BYTES {
            return Err(not_ours());
        }
        self.mac(token)
            .verify_truncated_left(&tag)
            .map_err(|_| not_ours())?;
        Ok(token)
    }
}

const KEYED_PREFIX: &str = "gr2";

/// A token carrying the last row's sort key of the chosen ordering and its `seq` (the
/// tie-break), so keyset paging continues correctly for every ordering.
pub fn encode_keyed(fingerprint: &str, last_seq: i64, last_key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{KEYED_PREFIX}:{fingerprint}:{last_seq}:{last_key}"))
}

/// `(last seq, last sort key as text)`; `None` for an empty token (the first page).
pub fn decode_keyed(token: &str, fingerprint: &str) -> Result<Option<(i64, String)>> {
    open(
        token,
        KEYED_PREFIX,
        fingerprint,
        "the token belongs to a query with other filters or another ordering",
        true,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_continues_only_its_own_query() {
        let fp = fingerprint("indicators", &("a", 1));
        let token = encode(&fp, 42);
        assert_eq!(decode(&token, &fp).unwrap(), Some(42));
        assert_eq!(decode("", &fp).unwrap(), None);
        let other = fingerprint("indicators", &("a", 2));
        assert!(decode(&token, &other).is_err());
        assert!(decode("garbage!", &fp).is_err());
        assert!(decode(&URL_SAFE_NO_PAD.encode("gr1:x"), &fp).is_err());
    }

    #[test]
    fn only_the_key_that_sealed_a_token_opens_it() {
        let key = TokenKey::random();
        let sealed = key.seal(encode("abc", 7));
        assert_eq!(key.open(&sealed).unwrap(), encode("abc", 7));
        assert_eq!(key.seal(String::new()), "");
        assert_eq!(key.open("").unwrap(), "");
        assert!(TokenKey::random().open(&sealed).is_err(), "another key");
        let forged = encode("abc", i64::MAX);
        assert!(key.open(&forged).is_err(), "unsealed");
        let (token, tag) = sealed.rsplit_once('.').unwrap();
        assert!(key.open(&format!("{}.{tag}", encode("abc", 0))).is_err(), "altered");
        assert!(key.open(&format!("{token}.{}", &tag[1..])).is_err(), "cut tag");
        assert!(TokenKey::new(b"short").is_err());
    }

    #[test]
    fn a_keyed_token_carries_its_sort_key() {
        let fp = fingerprint("indicators", &("a", 1));
        let token = encode_keyed(&fp, 7, "甲:街道");
        assert_eq!(decode_keyed(&token, &fp).unwrap(), Some((7, "甲:街道".to_owned())));
        assert!(decode_keyed(&token, &fingerprint("indicators", &("b", 1))).is_err());
        assert!(decode_keyed(&encode(&fp, 7), &fp).is_err(), "a gr1 token is not keyed");
        assert!(decode_keyed(&encode_keyed(&fp, 7, "甲\0"), &fp).is_err(), "NUL in the key");
    }
}
