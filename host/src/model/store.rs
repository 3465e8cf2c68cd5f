//! The compact model file: a small index, then one zstd-compressed
//! postcard blob per service, decompressed on first use.
//!
//! Layout: `AWSMCPM2`, the index's length (u32, little-endian), the index
//! (zstd of postcard), then the service blobs at the offsets the index
//! gives, counted from the end of the index.

use std::borrow::Cow;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use super::ModelError;
use super::types::Service;

const MAGIC: &[u8; 8] = b"AWSMCPM2";
/// zstd level for the committed file: small beats fast to write.
const LEVEL: i32 = 19;
/// Size of the shared compression dictionary.
const DICTIONARY_BYTES: usize = 256 << 10;
/// Bytes of each service used to train the dictionary.
const SAMPLE_BYTES: usize = 256 << 10;

/// What the model file says about itself and its services.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Index {
    /// The botocore release the models come from.
    pub botocore_version: String,
    /// The awscli release the CLI's naming overrides were read from.
    pub awscli_version: String,
    /// Where the operations' IAM actions come from (empty when none).
    pub iam_source: String,
    /// One entry per service, by CLI name.
    pub services: Vec<ServiceEntry>,
    /// The zstd dictionary every service blob is compressed with.
    pub dictionary: Vec<u8>,
}

/// Where a service's blob is, and the names needed without opening it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceEntry {
    /// The CLI's name (`s3api`).
    pub cli_name: String,
    /// botocore's name (`s3`).
    pub api_name: String,
    /// `Amazon Simple Storage Service`.
    pub full_name: String,
    /// Offset of the blob after the index.
    pub offset: u64,
    /// Length of the blob.
    pub len: u64,
    /// How many operations it has.
    pub operations: u32,
}

/// Writes services into the model file format.
pub fn encode(
    botocore_version: &str,
    awscli_version: &str,
    iam_source: &str,
    services: &[Service],
) -> Result<Vec<u8>, ModelError> {
    let mut entries = Vec::with_capacity(services.len());
    let mut blobs = Vec::new();
    let mut sorted: Vec<&Service> = services.iter().collect();
    sorted.sort_by(|a, b| a.cli_name.cmp(&b.cli_name));
    let raws = sorted
        .iter()
        .map(|s| postcard::to_allocvec(s).map_err(|e| ModelError::Encode(e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    // Services share most of their vocabulary (shape names, documentation
    // phrases, endpoint rules): a dictionary trained on all of them makes
    // each compressed alone nearly as small as all compressed together.
    let samples: Vec<&[u8]> = raws
        .iter()
        .map(|r| &r[..r.len().min(SAMPLE_BYTES)])
        .collect();
    let dictionary = zstd::dict::from_samples(&samples, DICTIONARY_BYTES)
        .map_err(|e| ModelError::Encode(e.to_string()))?;
    let mut compressor = zstd::bulk::Compressor::with_dictionary(LEVEL, &dictionary)
        .map_err(|e| ModelError::Encode(e.to_string()))?;
    for (service, raw) in sorted.into_iter().zip(&raws) {
        let blob = compressor
            .compress(raw)
            .map_err(|e| ModelError::Encode(e.to_string()))?;
        entries.push(ServiceEntry {
            cli_name: service.cli_name.clone(),
            api_name: service.api_name.clone(),
            full_name: service.full_name.clone(),
            offset: blobs.len() as u64,
            len: blob.len() as u64,
            operations: service.operations.len() as u32,
        });
        blobs.extend_from_slice(&blob);
    }
    let index = Index {
        botocore_version: botocore_version.to_owned(),
        awscli_version: awscli_version.to_owned(),
        iam_source: iam_source.to_owned(),
        services: entries,
        dictionary,
    };
    let raw = postcard::to_allocvec(&index).map_err(|e| ModelError::Encode(e.to_string()))?;
    let index = zstd::bulk::compress(&raw, LEVEL).map_err(|e| ModelError::Encode(e.to_string()))?;
    let mut out = Vec::with_capacity(12 + index.len() + blobs.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(index.len() as u32).to_le_bytes());
    out.extend_from_slice(&index);
    out.extend_from_slice(&blobs);
    Ok(out)
}

/// A model file, opened: the index read, services decoded on first use.
pub struct ModelStore {
    origin: String,
    index: Index,
    bytes: Cow<'static, [u8]>,
    blobs_start: usize,
    services: Vec<OnceLock<Arc<Service>>>,
    /// Held while a service is decoded for the cache, so that calls
    /// arriving together for a service not yet decoded wait for one decode
    /// instead of each making its own copy (200 calls in flight for `ec2`
    /// once took the server past 4 GiB).
    decoding: std::sync::Mutex<()>,
}

impl std::fmt::Debug for ModelStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelStore")
            .field("origin", &self.origin)
            .field("botocore_version", &self.index.botocore_version)
            .field("services", &self.index.services.len())
            .finish_non_exhaustive()
    }
}

impl ModelStore {
    /// Opens model bytes; `origin` names them in messages.
    pub fn open(bytes: Cow<'static, [u8]>, origin: String) -> Result<Self, ModelError> {
        let bad = |message: &str| ModelError::Format {
            origin: origin.clone(),
            message: message.to_owned(),
        };
        if bytes.len() < 12 || &bytes[..8] != MAGIC {
            return Err(bad(
                "not a model file of this version (regenerate it with `aws-api-mcp models build`)",
            ));
        }
        let len = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize;
        let end = 12usize
            .checked_add(len)
            .filter(|&e| e <= bytes.len())
            .ok_or_else(|| bad("the index is cut short"))?;
        let raw = zstd::bulk::decompress(&bytes[12..end], 64 << 20)
            .map_err(|e| bad(&format!("the index cannot be read: {e}")))?;
        let index: Index = postcard::from_bytes(&raw)
            .map_err(|e| bad(&format!("the index cannot be read: {e}")))?;
        for entry in &index.services {
            let fits = (entry.offset as usize)
                .checked_add(entry.len as usize)
                .and_then(|e| e.checked_add(end))
                .is_some_and(|e| e <= bytes.len());
            if !fits {
                return Err(bad(&format!(
                    "service `{}` lies outside the file",
                    entry.cli_name
                )));
            }
        }
        let services = index.services.iter().map(|_| OnceLock::new()).collect();
        Ok(ModelStore {
            origin,
            index,
            bytes,
            blobs_start: end,
            services,
            decoding: std::sync::Mutex::new(()),
        })
    }

    /// Opens a model file.
    pub fn from_file(path: &Path) -> Result<Self, ModelError> {
        let bytes = std::fs::read(path).map_err(|source| ModelError::Io {
            path: path.to_path_buf(),
            error: source,
        })?;
        Self::open(Cow::Owned(bytes), path.display().to_string())
    }

    /// Where the models came from.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The index.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The service the CLI calls `cli_name`, decoded on first use.
    pub fn service(&self, cli_name: &str) -> Option<Result<Arc<Service>, ModelError>> {
        Some(self.decode(self.position(cli_name)?))
    }

    /// Where the service the CLI calls `cli_name` is in the index.
    fn position(&self, cli_name: &str) -> Option<usize> {
        self.index
            .services
            .binary_search_by(|e| e.cli_name.as_str().cmp(cli_name))
            .ok()
    }

    /// The service the CLI calls `cli_name`, decoded without keeping it
    /// (unless something already did): for a pass over every service, such
    /// as building the suggestion documents, that would otherwise keep all
    /// of them in memory.
    pub fn service_once(&self, cli_name: &str) -> Option<Result<Arc<Service>, ModelError>> {
        let position = self.position(cli_name)?;
        if let Some(service) = self.services[position].get() {
            return Some(Ok(Arc::clone(service)));
        }
        Some(self.read(position).map(Arc::new))
    }

    fn decode(&self, position: usize) -> Result<Arc<Service>, ModelError> {
        if let Some(service) = self.services[position].get() {
            return Ok(Arc::clone(service));
        }
        let _one_at_a_time = self
            .decoding
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(service) = self.services[position].get() {
            return Ok(Arc::clone(service));
        }
        let service = Arc::new(self.read(position)?);
        Ok(Arc::clone(self.services[position].get_or_init(|| service)))
    }

    /// Decompresses and decodes the service at `position`.
    fn read(&self, position: usize) -> Result<Service, ModelError> {
        let entry = &self.index.services[position];
        let start = self.blobs_start + entry.offset as usize;
        let blob = &self.bytes[start..start + entry.len as usize];
        let bad = |e: String| ModelError::Format {
            origin: self.origin.clone(),
            message: format!("service `{}` cannot be read: {e}", entry.cli_name),
        };
        let raw = zstd::bulk::Decompressor::with_dictionary(&self.index.dictionary)
            .and_then(|mut d| d.decompress(blob, 256 << 20))
            .map_err(|e| bad(e.to_string()))?;
        postcard::from_bytes(&raw).map_err(|e| bad(e.to_string()))
    }
}
