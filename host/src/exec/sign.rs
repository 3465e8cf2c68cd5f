//! SigV4 with `aws-sigv4`, with S3's rules: the payload hash in
//! `x-amz-content-sha256`, no double encoding and no path normalization
//! (keys such as `a//b` or `../x` are names, not paths).

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SignatureLocation,
    SigningSettings, UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;

use super::ExecError;

/// Who signs and for what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// The signing name (`s3`, `execute-api`).
    pub name: String,
    /// The signing region.
    pub region: String,
    /// S3-style signing (payload hash header, single encoding).
    pub s3: bool,
}

/// Signs `request` in place.
pub fn sign_request(
    request: &mut http::Request<Vec<u8>>,
    credentials: &Credentials,
    scope: &Scope,
    time: SystemTime,
) -> Result<(), ExecError> {
    let mut settings = SigningSettings::default();
    if scope.s3 {
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    }
    let uri = request.uri().to_string();
    let headers = super::http::header_pairs(request.headers());
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let instructions = instructions(
        settings,
        (credentials, scope, time),
        (request.method().as_str(), &uri, &headers),
        request.body(),
    )?;
    instructions.apply_to_request_http1x(request);
    Ok(())
}

/// A presigned GET of `url` (SigV4 in the query string, valid for
/// `expires`), signing `headers` too: what `eks get-token` and
/// `rds generate-db-auth-token` hand out.
pub fn presign_url(
    url: &str,
    headers: &[(&str, &str)],
    credentials: &Credentials,
    scope: &Scope,
    time: SystemTime,
    expires: std::time::Duration,
) -> Result<String, ExecError> {
    let mut settings = SigningSettings::default();
    settings.signature_location = SignatureLocation::QueryParams;
    settings.expires_in = Some(expires);
    let instructions = instructions(
        settings,
        (credentials, scope, time),
        ("GET", url, headers),
        &[],
    )?;
    let mut request = http::Request::builder()
        .method("GET")
        .uri(url)
        .body(())
        .map_err(|e| ExecError::Request(format!("the URL cannot be signed: {e}")))?;
    instructions.apply_to_request_http1x(&mut request);
    Ok(request.uri().to_string())
}

/// What signing a request adds to it (headers, or query parameters).
fn instructions(
    settings: SigningSettings,
    (credentials, scope, time): (&Credentials, &Scope, SystemTime),
    (method, uri, headers): (&str, &str, &[(&str, &str)]),
    body: &[u8],
) -> Result<aws_sigv4::http_request::SigningInstructions, ExecError> {
    let bad = |e: &dyn std::fmt::Display| {
        ExecError::Request(format!("the request cannot be signed: {e}"))
    };
    let identity = credentials.clone().into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&scope.region)
        .name(&scope.name)
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| bad(&e))?
        .into();
    let signable = SignableRequest::new(
        method,
        uri,
        headers.iter().copied(),
        SignableBody::Bytes(body),
    )
    .map_err(|e| bad(&e))?;
    let (instructions, _signature) = sign(signable, &params).map_err(|e| bad(&e))?.into_parts();
    Ok(instructions)
}
