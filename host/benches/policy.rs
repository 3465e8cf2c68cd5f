//! Policy start-up and evaluation costs. Run with `cargo bench -p aws-api-mcp`.
//!
//! Prints: loading a policies folder of the three default policies cold
//! (nothing cached: every policy compiled) and warm (compiled policies read
//! from the cache), and the time to parse one command and judge it through
//! every default policy, and the time from nothing to the first parsed
//! command with the command table loaded. Figures are medians.

#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::time::{Duration, Instant};

use aws_api_mcp::command::{ParseContext, Parser};
use aws_api_mcp::policy::{self, LoadOptions, PolicySet, RequestContext};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn show(label: &str, samples: Vec<Duration>) {
    let n = samples.len();
    let min = *samples.iter().min().expect("samples");
    let median = median(samples);
    println!("{label:<52} median {median:>12.3?}   min {min:>12.3?}   ({n} runs)");
}

fn main() -> anyhow::Result<()> {
    let folder = tempfile::tempdir()?;
    policy::export_defaults(folder.path(), false)?;
    let options = |cache: &std::path::Path| LoadOptions {
        dir: Some(folder.path().to_path_buf()),
        cache_dir: Some(cache.to_path_buf()),
        ..LoadOptions::default()
    };

    let cold: Vec<Duration> = (0..5)
        .map(|_| {
            let cache = tempfile::tempdir().expect("a temporary folder");
            let start = Instant::now();
            let set = PolicySet::load(&options(cache.path())).expect("policies load");
            let elapsed = start.elapsed();
            drop(set);
            elapsed
        })
        .collect();
    show("load 3 default policies, cold (compile + cache)", cold);

    let cache = tempfile::tempdir()?;
    PolicySet::load(&options(cache.path()))?;
    let warm: Vec<Duration> = (0..30)
        .map(|_| {
            let start = Instant::now();
            let set = PolicySet::load(&options(cache.path())).expect("policies load");
            let elapsed = start.elapsed();
            drop(set);
            elapsed
        })
        .collect();
    show("load 3 default policies, warm (precompiled cache)", warm);

    let ready: Vec<Duration> = (0..20)
        .map(|_| {
            let start = Instant::now();
            let parser = Parser::load(None).expect("the command table loads");
            let dir = std::env::temp_dir();
            let context = ParseContext {
                working_dir: &dir,
                file_access: aws_api_mcp::config::FileAccessMode::Workdir,
            };
            parser
                .parse("aws ec2 describe-instances --instance-ids i-1", &context)
                .expect("parses");
            start.elapsed()
        })
        .collect();
    show(
        "command table loaded + first ec2 command parsed (cold)",
        ready,
    );

    let policies = PolicySet::load(&options(cache.path()))?;
    let context = RequestContext {
        working_dir: std::env::temp_dir(),
        read_only: true,
        ..RequestContext::default()
    };
    let line = "aws ec2 describe-instances --region us-west-2 --instance-ids i-0123456789abcdef0 i-0fedcba9876543210 --filters Name=instance-state-name,Values=running --output json";
    let parser = Parser::load(None)?;
    let parse_context = ParseContext {
        working_dir: &context.working_dir,
        file_access: context.file_access,
    };
    let parsed = parser.parse(line, &parse_context)?;
    for _ in 0..1_000 {
        std::hint::black_box(policies.evaluate(line, &parsed, &context));
    }
    let parse: Vec<Duration> = (0..20_000)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(
                parser
                    .parse(std::hint::black_box(line), &parse_context)
                    .expect("parses"),
            );
            start.elapsed()
        })
        .collect();
    show(
        "parse and type one command against the command table",
        parse,
    );
    let judge = |line: &str, parsed: &aws_api_mcp::command::ParsedCommand, expected: &str| {
        (0..20_000)
            .map(|_| {
                let start = Instant::now();
                let verdict = policies.evaluate(line, parsed, &context);
                let elapsed = start.elapsed();
                assert_eq!(verdict.decision.kind(), expected);
                elapsed
            })
            .collect::<Vec<Duration>>()
    };
    show(
        "judge one command through all 3 default policies",
        judge(line, &parsed, "allow"),
    );
    let write = "aws iam create-user --user-name bob";
    let parsed_write = parser.parse(write, &parse_context)?;
    let denied = judge(write, &parsed_write, "deny");
    show("judge a write in read-only mode (denied)", denied);
    Ok(())
}
