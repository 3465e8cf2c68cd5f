//! Execution as a client sees it, against moto on loopback: the median
//! time `call_aws` adds over moto's own answer to the same small request
//! (`sts get-caller-identity`), and the server's peak memory while it pages
//! through 10,000 DynamoDB items; `s3 sync` of 1,000 small files beside
//! the AWS CLI; and 1,000 concurrent calls over one session (throughput,
//! p50 and p99).
//!
//! Needs a Python with `moto[server]`: `AWS_API_MCP_MOTO_PYTHON`, or the
//! venv `.ci/run` makes (`target/mcp-client-venv`). Run with
//! `cargo bench -p aws-api-mcp --bench exec`.

#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use serde_json::{Value, json};

/// A moto server on a free loopback port.
struct Moto {
    child: Child,
    port: u16,
}

impl Moto {
    fn start(python: &std::path::Path) -> anyhow::Result<Moto> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new(python)
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting moto with {}", python.display()))?;
        let moto = Moto { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            ensure!(
                Instant::now() < deadline,
                "moto did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(moto)
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Plain HTTP/1.1 to moto, one connection kept while moto keeps it: the
/// baseline a client with no work of its own would see.
struct Raw {
    port: u16,
    stream: Option<BufReader<TcpStream>>,
}

impl Raw {
    /// POSTs `body` to `service` (moto routes by the credential scope).
    fn post(
        &mut self,
        service: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> anyhow::Result<(u16, String)> {
        if self.stream.is_none() {
            let stream = TcpStream::connect(("127.0.0.1", self.port))?;
            stream.set_nodelay(true)?;
            self.stream = Some(BufReader::new(stream));
        }
        let reader = self.stream.as_mut().context("connected above")?;
        let mut request = format!(
            "POST / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: {}\r\nAuthorization: AWS4-HMAC-SHA256 Credential=testing/20261126/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=00\r\n",
            self.port,
            body.len()
        );
        for (k, v) in headers {
            request.push_str(&format!("{k}: {v}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(body);
        reader.get_mut().write_all(request.as_bytes())?;
        let mut status_line = String::new();
        reader.read_line(&mut status_line)?;
        let status: u16 = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .context("no status line")?;
        let mut length = 0usize;
        let mut close = false;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line)?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
            let lower = line.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse()?;
            }
            if lower.starts_with("connection:") && lower.contains("close") {
                close = true;
            }
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body)?;
        if close || status_line.starts_with("HTTP/1.0") {
            self.stream = None;
        }
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }
}

/// The MCP server with every AWS endpoint on moto.
struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    workdir: tempfile::TempDir,
}

impl Server {
    fn start(endpoint: &str) -> anyhow::Result<Server> {
        let workdir = tempfile::tempdir()?;
        let mut child = Command::new(env!("CARGO_BIN_EXE_aws-api-mcp"))
            .env_clear()
            .env("HOME", workdir.path())
            .env("AWS_REGION", "us-east-1")
            .env("AWS_API_MCP_WORKING_DIR", workdir.path())
            .env("AWS_API_MCP_LOG_DIR", workdir.path())
            .env("AWS_API_MCP_LOG", "warn")
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .env("AWS_MAX_ATTEMPTS", "1")
            .env("AWS_ENDPOINT_URL", endpoint)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdin = child.stdin.take().context("no stdin")?;
        let stdout = BufReader::new(child.stdout.take().context("no stdout")?);
        let mut server = Server {
            child,
            stdin,
            stdout,
            workdir,
        };
        server.request(
            1,
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}),
        )?;
        writeln!(
            server.stdin,
            "{}",
            json!({"jsonrpc": "2.0", "method": "notifications/initialized"})
        )?;
        Ok(server)
    }

    fn request(&mut self, id: u64, method: &str, params: Value) -> anyhow::Result<Value> {
        writeln!(
            self.stdin,
            "{}",
            json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
        )?;
        self.stdin.flush()?;
        loop {
            let mut line = String::new();
            ensure!(
                self.stdout.read_line(&mut line)? > 0,
                "the server closed stdout"
            );
            let message: Value = serde_json::from_str(&line)?;
            if message["id"] == json!(id) {
                return Ok(message);
            }
        }
    }

    /// `call_aws` with one command; its result.
    fn call(&mut self, id: u64, command: &str) -> anyhow::Result<Value> {
        let answer = self.request(
            id,
            "tools/call",
            json!({"name": "call_aws", "arguments": {"cli_command": command}}),
        )?;
        Ok(answer["result"]["structuredContent"]["results"][0].clone())
    }

    /// The server's resident-set high-water mark, in KiB.
    fn peak_rss_kib(&self) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .context("no VmHWM in /proc/<pid>/status")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// The AWS CLI v1 of the differential tests (`target/differential/venv`),
/// when it is there.
fn cli_python() -> Option<PathBuf> {
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()?
        .join("target/differential/venv/bin/python");
    venv.exists().then_some(venv)
}

/// `s3 sync` of 1,000 small files, through `call_aws` and, when it is
/// installed, through the AWS CLI, against the same moto.
fn sync_throughput(server: &mut Server, moto: &Moto) -> anyhow::Result<()> {
    let source = server.workdir.path().join("sync-source");
    for i in 0..1000 {
        let dir = source.join(format!("d{}", i % 10));
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(format!("f{i:04}.txt")), vec![b'x'; 1024])?;
    }
    let made = server.call(20_000, "aws s3 mb s3://bench-sync-host")?;
    ensure!(made["status"] == "succeeded", "{made}");
    let start = Instant::now();
    let synced = server.call(
        20_001,
        "aws s3 sync sync-source s3://bench-sync-host/ --only-show-errors",
    )?;
    let host = start.elapsed();
    ensure!(synced["status"] == "succeeded", "{synced}");
    println!(
        "s3 sync of 1,000 files of 1 KiB, call_aws                    {host:>10.3?} ({:.0} files/s)",
        1000.0 / host.as_secs_f64()
    );
    let Some(cli) = cli_python() else {
        println!("  (the AWS CLI is not installed in target/differential/venv: no comparison)");
        return Ok(());
    };
    let aws = |args: &[&str]| -> anyhow::Result<std::process::Output> {
        Ok(Command::new(&cli)
            .args(["-m", "awscli"])
            .args(args)
            .args(["--endpoint-url", &moto.url()])
            .current_dir(server.workdir.path())
            .env_clear()
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()?)
    };
    ensure!(aws(&["s3", "mb", "s3://bench-sync-cli"])?.status.success());
    let start = Instant::now();
    let out = aws(&[
        "s3",
        "sync",
        "sync-source",
        "s3://bench-sync-cli/",
        "--only-show-errors",
    ])?;
    let cli_time = start.elapsed();
    ensure!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!(
        "s3 sync of 1,000 files of 1 KiB, AWS CLI v1                  {cli_time:>10.3?} ({:.0} files/s)",
        1000.0 / cli_time.as_secs_f64()
    );
    Ok(())
}

fn moto_python() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("AWS_API_MCP_MOTO_PYTHON") {
        return Some(PathBuf::from(p));
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()?
        .join("target/mcp-client-venv/bin/python");
    venv.exists().then_some(venv)
}

fn main() -> anyhow::Result<()> {
    let Some(python) = moto_python() else {
        println!(
            "exec bench skipped: no Python with moto[server] (set AWS_API_MCP_MOTO_PYTHON, or run .ci/run once to make target/mcp-client-venv)"
        );
        return Ok(());
    };
    let moto = Moto::start(&python)?;
    let mut raw = Raw {
        port: moto.port,
        stream: None,
    };
    let mut server = Server::start(&moto.url())?;

    // The small call, alternating so both see the same moto.
    let sts_form = "Action=GetCallerIdentity&Version=2011-06-15";
    let form = [(
        "Content-Type",
        "application/x-www-form-urlencoded; charset=utf-8",
    )];
    let mut direct = Vec::new();
    let mut through = Vec::new();
    for id in 0..400u64 {
        let start = Instant::now();
        let (status, _) = raw.post("sts", &form, sts_form)?;
        let elapsed = start.elapsed();
        ensure!(status == 200, "moto answered {status}");
        let start = Instant::now();
        let result = server.call(100 + id, "aws sts get-caller-identity")?;
        let host = start.elapsed();
        ensure!(result["status"] == "succeeded", "{result}");
        // The first calls warm both sides (connections, credentials).
        if id >= 20 {
            direct.push(elapsed);
            through.push(host);
        }
    }
    let (direct, through) = (median(direct), median(through));
    println!("moto's own answer to sts GetCallerIdentity            median {direct:>10.3?}");
    println!("call_aws `aws sts get-caller-identity`, MCP round trip median {through:>10.3?}");
    println!(
        "added by the host (parse, policies, sign, parse, print, MCP) {:>10.3?}",
        through.saturating_sub(direct)
    );

    // 10,000 items, written 25 at a time.
    let table = "bench-items";
    let target = |op: &str| format!("DynamoDB_20120810.{op}");
    let json_headers = |op: &str| {
        vec![
            (
                "Content-Type".to_owned(),
                "application/x-amz-json-1.0".to_owned(),
            ),
            ("X-Amz-Target".to_owned(), target(op)),
        ]
    };
    let post = |raw: &mut Raw, op: &str, body: Value| -> anyhow::Result<()> {
        let headers = json_headers(op);
        let headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let (status, text) = raw.post("dynamodb", &headers, &body.to_string())?;
        ensure!(status == 200, "{op}: {status} {text}");
        Ok(())
    };
    post(
        &mut raw,
        "CreateTable",
        json!({"TableName": table, "BillingMode": "PAY_PER_REQUEST",
               "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
               "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}),
    )?;
    for batch in 0..400 {
        let items: Vec<Value> = (0..25)
            .map(|i| {
                let n = batch * 25 + i;
                json!({"PutRequest": {"Item": {
                    "id": {"S": format!("item-{n:05}")},
                    "owner": {"S": "benchmark"},
                    "size": {"N": (n * 7 % 1000).to_string()},
                }}})
            })
            .collect();
        post(
            &mut raw,
            "BatchWriteItem",
            json!({"RequestItems": {table: items}}),
        )?;
    }
    let before = server.peak_rss_kib()?;
    let start = Instant::now();
    let result = server.call(
        10_000,
        &format!("aws dynamodb scan --table-name {table} --page-size 100 --query Count"),
    )?;
    let elapsed = start.elapsed();
    ensure!(
        result["output"] == json!(10_000),
        "expected 10,000 items: {result}"
    );
    let after = server.peak_rss_kib()?;
    println!(
        "paging 10,000 DynamoDB items ({} pages) through call_aws       {elapsed:>10.3?}",
        result["pages"]
    );
    println!(
        "server peak RSS: {:.1} MiB before, {:.1} MiB after paging",
        before as f64 / 1024.0,
        after as f64 / 1024.0
    );
    sync_throughput(&mut server, &moto)?;
    concurrent_load(&mut server)
}

/// 1,000 `call_aws` calls sent at once over the one stdio session: a
/// quarter each of reads run on moto (`sts get-caller-identity`), listings
/// run on moto (`dynamodb list-tables`), commands the denylist refuses and
/// commands that do not parse. Each answer is checked; a call's latency
/// runs from its own send to its answer, so p50 and p99 include the
/// queueing a busy client sees.
fn concurrent_load(server: &mut Server) -> anyhow::Result<()> {
    const CALLS: u64 = 1_000;
    let kind = |i: u64| match i % 4 {
        0 => ("aws sts get-caller-identity", "succeeded"),
        1 => ("aws dynamodb list-tables", "succeeded"),
        2 => ("aws configure list", "denied"),
        _ => ("aws sts get-caller-identiti", "invalid"),
    };
    let mut sent = std::collections::HashMap::new();
    let start = Instant::now();
    for i in 0..CALLS {
        let (command, _) = kind(i);
        writeln!(
            server.stdin,
            "{}",
            json!({"jsonrpc": "2.0", "id": 50_000 + i, "method": "tools/call",
                   "params": {"name": "call_aws", "arguments": {"cli_command": command}}})
        )?;
        sent.insert(50_000 + i, Instant::now());
    }
    server.stdin.flush()?;
    let mut latencies = Vec::with_capacity(CALLS as usize);
    while latencies.len() < CALLS as usize {
        let mut line = String::new();
        ensure!(
            server.stdout.read_line(&mut line)? > 0,
            "the server closed stdout"
        );
        let message: Value = serde_json::from_str(&line)?;
        let Some(id) = message["id"].as_u64() else {
            continue;
        };
        let Some(at) = sent.remove(&id) else {
            continue;
        };
        latencies.push(at.elapsed());
        let result = &message["result"]["structuredContent"]["results"][0];
        let (command, status) = kind(id - 50_000);
        ensure!(
            result["status"] == status && result["command"] == command,
            "call {id}: {result}"
        );
    }
    let total = start.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    println!(
        "1,000 concurrent call_aws (half run on moto), one session: {total:>10.3?} ({:.0} calls/s), p50 {:.3?}, p99 {:.3?}",
        CALLS as f64 / total.as_secs_f64(),
        at(0.50),
        at(0.99)
    );
    Ok(())
}
