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

/// How a [`RecordingEndpoint`] answers one request: the faults a real
/// endpoint shows (errors, throttling, garbage, stalls, dropped
/// connections, a server going away) as well as good answers.
#[derive(Debug, Clone)]
pub enum Reply {
    /// `status` with `body`, of content type `content_type`, and `headers`.
    Answer {
        status: u16,
        content_type: &'static str,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// Closes the connection without a word.
    Close,
    /// Declares a body of `declared` bytes, sends `sent`, and closes.
    CutBody { declared: usize, sent: Vec<u8> },
    /// Waits, then answers as the inner reply says.
    After(std::time::Duration, Box<Reply>),
    /// Closes the connection and stops listening: every later request is
    /// refused, as when the server process ends mid-call.
    Stop,
}

impl Reply {
    /// An XML answer.
    pub fn xml(status: u16, body: &str) -> Reply {
        Reply::Answer {
            status,
            content_type: "text/xml",
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    /// A JSON answer (`application/x-amz-json-1.0`, as DynamoDB sends).
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::Answer {
            status,
            content_type: "application/x-amz-json-1.0",
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        }
    }
}

/// A loopback HTTP endpoint that answers requests from a script of
/// [`Reply`]s (the last one repeats) and keeps what it received: enough to
/// see whether, and how, a command reached "AWS" when moto is not at hand,
/// and how the host bears a faulty one.
#[derive(Debug)]
pub struct RecordingEndpoint {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    received: std::sync::Arc<std::sync::Mutex<Vec<Received>>>,
}

impl RecordingEndpoint {
    /// Starts answering `status` with `body` (XML) on a free port.
    pub fn start(status: u16, body: &str) -> RecordingEndpoint {
        RecordingEndpoint::scripted(vec![Reply::xml(status, body)])
    }

    /// Starts answering with `script`, one reply per request in order, the
    /// last repeated.
    pub fn scripted(script: Vec<Reply>) -> RecordingEndpoint {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let url = format!(
            "http://{}",
            listener.local_addr().expect("the listener's address")
        );
        let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = std::sync::Arc::clone(&received);
        std::thread::spawn(move || {
            let mut next = 0usize;
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let Some(request) = read_request(&stream) else {
                    continue;
                };
                log.lock().expect("the request log").push(request);
                let reply = script
                    .get(next)
                    .or(script.last())
                    .cloned()
                    .unwrap_or(Reply::Close);
                next += 1;
                if matches!(reply, Reply::Stop) {
                    return;
                }
                // Slow replies must not hold up the requests after them.
                std::thread::spawn(move || answer(stream, reply));
            }
        });
        RecordingEndpoint { url, received }
    }

    /// The requests received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("the request log").clone()
    }

    /// How many requests arrived so far.
    pub fn count(&self) -> usize {
        self.received.lock().expect("the request log").len()
    }
}

/// Reads one request's head and body (by `content-length`).
fn read_request(stream: &std::net::TcpStream) -> Option<Received> {
    use std::io::{BufRead, BufReader, Read};
    let mut reader = BufReader::new(stream.try_clone().ok()?);
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
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).ok()?;
    Some(Received {
        head,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn answer(mut stream: std::net::TcpStream, reply: Reply) {
    use std::io::Write;
    match reply {
        Reply::Answer {
            status,
            content_type,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nx-amzn-requestid: test-request\r\nconnection: close\r\n",
                body.len()
            );
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
        Reply::CutBody { declared, sent } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ncontent-length: {declared}\r\nconnection: close\r\n\r\n"
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&sent);
        }
        Reply::After(wait, reply) => {
            std::thread::sleep(wait);
            return answer(stream, *reply);
        }
        Reply::Close | Reply::Stop => {}
    }
    let _ = stream.shutdown(std::net::Shutdown::Both);
}
