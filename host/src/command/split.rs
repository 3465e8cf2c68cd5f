//! Splits a command line into words the way a POSIX shell would, without
//! running a shell: quotes and backslashes work as in `sh`, and everything a
//! shell would treat as a second command, a redirection or a substitution is
//! an error, because this server runs exactly one AWS CLI command and never
//! expands anything.

use super::SplitError;

/// A word of the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word after quote removal.
    pub text: String,
    /// Whether any part of it was quoted or escaped (`'aws'` is not the
    /// command name `aws`).
    pub quoted: bool,
    /// The character offset where it starts, for error messages.
    pub start: usize,
}

/// Splits `line` into words.
pub fn split(line: &str) -> Result<Vec<Word>, SplitError> {
    let chars: Vec<char> = line.chars().collect();
    // No quoting makes a NUL acceptable: no AWS value holds one, and
    // whatever reads the value next may stop at it.
    if let Some(at) = chars.iter().position(|&c| c == '\0') {
        return Err(SplitError::new(at, "the command contains a NUL character"));
    }
    let mut words = Vec::new();
    let mut current: Option<Word> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\r' => {
                if let Some(word) = current.take() {
                    words.push(word);
                }
                i += 1;
            }
            '\n' => {
                return Err(SplitError::new(
                    i,
                    "a line break outside quotes would start a second command; put the whole command on one line (or end the line with `\\`)",
                ));
            }
            '\0' => return Err(SplitError::new(i, "the command contains a NUL character")),
            '\\' => match chars.get(i + 1) {
                // A backslash before a line break joins the lines.
                Some('\n') => i += 2,
                Some(&next) => {
                    let word = current.get_or_insert_with(|| Word::at(i));
                    word.quoted = true;
                    word.text.push(next);
                    i += 2;
                }
                None => {
                    return Err(SplitError::new(
                        i,
                        "the command ends with a lone `\\`; remove it or escape it as `\\\\`",
                    ));
                }
            },
            '\'' => {
                let word = current.get_or_insert_with(|| Word::at(i));
                word.quoted = true;
                let Some(end) = chars[i + 1..].iter().position(|&c| c == '\'') else {
                    return Err(SplitError::new(
                        i,
                        "this `'` is never closed; add the closing `'`",
                    ));
                };
                word.text.extend(&chars[i + 1..i + 1 + end]);
                i += end + 2;
            }
            '"' => {
                let word = current.get_or_insert_with(|| Word::at(i));
                word.quoted = true;
                i = double_quoted(&chars, i, &mut word.text)?;
            }
            '|' | '&' | ';' | '<' | '>' | '(' | ')' | '`' => {
                return Err(SplitError::new(i, operator_message(&chars, i)));
            }
            '$' if expands(&chars, i) => {
                return Err(SplitError::new(i, expansion_message(&chars, i)));
            }
            '#' if current.is_none() => {
                return Err(SplitError::new(
                    i,
                    "`#` at the start of a word begins a shell comment; quote it if it is part of a value",
                ));
            }
            _ => {
                current.get_or_insert_with(|| Word::at(i)).text.push(c);
                i += 1;
            }
        }
    }
    if let Some(word) = current.take() {
        words.push(word);
    }
    Ok(words)
}

impl Word {
    fn at(start: usize) -> Self {
        Word {
            text: String::new(),
            quoted: false,
            start,
        }
    }
}

/// Reads a double-quoted part starting at the quote at `start`; returns the
/// index after the closing quote.
fn double_quoted(chars: &[char], start: usize, out: &mut String) -> Result<usize, SplitError> {
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '"' => return Ok(i + 1),
            '\\' => match chars.get(i + 1) {
                Some(&next @ ('"' | '\\' | '$' | '`')) => {
                    out.push(next);
                    i += 2;
                }
                Some('\n') => i += 2,
                _ => {
                    out.push('\\');
                    i += 1;
                }
            },
            '`' => {
                return Err(SplitError::new(
                    i,
                    "backquotes inside double quotes would run a command in a shell; this server runs no shell, so write the value itself (or use single quotes)",
                ));
            }
            '$' if expands(chars, i) => {
                return Err(SplitError::new(i, expansion_message(chars, i)));
            }
            '\0' => return Err(SplitError::new(i, "the command contains a NUL character")),
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Err(SplitError::new(
        start,
        "this `\"` is never closed; add the closing `\"`",
    ))
}

/// Whether the `$` at `i` starts something a shell would expand: `$NAME`,
/// `${...}`, `$(...)`, `$1`, `$?`, and the other special parameters.
fn expands(chars: &[char], i: usize) -> bool {
    match chars.get(i + 1) {
        Some(c) => {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    '_' | '{' | '(' | '?' | '!' | '#' | '*' | '@' | '$' | '-' | '\''
                )
        }
        None => false,
    }
}

fn expansion_message(chars: &[char], i: usize) -> String {
    let what = match chars.get(i + 1) {
        Some('(') => "`$(` would run a command in a shell".to_owned(),
        Some('\'') => "`$'...'` is a shell escape form".to_owned(),
        _ => {
            let name: String = chars[i..]
                .iter()
                .skip(1)
                .take_while(|c| c.is_ascii_alphanumeric() || **c == '_' || **c == '{' || **c == '}')
                .collect();
            format!("`${name}` would be expanded by a shell")
        }
    };
    format!(
        "{what}; this server runs no shell and expands no variables, so write the value itself (single quotes keep a `$` literal)"
    )
}

fn operator_message(chars: &[char], i: usize) -> String {
    let next = chars.get(i + 1).copied();
    let (op, meaning) = match (chars[i], next) {
        ('|', Some('|')) => ("||", "would run a second command"),
        ('&', Some('&')) => ("&&", "would run a second command"),
        ('|', _) => ("|", "would pipe the output into another program"),
        ('&', _) => ("&", "would run the command in the background"),
        (';', _) => (";", "would start a second command"),
        ('>', _) => (">", "would redirect the output to a file"),
        ('<', _) => ("<", "would read input from a file"),
        ('(' | ')', _) => ("(", "would start a subshell"),
        _ => ("`", "would run a command in a shell"),
    };
    format!(
        "only one AWS CLI command is accepted, and `{op}` outside quotes {meaning}; quote it if it is part of a value"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<String> {
        split(line).unwrap().into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn quotes_and_escapes_work_like_sh() {
        assert_eq!(texts("aws s3 ls"), ["aws", "s3", "ls"]);
        assert_eq!(texts(r#"a 'b c' "d e" f\ g"#), ["a", "b c", "d e", "f g"]);
        assert_eq!(texts(r#"a"b"'c' "x\"y" "p\q""#), ["abc", "x\"y", "p\\q"]);
        assert_eq!(texts("a ''"), ["a", ""]);
        assert_eq!(texts("aws s3 \\\n ls"), ["aws", "s3", "ls"]);
        assert_eq!(
            texts(r#"--filter '{ $.level = "ERROR" }'"#),
            ["--filter", r#"{ $.level = "ERROR" }"#]
        );
        assert_eq!(texts(r#""cost $" "a$.b""#), ["cost $", "a$.b"]);
        assert_eq!(texts("a#b"), ["a#b"]);
    }

    #[test]
    fn quoted_words_are_marked() {
        let words = split(r#"aws 'aws' a\ws"#).unwrap();
        assert_eq!(
            words.iter().map(|w| w.quoted).collect::<Vec<_>>(),
            [false, true, true]
        );
        assert_eq!(words[1].start, 4);
    }

    #[test]
    fn chaining_and_substitution_are_refused() {
        for (line, needle) in [
            ("aws s3 ls | sh", "`|`"),
            ("aws s3 ls; rm -rf /", "`;`"),
            ("aws s3 ls && aws s3 rb s3://x", "`&&`"),
            ("aws s3 ls || true", "`||`"),
            ("aws s3 ls > out", "`>`"),
            ("aws s3 ls $(whoami)", "`$(`"),
            ("aws s3 ls `whoami`", "`` ` ``"),
            ("aws s3 ls \"`whoami`\"", "backquotes"),
            ("aws s3 ls $HOME", "`$HOME`"),
            ("aws s3 ls \"${HOME}\"", "`${HOME}`"),
            ("aws s3 ls\naws s3 rb s3://x", "line break"),
            ("aws s3 ls 'x", "never closed"),
            ("aws s3 ls \"x", "never closed"),
            ("aws s3 ls x\\", "lone"),
            ("aws s3 ls #c", "comment"),
            ("aws s3 ls a\0b", "NUL"),
            ("aws s3 ls 'a\0b'", "NUL"),
            ("aws s3 ls a\\\0b", "NUL"),
        ] {
            let err = split(line).unwrap_err().to_string();
            let needle = needle.replace("`` ` ``", "`");
            assert!(err.contains(&needle), "{line:?}: {err}");
        }
    }

    #[test]
    fn positions_point_at_the_problem() {
        assert_eq!(split("aws s3 ls | x").unwrap_err().position, 10);
    }
}
