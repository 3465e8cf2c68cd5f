//! The dense retriever: documents and requests embedded by an ONNX sentence
//! embedding model (BGE-M3 for users who download it; a small model from
//! PyPI in tests), searched with `usearch`.
//!
//! The code knows nothing of a particular model: `model.json` beside the
//! model gives its dimensions, pooling and prefixes, and an index records
//! the model it was built with, so a query is never compared with
//! documents embedded by another model.
//!
//! ONNX Runtime is loaded at run time from a shared library the user names
//! (`ORT_DYLIB_PATH`, or `libonnxruntime.so` in the model folder), as the
//! `onnxruntime` wheel on PyPI ships it: nothing is downloaded at build
//! time, and the host runs without it when there is no model.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use ort::environment::Environment;
use ort::session::Session;
use ort::value::Tensor;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

use crate::{Document, Hit};

/// The files of a model folder.
pub const MODEL_FILE: &str = "model.onnx";
pub const TOKENIZER_FILE: &str = "tokenizer.json";
pub const SPEC_FILE: &str = "model.json";
pub const RUNTIME_FILE: &str = "libonnxruntime.so";
/// The files of an index.
pub const INDEX_FILE: &str = "suggest.usearch";
pub const INDEX_META_FILE: &str = "suggest-index.json";
/// Documents embedded at once while building.
const BATCH: usize = 32;

/// Why the dense retriever is not available.
#[derive(Debug, thiserror::Error)]
pub enum DenseError {
    #[error("{}: {what}", path.display())]
    File { path: PathBuf, what: String },
    #[error(
        "ONNX Runtime is not at {}: set ORT_DYLIB_PATH to a libonnxruntime.so (the `onnxruntime` wheel on PyPI has one in onnxruntime/capi/), or put it in the model folder as {RUNTIME_FILE}",
        .0.display()
    )]
    NoRuntime(PathBuf),
    #[error("ONNX Runtime: {0}")]
    Runtime(String),
    #[error("the tokenizer: {0}")]
    Tokenizer(String),
    #[error("the vector index: {0}")]
    Index(String),
    #[error(
        "the index in {} was built with {built} but the model is {model}: rebuild it with `aws-api-mcp suggest build-index`",
        dir.display()
    )]
    Mismatch {
        dir: PathBuf,
        built: String,
        model: String,
    },
}

/// How token vectors become one vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pooling {
    /// The average of the tokens (sentence-transformers models).
    Mean,
    /// The first token (BGE-M3).
    Cls,
}

/// `model.json`: what the host must know to use a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelSpec {
    pub id: String,
    pub dimensions: usize,
    pub pooling: Pooling,
    pub normalize: bool,
    /// Longer texts are cut to this many tokens.
    pub max_tokens: usize,
    #[serde(default)]
    pub query_prefix: String,
    #[serde(default)]
    pub document_prefix: String,
    /// SHA-256 of `model.onnx` and `tokenizer.json`, as published.
    pub model_sha256: String,
    pub tokenizer_sha256: String,
}

/// What an index records about how it was built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexMeta {
    pub model_id: String,
    pub model_sha256: String,
    pub dimensions: usize,
    pub pooling: Pooling,
    pub metric: String,
    /// The command table the documents came from (botocore and awscli
    /// versions).
    pub command_table: String,
    pub documents: usize,
    /// SHA-256 of the documents' commands in order: keys are positions.
    pub documents_sha256: String,
}

fn read(path: &Path) -> Result<Vec<u8>, DenseError> {
    std::fs::read(path).map_err(|e| DenseError::File {
        path: path.to_owned(),
        what: e.to_string(),
    })
}

/// SHA-256 of a file, hex.
pub fn file_sha256(path: &Path) -> Result<String, DenseError> {
    Ok(hex::encode(Sha256::digest(read(path)?)))
}

/// The ONNX Runtime environment, created once per process from the first
/// library asked for.
fn environment(runtime: &Path) -> Result<&'static Environment, DenseError> {
    static ENV: OnceLock<Result<Environment, String>> = OnceLock::new();
    // With dynamic loading a missing library is reported to hang rather
    // than fail: look first.
    if !runtime.is_file() {
        return Err(DenseError::NoRuntime(runtime.to_owned()));
    }
    ENV.get_or_init(|| {
        ort::init_from(runtime)
            .map_err(|e| e.to_string())?
            .with_name("aws-api-mcp")
            .with_telemetry(false)
            .build()
            .map_err(|e| e.to_string())
    })
    .as_ref()
    .map_err(|e| DenseError::Runtime(e.clone()))
}

/// Where ONNX Runtime is for a model folder: `ORT_DYLIB_PATH`, else the
/// folder's own copy.
pub fn runtime_path(model_dir: &Path) -> PathBuf {
    std::env::var_os("ORT_DYLIB_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| model_dir.join(RUNTIME_FILE))
}

/// A loaded embedding model.
pub struct Embedder {
    session: Mutex<Session>,
    tokenizer: Tokenizer,
    spec: ModelSpec,
    token_type_ids: bool,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder")
            .field("spec", &self.spec)
            .finish()
    }
}

impl Embedder {
    /// Loads the model of `dir` (`model.json`, `model.onnx`,
    /// `tokenizer.json`) on ONNX Runtime from `runtime`. With `verify`, the
    /// files' hashes must match the spec.
    pub fn load(dir: &Path, runtime: &Path, verify: bool) -> Result<Self, DenseError> {
        if !runtime.is_file() {
            return Err(DenseError::NoRuntime(runtime.to_owned()));
        }
        let spec_path = dir.join(SPEC_FILE);
        let spec: ModelSpec =
            serde_json::from_slice(&read(&spec_path)?).map_err(|e| DenseError::File {
                path: spec_path.clone(),
                what: format!("not a model spec: {e}"),
            })?;
        let model = dir.join(MODEL_FILE);
        let tokenizer_path = dir.join(TOKENIZER_FILE);
        if verify {
            for (path, want) in [
                (&model, &spec.model_sha256),
                (&tokenizer_path, &spec.tokenizer_sha256),
            ] {
                let got = file_sha256(path)?;
                if &got != want {
                    return Err(DenseError::File {
                        path: path.clone(),
                        what: format!("SHA-256 is {got}, the spec says {want}"),
                    });
                }
            }
        }
        let mut tokenizer = Tokenizer::from_file(&tokenizer_path)
            .map_err(|e| DenseError::Tokenizer(format!("{}: {e}", tokenizer_path.display())))?;
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: spec.max_tokens,
                ..TruncationParams::default()
            }))
            .map_err(|e| DenseError::Tokenizer(e.to_string()))?;
        tokenizer.with_padding(Some(PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            ..PaddingParams::default()
        }));
        let env = environment(runtime)?;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let session = Session::builder(env)
            .and_then(|b| b.with_intra_threads(threads).map_err(Into::into))
            .and_then(|mut b| b.commit_from_file(&model))
            .map_err(|e| DenseError::Runtime(format!("{}: {e}", model.display())))?;
        let token_type_ids = session
            .inputs()
            .iter()
            .any(|i| i.name() == "token_type_ids");
        Ok(Self {
            session: Mutex::new(session),
            tokenizer,
            spec,
            token_type_ids,
        })
    }

    /// The model's spec.
    pub fn spec(&self) -> &ModelSpec {
        &self.spec
    }

    /// One unit vector per text (with the spec's query or document prefix).
    pub fn embed(&self, texts: &[&str], query: bool) -> Result<Vec<Vec<f32>>, DenseError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let prefix = if query {
            &self.spec.query_prefix
        } else {
            &self.spec.document_prefix
        };
        let inputs: Vec<String> = texts.iter().map(|t| format!("{prefix}{t}")).collect();
        let encodings = self
            .tokenizer
            .encode_batch(inputs, true)
            .map_err(|e| DenseError::Tokenizer(e.to_string()))?;
        let batch = encodings.len();
        let seq = encodings.first().map_or(0, |e| e.get_ids().len());
        let mut ids = Vec::with_capacity(batch * seq);
        let mut mask = Vec::with_capacity(batch * seq);
        let mut types = Vec::with_capacity(batch * seq);
        for e in &encodings {
            ids.extend(e.get_ids().iter().map(|&x| i64::from(x)));
            mask.extend(e.get_attention_mask().iter().map(|&x| i64::from(x)));
            types.extend(e.get_type_ids().iter().map(|&x| i64::from(x)));
        }
        let shape = [batch, seq];
        let tensor = |data: Vec<i64>| {
            Tensor::from_array((shape, data)).map_err(|e| DenseError::Runtime(e.to_string()))
        };
        let mut feed = vec![
            ("input_ids", tensor(ids)?.into_dyn()),
            ("attention_mask", tensor(mask.clone())?.into_dyn()),
        ];
        if self.token_type_ids {
            feed.push(("token_type_ids", tensor(types)?.into_dyn()));
        }
        let mut session = self
            .session
            .lock()
            .map_err(|_| DenseError::Runtime("a previous embedding panicked".into()))?;
        let outputs = session
            .run(feed)
            .map_err(|e| DenseError::Runtime(e.to_string()))?;
        let (out_shape, data) = outputs[0]
            .try_extract_tensor::<f32>()
            .map_err(|e| DenseError::Runtime(e.to_string()))?;
        let dims: Vec<usize> = out_shape.iter().map(|&d| d.max(0) as usize).collect();
        let dim = self.spec.dimensions;
        let mut vectors = Vec::with_capacity(batch);
        match dims.as_slice() {
            // Already one vector per text.
            [b, d] if *b == batch && *d == dim => {
                vectors.extend(data.chunks(dim).map(<[f32]>::to_vec));
            }
            [b, s, d] if *b == batch && *d == dim => {
                for row in 0..batch {
                    let tokens = &data[row * s * dim..(row + 1) * s * dim];
                    let mut v = vec![0f32; dim];
                    match self.spec.pooling {
                        Pooling::Cls => v.copy_from_slice(&tokens[..dim]),
                        Pooling::Mean => {
                            let mut n = 0f32;
                            for t in 0..*s {
                                if mask[row * seq + t] == 0 {
                                    continue;
                                }
                                n += 1.0;
                                for (acc, x) in v.iter_mut().zip(&tokens[t * dim..(t + 1) * dim]) {
                                    *acc += x;
                                }
                            }
                            v.iter_mut().for_each(|x| *x /= n.max(1.0));
                        }
                    }
                    vectors.push(v);
                }
            }
            other => {
                return Err(DenseError::Runtime(format!(
                    "the model answered a tensor of shape {other:?}; the spec says {dim} dimensions"
                )));
            }
        }
        if self.spec.normalize {
            for v in &mut vectors {
                let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
                v.iter_mut().for_each(|x| *x /= norm);
            }
        }
        Ok(vectors)
    }
}

/// The text of a document that gets embedded: its command, service,
/// description and the first example titles.
pub fn document_text(doc: &Document) -> String {
    let command = doc.command.strip_prefix("aws ").unwrap_or(&doc.command);
    let mut text = format!("{command} ({}): {}", doc.service_name, doc.description);
    for example in doc.examples.iter().step_by(2).take(4) {
        text.push_str(" | ");
        text.push_str(example);
    }
    text
}

/// SHA-256 of the documents' commands, in order.
pub fn documents_sha256(docs: &[Document]) -> String {
    let mut h = Sha256::new();
    for d in docs {
        h.update(d.command.as_bytes());
        h.update(b"\n");
    }
    hex::encode(h.finalize())
}

/// A `usearch` index of one vector per document, keyed by position.
pub struct DenseIndex {
    index: usearch::Index,
    meta: IndexMeta,
}

impl std::fmt::Debug for DenseIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DenseIndex")
            .field("meta", &self.meta)
            .finish()
    }
}

fn new_index(dimensions: usize) -> Result<usearch::Index, DenseError> {
    let options = usearch::IndexOptions {
        dimensions,
        metric: usearch::MetricKind::Cos,
        quantization: usearch::ScalarKind::F16,
        connectivity: 0,
        expansion_add: 0,
        expansion_search: 0,
        multi: false,
    };
    usearch::Index::new(&options).map_err(|e| DenseError::Index(e.to_string()))
}

impl DenseIndex {
    /// Embeds every document; `progress` hears how many are done.
    pub fn build(
        embedder: &Embedder,
        docs: &[Document],
        command_table: &str,
        mut progress: impl FnMut(usize),
    ) -> Result<Self, DenseError> {
        let spec = embedder.spec();
        let index = new_index(spec.dimensions)?;
        index
            .reserve(docs.len())
            .map_err(|e| DenseError::Index(e.to_string()))?;
        for (chunk_no, chunk) in docs.chunks(BATCH).enumerate() {
            let texts: Vec<String> = chunk.iter().map(document_text).collect();
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            for (i, v) in embedder.embed(&refs, false)?.iter().enumerate() {
                let key = (chunk_no * BATCH + i) as u64;
                index
                    .add(key, v)
                    .map_err(|e| DenseError::Index(e.to_string()))?;
            }
            progress((chunk_no * BATCH + chunk.len()).min(docs.len()));
        }
        Ok(Self {
            index,
            meta: IndexMeta {
                model_id: spec.id.clone(),
                model_sha256: spec.model_sha256.clone(),
                dimensions: spec.dimensions,
                pooling: spec.pooling,
                metric: "cos".to_owned(),
                command_table: command_table.to_owned(),
                documents: docs.len(),
                documents_sha256: documents_sha256(docs),
            },
        })
    }

    /// Writes the index and its metadata into `dir`.
    pub fn save(&self, dir: &Path) -> Result<(), DenseError> {
        std::fs::create_dir_all(dir).map_err(|e| DenseError::File {
            path: dir.to_owned(),
            what: e.to_string(),
        })?;
        let path = dir.join(INDEX_FILE);
        let path_str = path.to_str().ok_or_else(|| DenseError::File {
            path: path.clone(),
            what: "not a UTF-8 path".into(),
        })?;
        self.index
            .save(path_str)
            .map_err(|e| DenseError::Index(format!("{}: {e}", path.display())))?;
        let meta = serde_json::to_vec_pretty(&self.meta).map_err(|e| DenseError::File {
            path: dir.join(INDEX_META_FILE),
            what: e.to_string(),
        })?;
        std::fs::write(dir.join(INDEX_META_FILE), meta).map_err(|e| DenseError::File {
            path: dir.join(INDEX_META_FILE),
            what: e.to_string(),
        })
    }

    /// Reads the index of `dir`, refusing one built with another model,
    /// other documents or another command table.
    pub fn load(
        dir: &Path,
        spec: &ModelSpec,
        docs: &[Document],
        command_table: &str,
    ) -> Result<Self, DenseError> {
        let meta_path = dir.join(INDEX_META_FILE);
        let meta: IndexMeta =
            serde_json::from_slice(&read(&meta_path)?).map_err(|e| DenseError::File {
                path: meta_path.clone(),
                what: format!("not index metadata: {e}"),
            })?;
        let mismatch = |built: String, model: String| DenseError::Mismatch {
            dir: dir.to_owned(),
            built,
            model,
        };
        if meta.model_sha256 != spec.model_sha256 || meta.dimensions != spec.dimensions {
            return Err(mismatch(
                format!("{} ({} dimensions)", meta.model_id, meta.dimensions),
                format!("{} ({} dimensions)", spec.id, spec.dimensions),
            ));
        }
        if meta.command_table != command_table
            || meta.documents != docs.len()
            || meta.documents_sha256 != documents_sha256(docs)
        {
            return Err(mismatch(
                format!("{} commands of {}", meta.documents, meta.command_table),
                format!("{} commands of {command_table}", docs.len()),
            ));
        }
        let index = new_index(meta.dimensions)?;
        let path = dir.join(INDEX_FILE);
        let path_str = path.to_str().ok_or_else(|| DenseError::File {
            path: path.clone(),
            what: "not a UTF-8 path".into(),
        })?;
        if !path.is_file() {
            return Err(DenseError::File {
                path,
                what: "missing".into(),
            });
        }
        index
            .load(path_str)
            .map_err(|e| DenseError::Index(format!("{}: {e}", path.display())))?;
        if index.size() != docs.len() {
            return Err(DenseError::Index(format!(
                "{} holds {} vectors for {} documents",
                path.display(),
                index.size(),
                docs.len()
            )));
        }
        Ok(Self { index, meta })
    }

    /// What the index was built with.
    pub fn meta(&self) -> &IndexMeta {
        &self.meta
    }

    /// The `k` documents nearest to an embedded request.
    pub fn search(&self, query: &[f32], k: usize) -> Result<Vec<Hit>, DenseError> {
        let found = self
            .index
            .search(query, k)
            .map_err(|e| DenseError::Index(e.to_string()))?;
        Ok(found
            .keys
            .iter()
            .zip(&found.distances)
            .map(|(&key, &distance)| {
                let similarity = 1.0 - distance;
                Hit {
                    doc: key as usize,
                    score: similarity,
                    confidence: similarity.clamp(0.0, 1.0),
                }
            })
            .collect())
    }
}
