//! `aws s3 cp`, `mv` and `rm`: single objects and `--recursive` trees
//! between the working directory and S3 or within S3, with the CLI's
//! `--exclude`/`--include` filters, `--dryrun`, and its output lines
//! (`upload: ./a.txt to s3://b/a.txt`). Uploads above 8 MiB go in 8 MiB
//! parts, read one at a time, as the CLI's transfer manager does.
//!
//! Local paths come from the parser, which resolved them inside the
//! working directory for the policies to judge; files found under a local
//! folder are taken only if they stay inside it (symbolic links are not
//! followed), and downloaded keys that would climb out of the destination
//! folder (`../`) are skipped with the CLI's warning.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use base64::Engine as _;
use futures_util::stream::{self, StreamExt};
use serde_json::{Map, Value, json};

use super::{ExecError, Executor, Target, s3, timestamp};
use crate::command::{FileAccess, ParsedCommand};
use crate::model::Service;

/// The CLI's `multipart_threshold` and `multipart_chunksize`.
const PART_SIZE: u64 = 8 << 20;

/// Transfers in flight at once (the CLI's `max_concurrent_requests` is 10;
/// fewer keeps the memory of concurrent 8 MiB parts in check).
const CONCURRENCY: usize = 8;

/// Options of `cp`/`mv`/`rm` this server understands; any other is refused
/// rather than ignored.
const KNOWN: &[&str] = &[
    "paths",
    "dryrun",
    "quiet",
    "only-show-errors",
    "no-progress",
    "include",
    "exclude",
    "recursive",
    "page-size",
    "content-type",
    "cache-control",
    "content-disposition",
    "content-encoding",
    "content-language",
    "storage-class",
    "acl",
    "sse",
    "sse-kms-key-id",
    "website-redirect",
    "expires",
    "no-guess-mime-type",
    "follow-symlinks",
    "no-follow-symlinks",
    "request-payer",
    "metadata-directive",
    "delete",
    "size-only",
    "exact-timestamps",
];

/// Options passed on to `PutObject`/`CopyObject`/`CreateMultipartUpload`.
const OBJECT_OPTIONS: &[(&str, &str)] = &[
    ("content-type", "ContentType"),
    ("cache-control", "CacheControl"),
    ("content-disposition", "ContentDisposition"),
    ("content-encoding", "ContentEncoding"),
    ("content-language", "ContentLanguage"),
    ("storage-class", "StorageClass"),
    ("acl", "ACL"),
    ("sse", "ServerSideEncryption"),
    ("sse-kms-key-id", "SSEKMSKeyId"),
    ("website-redirect", "WebsiteRedirectLocation"),
    ("expires", "Expires"),
    ("request-payer", "RequestPayer"),
];

/// One end of a transfer.
#[derive(Debug, Clone, PartialEq)]
enum Place {
    Local(PathBuf),
    S3 { bucket: String, key: String },
}

impl Place {
    fn s3(path: &str) -> Option<Place> {
        let rest = path.strip_prefix("s3://")?;
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        Some(Place::S3 {
            bucket: bucket.to_owned(),
            key: key.to_owned(),
        })
    }
}

/// One object or file to move.
#[derive(Debug, Clone)]
struct Item {
    from: Place,
    to: Option<Place>,
    /// The source's size, when a listing or HeadObject gave it.
    size: u64,
}

/// A file or object found under a folder or prefix.
#[derive(Debug, Clone)]
struct Entry {
    place: Place,
    size: u64,
    /// Seconds since the epoch.
    mtime: f64,
}

/// Where S3 requests go: the `s3api` model and the target.
#[derive(Clone, Copy)]
pub(super) struct S3At<'a> {
    pub service: &'a Service,
    pub target: &'a Target,
}

/// How the command was asked to run.
struct Run<'a> {
    service: &'a Service,
    target: &'a Target,
    command: &'a ParsedCommand,
    working_dir: PathBuf,
    dryrun: bool,
    quiet: bool,
    errors_only: bool,
}

impl Run<'_> {
    fn at(&self) -> S3At<'_> {
        S3At {
            service: self.service,
            target: self.target,
        }
    }
}

impl Executor {
    /// Runs `aws s3 cp|mv|rm`; what it printed.
    pub(super) async fn s3_transfer(
        &self,
        service: &Service,
        command: &ParsedCommand,
        target: &Target,
    ) -> Result<String, ExecError> {
        let verb = command.cli_operation.as_str();
        if let Some(unknown) = command
            .parameters
            .iter()
            .find(|p| !KNOWN.contains(&p.cli_name.as_str()))
        {
            return Err(ExecError::Unsupported(format!(
                "`--{}` of `aws s3 {verb}` is not supported by this server yet; use the `aws s3api` operation that takes it",
                unknown.cli_name
            )));
        }
        let flag = |name: &str| command.flag(name);
        let run = Run {
            service,
            target,
            command,
            working_dir: self
                .settings
                .working_dir
                .clone()
                .unwrap_or_else(|| PathBuf::from(".")),
            dryrun: flag("dryrun"),
            quiet: flag("quiet"),
            errors_only: flag("only-show-errors"),
        };
        let recursive = flag("recursive");
        let from = self.place(command, 0, FileAccess::Read)?;
        let to = if verb == "rm" {
            None
        } else {
            Some(self.place(command, 1, FileAccess::Write)?)
        };
        if matches!((&from, &to), (Place::Local(_), Some(Place::Local(_)))) {
            return Err(ExecError::Request(
                "Error: Invalid argument type: one of the paths must be an s3:// path".to_owned(),
            ));
        }
        if verb == "rm" && !matches!(from, Place::S3 { .. }) {
            return Err(ExecError::Request(
                "`aws s3 rm` deletes S3 objects: give an s3:// path".to_owned(),
            ));
        }
        let (items, warnings) = if verb == "sync" {
            let to = to.as_ref().ok_or_else(|| {
                ExecError::Request("`aws s3 sync` needs a source and a destination".to_owned())
            })?;
            self.sync_plan(&run, &from, to).await?
        } else if recursive {
            self.tree(&run, &from, to.as_ref()).await?
        } else {
            // The CLI looks the object up first, and a missing one is
            // HeadObject's 404, before anything is written.
            let mut size = 0;
            if let Place::S3 { bucket, key } = &from
                && verb != "rm"
            {
                size = self.head_single(&run, bucket, key).await?;
            }
            // Filters apply to a single file too, against its folder.
            let (root, path) = match &from {
                Place::Local(file) => (
                    Place::Local(file.parent().map(Path::to_path_buf).unwrap_or_default()),
                    file.display().to_string(),
                ),
                Place::S3 { bucket, key } => (
                    Place::S3 {
                        bucket: bucket.clone(),
                        key: key.rsplit_once('/').map_or("", |(d, _)| d).to_owned(),
                    },
                    format!("{bucket}/{key}"),
                ),
            };
            let keep = Filters::new(command, &root).keep(&path);
            let items = if keep {
                vec![single(&from, to.as_ref(), size)]
            } else {
                Vec::new()
            };
            (items, Vec::new())
        };
        let mut out = String::new();
        for warning in warnings {
            out.push_str(&warning);
            out.push('\n');
        }
        let mut failures = Vec::new();
        if run.dryrun {
            for item in &items {
                out.push_str(&format!("(dryrun) {}\n", describe(&run, verb, item)));
            }
            return Ok(out);
        }
        // Several at a time, as the CLI's transfer manager does; the lines
        // come in the order of the listing, unlike the CLI's.
        let run = &run;
        let done: Vec<(String, Result<(), ExecError>)> = stream::iter(items)
            .map(|item| async move {
                let line = describe(run, verb, &item);
                (line, self.transfer(run, verb, &item).await)
            })
            .buffered(CONCURRENCY)
            .collect()
            .await;
        for (line, result) in done {
            match result {
                Ok(()) => {
                    if !run.quiet && !run.errors_only {
                        out.push_str(&line);
                        out.push('\n');
                    }
                }
                Err(e) => {
                    let (action, rest) = line.split_once(": ").unwrap_or((&line, ""));
                    let failure = format!("{action} failed: {rest} {e}");
                    if !run.quiet {
                        out.push_str(&failure);
                        out.push('\n');
                    }
                    failures.push(failure);
                }
            }
        }
        if !failures.is_empty() {
            return Err(ExecError::Request(out.trim_end().to_owned()));
        }
        Ok(out)
    }

    /// The `n`th path of the command.
    fn place(
        &self,
        command: &ParsedCommand,
        n: usize,
        access: FileAccess,
    ) -> Result<Place, ExecError> {
        let written = command.positionals.get(n).ok_or_else(|| {
            ExecError::Request(format!(
                "`aws s3 {}` needs {} paths",
                command.cli_operation,
                n + 1
            ))
        })?;
        if let Some(place) = Place::s3(written) {
            return Ok(place);
        }
        // The parser resolved local paths inside the working directory.
        let parameter = if n == 0 { "source" } else { "destination" };
        command
            .files
            .iter()
            .find(|f| f.parameter == parameter && f.access == access)
            .map(|f| Place::Local(f.resolved.clone()))
            .ok_or_else(|| {
                ExecError::Request(format!(
                    "the local path `{written}` was not checked by the parser"
                ))
            })
    }

    /// Every item under `from`, filtered, with its destination.
    async fn tree(
        &self,
        run: &Run<'_>,
        from: &Place,
        to: Option<&Place>,
    ) -> Result<(Vec<Item>, Vec<String>), ExecError> {
        let (entries, warnings) = self.entries(run, from, to).await?;
        let items = entries
            .into_iter()
            .map(|(rel, entry)| Item {
                from: entry.place,
                to: to.map(|t| below(t, &rel)),
                size: entry.size,
            })
            .collect();
        Ok((items, warnings))
    }

    /// `sync`: what is missing at the destination or differs from it by
    /// size or time (the CLI's `SizeAndLastModifiedSync`, or its
    /// `--size-only` and `--exact-timestamps` strategies), and with
    /// `--delete` what the source no longer has.
    async fn sync_plan(
        &self,
        run: &Run<'_>,
        from: &Place,
        to: &Place,
    ) -> Result<(Vec<Item>, Vec<String>), ExecError> {
        let flag = |name: &str| run.command.flag(name);
        let (source, mut warnings) = self.entries(run, from, Some(to)).await?;
        let destination = match to {
            Place::Local(dir) if !dir.exists() => Vec::new(),
            _ => {
                let (entries, more) = self.entries(run, to, None).await?;
                warnings.extend(more);
                entries
            }
        };
        let download = matches!(to, Place::Local(_));
        let existing: std::collections::BTreeMap<&str, &Entry> =
            destination.iter().map(|(k, v)| (k.as_str(), v)).collect();
        // Transfers and deletions in the order of their keys, as the CLI's
        // comparator walks both sorted listings.
        let mut items: Vec<(&str, Item)> = Vec::new();
        for (rel, entry) in &source {
            let changed = match existing.get(rel.as_str()) {
                None => true,
                Some(dest) => {
                    let same_size = entry.size == dest.size;
                    // delta = destination time - source time, as the CLI
                    // computes it.
                    let delta = dest.mtime - entry.mtime;
                    let same_time = if flag("exact-timestamps") && download {
                        delta == 0.0
                    } else if download {
                        delta <= 0.0
                    } else {
                        delta >= 0.0
                    };
                    if flag("size-only") {
                        !same_size
                    } else {
                        !same_size || !same_time
                    }
                }
            };
            if changed {
                items.push((
                    rel,
                    Item {
                        from: entry.place.clone(),
                        to: Some(below(to, rel)),
                        size: entry.size,
                    },
                ));
            }
        }
        if flag("delete") {
            let kept: std::collections::BTreeSet<&str> =
                source.iter().map(|(k, _)| k.as_str()).collect();
            for (rel, entry) in &destination {
                if !kept.contains(rel.as_str()) {
                    items.push((
                        rel,
                        Item {
                            from: entry.place.clone(),
                            to: None,
                            size: entry.size,
                        },
                    ));
                }
            }
        }
        items.sort_by(|a, b| a.0.cmp(b.0));
        Ok((items.into_iter().map(|(_, item)| item).collect(), warnings))
    }

    /// The files or objects under `root`, filtered, by their path relative
    /// to it, with size and time. `to` says where they would go: keys that
    /// would climb out of a local destination are left out with a warning.
    async fn entries(
        &self,
        run: &Run<'_>,
        root: &Place,
        to: Option<&Place>,
    ) -> Result<(Vec<(String, Entry)>, Vec<String>), ExecError> {
        let filters = Filters::new(run.command, root);
        let mut entries = Vec::new();
        let mut warnings = Vec::new();
        match root {
            Place::Local(dir) => {
                let mut files = Vec::new();
                walk(dir, &mut files)?;
                // In the order of their keys, as the CLI lists them
                // (`a-b.txt`, `a.txt`, `a/b.txt`), not folder by folder.
                let mut files: Vec<(String, PathBuf)> = files
                    .into_iter()
                    .map(|f| (relative_key(dir, &f), f))
                    .collect();
                files.sort();
                for (_, file) in files {
                    if !filters.keep(&file.display().to_string()) {
                        continue;
                    }
                    let Ok(meta) = std::fs::metadata(&file) else {
                        continue;
                    };
                    let mtime = meta
                        .modified()
                        .ok()
                        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                        .map_or(0.0, |d| d.as_secs_f64());
                    entries.push((
                        relative_key(dir, &file),
                        Entry {
                            place: Place::Local(file),
                            size: meta.len(),
                            mtime,
                        },
                    ));
                }
            }
            Place::S3 { bucket, key } => {
                let prefix = dir_prefix(key);
                let list = s3::op(run.service, "ListObjectsV2")?;
                let mut params = Map::new();
                params.insert("Bucket".to_owned(), json!(bucket));
                params.insert("Prefix".to_owned(), json!(prefix));
                if let Some(size) = run
                    .command
                    .parameters
                    .iter()
                    .find(|p| p.cli_name == "page-size")
                    .and_then(|p| p.value.as_str())
                    .and_then(|s| s.parse::<u64>().ok())
                {
                    params.insert("MaxKeys".to_owned(), json!(size));
                }
                let pages = self
                    .s3_pages(
                        run.service,
                        list,
                        params,
                        run.target,
                        "NextContinuationToken",
                    )
                    .await?;
                for object in s3::items(&pages, "Contents") {
                    let Some(object_key) = object.get("Key").and_then(Value::as_str) else {
                        continue;
                    };
                    let rel = object_key.strip_prefix(&prefix).unwrap_or(object_key);
                    if rel.is_empty() || !filters.keep(&format!("{bucket}/{object_key}")) {
                        continue;
                    }
                    // Empty keys ending in `/` are folders made in the
                    // console: only `rm` sees them, as in the CLI (a
                    // download makes folders as it needs them).
                    let size = object.get("Size").and_then(Value::as_u64).unwrap_or(0);
                    if object_key.ends_with('/') && size == 0 && run.command.cli_operation != "rm" {
                        continue;
                    }
                    if matches!(to, Some(Place::Local(_))) && !stays_below(rel) {
                        warnings.push(format!(
                            "warning: Skipping file s3://{bucket}/{object_key}. File references a parent directory."
                        ));
                        continue;
                    }
                    if let Some(Place::Local(root)) = to
                        && let Some(link) = link_on_the_way(root, rel)
                    {
                        warnings.push(format!(
                            "warning: Skipping file s3://{bucket}/{object_key}. `{}` is a symbolic link, and this server does not write through links (it could lead out of the working directory).",
                            link.display()
                        ));
                        continue;
                    }
                    let mtime = object
                        .get("LastModified")
                        .and_then(|v| timestamp::read(v).ok())
                        .map_or(0.0, |m| m.secs as f64 + f64::from(m.nanos) / 1e9);
                    entries.push((
                        rel.to_owned(),
                        Entry {
                            place: Place::S3 {
                                bucket: bucket.clone(),
                                key: object_key.to_owned(),
                            },
                            size: object.get("Size").and_then(Value::as_u64).unwrap_or(0),
                            mtime,
                        },
                    ));
                }
            }
        }
        Ok((entries, warnings))
    }

    /// Moves one item.
    async fn transfer(&self, run: &Run<'_>, verb: &str, item: &Item) -> Result<(), ExecError> {
        match (&item.from, &item.to) {
            (Place::Local(file), Some(Place::S3 { bucket, key })) => {
                self.upload(run, file, bucket, key).await?;
                if verb == "mv" {
                    std::fs::remove_file(file).map_err(|e| {
                        ExecError::Output(format!("`{}` cannot be removed: {e}", file.display()))
                    })?;
                }
            }
            (Place::S3 { bucket, key }, Some(Place::Local(file))) => {
                if let Some(dir) = file.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        ExecError::Output(format!("`{}` cannot be created: {e}", dir.display()))
                    })?;
                }
                let got = if item.size > PART_SIZE {
                    self.download_parts(run, (bucket, key), file, item.size)
                        .await?
                } else {
                    let get = s3::op(run.service, "GetObject")?;
                    let params = Map::from_iter([
                        ("Bucket".to_owned(), json!(bucket)),
                        ("Key".to_owned(), json!(key)),
                    ]);
                    self.call(run.service, get, &params, run.target, Some(file))
                        .await?
                };
                // The CLI gives a downloaded file the object's time, which
                // is what `sync` compares next time.
                if let Some(moment) = got
                    .get("LastModified")
                    .and_then(|v| timestamp::read(v).ok())
                    && let Ok(secs) = u64::try_from(moment.secs)
                    && let Ok(handle) = std::fs::File::options().write(true).open(file)
                {
                    let when = std::time::UNIX_EPOCH + std::time::Duration::new(secs, moment.nanos);
                    let _ = handle.set_modified(when);
                }
                if verb == "mv" {
                    self.delete(run, bucket, key).await?;
                }
            }
            (
                Place::S3 { bucket, key },
                Some(Place::S3 {
                    bucket: b2,
                    key: k2,
                }),
            ) if item.size > PART_SIZE => {
                self.copy_parts(run, (bucket, key), (b2, k2), item.size)
                    .await?;
                if verb == "mv" {
                    self.delete(run, bucket, key).await?;
                }
            }
            (
                Place::S3 { bucket, key },
                Some(Place::S3 {
                    bucket: b2,
                    key: k2,
                }),
            ) => {
                let copy = s3::op(run.service, "CopyObject")?;
                // The CLI guesses a copy's type from the source key.
                let mut params = object_options(run, Some(key));
                params.insert("Bucket".to_owned(), json!(b2));
                params.insert("Key".to_owned(), json!(k2));
                params.insert("CopySource".to_owned(), json!(format!("{bucket}/{key}")));
                self.call(run.service, copy, &params, run.target, None)
                    .await?;
                if verb == "mv" {
                    self.delete(run, bucket, key).await?;
                }
            }
            (Place::S3 { bucket, key }, None) => self.delete(run, bucket, key).await?,
            // `sync --delete` into a local folder.
            (Place::Local(file), None) => std::fs::remove_file(file).map_err(|e| {
                ExecError::Output(format!("`{}` cannot be removed: {e}", file.display()))
            })?,
            (Place::Local(_), _) => {
                return Err(ExecError::Request(
                    "one of the paths must be an s3:// path".to_owned(),
                ));
            }
        }
        Ok(())
    }

    /// HeadObject of the source of a single download or copy, with the
    /// CLI's words for a missing key; the object's size.
    async fn head_single(&self, run: &Run<'_>, bucket: &str, key: &str) -> Result<u64, ExecError> {
        let head = s3::op(run.service, "HeadObject")?;
        let params = Map::from_iter([
            ("Bucket".to_owned(), json!(bucket)),
            ("Key".to_owned(), json!(key)),
        ]);
        match self
            .call(run.service, head, &params, run.target, None)
            .await
        {
            Ok(head) => Ok(head
                .get("ContentLength")
                .and_then(Value::as_u64)
                .unwrap_or(0)),
            Err(ExecError::Service {
                operation,
                status: 404,
                mut error,
                attempts,
            }) => {
                error.message = format!("Key \"{key}\" does not exist");
                Err(ExecError::Service {
                    operation,
                    status: 404,
                    error,
                    attempts,
                })
            }
            Err(e) => Err(e),
        }
    }

    async fn delete(&self, run: &Run<'_>, bucket: &str, key: &str) -> Result<(), ExecError> {
        let delete = s3::op(run.service, "DeleteObject")?;
        let params = Map::from_iter([
            ("Bucket".to_owned(), json!(bucket)),
            ("Key".to_owned(), json!(key)),
        ]);
        self.call(run.service, delete, &params, run.target, None)
            .await
            .map(|_| ())
    }

    /// PutObject, or a multipart upload in 8 MiB parts read one at a time.
    async fn upload(
        &self,
        run: &Run<'_>,
        file: &Path,
        bucket: &str,
        key: &str,
    ) -> Result<(), ExecError> {
        // The CLI guesses an upload's type from the local file's name.
        let mut params = object_options(run, Some(&file.to_string_lossy()));
        params.insert("Bucket".to_owned(), json!(bucket));
        params.insert("Key".to_owned(), json!(key));
        self.put_file(run.at(), file, params).await.map(|_| ())
    }

    /// Uploads `file` with `params` (bucket, key and object options):
    /// PutObject up to 8 MiB, a multipart upload above. The answer of the
    /// call that made the object (its `ETag`, `VersionId`).
    pub(super) async fn put_file(
        &self,
        at: S3At<'_>,
        file: &Path,
        mut params: Map<String, Value>,
    ) -> Result<Map<String, Value>, ExecError> {
        let unreadable = |e: std::io::Error| {
            ExecError::Request(format!("`{}` cannot be read: {e}", file.display()))
        };
        let size = std::fs::metadata(file).map_err(unreadable)?.len();
        if size <= PART_SIZE {
            params.insert(
                "Body".to_owned(),
                json!({ "$file": file.display().to_string() }),
            );
            let put = s3::op(at.service, "PutObject")?;
            return self.call(at.service, put, &params, at.target, None).await;
        }
        // As s3transfer does: parts carry CRC32 checksums, and the object
        // a composite of them.
        params
            .entry("ChecksumAlgorithm")
            .or_insert_with(|| json!("CRC32"));
        let ids = self.start_multipart(at, &params).await?;
        let parts = self.upload_parts(at, file, &ids).await;
        self.finish_multipart(at, ids, parts).await
    }

    /// CreateMultipartUpload with `params`; the members that name the
    /// upload in every later call (bucket, key, upload id).
    async fn start_multipart(
        &self,
        at: S3At<'_>,
        params: &Map<String, Value>,
    ) -> Result<Map<String, Value>, ExecError> {
        let create = s3::op(at.service, "CreateMultipartUpload")?;
        let started = self
            .call(at.service, create, params, at.target, None)
            .await?;
        let upload_id = started
            .get("UploadId")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                ExecError::Response("CreateMultipartUpload gave no UploadId".to_owned())
            })?;
        Ok(Map::from_iter([
            ("Bucket".to_owned(), params["Bucket"].clone()),
            ("Key".to_owned(), params["Key"].clone()),
            ("UploadId".to_owned(), json!(upload_id)),
        ]))
    }

    /// CompleteMultipartUpload with the parts, or, when a part failed,
    /// AbortMultipartUpload: no half-uploaded parts are left to pay for.
    async fn finish_multipart(
        &self,
        at: S3At<'_>,
        ids: Map<String, Value>,
        parts: Result<Vec<Value>, ExecError>,
    ) -> Result<Map<String, Value>, ExecError> {
        match parts {
            Ok(parts) => {
                let complete = s3::op(at.service, "CompleteMultipartUpload")?;
                let mut params = ids;
                params.insert("MultipartUpload".to_owned(), json!({ "Parts": parts }));
                self.call(at.service, complete, &params, at.target, None)
                    .await
            }
            Err(e) => {
                if let Ok(abort) = s3::op(at.service, "AbortMultipartUpload") {
                    let _ = self.call(at.service, abort, &ids, at.target, None).await;
                }
                Err(e)
            }
        }
    }

    /// A download above 8 MiB in 8 MiB ranged GETs, each held in memory
    /// only while it is appended to a hidden file beside the destination,
    /// which replaces the destination once whole. Every range after the
    /// first names the first one's ETag (`If-Match`), so an object replaced
    /// mid-download fails instead of mixing two versions. The answer of the
    /// last GET (with `LastModified`).
    async fn download_parts(
        &self,
        run: &Run<'_>,
        (bucket, key): (&str, &str),
        file: &Path,
        size: u64,
    ) -> Result<Map<String, Value>, ExecError> {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let partial = file.with_file_name(format!(".{name}.aws-api-mcp-download"));
        let piece = file.with_file_name(format!(".{name}.aws-api-mcp-range"));
        let result = self
            .download_ranges(run, (bucket, key), (&partial, &piece), size)
            .await;
        let _ = std::fs::remove_file(&piece);
        match result {
            Ok(last) => {
                std::fs::rename(&partial, file).map_err(|e| {
                    ExecError::Output(format!("`{}` cannot be written: {e}", file.display()))
                })?;
                Ok(last)
            }
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                Err(e)
            }
        }
    }

    async fn download_ranges(
        &self,
        run: &Run<'_>,
        (bucket, key): (&str, &str),
        (partial, piece): (&PathBuf, &PathBuf),
        size: u64,
    ) -> Result<Map<String, Value>, ExecError> {
        let unwritable = |path: &Path, e: std::io::Error| {
            ExecError::Output(format!("`{}` cannot be written: {e}", path.display()))
        };
        let get = s3::op(run.service, "GetObject")?;
        let mut out = std::fs::File::create(partial).map_err(|e| unwritable(partial, e))?;
        let mut etag: Option<Value> = None;
        let mut last = Map::new();
        for start in (0..size).step_by(PART_SIZE as usize) {
            let end = (start + PART_SIZE).min(size) - 1;
            let mut params = Map::from_iter([
                ("Bucket".to_owned(), json!(bucket)),
                ("Key".to_owned(), json!(key)),
                ("Range".to_owned(), json!(format!("bytes={start}-{end}"))),
            ]);
            if let Some(tag) = &etag {
                params.insert("IfMatch".to_owned(), tag.clone());
            }
            last = self
                .call(run.service, get, &params, run.target, Some(piece))
                .await?;
            if etag.is_none() {
                etag = last.get("ETag").cloned();
            }
            let mut range = std::fs::File::open(piece).map_err(|e| unwritable(piece, e))?;
            std::io::copy(&mut range, &mut out).map_err(|e| unwritable(partial, e))?;
        }
        out.sync_all().map_err(|e| unwritable(partial, e))?;
        Ok(last)
    }

    /// A copy above 8 MiB in 8 MiB `UploadPartCopy` ranges, as the CLI's
    /// transfer manager makes it. Like the CLI v1, the new object gets only
    /// the options the command gives (no guessed type, no checksum).
    async fn copy_parts(
        &self,
        run: &Run<'_>,
        (bucket, key): (&str, &str),
        (to_bucket, to_key): (&str, &str),
        size: u64,
    ) -> Result<(), ExecError> {
        let mut params = object_options(run, None);
        params.insert("Bucket".to_owned(), json!(to_bucket));
        params.insert("Key".to_owned(), json!(to_key));
        let ids = self.start_multipart(run.at(), &params).await?;
        let parts = self.copy_ranges(run, (bucket, key), &ids, size).await;
        self.finish_multipart(run.at(), ids, parts)
            .await
            .map(|_| ())
    }

    /// The `UploadPartCopy` calls of [`Self::copy_parts`]; the parts.
    async fn copy_ranges(
        &self,
        run: &Run<'_>,
        (bucket, key): (&str, &str),
        ids: &Map<String, Value>,
        size: u64,
    ) -> Result<Vec<Value>, ExecError> {
        let copy_part = s3::op(run.service, "UploadPartCopy")?;
        let mut parts = Vec::new();
        for (number, start) in (1u32..).zip((0..size).step_by(PART_SIZE as usize)) {
            let end = (start + PART_SIZE).min(size) - 1;
            let mut params = ids.clone();
            params.insert("PartNumber".to_owned(), json!(number));
            params.insert("CopySource".to_owned(), json!(format!("{bucket}/{key}")));
            params.insert(
                "CopySourceRange".to_owned(),
                json!(format!("bytes={start}-{end}")),
            );
            let done = self
                .call(run.service, copy_part, &params, run.target, None)
                .await?;
            let etag = done
                .get("CopyPartResult")
                .and_then(|r| r.get("ETag"))
                .cloned()
                .unwrap_or(Value::Null);
            parts.push(json!({"ETag": etag, "PartNumber": number}));
        }
        Ok(parts)
    }

    async fn upload_parts(
        &self,
        at: S3At<'_>,
        file: &Path,
        ids: &Map<String, Value>,
    ) -> Result<Vec<Value>, ExecError> {
        let unreadable = |e: std::io::Error| {
            ExecError::Request(format!("`{}` cannot be read: {e}", file.display()))
        };
        let part = s3::op(at.service, "UploadPart")?;
        let mut reader = std::fs::File::open(file).map_err(unreadable)?;
        let mut parts = Vec::new();
        let mut buffer = vec![0u8; PART_SIZE as usize];
        for number in 1u32.. {
            let mut filled = 0;
            while filled < buffer.len() {
                let n = reader.read(&mut buffer[filled..]).map_err(unreadable)?;
                if n == 0 {
                    break;
                }
                filled += n;
            }
            if filled == 0 {
                break;
            }
            let mut params = ids.clone();
            params.insert("PartNumber".to_owned(), json!(number));
            params.insert(
                "Body".to_owned(),
                json!({ "$blob": base64::engine::general_purpose::STANDARD.encode(&buffer[..filled]) }),
            );
            let done = self
                .call(at.service, part, &params, at.target, None)
                .await?;
            let mut entry = Map::from_iter([("PartNumber".to_owned(), json!(number))]);
            for field in ["ETag", "ChecksumCRC32"] {
                if let Some(v) = done.get(field) {
                    entry.insert(field.to_owned(), v.clone());
                }
            }
            parts.push(Value::Object(entry));
            if filled < buffer.len() {
                break;
            }
        }
        Ok(parts)
    }
}

/// The item of a command without `--recursive`.
fn single(from: &Place, to: Option<&Place>, size: u64) -> Item {
    let name = match from {
        Place::Local(path) => path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        Place::S3 { key, .. } => key.rsplit('/').next().unwrap_or(key).to_owned(),
    };
    let to = to.map(|t| match t {
        Place::S3 { bucket, key } if key.is_empty() || key.ends_with('/') => Place::S3 {
            bucket: bucket.clone(),
            key: format!("{key}{name}"),
        },
        Place::Local(path) if path.is_dir() => Place::Local(path.join(&name)),
        other => other.clone(),
    });
    Item {
        from: from.clone(),
        to,
        size,
    }
}

/// `rel` under the destination folder or prefix; `None` for a key that
/// climbs out of a local folder.
fn below(to: &Place, rel: &str) -> Place {
    match to {
        Place::S3 { bucket, key } => Place::S3 {
            bucket: bucket.clone(),
            key: format!("{}{rel}", dir_prefix(key)),
        },
        Place::Local(dir) => Place::Local(dir.join(rel)),
    }
}

/// A key as a folder: empty, or ending with `/`.
fn dir_prefix(key: &str) -> String {
    if key.is_empty() || key.ends_with('/') {
        key.to_owned()
    } else {
        format!("{key}/")
    }
}

/// `file` under `root` with `/` separators.
fn relative_key(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The regular files under `dir`, not following symbolic links.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), ExecError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| ExecError::Request(format!("`{}` cannot be listed: {e}", dir.display())))?;
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(&entry.path(), out)?;
        } else if kind.is_file() {
            out.push(entry.path());
        }
    }
    Ok(())
}

/// The CLI's output line for an item.
fn describe(run: &Run<'_>, verb: &str, item: &Item) -> String {
    let show = |p: &Place| match p {
        Place::S3 { bucket, key } => format!("s3://{bucket}/{key}"),
        Place::Local(path) => local_display(&run.working_dir, path),
    };
    let from = show(&item.from);
    match &item.to {
        None => format!("delete: {from}"),
        Some(to) => {
            let action = match (verb, &item.from, to) {
                ("mv", _, _) => "move",
                (_, Place::Local(_), _) => "upload",
                (_, _, Place::Local(_)) => "download",
                _ => "copy",
            };
            format!("{action}: {from} to {}", show(to))
        }
    }
}

/// `relative_path`: the folder relative to the working directory, joined
/// with the name (`./a.txt`, `tree/sub/b.txt`).
fn local_display(working_dir: &Path, path: &Path) -> String {
    let Some(name) = path.file_name() else {
        return path.display().to_string();
    };
    let dir = path.parent().unwrap_or(Path::new(""));
    match dir.strip_prefix(working_dir) {
        Ok(rel) if rel.as_os_str().is_empty() => format!("./{}", name.to_string_lossy()),
        Ok(rel) => format!("{}/{}", rel.display(), name.to_string_lossy()),
        Err(_) => path.display().to_string(),
    }
}

/// `--exclude`/`--include` in the order given: the last pattern that
/// matches decides, as the CLI's `Filter` does.
struct Filters {
    patterns: Vec<(bool, String)>,
}

impl Filters {
    fn new(command: &ParsedCommand, from: &Place) -> Filters {
        let root = match from {
            Place::Local(path) => format!("{}/", path.display()),
            Place::S3 { bucket, key } => format!("{bucket}/{}", dir_prefix(key)),
        };
        let mut patterns = Vec::new();
        for p in &command.parameters {
            let include = match p.cli_name.as_str() {
                "include" => true,
                "exclude" => false,
                _ => continue,
            };
            let values: Vec<&str> = match &p.value {
                Value::String(s) => vec![s.as_str()],
                Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            for v in values {
                patterns.push((include, format!("{root}{v}")));
            }
        }
        Filters { patterns }
    }

    fn keep(&self, path: &str) -> bool {
        let mut keep = true;
        for (include, pattern) in &self.patterns {
            if fnmatch(pattern, path) {
                keep = *include;
            }
        }
        keep
    }
}

/// Python's `fnmatch.fnmatch` on POSIX: `*` and `?` match any character,
/// `/` included; `[...]` sets.
fn fnmatch(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ti));
                    pi += 1;
                    continue;
                }
                '?' => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                '[' => match class(&p, pi, t[ti]) {
                    Some((true, next)) => {
                        pi = next;
                        ti += 1;
                        continue;
                    }
                    Some((false, _)) => {}
                    None if t[ti] == '[' => {
                        pi += 1;
                        ti += 1;
                        continue;
                    }
                    None => {}
                },
                c if c == t[ti] => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, st)) => {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// A `[...]` set at `p[start]`: whether `c` is in it and where the pattern
/// goes on; `None` when the `[` opens no set.
fn class(p: &[char], start: usize, c: char) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = matches!(p.get(i), Some('!'));
    if negate {
        i += 1;
    }
    let first = i;
    let mut matched = false;
    while i < p.len() && (p[i] != ']' || i == first) {
        if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
            matched |= p[i] <= c && c <= p[i + 2];
            i += 3;
        } else {
            matched |= p[i] == c;
            i += 1;
        }
    }
    (i < p.len()).then_some((matched != negate, i + 1))
}

/// `PutObject`-style members from the command's options, with the content
/// type guessed from `name` (the source's) as the CLI guesses it.
fn object_options(run: &Run<'_>, name: Option<&str>) -> Map<String, Value> {
    let mut params = Map::new();
    for p in &run.command.parameters {
        if let Some((_, member)) = OBJECT_OPTIONS.iter().find(|(o, _)| *o == p.cli_name)
            && let Value::String(v) = &p.value
        {
            params.insert((*member).to_owned(), json!(v));
        }
    }
    let guess = !run
        .command
        .parameters
        .iter()
        .any(|p| p.cli_name == "no-guess-mime-type");
    if guess
        && !params.contains_key("ContentType")
        && let Some(kind) = name.and_then(guess_type)
    {
        params.insert("ContentType".to_owned(), json!(kind));
    }
    params
}

/// `mimetypes.guess_type(name)[0]` as Python 3.11 answers it with its
/// built-in tables: `.tgz` read as `.tar.gz`, an encoding extension
/// (`.gz`) set aside, then the type of the extension left.
fn guess_type(name: &str) -> Option<&'static str> {
    use super::mime_types::{ENCODINGS, SUFFIXES, TYPES};
    let mut name = name.to_owned();
    let mut ext = splitext(&name).to_owned();
    while let Some((_, long)) = SUFFIXES
        .iter()
        .find(|(s, _)| *s == ext.to_ascii_lowercase())
    {
        name = format!("{}{long}", &name[..name.len() - ext.len()]);
        ext = splitext(&name).to_owned();
    }
    if ENCODINGS.contains(&ext.as_str()) {
        name.truncate(name.len() - ext.len());
        ext = splitext(&name).to_owned();
    }
    let ext = ext.to_ascii_lowercase();
    TYPES
        .binary_search_by(|(e, _)| (*e).cmp(ext.as_str()))
        .ok()
        .map(|i| TYPES[i].1)
}

/// `posixpath.splitext(name)[1]`: the last `.` of the last component, with
/// the dot, unless only dots come before it.
fn splitext(name: &str) -> &str {
    let file = name.rsplit('/').next().unwrap_or(name);
    match file.rfind('.') {
        Some(dot) if file[..dot].chars().any(|c| c != '.') => &file[dot..],
        _ => "",
    }
}

/// The first symbolic link on the way from `root` to `root/rel`, the file
/// itself included. The parser checked the destination folder; the files a
/// recursive download writes below it are named by the bucket's keys, so a
/// link already there (`outdir -> ..`) must not carry them elsewhere.
fn link_on_the_way(root: &Path, rel: &str) -> Option<PathBuf> {
    let mut path = root.to_path_buf();
    for part in Path::new(rel).components() {
        path.push(part);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => return Some(path),
            Ok(_) => {}
            // Nothing there yet: nothing below it either.
            Err(_) => return None,
        }
    }
    None
}

/// Whether `rel` stays below its folder (no `..`, not absolute).
fn stays_below(rel: &str) -> bool {
    Path::new(rel)
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn links_below_a_download_folder_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("w");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("out")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("x"), root.join("sub/file")).unwrap();
        assert_eq!(
            link_on_the_way(&root, "out/pwned.txt"),
            Some(root.join("out"))
        );
        assert_eq!(
            link_on_the_way(&root, "sub/file"),
            Some(root.join("sub/file"))
        );
        assert_eq!(link_on_the_way(&root, "sub/new.txt"), None);
        assert_eq!(link_on_the_way(&root, "new/deeper/a.txt"), None);
    }

    #[test]
    fn content_types_as_python_guesses_them() {
        for (name, kind) in [
            ("a.txt", Some("text/plain")),
            ("dir/A.JSON", Some("application/json")),
            ("exports/2024-01.csv.gz", Some("text/csv")),
            ("backup-1.tar.gz", Some("application/x-tar")),
            ("x.tgz", Some("application/x-tar")),
            ("a.txt.bz2", Some("text/plain")),
            ("a.gz", None),
            ("a.log", None),
            (".bashrc", None),
            ("dir.d/file", None),
            ("meeting notes.txt", Some("text/plain")),
        ] {
            assert_eq!(guess_type(name), kind, "{name}");
        }
    }

    #[test]
    fn fnmatch_as_python() {
        assert!(fnmatch("/w/*.txt", "/w/a.txt"));
        assert!(fnmatch("/w/*.txt", "/w/sub/a.txt"));
        assert!(!fnmatch("/w/*.txt", "/w/a.json"));
        assert!(fnmatch("b/logs/*", "b/logs/2026/x"));
        assert!(fnmatch("a?c", "abc"));
        assert!(fnmatch("[ab]x", "bx"));
        assert!(!fnmatch("[!ab]x", "bx"));
        assert!(fnmatch("[a-c]x", "cx"));
        assert!(fnmatch("*", ""));
        assert!(!fnmatch("a", ""));
    }

    #[test]
    fn paths_as_the_cli_shows_them() {
        let wd = Path::new("/w");
        assert_eq!(local_display(wd, Path::new("/w/a.txt")), "./a.txt");
        assert_eq!(
            local_display(wd, Path::new("/w/tree/sub/b.txt")),
            "tree/sub/b.txt"
        );
        assert_eq!(local_display(wd, Path::new("/x/a.txt")), "/x/a.txt");
        assert_eq!(dir_prefix(""), "");
        assert_eq!(dir_prefix("a"), "a/");
        assert!(stays_below("a/b.txt"));
        assert!(!stays_below("../b.txt"));
        assert!(!stays_below("/etc/passwd"));
    }
}
