//! The HTTP face of the API: `POST /api/v1/<Call>` (and `/api/latest/<Call>`,
//! which osc-cli uses), one JSON body in, one JSON body out, OAPI errors; the body
//! parsed (`body.rs`), the client's address read (`client.rs`), connections served
//! (`listen.rs`), the built console beside the API (`console.rs`).

pub mod body;
pub mod client;
pub mod console;
pub mod listen;

use std::time::Instant;

use account_contract::validation::MAX_BODY_BYTES;
use account_contract::{call_named, ApiError, CallInfo, ErrorCode};
use axum::body::{to_bytes, Body};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use serde::Serialize;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::auth::familiar::{DeviceCookie, Devices, Source, DEVICE_COOKIE};
use crate::auth::{self, AppState, Authenticated, Ctx};
use crate::calls;
use crate::{clock, ids};
use body::parse;

/// How the server is put together.
#[derive(Default)]
pub struct Options {
    pub cors_origins: Vec<String>,
    /// The built console to serve at `/`, if any.
    pub console_dir: Option<std::path::PathBuf>,
}

/// A request that takes longer than this (a body trickling in) is given up with 408.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The whole service: paths normalised, then routed.
pub type Service = tower::util::MapRequest<Router, fn(Request<Body>) -> Request<Body>>;

pub fn service(state: AppState, options: &Options) -> Service {
    let normalize: fn(Request<Body>) -> Request<Body> = collapse_slashes;
    tower::ServiceExt::map_request(router(state, options), normalize)
}

/// `//api/latest/X` is `/api/latest/X`: osc-cli joins its endpoint and path with
/// an extra slash, and signs the path without it.
fn collapse_slashes(mut request: Request<Body>) -> Request<Body> {
    let path = request.uri().path();
    if path.contains("//") {
        let mut clean = String::with_capacity(path.len());
        for c in path.chars() {
            if !(c == '/' && clean.ends_with('/')) {
                clean.push(c);
            }
        }
        let rebuilt = match request.uri().query() {
            Some(q) => format!("{clean}?{q}"),
            None => clean,
        };
        if let Ok(uri) = rebuilt.parse() {
            *request.uri_mut() = uri;
        }
    }
    request
}

pub fn router(state: AppState, options: &Options) -> Router {
    let api = Router::new()
        .route("/api/v1/{call}", any(handle))
        .route("/api/latest/{call}", any(handle))
        .route(
            "/api/{*rest}",
            any(|| async { no_store(error_response(&ids::request_id(), no_such_call())) }),
        )
        .with_state(state);
    let router = match &options.console_dir {
        Some(dir) => api.merge(console::routes(dir)),
        None => {
            api.fallback(|| async { no_store(error_response(&ids::request_id(), no_such_call())) })
        }
    };
    // A request that takes longer than this (a body trickling in) is given up.
    let router = router.layer(tower_http::timeout::TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        REQUEST_TIMEOUT,
    ));
    if options.cors_origins.is_empty() {
        return router;
    }
    let origins: Vec<HeaderValue> =
        options.cors_origins.iter().filter_map(|o| o.parse().ok()).collect();
    router.layer(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::POST])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                "x-osc-date".parse().expect("header name"),
                "x-amz-date".parse().expect("header name"),
            ])
            .expose_headers(["x-request-id".parse().expect("header name"), header::RETRY_AFTER]),
    )
}

/// Answers carry secrets (a new key's) and personal data: no cache may keep them.
fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn no_such_call() -> ApiError {
    ApiError::new(ErrorCode::NoSuchCall, "No such call. Calls are POST /api/v1/<Call>.")
}

async fn handle(
    State(state): State<AppState>,
    Path(call): Path<String>,
    request: Request<Body>,
) -> Response {
    let started = Instant::now();
    let request_id = ids::request_id();
    let call = call_named(&call);
    let result = match call {
        Some(call) => serve(state, call, &request_id, request).await,
        None => Err(no_such_call()),
    };
    let response = no_store(match result {
        Ok(r) => r,
        Err(e) => error_response(&request_id, e),
    });
    tracing::info!(
        request_id = %request_id,
        call = call.map_or("-", |c| c.name),
        status = response.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}

async fn serve(
    state: AppState,
    call: CallInfo,
    request_id: &str,
    request: Request<Body>,
) -> Result<Response, ApiError> {
    if request.method() != Method::POST {
        return Err(ApiError::new(ErrorCode::MethodNotAllowed, "Calls take POST only."));
    }
    let client = client::address(&state, &request);
    let (parts, body) = request.into_parts();
    let source = Source::new(client, Devices::of(&parts.headers));
    let body = to_bytes(body, MAX_BODY_BYTES).await.map_err(|_| ApiError {
        status: 413,
        ..ApiError::new(
            ErrorCode::InvalidLength,
            format!("The request body is larger than {MAX_BODY_BYTES} bytes."),
        )
    })?;
    let now = clock::now();
    let Authenticated { caller, new_device } =
        auth::authenticate(&state, call, &parts, &body, &source, now).await?;
    let user_agent = parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok());
    let user_agent = user_agent.map(str::to_owned);
    let ctx = Ctx {
        state,
        caller,
        source,
        user_agent,
        request_id: request_id.to_owned(),
        now,
        dry_run: false,
        sensitive: false,
    };
    let answer = dispatch(call, ctx, &body).await;
    // The device is remembered once the sign-in is proved, whatever the call answers.
    let Some(device) = new_device else { return answer };
    let mut response = answer.unwrap_or_else(|e| error_response(request_id, e));
    response.headers_mut().insert(header::SET_COOKIE, device_cookie(&device, &parts.headers));
    Ok(response)
}

/// The `Set-Cookie` of a device cookie (`auth::familiar`): sent to the API's paths
/// only, out of scripts' reach, never cross-site, kept a year. `Secure` when the page
/// is https, as its `Origin` says (the cookie is given to browsers only, and a
/// browser's `Origin` names the scheme it used, behind any proxy), so it also works
/// on http://localhost.
fn device_cookie(device: &DeviceCookie, request: &HeaderMap) -> HeaderValue {
    let https = request.get(header::ORIGIN).is_some_and(|o| o.as_bytes().starts_with(b"https://"));
    let cookie = format!(
        "{DEVICE_COOKIE}={}; Max-Age=31536000; Path=/api; HttpOnly; SameSite=Strict{}",
        device.value(),
        if https { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&cookie).expect("hex digits make a header value")
}

/// Runs the call's handler (`calls::Serve`) on its parsed request. The match is
/// built from the contract's list of calls: a call without a handler does not compile.
async fn dispatch(call: CallInfo, ctx: Ctx, body: &[u8]) -> Result<Response, ApiError> {
    macro_rules! by_name {
        ($($name:ident: $request:ty => $response:ty, basic: $basic:literal;)*) => {
            match call.name {
                $(stringify!($name) => run::<$request>(ctx, body).await,)*
                _ => Err(no_such_call()),
            }
        };
    }
    account_contract::with_calls!(by_name)
}

async fn run<C: calls::Serve>(mut ctx: Ctx, body: &[u8]) -> Result<Response, ApiError> {
    let request = parse::<C>(body)?;
    ctx.dry_run = request.dry_run();
    ctx.sensitive = request.sensitive();
    ctx.check_sensitive().await?;
    let response: C::Response = request.serve(&ctx).await?;
    Ok(json_response(StatusCode::OK, &response))
}

fn json_response(status: StatusCode, body: &impl Serialize) -> Response {
    let bytes = serde_json::to_vec(body).expect("responses serialize");
    (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

pub fn error_response(request_id: &str, error: ApiError) -> Response {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let retry_after = error.retry_after;
    let mut response = json_response(status, &error.into_body(request_id.to_owned()));
    if let Some(secs) = retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    if let Ok(v) = HeaderValue::from_str(request_id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}
