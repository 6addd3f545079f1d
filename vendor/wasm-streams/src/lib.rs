//! The console's stand-in for [wasm-streams](https://crates.io/crates/wasm-streams) 0.5.
//!
//! Leptos always builds `server_fn` for the browser, and `server_fn` uses wasm-streams
//! for streaming server functions. wasm-streams exports three classes to JavaScript
//! (`IntoUnderlyingSource`, `IntoUnderlyingSink`, `IntoUnderlyingByteSource`), and
//! exported code stays in the wasm and its JavaScript glue whether or not anything uses
//! it, with all it reaches: 5.9 KB of the console's brotli budget (docs/BENCHMARKS.md).
//! The console has no server functions, so this crate (a `[patch.crates-io]` of the
//! workspace) keeps only the API `server_fn` compiles against: reading a
//! `ReadableStream` works as in wasm-streams; making one from a Rust stream (a
//! streaming request body) panics.

use core::pin::Pin;
use core::task::{Context, Poll};

use futures_util::stream::Stream;
use futures_util::FutureExt;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// A browser `ReadableStream`.
#[derive(Debug)]
pub struct ReadableStream {
    raw: web_sys::ReadableStream,
}

impl ReadableStream {
    /// Wraps a browser stream.
    pub fn from_raw(raw: web_sys::ReadableStream) -> Self {
        Self { raw }
    }

    /// Not available here: it needs wasm-streams' exported `IntoUnderlyingSource`.
    pub fn from_stream<St>(_stream: St) -> Self
    where
        St: Stream<Item = Result<JsValue, JsValue>> + 'static,
    {
        panic!("streaming request bodies are not built into this app (vendor/wasm-streams)")
    }

    /// The browser stream.
    pub fn into_raw(self) -> web_sys::ReadableStream {
        self.raw
    }

    /// The stream's chunks, read with a default reader (which locks the stream).
    pub fn into_stream(self) -> IntoStream {
        let reader = self.raw.get_reader().unchecked_into::<web_sys::ReadableStreamDefaultReader>();
        IntoStream { reader: Some(reader), read: None }
    }
}

/// The chunks of a [`ReadableStream`], as raw JavaScript values.
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct IntoStream {
    reader: Option<web_sys::ReadableStreamDefaultReader>,
    read: Option<JsFuture>,
}

impl Drop for IntoStream {
    fn drop(&mut self) {
        if let Some(reader) = self.reader.take() {
            reader.release_lock();
        }
    }
}

impl Stream for IntoStream {
    type Item = Result<JsValue, JsValue>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut read = match (self.read.take(), &self.reader) {
            (Some(read), _) => read,
            (None, Some(reader)) => JsFuture::from(reader.read()),
            (None, None) => return Poll::Ready(None),
        };
        let result = match read.poll_unpin(cx) {
            Poll::Pending => {
                self.read = Some(read);
                return Poll::Pending;
            }
            Poll::Ready(result) => result,
        };
        match result {
            Ok(result) => {
                let result = result.unchecked_into::<web_sys::ReadableStreamReadResult>();
                if result.get_done().unwrap_or(false) {
                    self.reader = None;
                    Poll::Ready(None)
                } else {
                    Poll::Ready(Some(Ok(result.get_value())))
                }
            }
            Err(e) => {
                self.reader = None;
                Poll::Ready(Some(Err(e)))
            }
        }
    }
}
