//! The AWS CLI's own words about its commands: descriptions of the commands
//! it implements itself (the service models have none) and the titles of
//! the examples it ships, extracted from awscli by
//! `suggest-index/data/extract_cli_docs.py`.

use std::collections::BTreeMap;

use serde::Deserialize;

/// `suggest-index/data/cli-docs.json`, built in.
pub const EMBEDDED: &str = include_str!("../data/cli-docs.json");

/// The extracted documentation.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CliDocs {
    /// The awscli release it was read from.
    pub awscli_version: String,
    /// `"s3 cp"`, `"ec2 wait instance-running"` → its words.
    pub commands: BTreeMap<String, CommandDoc>,
    /// `"ec2 describe-instances"` → example titles and first sentences.
    pub examples: BTreeMap<String, Vec<String>>,
}

/// A command's description and its options' help, a sentence each.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CommandDoc {
    pub description: String,
    pub args: BTreeMap<String, String>,
}

impl CliDocs {
    /// The built-in documentation.
    pub fn embedded() -> Result<Self, serde_json::Error> {
        serde_json::from_str(EMBEDDED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_docs_parse_and_cover_the_common_commands() {
        let docs = CliDocs::embedded().expect("cli-docs.json parses");
        assert!(docs.commands["s3 cp"].description.starts_with("Copies"));
        assert!(docs.commands.contains_key("ec2 wait instance-running"));
        assert!(docs.examples["ec2 describe-instances"].len() > 2);
        assert!(docs.examples.len() > 5000);
    }
}
