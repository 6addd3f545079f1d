//! The OUTSCALE request signature: OSC4-HMAC-SHA256, and the plain AWS Signature V4
//! form (AWS4-HMAC-SHA256 with `X-Amz-Date`) that other official SDKs send.
//!
//! Clients call [`sign`]; the server parses the `Authorization` header with
//! [`Authorization::parse`], rebuilds the canonical request from what it received
//! and compares with [`signatures_match`].

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// How long a signed request stays valid either side of its timestamp.
pub const MAX_CLOCK_SKEW_SECS: i64 = 5 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// The signature algorithm: OUTSCALE's own, or AWS's (which OUTSCALE accepts too).
pub enum Algorithm {
    /// `OSC4-HMAC-SHA256`.
    Osc4,
    /// `AWS4-HMAC-SHA256`.
    Aws4,
}

impl Algorithm {
    /// The name in the `Authorization` header.
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::Osc4 => "OSC4-HMAC-SHA256",
            Algorithm::Aws4 => "AWS4-HMAC-SHA256",
        }
    }
    const fn key_prefix(self) -> &'static str {
        match self {
            Algorithm::Osc4 => "OSC4",
            Algorithm::Aws4 => "AWS4",
        }
    }
    /// The last part of the credential scope.
    pub const fn terminator(self) -> &'static str {
        match self {
            Algorithm::Osc4 => "osc4_request",
            Algorithm::Aws4 => "aws4_request",
        }
    }
    /// The header that carries the timestamp.
    pub const fn date_header(self) -> &'static str {
        match self {
            Algorithm::Osc4 => "x-osc-date",
            Algorithm::Aws4 => "x-amz-date",
        }
    }
}

/// A parsed `Authorization: ALGO Credential=AK/DATE/REGION/SERVICE/TERM, SignedHeaders=..., Signature=...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// The access key ID that signed.
    pub access_key: String,
    /// The day of the scope, `YYYYMMDD`.
    pub date: String,
    /// The region of the scope.
    pub region: String,
    /// The service of the scope (`api`).
    pub service: String,
    /// The signed headers, lower case.
    pub signed_headers: Vec<String>,
    /// The hex signature, lower case.
    pub signature: String,
}

impl Authorization {
    /// Parses the header value; `None` when it is not a well-formed signature header.
    pub fn parse(value: &str) -> Option<Self> {
        let (algo, rest) = value.trim().split_once(' ')?;
        let algorithm = match algo {
            "OSC4-HMAC-SHA256" => Algorithm::Osc4,
            "AWS4-HMAC-SHA256" => Algorithm::Aws4,
            _ => return None,
        };
        let (mut credential, mut signed, mut signature) = (None, None, None);
        for part in rest.split(',') {
            let (k, v) = part.trim().split_once('=')?;
            match k {
                "Credential" => credential = Some(v),
                "SignedHeaders" => signed = Some(v),
                "Signature" => signature = Some(v),
                _ => return None,
            }
        }
        let mut scope = credential?.split('/');
        let (access_key, date, region, service, term) =
            (scope.next()?, scope.next()?, scope.next()?, scope.next()?, scope.next()?);
        if scope.next().is_some() || term != algorithm.terminator() || access_key.is_empty() {
            return None;
        }
        if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let signed_headers: Vec<String> = signed?.split(';').map(str::to_owned).collect();
        if signed_headers.iter().any(|h| h.is_empty() || h.bytes().any(|b| b.is_ascii_uppercase()))
        {
            return None;
        }
        let signature = signature?;
        if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(Self {
            algorithm,
            access_key: access_key.to_owned(),
            date: date.to_owned(),
            region: region.to_owned(),
            service: service.to_owned(),
            signed_headers,
            signature: signature.to_ascii_lowercase(),
        })
    }

    /// The credential scope, `DATE/REGION/SERVICE/TERMINATOR`.
    pub fn scope(&self) -> String {
        format!("{}/{}/{}/{}", self.date, self.region, self.service, self.algorithm.terminator())
    }
}

/// What a request looks like to the signature: method, path, query, the signed
/// headers (lower-case names, in any order) and the body.
pub struct CanonicalRequest<'a> {
    /// The HTTP method.
    pub method: &'a str,
    /// The path, as sent.
    pub path: &'a str,
    /// The query string, without `?`.
    pub query: &'a str,
    /// The signed headers, as (lower-case name, value).
    pub headers: &'a [(&'a str, &'a str)],
    /// The body.
    pub body: &'a [u8],
}

impl CanonicalRequest<'_> {
    /// The canonical request text over `signed` headers (sorted, lower-case names).
    pub fn text(&self, signed: &[String]) -> String {
        let mut out = String::with_capacity(256);
        out.push_str(self.method);
        out.push('\n');
        out.push_str(self.path);
        out.push('\n');
        out.push_str(&canonical_query(self.query));
        out.push('\n');
        for name in signed {
            out.push_str(name);
            out.push(':');
            let values: Vec<String> = self
                .headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| collapse_spaces(v))
                .collect();
            out.push_str(&values.join(","));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&signed.join(";"));
        out.push('\n');
        out.push_str(&hex::encode(Sha256::digest(self.body)));
        out
    }
}

fn collapse_spaces(v: &str) -> String {
    v.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn canonical_query(query: &str) -> String {
    if query.is_empty() {
        return String::new();
    }
    let mut pairs: Vec<(&str, &str)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .collect();
    pairs.sort();
    pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

/// The string to sign for a canonical request.
pub fn string_to_sign(
    algorithm: Algorithm,
    date_time: &str,
    scope: &str,
    canonical: &str,
) -> String {
    format!(
        "{}\n{date_time}\n{scope}\n{}",
        algorithm.name(),
        hex::encode(Sha256::digest(canonical.as_bytes()))
    )
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// `HMAC("OSC4"+SK, date) → region → service → terminator`.
pub fn signing_key(
    algorithm: Algorithm,
    secret_key: &str,
    date: &str,
    region: &str,
    service: &str,
) -> [u8; 32] {
    let k_secret = format!("{}{secret_key}", algorithm.key_prefix());
    let k_date = hmac(k_secret.as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, algorithm.terminator().as_bytes())
}

/// The hex signature of `string_to_sign`.
pub fn signature(key: &[u8; 32], string_to_sign: &str) -> String {
    hex::encode(hmac(key, string_to_sign.as_bytes()))
}

/// Compares two hex signatures in constant time.
pub fn signatures_match(expected: &str, provided: &str) -> bool {
    use subtle::ConstantTimeEq;
    expected.len() == provided.len() && bool::from(expected.as_bytes().ct_eq(provided.as_bytes()))
}

/// The credentials and endpoint facts a client signs with.
pub struct SigningKey<'a> {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// The access key ID.
    pub access_key: &'a str,
    /// The secret key.
    pub secret_key: &'a str,
    /// The region the endpoint serves (`eu-west-2`).
    pub region: &'a str,
    /// The service (`api`).
    pub service: &'a str,
}

/// Headers to add to a signed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    /// The `Authorization` value.
    pub authorization: String,
    /// `X-Osc-Date` or `X-Amz-Date`, with its value.
    pub date_header: (&'static str, String),
    /// The `Content-Type` that was signed.
    pub content_type: &'static str,
}

/// The content type every client sends and signs, as OUTSCALE's SDK does.
pub const CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// Signs a `POST path` with a JSON body, over `content-type;host;x-osc-date` (or
/// `x-amz-date`). `date_time` is `YYYYMMDDTHHMMSSZ` (UTC): the caller owns the clock.
pub fn sign(
    key: &SigningKey<'_>,
    host: &str,
    path: &str,
    body: &[u8],
    date_time: &str,
) -> SignedHeaders {
    let date_header = key.algorithm.date_header();
    let headers = [("content-type", CONTENT_TYPE), ("host", host), (date_header, date_time)];
    let signed: Vec<String> =
        ["content-type", "host", date_header].iter().map(|s| s.to_string()).collect();
    let canonical =
        CanonicalRequest { method: "POST", path, query: "", headers: &headers, body }.text(&signed);
    let date = &date_time[..8.min(date_time.len())];
    let scope = format!("{date}/{}/{}/{}", key.region, key.service, key.algorithm.terminator());
    let to_sign = string_to_sign(key.algorithm, date_time, &scope, &canonical);
    let sig = signature(
        &signing_key(key.algorithm, key.secret_key, date, key.region, key.service),
        &to_sign,
    );
    SignedHeaders {
        authorization: format!(
            "{} Credential={}/{scope}, SignedHeaders={}, Signature={sig}",
            key.algorithm.name(),
            key.access_key,
            signed.join(";")
        ),
        date_header: (
            if key.algorithm == Algorithm::Osc4 { "X-Osc-Date" } else { "X-Amz-Date" },
            date_time.to_owned(),
        ),
        content_type: CONTENT_TYPE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The AWS Signature V4 test suite's "post-vanilla" case, which the AWS4 form must reproduce.
    #[test]
    fn aws4_matches_the_reference_test_vector() {
        let headers = [("host", "example.amazonaws.com"), ("x-amz-date", "20150830T123600Z")];
        let signed = vec!["host".to_string(), "x-amz-date".to_string()];
        let canonical =
            CanonicalRequest { method: "POST", path: "/", query: "", headers: &headers, body: b"" }
                .text(&signed);
        let to_sign = string_to_sign(
            Algorithm::Aws4,
            "20150830T123600Z",
            "20150830/us-east-1/service/aws4_request",
            &canonical,
        );
        let key = signing_key(
            Algorithm::Aws4,
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "20150830",
            "us-east-1",
            "service",
        );
        assert_eq!(
            signature(&key, &to_sign),
            "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
        );
    }

    #[test]
    fn signed_header_parses_back_and_verifies() {
        let key = SigningKey {
            algorithm: Algorithm::Osc4,
            access_key: "AK",
            secret_key: "SK",
            region: "eu-west-2",
            service: "api",
        };
        let body = br#"{"City":"Lyon"}"#;
        let h = sign(
            &key,
            "api.eu-west-2.outscale.com",
            "/api/v1/UpdateAccount",
            body,
            "20261128T101500Z",
        );
        let auth = Authorization::parse(&h.authorization).expect("parses");
        assert_eq!(auth.access_key, "AK");
        assert_eq!(auth.scope(), "20261128/eu-west-2/api/osc4_request");
        let headers = [
            ("content-type", CONTENT_TYPE),
            ("host", "api.eu-west-2.outscale.com"),
            ("x-osc-date", "20261128T101500Z"),
        ];
        let canonical = CanonicalRequest {
            method: "POST",
            path: "/api/v1/UpdateAccount",
            query: "",
            headers: &headers,
            body,
        }
        .text(&auth.signed_headers);
        let to_sign = string_to_sign(auth.algorithm, "20261128T101500Z", &auth.scope(), &canonical);
        let expected = signature(
            &signing_key(auth.algorithm, "SK", &auth.date, &auth.region, &auth.service),
            &to_sign,
        );
        assert!(signatures_match(&expected, &auth.signature));
        assert!(!signatures_match(&expected, &"0".repeat(64)));
    }

    #[test]
    fn malformed_headers_are_refused() {
        for bad in [
            "Basic abc",
            "OSC4-HMAC-SHA256 Credential=AK/2026/eu/api/osc4_request, SignedHeaders=host, Signature=00",
            "OSC4-HMAC-SHA256 Credential=AK/20261128/eu/api/aws4_request, SignedHeaders=host, Signature=",
            "OSC4-HMAC-SHA256 SignedHeaders=host",
        ] {
            assert_eq!(Authorization::parse(bad), None, "{bad}");
        }
    }
}
