//! Endpoint resolution cost. Run with `cargo bench -p aws-api-mcp --bench
//! endpoint`.
//!
//! Prints the median time to resolve an endpoint from a service's rule set
//! (already parsed) for a plain regional service (ec2), a global one (iam),
//! and S3 with a bucket and with an access point ARN, plus the one-time cost
//! of parsing S3's rule set, the largest.

#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use aws_api_mcp::endpoint;
use aws_api_mcp::model::ModelStore;
use serde_json::{Value, json};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() -> anyhow::Result<()> {
    let models = ModelStore::embedded()?;
    let rules = |service: &str| -> anyhow::Result<String> {
        let service = models
            .service(service)
            .ok_or_else(|| anyhow::anyhow!("no {service}"))??;
        Ok(service.endpoint_rules.clone().unwrap_or_default())
    };
    let s3_text = rules("s3api")?;
    let parse: Vec<Duration> = (0..50)
        .map(|_| {
            let start = Instant::now();
            let parsed: Value = serde_json::from_str(&s3_text).unwrap_or(Value::Null);
            let elapsed = start.elapsed();
            drop(parsed);
            elapsed
        })
        .collect();
    println!(
        "{:<44} median {:>10.3?}",
        "parse the S3 rule set (once per service)",
        median(parse)
    );
    let cases = [
        ("ec2, us-west-2", "ec2", json!({"Region": "us-west-2"})),
        (
            "iam, us-east-1 (global)",
            "iam",
            json!({"Region": "us-east-1"}),
        ),
        (
            "s3, virtual-hosted bucket",
            "s3api",
            json!({"Region": "eu-west-1", "Bucket": "my-bucket"}),
        ),
        (
            "s3, access point ARN",
            "s3api",
            json!({"Region": "us-west-2", "Bucket": "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap"}),
        ),
    ];
    for (label, service, params) in cases {
        let set: Value = serde_json::from_str(&rules(service)?)?;
        let params: BTreeMap<String, Value> = serde_json::from_value(params)?;
        let url = endpoint::resolve(&set, &params)?.url;
        let samples: Vec<Duration> = (0..2000)
            .map(|_| {
                let start = Instant::now();
                let resolved = endpoint::resolve(&set, &params);
                let elapsed = start.elapsed();
                drop(resolved);
                elapsed
            })
            .collect();
        println!(
            "{:<44} median {:>10.3?}   {url}",
            format!("resolve {label}"),
            median(samples)
        );
    }
    Ok(())
}
