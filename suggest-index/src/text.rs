//! Words to index terms: lower case, CamelCase and kebab-case split apart,
//! stop words dropped, Snowball English stems.
//!
//! Command names (`describe-instances`), model names (`DescribeInstances`,
//! `EC2InstanceId`) and prose all reduce to the same terms, so a request in
//! plain words meets the operation's own name.

use rust_stemmers::{Algorithm, Stemmer};

/// Words that carry no meaning for finding a command. AWS's own filler
/// (`aws`, `amazon`) is here too: every document would match it.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "all",
    "also",
    "am",
    "amazon",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "aws",
    "be",
    "been",
    "being",
    "both",
    "but",
    "by",
    "can",
    "could",
    "currently",
    "do",
    "does",
    "doing",
    "each",
    "for",
    "from",
    "further",
    "going",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "him",
    "his",
    "how",
    "i",
    "i'd",
    "i'm",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "know",
    "let",
    "lets",
    "like",
    "me",
    "might",
    "more",
    "most",
    "must",
    "my",
    "myself",
    "need",
    "now",
    "of",
    "on",
    "once",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "own",
    "please",
    "right",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "tell",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "thing",
    "things",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "us",
    "use",
    "using",
    "very",
    "via",
    "want",
    "was",
    "way",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
];

/// Whether `word` (lower case) is a stop word.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// Splits `text` into lower-case words: on anything that is not a letter or
/// a digit, and inside CamelCase (`DescribeDBInstances` → `describe`, `db`,
/// `instances`). Digits stay with the letters before them (`ec2`, `s3`,
/// `route53`, `elbv2`).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for chunk in text.split(|c: char| !c.is_alphanumeric()) {
        if chunk.is_empty() {
            continue;
        }
        let chars: Vec<char> = chunk.chars().collect();
        let mut start = 0;
        for i in 1..chars.len() {
            let (prev, cur) = (chars[i - 1], chars[i]);
            let next_lower = chars.get(i + 1).is_some_and(|c| c.is_lowercase());
            let boundary = (prev.is_lowercase() && cur.is_uppercase())
                || (prev.is_uppercase()
                    && cur.is_uppercase()
                    && next_lower
                    && !chars.get(i + 2).is_some_and(|c| c.is_ascii_digit())
                    // `VMs`, `AMIs`: a plural, not a new word.
                    && !(i + 2 == chars.len() && chars[i + 1] == 's'))
                || (prev.is_ascii_digit() && cur.is_uppercase());
            if boundary {
                out.push(chars[start..i].iter().collect::<String>().to_lowercase());
                start = i;
            }
        }
        out.push(chars[start..].iter().collect::<String>().to_lowercase());
    }
    out
}

/// Turns text into index terms.
pub struct Analyzer {
    stemmer: Stemmer,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Analyzer")
    }
}

impl Default for Analyzer {
    fn default() -> Self {
        Self {
            stemmer: Stemmer::create(Algorithm::English),
        }
    }
}

impl Analyzer {
    /// The term of one lower-case word, or `None` for a stop word.
    pub fn term(&self, word: &str) -> Option<String> {
        if is_stop_word(word) {
            return None;
        }
        // Names with digits (`ec2`, `s3api`, `route53`) are kept whole.
        if word.chars().any(|c| c.is_ascii_digit()) {
            return Some(word.to_owned());
        }
        Some(self.stemmer.stem(word).into_owned())
    }

    /// The terms of `text`, in order, stop words dropped.
    pub fn terms(&self, text: &str) -> Vec<String> {
        words(text).iter().filter_map(|w| self.term(w)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, STOP_WORDS);
    }

    #[test]
    fn camel_and_kebab_case_split() {
        assert_eq!(
            words("DescribeDBInstances"),
            ["describe", "db", "instances"]
        );
        assert_eq!(words("describe-instances"), ["describe", "instances"]);
        assert_eq!(words("EC2InstanceId"), ["ec2", "instance", "id"]);
        assert_eq!(
            words("list-objects-v2 s3api"),
            ["list", "objects", "v2", "s3api"]
        );
        assert_eq!(words("S3Bucket, IPv6!"), ["s3", "bucket", "ipv6"]);
        assert_eq!(words("my VMs and AMIs"), ["my", "vms", "and", "amis"]);
    }

    #[test]
    fn plural_and_verb_forms_meet() {
        let a = Analyzer::default();
        assert_eq!(a.terms("running instances"), a.terms("run instance"));
        assert_eq!(a.terms("policies"), a.terms("policy"));
        assert_eq!(a.terms("list my EC2 instances"), ["list", "ec2", "instanc"]);
    }
}
