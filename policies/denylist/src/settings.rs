//! The organization's deny and consent lists, from the security policy file.

use serde::Deserialize;

use crate::Pattern;

/// The lists read from the settings.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Commands denied.
    pub deny: Vec<Pattern>,
    /// Commands that need the user's consent.
    pub consent: Vec<Pattern>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: String,
    #[serde(default)]
    policy: Lists,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Lists {
    #[serde(default)]
    deny_list: Vec<String>,
    #[serde(default)]
    elicit_list: Vec<String>,
}

impl Settings {
    /// Reads the security policy file's JSON; empty text means no lists.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Ok(Settings::default());
        }
        let file: File = serde_json::from_str(text)
            .map_err(|e| format!("the security policy file is not valid: {e}"))?;
        if file.version != "1.0" {
            return Err(format!(
                "the security policy file has version `{}`; the supported version is `1.0`",
                file.version
            ));
        }
        let read = |entries: &[String], list: &str| {
            entries
                .iter()
                .map(|e| Pattern::parse(e).map_err(|m| format!("in `{list}`: {m}")))
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Settings {
            deny: read(&file.policy.deny_list, "denyList")?,
            consent: read(&file.policy.elicit_list, "elicitList")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_json_names_the_line() {
        let err = Settings::parse(
            "{\n  \"version\": \"1.0\",\n  \"policy\": {\"denyList\": [\"aws iam\",]}\n}",
        )
        .unwrap_err();
        assert!(err.contains("line 3"), "{err}");
    }

    #[test]
    fn unknown_keys_and_versions_are_refused() {
        assert!(
            Settings::parse(r#"{"version":"2.0"}"#)
                .unwrap_err()
                .contains("`2.0`")
        );
        assert!(
            Settings::parse(r#"{"version":"1.0","policy":{"denylist":[]}}"#)
                .unwrap_err()
                .contains("denylist")
        );
    }
}
