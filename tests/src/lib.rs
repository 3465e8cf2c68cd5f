//! Helpers shared by the end-to-end tests: the test guests, policy folders
//! made of them, and the `aws-api-mcp` binary.

use std::path::{Path, PathBuf};

/// Paths of the test guests built from `guests/`, one constant per guest
/// (`guests::LOOPING`, `guests::DECIDES`, ...).
pub mod guests {
    include!(concat!(env!("OUT_DIR"), "/guests.rs"));
}

/// A temporary policies folder holding copies of `files` (paths to `.wasm`
/// files, or `(name, bytes)` written as given).
pub fn policies_dir(guests: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for guest in guests {
        let path = Path::new(guest);
        let name = path.file_name().expect("a guest path has a file name");
        std::fs::copy(path, dir.path().join(name)).expect("copying a guest");
    }
    dir
}

/// The `aws-api-mcp` binary that Cargo built next to this test binary.
pub fn binary() -> PathBuf {
    let mut dir = std::env::current_exe().expect("the test binary's path");
    dir.pop();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let path = dir.join(format!("aws-api-mcp{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "`{}` is missing: build it with `cargo build -p aws-api-mcp` (cargo test --workspace does)",
        path.display()
    );
    path
}

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// Closed loopback port (discard): a request sent there is refused at once.
pub const REFUSED_ENDPOINT: &str = "http://127.0.0.1:9";

/// The AWS settings every server under test gets, so that an allowed
/// command can never reach AWS or the instance metadata service: fake
/// credentials, no config files, one attempt, and every endpoint on
/// `endpoint` (a loopback URL: moto, or [`REFUSED_ENDPOINT`]).
pub fn offline_aws_env(endpoint: &str) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ACCESS_KEY_ID", "testing".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "testing".to_owned()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
        ("AWS_CONFIG_FILE", "/nonexistent/aws-config".to_owned()),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/aws-credentials".to_owned(),
        ),
        ("AWS_MAX_ATTEMPTS", "1".to_owned()),
        ("AWS_ENDPOINT_URL", endpoint.to_owned()),
    ]
}

/// One HTTP request as a loopback endpoint received it.
#[derive(Debug, Clone)]
pub struct Received {
    /// The request line and headers, as sent.
    pub head: String,
    /// The body.
    pub body: String,
}

/// A loopback HTTP endpoint that answers every request with one canned
/// response and keeps what it received: enough to see whether, and how, a
/// command reached "AWS" when moto is not at hand.
#[derive(Debug)]
pub struct RecordingEndpoint {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    received: std::sync::Arc<std::sync::Mutex<Vec<Received>>>,
}

impl RecordingEndpoint {
    /// Starts answering `status` with `body` (XML) on a free port.
    pub fn start(status: u16, body: &'static str) -> RecordingEndpoint {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let url = format!(
            "http://{}",
            listener.local_addr().expect("the listener's address")
        );
        let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = std::sync::Arc::clone(&received);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().expect("a socket clone"));
                let mut head = String::new();
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some((name, value)) = line.split_once(':')
                        && name.eq_ignore_ascii_case("content-length")
                    {
                        length = value.trim().parse().unwrap_or(0);
                    }
                    head.push_str(&line);
                }
                let mut request_body = vec![0u8; length];
                if reader.read_exact(&mut request_body).is_err() {
                    continue;
                }
                log.lock().expect("the request log").push(Received {
                    head,
                    body: String::from_utf8_lossy(&request_body).into_owned(),
                });
                let answer = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: text/xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        RecordingEndpoint { url, received }
    }

    /// The requests received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("the request log").clone()
    }
}
