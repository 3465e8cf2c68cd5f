//! The built-in list and the `aws <service> <operation>` patterns.

/// Commands denied whatever the settings say, with the reason shown.
pub const ALWAYS_DENIED: &[(&str, &str)] = &[
    (
        "aws configure *",
        "it reads or changes the local AWS configuration and credentials files; configure the server's profile instead",
    ),
    (
        "aws history *",
        "it reads the local AWS CLI history, which may hold other sessions' commands",
    ),
    (
        "aws deploy install",
        "it installs the CodeDeploy agent on this machine",
    ),
    (
        "aws deploy uninstall",
        "it removes the CodeDeploy agent from this machine",
    ),
    ("aws emr ssh", "it opens an interactive SSH session"),
    ("aws emr socks", "it opens a SOCKS tunnel over SSH"),
    ("aws emr sock", "it opens a SOCKS tunnel over SSH"),
    ("aws emr get", "it copies files over SSH from a cluster"),
    ("aws emr put", "it copies files over SSH to a cluster"),
    (
        "aws opsworks register",
        "it installs the OpsWorks agent on a host over SSH",
    ),
    (
        "aws ecs execute-command",
        "it opens an interactive shell in a container through a local plugin",
    ),
    (
        "aws ssm start-session",
        "it starts an interactive session through a local plugin",
    ),
];

/// An `aws <service> <operation>` entry, where `*` in either word matches
/// any run of characters.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    text: String,
    service: String,
    operation: String,
}

impl Pattern {
    /// Reads an entry; the caller has checked its shape with [`Pattern::parse`].
    pub fn new(text: &str) -> Self {
        Self::parse(text).unwrap_or_else(|_| Pattern {
            text: text.to_owned(),
            service: String::new(),
            operation: String::new(),
        })
    }

    /// Reads an entry such as `aws iam delete-*`, or says what is wrong
    /// with it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        match words.as_slice() {
            ["aws", service, operation] => Ok(Pattern {
                text: text.trim().to_owned(),
                service: service.to_ascii_lowercase(),
                operation: operation.to_ascii_lowercase(),
            }),
            ["aws", service] => Ok(Pattern {
                text: text.trim().to_owned(),
                service: service.to_ascii_lowercase(),
                operation: "*".to_owned(),
            }),
            _ => Err(format!(
                "entry `{text}` is not of the form `aws <service> <operation>` (wildcards `*` allowed, as in `aws iam delete-*`)"
            )),
        }
    }

    /// The entry as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the entry covers `aws <service> <operation>` (case-insensitive).
    pub fn matches(&self, service: &str, operation: &str) -> bool {
        glob(&self.service, &service.to_ascii_lowercase())
            && glob(&self.operation, &operation.to_ascii_lowercase())
    }
}

/// `*`-only wildcard matching, iterative so that no pattern can blow up.
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_like_a_shell() {
        assert!(glob("delete-*", "delete-user"));
        assert!(glob("*", ""));
        assert!(glob("*-user", "delete-user"));
        assert!(glob("d*e*r", "delete-user"));
        assert!(!glob("delete-*", "create-user"));
        assert!(!glob("list", "list-users"));
    }

    #[test]
    fn patterns_are_case_insensitive() {
        assert!(Pattern::new("aws IAM Delete-*").matches("iam", "delete-role"));
        assert!(Pattern::new("aws configure").matches("configure", "set"));
    }

    #[test]
    fn bad_entries_are_explained() {
        let err = Pattern::parse("iam delete-user").unwrap_err();
        assert!(err.contains("aws <service> <operation>"), "{err}");
    }
}
