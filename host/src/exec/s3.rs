//! The CLI's own `aws s3` commands that are plain API calls: `ls`, `mb`
//! and `rb`, printed line for line as `awscli/customizations/s3/subcommands.py`
//! prints them. Times are shown in UTC (the CLI uses the machine's zone,
//! which a model reading the output cannot know).

use serde_json::{Map, Value, json};

use super::{ExecError, Executor, Outcome, Target, timestamp};
use crate::command::ParsedCommand;
use crate::model::{Operation, Service};

/// Whether this server runs `aws s3 <name>`.
pub fn supported(name: &str) -> bool {
    matches!(
        name,
        "ls" | "mb" | "rb" | "cp" | "mv" | "rm" | "sync" | "presign" | "website"
    )
}

impl Executor {
    /// Runs `aws s3 ls|mb|rb`; `service` is S3's API model.
    pub(super) async fn s3_command(
        &self,
        service: &Service,
        command: &ParsedCommand,
    ) -> Result<Outcome, ExecError> {
        let target = self.target(service, &command.global).await?;
        let flag = |name: &str| command.flag(name);
        let option = |name: &str| command.option_text(name);
        let path = command.positionals.first().cloned().unwrap_or_default();
        let (bucket, key) = split_path(&path);
        let printed = match command.cli_operation.as_str() {
            "ls" => {
                let mut listing = Listing {
                    human: flag("human-readable"),
                    ..Listing::default()
                };
                let page_size = option("page-size").and_then(|s| s.parse::<u64>().ok());
                if bucket.is_empty() {
                    let filters = (option("bucket-name-prefix"), option("bucket-region"));
                    self.list_buckets(service, &target, page_size, filters, &mut listing)
                        .await?;
                } else {
                    self.list_objects(
                        service,
                        &target,
                        (bucket, key),
                        flag("recursive"),
                        page_size,
                        option("request-payer"),
                        &mut listing,
                    )
                    .await?;
                }
                if flag("summarize") {
                    listing.summary();
                }
                listing.out
            }
            "mb" => {
                let mut params = Map::new();
                params.insert("Bucket".to_owned(), json!(bucket));
                // us-east-1 takes no location constraint.
                if target.region != "us-east-1" {
                    params.insert(
                        "CreateBucketConfiguration".to_owned(),
                        json!({ "LocationConstraint": target.region }),
                    );
                }
                let operation = op(service, "CreateBucket")?;
                self.call(service, operation, &params, &target, None)
                    .await
                    .map_err(|e| failed("make_bucket", &path, e))?;
                format!("make_bucket: {bucket}\n")
            }
            "rb" => {
                let mut out = String::new();
                if flag("force") {
                    out.push_str(&self.empty_bucket(service, &target, bucket).await?);
                }
                let operation = op(service, "DeleteBucket")?;
                let params = Map::from_iter([("Bucket".to_owned(), json!(bucket))]);
                self.call(service, operation, &params, &target, None)
                    .await
                    .map_err(|e| failed("remove_bucket", &path, e))?;
                out.push_str(&format!("remove_bucket: {bucket}\n"));
                out
            }
            "cp" | "mv" | "rm" | "sync" => self.s3_transfer(service, command, &target).await?,
            // PutBucketWebsite with the index and error documents given, as
            // `awscli/customizations/s3/subcommands.py` builds it; prints
            // nothing.
            "website" => {
                let mut config = serde_json::Map::new();
                if let Some(index) = option("index-document") {
                    config.insert("IndexDocument".to_owned(), json!({ "Suffix": index }));
                }
                if let Some(error) = option("error-document") {
                    config.insert("ErrorDocument".to_owned(), json!({ "Key": error }));
                }
                let params = serde_json::Map::from_iter([
                    ("Bucket".to_owned(), json!(bucket)),
                    ("WebsiteConfiguration".to_owned(), Value::Object(config)),
                ]);
                let operation = op(service, "PutBucketWebsite")?;
                self.call(service, operation, &params, &target, None)
                    .await?;
                String::new()
            }
            "presign" => {
                let expires_in = match option("expires-in") {
                    None => 3600,
                    Some(text) => text.parse::<u64>().map_err(|_| {
                        ExecError::Request(format!(
                            "`--expires-in` is `{text}`; expected a number of seconds"
                        ))
                    })?,
                };
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                let url = self
                    .presign(service, &target, (bucket, key), now + expires_in)
                    .await?;
                format!("{url}\n")
            }
            other => {
                return Err(ExecError::Unsupported(format!(
                    "`aws s3 {other}` is not run by this server yet; use the `aws s3api` operations it is made of"
                )));
            }
        };
        Ok(Outcome {
            response: Value::Null,
            printed,
            pages: 1,
            cut_at_page_limit: None,
            next_token: None,
        })
    }

    async fn list_buckets(
        &self,
        service: &Service,
        target: &Target,
        page_size: Option<u64>,
        (prefix, region): (Option<String>, Option<String>),
        listing: &mut Listing,
    ) -> Result<(), ExecError> {
        let operation = op(service, "ListBuckets")?;
        let mut params = Map::new();
        if let Some(prefix) = prefix {
            params.insert("Prefix".to_owned(), json!(prefix));
        }
        if let Some(region) = region {
            params.insert("BucketRegion".to_owned(), json!(region));
        }
        if let Some(n) = page_size {
            params.insert("MaxBuckets".to_owned(), json!(n));
        }
        let pages = self
            .s3_pages(service, operation, params, target, "ContinuationToken")
            .await?;
        for bucket in items(&pages, "Buckets") {
            let name = bucket
                .get("Name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let date = last_modified(bucket.get("CreationDate"));
            listing.out.push_str(&format!("{date} {name}\n"));
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments, reason = "the options of `s3 ls`")]
    async fn list_objects(
        &self,
        service: &Service,
        target: &Target,
        (bucket, key): (&str, &str),
        recursive: bool,
        page_size: Option<u64>,
        request_payer: Option<String>,
        listing: &mut Listing,
    ) -> Result<(), ExecError> {
        let operation = op(service, "ListObjectsV2")?;
        let mut params = Map::new();
        params.insert("Bucket".to_owned(), json!(bucket));
        params.insert("Prefix".to_owned(), json!(key));
        if !recursive {
            params.insert("Delimiter".to_owned(), json!("/"));
        }
        if let Some(n) = page_size {
            params.insert("MaxKeys".to_owned(), json!(n));
        }
        if let Some(payer) = request_payer {
            params.insert("RequestPayer".to_owned(), json!(payer));
        }
        let pages = self
            .s3_pages(service, operation, params, target, "NextContinuationToken")
            .await?;
        for page in &pages {
            listing.page(page, !recursive);
        }
        Ok(())
    }

    /// `rb --force`: deletes every object first, printing a line for each
    /// as `s3 rm --recursive` does.
    async fn empty_bucket(
        &self,
        service: &Service,
        target: &Target,
        bucket: &str,
    ) -> Result<String, ExecError> {
        let list = op(service, "ListObjectsV2")?;
        let delete = op(service, "DeleteObject")?;
        let mut out = String::new();
        let params = Map::from_iter([("Bucket".to_owned(), json!(bucket))]);
        let pages = self
            .s3_pages(service, list, params, target, "NextContinuationToken")
            .await?;
        for object in items(&pages, "Contents") {
            let key = object
                .get("Key")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let delete_params = Map::from_iter([
                ("Bucket".to_owned(), json!(bucket)),
                ("Key".to_owned(), json!(key)),
            ]);
            self.call(service, delete, &delete_params, target, None)
                .await
                .map_err(|e| failed("delete", &format!("s3://{bucket}/{key}"), e))?;
            out.push_str(&format!("delete: s3://{bucket}/{key}\n"));
        }
        Ok(out)
    }

    /// `s3 presign`: a GetObject URL with SigV2 query authentication, as
    /// botocore presigns for S3 unless told otherwise.
    async fn presign(
        &self,
        service: &Service,
        target: &Target,
        (bucket, key): (&str, &str),
        expires: u64,
    ) -> Result<String, ExecError> {
        if bucket.is_empty() || key.is_empty() {
            return Err(ExecError::Request(
                "`aws s3 presign` needs an object: s3://bucket/key".to_owned(),
            ));
        }
        let operation = op(service, "GetObject")?;
        let params = Map::from_iter([
            ("Bucket".to_owned(), json!(bucket)),
            ("Key".to_owned(), json!(key)),
        ]);
        let wire = super::serialize::serialize(service, operation, &params)?;
        let endpoint = self.endpoint(service, operation, &params, target)?;
        let url = super::join_url(&endpoint.url, &wire.path, None)?;
        let credentials = self
            .credentials
            .credentials(target.profile.as_deref())
            .await?;
        let resource = format!("/{bucket}/{}", super::serialize::encode(key, true));
        Ok(format!(
            "{url}?{}",
            sigv2_query(
                credentials.access_key_id(),
                credentials.secret_access_key(),
                credentials.session_token(),
                &resource,
                expires
            )
        ))
    }

    /// Every page of an S3 listing: the token an answer gives in `next`
    /// goes back as `ContinuationToken`, up to the page limit.
    pub(super) async fn s3_pages(
        &self,
        service: &Service,
        operation: &Operation,
        mut params: Map<String, Value>,
        target: &Target,
        next: &str,
    ) -> Result<Vec<Map<String, Value>>, ExecError> {
        let mut pages = Vec::new();
        for _ in 0..self.settings.max_pages {
            let page = self.call(service, operation, &params, target, None).await?;
            let token = page
                .get(next)
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
                .map(str::to_owned);
            pages.push(page);
            match token {
                Some(token) => {
                    params.insert("ContinuationToken".to_owned(), json!(token));
                }
                None => break,
            }
        }
        Ok(pages)
    }
}

/// What `s3 ls` has printed and counted.
#[derive(Debug, Default)]
struct Listing {
    out: String,
    human: bool,
    objects: u64,
    bytes: u64,
}

impl Listing {
    /// `_display_page`: prefixes as `PRE name/`, objects with their time,
    /// size and name (the last path part unless recursive).
    fn page(&mut self, page: &Map<String, Value>, basename: bool) {
        for prefix in page
            .get("CommonPrefixes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let full = prefix
                .get("Prefix")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let parts: Vec<&str> = full.split('/').collect();
            let name = parts.len().checked_sub(2).map_or("", |i| parts[i]);
            self.out.push_str(&format!("{:>30} {name}/\n", "PRE"));
        }
        for object in page
            .get("Contents")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let key = object
                .get("Key")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let size = object.get("Size").and_then(Value::as_u64).unwrap_or(0);
            self.objects += 1;
            self.bytes += size;
            let name = if basename {
                key.rsplit('/').next().unwrap_or(key)
            } else {
                key
            };
            let date = last_modified(object.get("LastModified"));
            let size = if self.human {
                human_readable_size(size)
            } else {
                size.to_string()
            };
            self.out.push_str(&format!("{date} {size:>10} {name}\n"));
        }
    }

    /// `_print_summary`.
    fn summary(&mut self) {
        let size = if self.human {
            human_readable_size(self.bytes)
        } else {
            self.bytes.to_string()
        };
        self.out.push_str(&format!(
            "{:>15}{}\n{:>15}{size}\n",
            "\nTotal Objects: ", self.objects, "Total Size: "
        ));
    }
}

/// `bucket/key/with/slashes` (with or without `s3://`) as bucket and key.
fn split_path(path: &str) -> (&str, &str) {
    let path = path.strip_prefix("s3://").unwrap_or(path);
    path.split_once('/').unwrap_or((path, ""))
}

/// The query string of a SigV2 presigned GET of `resource` (botocore's
/// `HmacV1QueryAuth`).
fn sigv2_query(
    access_key: &str,
    secret: &str,
    token: Option<&str>,
    resource: &str,
    expires: u64,
) -> String {
    use aws_lc_rs::hmac;
    use base64::Engine as _;
    let token_header = token
        .map(|t| format!("x-amz-security-token:{t}\n"))
        .unwrap_or_default();
    let string_to_sign = format!("GET\n\n\n{expires}\n{token_header}{resource}");
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret.as_bytes());
    let signature = base64::engine::general_purpose::STANDARD
        .encode(hmac::sign(&key, string_to_sign.as_bytes()).as_ref());
    let encode = |v: &str| super::serialize::encode(v, false);
    let mut query = format!(
        "AWSAccessKeyId={}&Signature={}&Expires={expires}",
        encode(access_key),
        encode(&signature)
    );
    if let Some(t) = token {
        query.push_str(&format!("&x-amz-security-token={}", encode(t)));
    }
    query
}

/// The entries of the list `list` in every page.
pub(super) fn items<'a>(
    pages: &'a [Map<String, Value>],
    list: &'a str,
) -> impl Iterator<Item = &'a Value> {
    pages
        .iter()
        .flat_map(move |p| p.get(list).and_then(Value::as_array).into_iter().flatten())
}

/// The operation `name` of S3's model.
pub(super) fn op<'a>(service: &'a Service, name: &str) -> Result<&'a Operation, ExecError> {
    service
        .operations
        .iter()
        .find(|o| o.name == name)
        .ok_or_else(|| ExecError::Unsupported(format!("the S3 model has no {name}")))
}

/// A failure other than the service's own error, named as the CLI names
/// it (`make_bucket failed: s3://b ...`); the service's error keeps its
/// code and message for the model.
fn failed(action: &str, path: &str, error: ExecError) -> ExecError {
    match error {
        service @ ExecError::Service { .. } => service,
        other => {
            let path = if path.starts_with("s3://") {
                path.to_owned()
            } else {
                format!("s3://{path}")
            };
            ExecError::Request(format!("{action} failed: {path} {other}"))
        }
    }
}

/// `2026-11-26 02:07:09`, in UTC.
fn last_modified(value: Option<&Value>) -> String {
    let Some(moment) = value.and_then(|v| timestamp::read(v).ok()) else {
        return " ".repeat(19);
    };
    let (y, mo, d, h, mi, s) = timestamp::civil(moment.secs);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
}

/// `human_readable_size`: `1 Byte`, `10 Bytes`, `1.0 KiB`, `2.5 MiB`.
fn human_readable_size(bytes: u64) -> String {
    const SUFFIXES: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let value = bytes as f64;
    if bytes == 1 {
        return "1 Byte".to_owned();
    }
    if value < 1024.0 {
        return format!("{bytes} Bytes");
    }
    for (i, suffix) in SUFFIXES.iter().enumerate() {
        let unit = 1024f64.powi(i as i32 + 2);
        if (value / unit * 1024.0).round() < 1024.0 {
            return format!("{:.1} {suffix}", 1024.0 * value / unit);
        }
    }
    format!("{:.1} EiB", value / 1024f64.powi(6))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presigned_urls_sign_as_the_s3_documentation_shows() {
        // The signature as Python's hmac and hashlib compute it over
        // botocore's string to sign (`GET\n\n\n<expires>\n<resource>`); against
        // moto the whole URL equals the AWS CLI's.
        let query = sigv2_query(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            None,
            "/awsexamplebucket1/photos/puppy.jpg",
            1_141_889_120,
        );
        assert_eq!(
            query,
            "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=mi%2Bpm7K7iCx46UlaDc8X8pxyzFc%3D&Expires=1141889120"
        );
    }

    #[test]
    fn sizes_and_paths_as_the_cli_prints_them() {
        assert_eq!(human_readable_size(1), "1 Byte");
        assert_eq!(human_readable_size(1023), "1023 Bytes");
        assert_eq!(human_readable_size(1024), "1.0 KiB");
        assert_eq!(human_readable_size(1_048_575), "1.0 MiB");
        assert_eq!(human_readable_size(5 * 1024 * 1024 + 1), "5.0 MiB");
        assert_eq!(split_path("s3://b/a/c.txt"), ("b", "a/c.txt"));
        assert_eq!(split_path("s3://b"), ("b", ""));
        assert_eq!(split_path(""), ("", ""));
        let mut listing = Listing::default();
        let page = json!({
            "CommonPrefixes": [{"Prefix": "logs/2026/"}],
            "Contents": [{"Key": "logs/a.txt", "Size": 12, "LastModified": "2026-11-26T02:07:09.000Z"}],
        });
        listing.page(page.as_object().unwrap(), true);
        listing.summary();
        assert_eq!(
            listing.out,
            "                           PRE 2026/\n2026-11-26 02:07:09         12 a.txt\n\nTotal Objects: 1\n   Total Size: 12\n"
        );
    }
}
