//! The HTTP client: hyper over rustls (the same TLS stack `aws-config`
//! uses, so the binary carries one), system root certificates, HTTP/1.1 and
//! HTTP/2, pooled connections, and the CLI's two timeouts.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use super::parse::WireResponse;

/// The CLI's default connect and read timeouts (60 s each).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Why a request got no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    #[error("could not connect to {host}: {message}")]
    Connect { host: String, message: String },
    #[error("{host} did not answer within {secs} s")]
    Timeout { host: String, secs: u64 },
    #[error("the response from {host} was cut off: {message}")]
    Body { host: String, message: String },
    #[error("the response from {host} is larger than {limit} bytes")]
    TooLarge { host: String, limit: usize },
    #[error("the request could not be built: {0}")]
    Request(String),
}

impl HttpError {
    /// Connection failures and timeouts are worth a retry.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            HttpError::Connect { .. } | HttpError::Timeout { .. } | HttpError::Body { .. }
        )
    }
}

/// A pooled client for every request of the process.
#[derive(Clone)]
pub struct HttpClient {
    client: Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl Default for HttpClient {
    fn default() -> Self {
        Self::new()
    }
}

impl HttpClient {
    /// A client trusting the system's root certificates (none found leaves
    /// plain HTTP working and HTTPS failing with a clear error).
    pub fn new() -> Self {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(DEFAULT_TIMEOUT));
        http.set_nodelay(true);
        let builder = hyper_rustls::HttpsConnectorBuilder::new();
        let builder = match builder.with_native_roots() {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!("no system root certificates ({e}); HTTPS requests will fail");
                hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(
                    rustls::ClientConfig::builder()
                        .with_root_certificates(rustls::RootCertStore::empty())
                        .with_no_client_auth(),
                )
            }
        };
        let connector = builder
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(connector);
        HttpClient { client }
    }

    /// Sends `request` and answers as soon as the head arrives (within
    /// `wait`), leaving the body to be streamed: for downloads too large to
    /// hold in memory.
    pub async fn send_streaming(
        &self,
        request: http::Request<Vec<u8>>,
        wait: Duration,
    ) -> Result<http::Response<hyper::body::Incoming>, HttpError> {
        let host = request
            .uri()
            .authority()
            .map(|a| a.to_string())
            .unwrap_or_default();
        let (parts, body) = request.into_parts();
        let request = http::Request::from_parts(parts, Full::new(Bytes::from(body)));
        match tokio::time::timeout(wait, self.client.request(request)).await {
            Err(_) => Err(HttpError::Timeout {
                host,
                secs: wait.as_secs(),
            }),
            Ok(Err(e)) => Err(connect_error(host, &e)),
            Ok(Ok(r)) => Ok(r),
        }
    }

    /// Sends `request`; the answer must start within `connect + read` and
    /// the body must not stall longer than `read` nor exceed `limit` bytes.
    pub async fn send(
        &self,
        request: http::Request<Vec<u8>>,
        connect: Duration,
        read: Duration,
        limit: usize,
    ) -> Result<WireResponse, HttpError> {
        let host = request
            .uri()
            .authority()
            .map(|a| a.to_string())
            .unwrap_or_default();
        let response = self.send_streaming(request, connect + read).await?;
        let status = response.status().as_u16();
        let headers = header_pairs(response.headers());
        let body = Limited::new(response.into_body(), limit);
        let collected = tokio::time::timeout(read, body.collect()).await;
        let body = match collected {
            Err(_) => {
                return Err(HttpError::Timeout {
                    host,
                    secs: read.as_secs(),
                });
            }
            Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => {
                return Err(HttpError::TooLarge { host, limit });
            }
            Ok(Err(e)) => {
                return Err(HttpError::Body {
                    host,
                    message: e.to_string(),
                });
            }
            Ok(Ok(c)) => c.to_bytes().to_vec(),
        };
        Ok(WireResponse {
            status,
            headers,
            body,
        })
    }
}

/// A failed request with its whole chain of causes (hyper's own message is
/// only "client error (Connect)").
fn connect_error(host: String, e: &dyn std::error::Error) -> HttpError {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        message = format!("{message}: {s}");
        source = s.source();
    }
    HttpError::Connect { host, message }
}

/// Headers as (name, value) text pairs, names in lower case.
pub fn header_pairs(headers: &http::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}
