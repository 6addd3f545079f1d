//! The test client: signs its requests as OUTSCALE's SDKs do (OSC4, AWS4), or
//! sends email/password (Basic), and reads the OAPI answer.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};

use account_contract::signing::{self, Algorithm, SigningKey};
use axum::body::{to_bytes, Body};
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, Method, Request, Response};
use base64::Engine;
use serde_json::{json, Value};
use time::macros::format_description;
use time::OffsetDateTime;
use tower::util::BoxCloneSyncService;
use tower::ServiceExt;

/// `YYYYMMDDTHHMMSSZ`, `offset_secs` away from now.
pub fn amz_date(offset_secs: i64) -> String {
    (OffsetDateTime::now_utc() + time::Duration::seconds(offset_secs))
        .format(format_description!("[year][month][day]T[hour][minute][second]Z"))
        .unwrap()
}

#[derive(Clone)]
pub struct Key {
    pub id: String,
    pub secret: String,
}

pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub headers: HeaderMap,
}

impl Reply {
    /// The first error's code, or "" on success.
    pub fn code(&self) -> &str {
        self.body["Errors"][0]["Code"].as_str().unwrap_or("")
    }
    pub fn codes(&self) -> Vec<String> {
        self.body["Errors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| e["Code"].as_str().unwrap().to_owned())
            .collect()
    }
    pub fn details(&self) -> Vec<String> {
        self.body["Errors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| e["Details"].as_str().unwrap().to_owned())
            .collect()
    }
    #[track_caller]
    pub fn ok(self) -> Value {
        assert_eq!(self.status, 200, "{}", self.body);
        assert!(self.body["ResponseContext"]["RequestId"].as_str().is_some_and(|s| !s.is_empty()));
        self.body
    }
    #[track_caller]
    pub fn err(self, status: u16, code: &str) -> Self {
        assert_eq!((self.status, self.code()), (status, code), "{}", self.body);
        assert!(self.body["ResponseContext"]["RequestId"].as_str().is_some_and(|s| !s.is_empty()));
        self
    }
}

/// Where a client's requests go.
#[derive(Clone)]
enum Transport {
    /// Real HTTP, to a server listening on a port (or to a proxy in front of one).
    Http(reqwest::blocking::Client),
    /// The server's router in this process, no socket: each request is spawned on the
    /// server's runtime, so requests sent from several threads run in parallel there.
    Router { service: InProcess, runtime: tokio::runtime::Handle },
}

/// The whole HTTP service, as `account_api::server::prepare` builds it.
pub type InProcess = BoxCloneSyncService<Request<Body>, Response<Body>, Infallible>;

/// The address an in-process request comes from, as `listen::serve` would note it for a
/// client on this machine (the address trusted-proxy and session tests expect).
const PEER: SocketAddr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 50_000));

#[derive(Clone)]
pub struct Client {
    /// `http://host:port`: where requests go over HTTP, and the `Host` they name (and
    /// sign) in this process.
    pub base: String,
    transport: Transport,
}

impl Client {
    /// A client that talks HTTP to `base` (a server or a proxy listening on a port).
    pub fn over_http(base: &str) -> Self {
        Self { base: base.to_owned(), transport: Transport::Http(reqwest::blocking::Client::new()) }
    }

    /// A client that talks HTTP to `base` and gives up on an answer after `timeout` (a
    /// server that may hang).
    pub fn over_http_within(base: &str, timeout: std::time::Duration) -> Self {
        let http = reqwest::blocking::Client::builder().timeout(timeout).build().expect("client");
        Self { base: base.to_owned(), transport: Transport::Http(http) }
    }

    /// A client that hands its requests to `service` on `runtime`, naming `base`. Once
    /// the server stops (its runtime dropped), its requests fail as a refused connection.
    pub fn in_process(base: &str, service: InProcess, runtime: tokio::runtime::Handle) -> Self {
        Self { base: base.to_owned(), transport: Transport::Router { service, runtime } }
    }

    pub fn host(&self) -> String {
        self.base.trim_start_matches("http://").to_owned()
    }

    /// A POST to `path`; the answer must be JSON.
    pub fn send(&self, path: &str, headers: &[(&str, String)], body: Vec<u8>) -> Reply {
        self.send_as(Method::POST, path, headers, body)
    }

    /// A request with any method; the answer must be JSON.
    pub fn send_as(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Reply {
        let (status, headers, bytes) =
            self.exchange(method, path, headers, body).expect("request sent");
        let text = String::from_utf8_lossy(&bytes);
        let body = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("JSON body, got {status}: {text}"));
        Reply { status, body, headers }
    }

    /// One request and its answer (status, headers, body), or why none came.
    fn exchange(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Result<(u16, HeaderMap, Vec<u8>), String> {
        match &self.transport {
            Transport::Http(http) => {
                let mut req = http.request(method, format!("{}{path}", self.base)).body(body);
                for (n, v) in headers {
                    req = req.header(*n, v);
                }
                let resp = req.send().map_err(|e| e.to_string())?;
                let (status, headers) = (resp.status().as_u16(), resp.headers().clone());
                Ok((status, headers, resp.bytes().map_err(|e| e.to_string())?.to_vec()))
            }
            Transport::Router { service, runtime } => {
                // What hyper hands the service: the path alone, Host as a header, and the
                // peer's address as `listen::serve` notes it.
                let mut req = Request::builder().method(method).uri(path);
                req = req.header(header::HOST, self.host());
                for (n, v) in headers {
                    req = req.header(*n, v);
                }
                let mut request = req.body(Body::from(body)).map_err(|e| e.to_string())?;
                request.extensions_mut().insert(ConnectInfo(PEER));
                let service = service.clone();
                let answer = runtime.spawn(async move {
                    let Ok(response) = service.oneshot(request).await;
                    let (parts, body) = response.into_parts();
                    let bytes = to_bytes(body, usize::MAX).await.map_err(|e| e.to_string())?;
                    Ok((parts.status.as_u16(), parts.headers, bytes.to_vec()))
                });
                runtime.block_on(answer).map_err(|e| format!("the server is stopped: {e}"))?
            }
        }
    }

    /// A call with email/password (Basic) and `X-Osc-Date`.
    pub fn basic(&self, call: &str, login: &str, password: &str, body: Value) -> Reply {
        self.basic_and(call, login, password, body, &[])
    }

    /// A call with email/password (Basic), with `extra` headers.
    pub fn basic_and(
        &self,
        call: &str,
        login: &str,
        password: &str,
        body: Value,
        extra: &[(&str, String)],
    ) -> Reply {
        let creds = base64::engine::general_purpose::STANDARD.encode(format!("{login}:{password}"));
        let mut headers = vec![
            ("authorization", format!("Basic {creds}")),
            ("x-osc-date", amz_date(0)),
            ("content-type", signing::CONTENT_TYPE.into()),
        ];
        headers.extend(extra.iter().map(|(n, v)| (*n, v.clone())));
        self.send(&format!("/api/v1/{call}"), &headers, body.to_string().into_bytes())
    }

    /// A call signed with OSC4, for a test that expects failures other than the API's
    /// own (a proxy's 502, a refused connection): the status and body, if JSON.
    pub fn try_signed(&self, key: &Key, call: &str, body: Value) -> Result<(u16, Value), String> {
        let path = format!("/api/v1/{call}");
        let body = body.to_string().into_bytes();
        let headers = signed_headers(key, Algorithm::Osc4, &self.host(), &path, &body, 0);
        let (status, _, bytes) = self.exchange(Method::POST, &path, &headers, body)?;
        let text = String::from_utf8_lossy(&bytes);
        serde_json::from_str(&text).map(|v| (status, v)).map_err(|_| format!("{status}: {text}"))
    }

    /// A call signed with OSC4 at the current time.
    pub fn signed(&self, key: &Key, call: &str, body: Value) -> Reply {
        self.signed_with(key, Algorithm::Osc4, call, body.to_string().into_bytes(), &self.host(), 0)
    }

    /// A call signed with OSC4 at the current time, with `extra` headers (a client
    /// address behind a trusted proxy, a cookie).
    pub fn signed_and(
        &self,
        key: &Key,
        call: &str,
        body: Value,
        extra: &[(&str, String)],
    ) -> Reply {
        let path = format!("/api/v1/{call}");
        let body = body.to_string().into_bytes();
        let mut headers = signed_headers(key, Algorithm::Osc4, &self.host(), &path, &body, 0);
        headers.extend(extra.iter().map(|(n, v)| (*n, v.clone())));
        self.send(&path, &headers, body)
    }

    pub fn signed_with(
        &self,
        key: &Key,
        algorithm: Algorithm,
        call: &str,
        body: Vec<u8>,
        host: &str,
        skew: i64,
    ) -> Reply {
        let path = format!("/api/v1/{call}");
        let headers = signed_headers(key, algorithm, host, &path, &body, skew);
        self.send(&path, &headers, body)
    }

    /// Signs in as the console does: email/password → a temporary, tagged access key.
    pub fn sign_in(&self, login: &str, password: &str) -> Key {
        key_of(&self.sign_in_and(login, password, &[]).ok())
    }

    /// The console's sign-in with `extra` headers (an `Origin`, a cookie, a client address).
    pub fn sign_in_and(&self, login: &str, password: &str, extra: &[(&str, String)]) -> Reply {
        let expires = (OffsetDateTime::now_utc() + time::Duration::hours(1))
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        let body = json!({"ExpirationDate": expires, "Tag": "console"});
        self.basic_and("CreateAccessKey", login, password, body, extra)
    }

    /// A permanent access key (no expiration).
    pub fn permanent_key(&self, login: &str, password: &str) -> Key {
        key_of(&self.basic("CreateAccessKey", login, password, json!({})).ok())
    }

    pub fn account(&self, key: &Key) -> Value {
        self.signed(key, "ReadAccounts", json!({})).ok()["Accounts"][0].clone()
    }
}

/// The headers of a request signed as OUTSCALE's SDKs sign it, `skew` seconds off.
fn signed_headers(
    key: &Key,
    algorithm: Algorithm,
    host: &str,
    path: &str,
    body: &[u8],
    skew: i64,
) -> Vec<(&'static str, String)> {
    let sk = SigningKey {
        algorithm,
        access_key: &key.id,
        secret_key: &key.secret,
        region: "eu-west-2",
        service: "api",
    };
    let h = signing::sign(&sk, host, path, body, &amz_date(skew));
    vec![
        ("authorization", h.authorization),
        (h.date_header.0, h.date_header.1),
        ("content-type", h.content_type.into()),
    ]
}

pub fn key_of(body: &Value) -> Key {
    Key {
        id: body["AccessKey"]["AccessKeyId"].as_str().expect("AccessKeyId").to_owned(),
        secret: body["AccessKey"]["SecretKey"].as_str().expect("SecretKey").to_owned(),
    }
}
