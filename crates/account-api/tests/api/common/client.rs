//! The test client: signs its requests as OUTSCALE's SDKs do (OSC4, AWS4), or
//! sends email/password (Basic), and reads the OAPI answer.

use account_contract::signing::{self, Algorithm, SigningKey};
use base64::Engine;
use serde_json::{json, Value};
use time::macros::format_description;
use time::OffsetDateTime;

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
    pub headers: reqwest::header::HeaderMap,
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

pub struct Client {
    pub base: String,
    pub http: reqwest::blocking::Client,
}

impl Client {
    pub fn host(&self) -> String {
        self.base.trim_start_matches("http://").to_owned()
    }

    pub fn send(&self, path: &str, headers: &[(&str, String)], body: Vec<u8>) -> Reply {
        let mut req = self.http.post(format!("{}{path}", self.base)).body(body);
        for (n, v) in headers {
            req = req.header(*n, v);
        }
        let resp = req.send().expect("request sent");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().unwrap();
        let body = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("JSON body, got {status}: {text}"));
        Reply { status, body, headers }
    }

    /// A call with email/password (Basic) and `X-Osc-Date`.
    pub fn basic(&self, call: &str, login: &str, password: &str, body: Value) -> Reply {
        let creds = base64::engine::general_purpose::STANDARD.encode(format!("{login}:{password}"));
        self.send(
            &format!("/api/v1/{call}"),
            &[
                ("authorization", format!("Basic {creds}")),
                ("x-osc-date", amz_date(0)),
                ("content-type", signing::CONTENT_TYPE.into()),
            ],
            body.to_string().into_bytes(),
        )
    }

    /// A call signed with OSC4, for a test that expects failures other than the API's
    /// own (a proxy's 502, a refused connection): the status and body, if JSON.
    pub fn try_signed(&self, key: &Key, call: &str, body: Value) -> Result<(u16, Value), String> {
        let sk = SigningKey {
            algorithm: Algorithm::Osc4,
            access_key: &key.id,
            secret_key: &key.secret,
            region: "eu-west-2",
            service: "api",
        };
        let path = format!("/api/v1/{call}");
        let body = body.to_string().into_bytes();
        let h = signing::sign(&sk, &self.host(), &path, &body, &amz_date(0));
        let resp = self
            .http
            .post(format!("{}{path}", self.base))
            .header("authorization", h.authorization)
            .header(h.date_header.0, h.date_header.1)
            .header("content-type", h.content_type)
            .body(body)
            .send()
            .map_err(|e| e.to_string())?;
        let status = resp.status().as_u16();
        let text = resp.text().map_err(|e| e.to_string())?;
        serde_json::from_str(&text).map(|v| (status, v)).map_err(|_| format!("{status}: {text}"))
    }

    /// A call signed with OSC4 at the current time.
    pub fn signed(&self, key: &Key, call: &str, body: Value) -> Reply {
        self.signed_with(key, Algorithm::Osc4, call, body.to_string().into_bytes(), &self.host(), 0)
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
        let sk = SigningKey {
            algorithm,
            access_key: &key.id,
            secret_key: &key.secret,
            region: "eu-west-2",
            service: "api",
        };
        let path = format!("/api/v1/{call}");
        let h = signing::sign(&sk, host, &path, &body, &amz_date(skew));
        self.send(
            &path,
            &[
                ("authorization", h.authorization),
                (h.date_header.0, h.date_header.1),
                ("content-type", h.content_type.into()),
            ],
            body,
        )
    }

    /// Signs in as the console does: email/password → a temporary, tagged access key.
    pub fn sign_in(&self, login: &str, password: &str) -> Key {
        let expires = (OffsetDateTime::now_utc() + time::Duration::hours(1))
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        let body = self
            .basic(
                "CreateAccessKey",
                login,
                password,
                json!({"ExpirationDate": expires, "Tag": "console"}),
            )
            .ok();
        key_of(&body)
    }

    /// A permanent access key (no expiration).
    pub fn permanent_key(&self, login: &str, password: &str) -> Key {
        key_of(&self.basic("CreateAccessKey", login, password, json!({})).ok())
    }

    pub fn account(&self, key: &Key) -> Value {
        self.signed(key, "ReadAccounts", json!({})).ok()["Accounts"][0].clone()
    }
}

pub fn key_of(body: &Value) -> Key {
    Key {
        id: body["AccessKey"]["AccessKeyId"].as_str().expect("AccessKeyId").to_owned(),
        secret: body["AccessKey"]["SecretKey"].as_str().expect("SecretKey").to_owned(),
    }
}
