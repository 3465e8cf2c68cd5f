//! `suggest_aws_commands` cost. Run with `cargo bench -p aws-api-mcp --bench
//! suggest`.
//!
//! Prints the time to build the documents and the lexical index from the
//! command table (what the server does in the background at start), the
//! lexical index's size in memory, and the median latency of one query
//! (tokenize + search, and for the dense retriever + embed) over the
//! evaluation requests. With AWS_API_MCP_EMBEDDING_MODEL_DIR set to a folder
//! with a built index (`aws-api-mcp suggest build-index`), the dense and
//! hybrid retrievers too, the index file's size, and the embedding speed
//! that sets how long `build-index` takes.

#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use aws_api_mcp::command::Parser;
use aws_api_mcp::suggest::{Retriever, Suggester};
use suggest_index::dense::{self, Embedder};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Resident memory of this process, from /proc (Linux).
fn rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1 << 20) as f64
}

fn main() -> anyhow::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let requests = std::fs::read_to_string(root.join("suggest-index/eval/requests.tsv"))?;
    let queries: Vec<String> = suggest_index::eval::parse(&requests)?
        .into_iter()
        .map(|r| r.request)
        .collect();
    let parser = Parser::load(None)?;
    let before = rss_bytes().unwrap_or(0);
    let start = Instant::now();
    let mut suggester = Suggester::build(&parser)?;
    let built = start.elapsed();
    let after = rss_bytes().unwrap_or(0);
    println!(
        "lexical: {} documents, built in {built:.0?} (documents from the command table + BM25), {:.1} MiB of memory",
        suggester.documents().len(),
        mib(after.saturating_sub(before))
    );
    let mut retrievers = vec![Retriever::Lexical];
    if let Some(dir) = std::env::var_os("AWS_API_MCP_EMBEDDING_MODEL_DIR").map(PathBuf::from) {
        let start = Instant::now();
        suggester.load_dense(&dir)?;
        let size = std::fs::metadata(dir.join(dense::INDEX_FILE))?.len();
        println!(
            "dense: model and index loaded in {:.0?}; index file {:.1} MiB",
            start.elapsed(),
            mib(size)
        );
        let embedder = Embedder::load(&dir, &dense::runtime_path(&dir), false)?;
        let sample: Vec<String> = suggester
            .documents()
            .iter()
            .take(512)
            .map(dense::document_text)
            .collect();
        let refs: Vec<&str> = sample.iter().map(String::as_str).collect();
        let start = Instant::now();
        for chunk in refs.chunks(32) {
            embedder.embed(chunk, false)?;
        }
        let per_doc = start.elapsed() / refs.len() as u32;
        println!(
            "dense: embedding documents {per_doc:.2?} each, so build-index takes about {:.0?} for {}",
            per_doc * suggester.documents().len() as u32,
            suggester.documents().len()
        );
        retrievers.extend([Retriever::Dense, Retriever::Hybrid]);
    }
    for retriever in retrievers {
        // Warm up, then time every request once.
        for q in queries.iter().take(20) {
            suggester.suggest_with(q, 5, retriever)?;
        }
        let samples: Vec<Duration> = queries
            .iter()
            .map(|q| {
                let start = Instant::now();
                let _ = suggester.suggest_with(q, 5, retriever);
                start.elapsed()
            })
            .collect();
        let mut sorted = samples.clone();
        sorted.sort();
        let p99 = sorted[sorted.len() * 99 / 100];
        println!(
            "{:<8} query: median {:>9.3?}  p99 {:>9.3?}  ({} requests)",
            format!("{retriever:?}").to_lowercase(),
            median(samples),
            p99,
            queries.len()
        );
    }
    Ok(())
}
