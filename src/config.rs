//! The runtime configuration, `config.json`, served beside the app: which API
//! endpoints a person can sign in to. Changing it needs no rebuild.

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleConfig {
    pub default_endpoint: String,
    /// How long a console session (its temporary access key) lives.
    #[serde(default = "default_session_seconds")]
    pub session_seconds: u32,
    pub endpoints: Vec<Endpoint>,
}

fn default_session_seconds() -> u32 {
    3600
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    pub id: String,
    pub label: String,
    /// Where the browser sends calls: `<url>/<Call>`.
    pub url: String,
    /// The region named in signatures.
    pub region: String,
    /// The host named in signatures, when the browser's own differs (behind a proxy).
    #[serde(default)]
    pub host: Option<String>,
    /// The path the API itself sees, named in signatures (`<path>/<Call>`): a proxy
    /// that forwards `/outscale/<region>/api/v1/` to OUTSCALE's `/api/v1/` changes it.
    /// By default `/api/v1` when `host` is set, else the path of `url`.
    #[serde(default)]
    pub path: Option<String>,
    /// Whether the endpoint has this project's `UpdatePassword` extension.
    #[serde(default)]
    pub password_change: bool,
}

impl Endpoint {
    /// The path signed for `<Call>`'s prefix, when it is not the browser's own.
    pub fn signed_path(&self) -> Option<&str> {
        self.path.as_deref().or(self.host.is_some().then_some("/api/v1"))
    }
}

impl ConsoleConfig {
    pub fn endpoint(&self, id: &str) -> Option<&Endpoint> {
        self.endpoints.iter().find(|e| e.id == id)
    }

    pub fn default_endpoint(&self) -> Option<&Endpoint> {
        self.endpoint(&self.default_endpoint).or(self.endpoints.first())
    }
}

pub async fn load() -> Result<ConsoleConfig, String> {
    let unreachable = |_| "config.json: no answer".to_owned();
    let response =
        gloo_net::http::Request::get("/config.json").send().await.map_err(unreachable)?;
    if !response.ok() {
        return Err(format!("config.json: HTTP {}", response.status()));
    }
    let text = response.text().await.map_err(unreachable)?;
    let config: ConsoleConfig = crate::json::read(&text)
        .map_err(|e| format!("config.json: not a valid configuration ({e})"))?;
    if config.endpoints.is_empty() {
        return Err("config.json lists no endpoint".into());
    }
    Ok(config)
}
