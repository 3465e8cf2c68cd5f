//! The AWS CLI's names: botocore's `xform_name` (CamelCase to kebab-case)
//! with the exceptions botocore lists in its own source.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

#[expect(clippy::expect_used, reason = "constant patterns")]
static FIRST_CAP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("(.)([A-Z][a-z]+)").expect("a valid pattern"));
#[expect(clippy::expect_used, reason = "constant patterns")]
static END_CAP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("([a-z0-9])([A-Z])").expect("a valid pattern"));
/// A pluralized acronym at the end: `ListWebACLs`, `SomeCNAMEs`.
#[expect(clippy::expect_used, reason = "constant patterns")]
static PLURAL_ACRONYM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("[A-Z]{2,}s$").expect("a valid pattern"));
/// One entry of botocore's `_xform_cache` for the `-` separator.
#[expect(clippy::expect_used, reason = "constant patterns")]
static EXCEPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\(\s*'([A-Za-z0-9]+)',\s*'-',?\s*\)\s*:\s*'([a-z0-9-]+)'"#)
        .expect("a valid pattern")
});

/// Names that do not follow the rule, as botocore lists them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exceptions(HashMap<String, String>);

impl Exceptions {
    /// Reads the `_xform_cache` entries for `-` from the text of botocore's
    /// `__init__.py`.
    pub fn from_botocore_source(source: &str) -> Self {
        Exceptions(
            EXCEPTION
                .captures_iter(source)
                .map(|c| (c[1].to_owned(), c[2].to_owned()))
                .collect(),
        )
    }

    /// How many exceptions there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `ListObjectsV2` → `list-objects-v2`, as botocore's `xform_name(name, '-')`.
pub fn kebab(name: &str, exceptions: &Exceptions) -> String {
    if name.contains('-') {
        return name.to_owned();
    }
    if let Some(known) = exceptions.0.get(name) {
        return known.clone();
    }
    let mut name = name.to_owned();
    if let Some(found) = PLURAL_ACRONYM.find(&name) {
        name = format!(
            "{}-{}",
            &name[..found.start()],
            found.as_str().to_lowercase()
        );
    }
    let first = FIRST_CAP.replace_all(&name, "${1}-${2}");
    END_CAP.replace_all(&first, "${1}-${2}").to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_like_botocore() {
        let none = Exceptions::default();
        for (api, cli) in [
            ("ListObjectsV2", "list-objects-v2"),
            ("DescribeInstances", "describe-instances"),
            ("ListWebACLs", "list-web-acls"),
            ("GetBucketAcl", "get-bucket-acl"),
            ("CreateDBInstance", "create-db-instance"),
            ("AssumeRoleWithSAML", "assume-role-with-saml"),
            ("SSEKMSKeyId", "ssekms-key-id"),
            ("Bucket", "bucket"),
            ("already-kebab", "already-kebab"),
            ("MaxKeys", "max-keys"),
            ("GetIPSet", "get-ip-set"),
        ] {
            assert_eq!(kebab(api, &none), cli, "{api}");
        }
    }

    #[test]
    fn exceptions_come_from_botocore_source() {
        let source = "_xform_cache = {\n    ('CreateCachediSCSIVolume', '_'): 'create_cached_iscsi_volume',\n    ('CreateCachediSCSIVolume', '-'): 'create-cached-iscsi-volume',\n    (\n        'IntrospectOAuth2TokenWithIAM',\n        '-',\n    ): 'introspect-oauth2-token-with-iam',\n}";
        let exceptions = Exceptions::from_botocore_source(source);
        assert_eq!(exceptions.len(), 2);
        assert_eq!(
            kebab("CreateCachediSCSIVolume", &exceptions),
            "create-cached-iscsi-volume"
        );
        assert_eq!(
            kebab("IntrospectOAuth2TokenWithIAM", &exceptions),
            "introspect-oauth2-token-with-iam"
        );
    }
}
