//! `aws-api-mcp suggest download-model`: fetches the BGE-M3 ONNX export for
//! users who have internet, into the folder the server looks in.
//!
//! Every file is pinned by size and SHA-256 at one revision of
//! `BAAI/bge-m3`, so a changed, truncated or substituted file is refused
//! instead of being embedded with. Files are streamed to a hidden partial
//! file, hashed on the way, and renamed into place only once they match;
//! `model.json` is written last, so a folder the server would load is
//! always complete. A file already in place with the right hash is kept,
//! which makes an interrupted download cheap to resume.
//!
//! The pins were read from the revision's published metadata (sizes and
//! LFS hashes) and agree with other public projects that pin the same
//! files; they could not be checked by a download from the machines this
//! was built on, which reach only package registries. The tests run the
//! same code against a server on loopback with files of their own.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use http_body_util::BodyExt;
use sha2::{Digest, Sha256};
use suggest_index::dense::{ModelSpec, Pooling, SPEC_FILE};

use crate::exec::http::{HttpClient, HttpError};

/// The revision of `BAAI/bge-m3` whose files are pinned.
pub const BGE_M3_REVISION: &str = "5617a9f61b028005a4858fdac845db406aefb181";

/// Where the pinned revision's files are published.
pub fn bge_m3_base_url() -> String {
    format!("https://huggingface.co/BAAI/bge-m3/resolve/{BGE_M3_REVISION}/")
}

/// One file to fetch: where it is below the base URL, its name in the model
/// folder, and what it must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinnedFile {
    pub remote: String,
    pub local: String,
    pub size: u64,
    pub sha256: String,
}

impl PinnedFile {
    fn new(remote: &str, local: &str, size: u64, sha256: &str) -> Self {
        Self {
            remote: remote.into(),
            local: local.into(),
            size,
            sha256: sha256.into(),
        }
    }
}

/// What to fetch and the spec that describes it once fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelDownload {
    pub base_url: String,
    pub files: Vec<PinnedFile>,
    pub spec: ModelSpec,
}

impl ModelDownload {
    /// BGE-M3 (1024 dimensions, CLS pooling, normalized): the ONNX graph,
    /// its external weights (`model.onnx_data` and one constant, which ONNX
    /// Runtime reads from beside the graph) and the tokenizer exported with
    /// it.
    pub fn bge_m3(base_url: Option<&str>) -> Self {
        let model_sha = "f84251230831afb359ab26d9fd37d5936d4d9bb5d1d5410e66442f630f24435b";
        let tokenizer_sha = "6710678b12670bc442b99edc952c4d996ae309a7020c1fa0096dd245c2faf790";
        Self {
            base_url: base_url.map_or_else(bge_m3_base_url, str::to_owned),
            files: vec![
                PinnedFile::new("onnx/model.onnx", "model.onnx", 724_923, model_sha),
                PinnedFile::new(
                    "onnx/model.onnx_data",
                    "model.onnx_data",
                    2_266_820_608,
                    "1eebfb28493f67bba03ce0ef64bfdc7fc5a3bd9d7493f818bb1d78cd798416b4",
                ),
                PinnedFile::new(
                    "onnx/Constant_7_attr__value",
                    "Constant_7_attr__value",
                    65_552,
                    "cdf16f72c5d07b36484056e601ed9687f78477e5d85cee85a34f2406b7fb5906",
                ),
                PinnedFile::new(
                    "onnx/tokenizer.json",
                    "tokenizer.json",
                    17_082_821,
                    tokenizer_sha,
                ),
            ],
            spec: ModelSpec {
                id: "BAAI/bge-m3".into(),
                dimensions: 1024,
                pooling: Pooling::Cls,
                normalize: true,
                max_tokens: 512,
                query_prefix: String::new(),
                document_prefix: String::new(),
                model_sha256: model_sha.into(),
                tokenizer_sha256: tokenizer_sha.into(),
            },
        }
    }
}

/// Why a download stopped.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error("{url} answered HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("{url} redirected more than {max} times")]
    Redirects { url: String, max: usize },
    #[error("{url} redirected to {to}, which is not HTTPS: refused")]
    Downgrade { url: String, to: String },
    #[error("`{url}` is not a usable URL: {what}")]
    BadUrl { url: String, what: String },
    #[error(
        "{url} is {got} bytes but {file} is pinned at {want} bytes: the file changed or the download was cut; nothing was kept"
    )]
    Size {
        url: String,
        file: String,
        got: u64,
        want: u64,
    },
    #[error("{url} has SHA-256 {got} but {file} is pinned at {want}: refused, nothing was kept")]
    Hash {
        url: String,
        file: String,
        got: String,
        want: String,
    },
    #[error("{}: {error}", path.display())]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> DownloadError + '_ {
    move |error| DownloadError::Io {
        path: path.to_owned(),
        error,
    }
}

/// How a file was got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fetched {
    /// Already in the folder with the pinned hash.
    Kept,
    /// Downloaded and checked.
    Downloaded,
}

/// A stalled body is given up after this long.
const STALL: Duration = Duration::from_secs(60);
/// Redirects followed for one file (Hugging Face sends one to its CDN).
const MAX_REDIRECTS: usize = 10;

/// Fetches every file of `download` into `dir` (made if missing), then
/// writes `model.json`. `progress` hears each file's name and how it was
/// got.
pub async fn download_model(
    client: &HttpClient,
    download: &ModelDownload,
    dir: &Path,
    mut progress: impl FnMut(&PinnedFile, Fetched),
) -> Result<(), DownloadError> {
    let base = &download.base_url;
    if !base
        .parse::<http::Uri>()
        .is_ok_and(|u| matches!(u.scheme_str(), Some("http" | "https")) && u.authority().is_some())
    {
        return Err(DownloadError::BadUrl {
            url: base.clone(),
            what: "give an http:// or https:// URL of a folder holding the pinned files".into(),
        });
    }
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    for file in &download.files {
        let how = fetch_file(client, &download.base_url, file, dir).await?;
        progress(file, how);
    }
    let spec_path = dir.join(SPEC_FILE);
    let text = serde_json::to_string_pretty(&download.spec).expect("a spec is plain data");
    std::fs::write(&spec_path, text + "\n").map_err(io(&spec_path))?;
    Ok(())
}

/// SHA-256 of a file read in pieces (the weights are gigabytes).
fn sha256_of(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hex::encode(hasher.finalize()))
}

async fn fetch_file(
    client: &HttpClient,
    base_url: &str,
    file: &PinnedFile,
    dir: &Path,
) -> Result<Fetched, DownloadError> {
    let target = dir.join(&file.local);
    if std::fs::metadata(&target).is_ok_and(|m| m.len() == file.size)
        && sha256_of(&target).map_err(io(&target))? == file.sha256
    {
        return Ok(Fetched::Kept);
    }
    let url = format!("{}/{}", base_url.trim_end_matches('/'), file.remote);
    let partial = dir.join(format!(".{}.partial", file.local));
    let result = stream_to(client, &url, file, &partial).await;
    if let Err(e) = result {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, &target).map_err(io(&target))?;
    Ok(Fetched::Downloaded)
}

/// GETs `url` (following redirects) into `partial`, checking the size as
/// bytes arrive and the hash at the end.
async fn stream_to(
    client: &HttpClient,
    url: &str,
    file: &PinnedFile,
    partial: &Path,
) -> Result<(), DownloadError> {
    let response = get_following(client, url).await?;
    let size_error = |got| DownloadError::Size {
        url: url.to_owned(),
        file: file.local.clone(),
        got,
        want: file.size,
    };
    if let Some(length) = response
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
        && length != file.size
    {
        return Err(size_error(length));
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(partial).map_err(io(partial))?);
    let mut hasher = Sha256::new();
    let mut got = 0u64;
    let mut body = response.into_body();
    let host = url.to_owned();
    loop {
        let frame = match tokio::time::timeout(STALL, body.frame()).await {
            Err(_) => {
                return Err(HttpError::Timeout {
                    host,
                    secs: STALL.as_secs(),
                }
                .into());
            }
            Ok(None) => break,
            Ok(Some(Err(e))) => {
                return Err(HttpError::Body {
                    host,
                    message: e.to_string(),
                }
                .into());
            }
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        got += data.len() as u64;
        if got > file.size {
            return Err(size_error(got));
        }
        hasher.update(&data);
        out.write_all(&data).map_err(io(partial))?;
    }
    if got != file.size {
        return Err(size_error(got));
    }
    out.flush().map_err(io(partial))?;
    let digest = hex::encode(hasher.finalize());
    if digest != file.sha256 {
        return Err(DownloadError::Hash {
            url: url.to_owned(),
            file: file.local.clone(),
            got: digest,
            want: file.sha256.clone(),
        });
    }
    Ok(())
}

/// A GET that follows redirects, refusing a step from HTTPS down to HTTP.
async fn get_following(
    client: &HttpClient,
    url: &str,
) -> Result<http::Response<hyper::body::Incoming>, DownloadError> {
    let parse = |u: &str| {
        u.parse::<http::Uri>().map_err(|e| DownloadError::BadUrl {
            url: u.to_owned(),
            what: e.to_string(),
        })
    };
    let mut current = parse(url)?;
    for _ in 0..=MAX_REDIRECTS {
        let request = http::Request::get(current.clone())
            .header(
                http::header::USER_AGENT,
                concat!("aws-api-mcp/", env!("CARGO_PKG_VERSION")),
            )
            .body(Vec::new())
            .map_err(|e| HttpError::Request(e.to_string()))?;
        let response = client.send_streaming(request, STALL).await?;
        let status = response.status();
        if !status.is_redirection() {
            if !status.is_success() {
                return Err(DownloadError::Status {
                    url: current.to_string(),
                    status: status.as_u16(),
                });
            }
            return Ok(response);
        }
        let Some(location) = response
            .headers()
            .get(http::header::LOCATION)
            .and_then(|v| v.to_str().ok())
        else {
            return Err(DownloadError::Status {
                url: current.to_string(),
                status: status.as_u16(),
            });
        };
        let next = resolve(&current, location)?;
        if current.scheme_str() == Some("https") && next.scheme_str() != Some("https") {
            return Err(DownloadError::Downgrade {
                url: current.to_string(),
                to: next.to_string(),
            });
        }
        current = next;
    }
    Err(DownloadError::Redirects {
        url: url.to_owned(),
        max: MAX_REDIRECTS,
    })
}

/// A `Location` against the URL that sent it: absolute, or a path on the
/// same host.
fn resolve(base: &http::Uri, location: &str) -> Result<http::Uri, DownloadError> {
    let bad = |what: String| DownloadError::BadUrl {
        url: location.to_owned(),
        what,
    };
    let uri: http::Uri = location
        .parse()
        .map_err(|e: http::uri::InvalidUri| bad(e.to_string()))?;
    if uri.scheme().is_some() {
        return Ok(uri);
    }
    if !location.starts_with('/') {
        return Err(bad("a relative redirect that is not a path".into()));
    }
    let mut parts = base.clone().into_parts();
    parts.path_and_query = uri.path_and_query().cloned();
    http::Uri::from_parts(parts).map_err(|e| bad(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::Arc;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A minimal HTTP/1.1 server on loopback: each path answers a body, a
    /// redirect (`->target`) or a lie about its length (`!len`).
    async fn serve(routes: HashMap<String, Vec<u8>>) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let routes = Arc::new(routes);
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let routes = routes.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        if socket.read(&mut byte).await.unwrap_or(0) == 0 {
                            return;
                        }
                        head.push(byte[0]);
                    }
                    let line = String::from_utf8_lossy(&head).to_string();
                    let path = line.split(' ').nth(1).unwrap_or("").to_owned();
                    let answer = match routes.get(&path) {
                        Some(body) if body.starts_with(b"->") => format!(
                            "HTTP/1.1 302 Found\r\nLocation: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                            String::from_utf8_lossy(&body[2..])
                        )
                        .into_bytes(),
                        Some(body) => {
                            let mut a = format!(
                                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                                body.len()
                            )
                            .into_bytes();
                            a.extend_from_slice(body);
                            a
                        }
                        None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
                    };
                    let _ = socket.write_all(&answer).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        format!("http://{addr}/repo/")
    }

    fn pinned(remote: &str, local: &str, body: &[u8]) -> PinnedFile {
        PinnedFile::new(
            remote,
            local,
            body.len() as u64,
            &hex::encode(Sha256::digest(body)),
        )
    }

    fn small_download(base_url: String, files: Vec<PinnedFile>) -> ModelDownload {
        let mut d = ModelDownload::bge_m3(Some(&base_url));
        d.files = files;
        d
    }

    #[tokio::test]
    async fn downloads_checks_and_writes_the_spec_last() {
        let weights = vec![7u8; 300_000];
        let tokenizer = br#"{"model": "tiny"}"#.to_vec();
        let base = serve(HashMap::from([
            ("/repo/onnx/model.onnx".into(), b"->/cdn/model".to_vec()),
            ("/cdn/model".into(), weights.clone()),
            ("/repo/onnx/tokenizer.json".into(), tokenizer.clone()),
        ]))
        .await;
        let dir = tempfile::tempdir().unwrap();
        let download = small_download(
            base,
            vec![
                pinned("onnx/model.onnx", "model.onnx", &weights),
                pinned("onnx/tokenizer.json", "tokenizer.json", &tokenizer),
            ],
        );
        let client = HttpClient::new();
        let mut seen = Vec::new();
        download_model(&client, &download, dir.path(), |f, how| {
            seen.push((f.local.clone(), how))
        })
        .await
        .unwrap();
        assert_eq!(
            seen,
            [
                ("model.onnx".to_string(), Fetched::Downloaded),
                ("tokenizer.json".to_string(), Fetched::Downloaded)
            ]
        );
        assert_eq!(
            std::fs::read(dir.path().join("model.onnx")).unwrap(),
            weights
        );
        let spec: ModelSpec =
            serde_json::from_slice(&std::fs::read(dir.path().join(SPEC_FILE)).unwrap()).unwrap();
        assert_eq!(spec.id, "BAAI/bge-m3");
        assert_eq!((spec.dimensions, spec.pooling), (1024, Pooling::Cls));

        // A second run keeps what is already right.
        seen.clear();
        download_model(&client, &download, dir.path(), |f, how| {
            seen.push((f.local.clone(), how))
        })
        .await
        .unwrap();
        assert!(
            seen.iter().all(|(_, how)| *how == Fetched::Kept),
            "{seen:?}"
        );
    }

    #[tokio::test]
    async fn a_file_that_does_not_match_its_pin_is_refused_and_not_kept() {
        let base = serve(HashMap::from([
            ("/repo/a".into(), b"the real file".to_vec()),
            ("/repo/b".into(), b"the real file!".to_vec()),
        ]))
        .await;
        let client = HttpClient::new();
        let dir = tempfile::tempdir().unwrap();

        // Same length, other bytes.
        let mut pin = pinned("a", "model.onnx", b"the fake file");
        let e = download_model(
            &client,
            &small_download(base.clone(), vec![pin.clone()]),
            dir.path(),
            |_, _| {},
        )
        .await
        .unwrap_err();
        assert!(matches!(e, DownloadError::Hash { .. }), "{e}");
        assert!(e.to_string().contains("pinned at"), "{e}");

        // Longer than pinned.
        pin.remote = "b".into();
        let e = download_model(
            &client,
            &small_download(base.clone(), vec![pin]),
            dir.path(),
            |_, _| {},
        )
        .await
        .unwrap_err();
        assert!(
            matches!(
                e,
                DownloadError::Size {
                    got: 14,
                    want: 13,
                    ..
                }
            ),
            "{e}"
        );

        // Missing.
        let e = download_model(
            &client,
            &small_download(base, vec![pinned("nope", "model.onnx", b"x")]),
            dir.path(),
            |_, _| {},
        )
        .await
        .unwrap_err();
        assert!(
            matches!(e, DownloadError::Status { status: 404, .. }),
            "{e}"
        );

        // Nothing was left behind: no file, no partial, no spec.
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn redirects_resolve_against_the_sender() {
        let base: http::Uri = "https://huggingface.co/BAAI/bge-m3/resolve/x/onnx/model.onnx"
            .parse()
            .unwrap();
        assert_eq!(
            resolve(&base, "/api/resolve-cache/x").unwrap().to_string(),
            "https://huggingface.co/api/resolve-cache/x"
        );
        assert_eq!(
            resolve(&base, "https://cdn.example/f?sig=1")
                .unwrap()
                .to_string(),
            "https://cdn.example/f?sig=1"
        );
        assert!(resolve(&base, "elsewhere").is_err());
    }

    #[test]
    fn the_bge_m3_pins_describe_the_model_json_it_writes() {
        let d = ModelDownload::bge_m3(None);
        assert!(
            d.base_url
                .starts_with("https://huggingface.co/BAAI/bge-m3/resolve/")
        );
        let model = d.files.iter().find(|f| f.local == "model.onnx").unwrap();
        let tokenizer = d
            .files
            .iter()
            .find(|f| f.local == "tokenizer.json")
            .unwrap();
        assert_eq!(d.spec.model_sha256, model.sha256);
        assert_eq!(d.spec.tokenizer_sha256, tokenizer.sha256);
        assert!(d.files.iter().all(|f| f.sha256.len() == 64 && f.size > 0));
    }
}
