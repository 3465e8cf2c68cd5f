//! Spelling correction for request words the documents never use
//! (`lamda`, `termiante`, `bukcet`, `loadbalancer`).
//!
//! A symmetric-delete index (the SymSpell idea): every vocabulary word is
//! stored under each of its one-letter deletions, so a misspelled word
//! finds its candidates by looking up its own deletions, with no scan of the
//! vocabulary. That covers one insertion, deletion, substitution or
//! transposition; candidates are checked with the real edit distance and the
//! most frequent wins. Words glued together are split when both halves are
//! known.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

/// Words shorter than this are not corrected: too many neighbours.
const MIN_LEN: usize = 4;

/// The vocabulary of the documents and its deletion index.
#[derive(Debug, Default)]
pub struct Speller {
    /// Each word and how many documents use it.
    words: HashMap<String, u32>,
    /// Hash of a one-letter deletion (or of the word itself) → words.
    deletes: HashMap<u64, Vec<u32>>,
    /// Words by id, for `deletes`.
    by_id: Vec<String>,
}

fn key(s: &str) -> u64 {
    let mut h = DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// `word` without its `i`-th character, for each `i`.
fn deletions(word: &str) -> impl Iterator<Item = String> + '_ {
    word.char_indices().map(move |(i, c)| {
        let mut s = String::with_capacity(word.len());
        s.push_str(&word[..i]);
        s.push_str(&word[i + c.len_utf8()..]);
        s
    })
}

impl Speller {
    /// The speller of `words`, each with its document frequency.
    pub fn new(words: impl IntoIterator<Item = (String, u32)>) -> Self {
        let mut speller = Self::default();
        for (word, df) in words {
            if word.chars().any(|c| c.is_ascii_digit()) {
                speller.words.insert(word, df);
                continue;
            }
            let id = speller.by_id.len() as u32;
            if word.len() >= MIN_LEN - 1 {
                speller.deletes.entry(key(&word)).or_default().push(id);
                for d in deletions(&word) {
                    speller.deletes.entry(key(&d)).or_default().push(id);
                }
            }
            speller.by_id.push(word.clone());
            speller.words.insert(word, df);
        }
        speller
    }

    /// Whether the documents use `word`.
    pub fn knows(&self, word: &str) -> bool {
        self.words.contains_key(word)
    }

    /// The known word(s) meant by `word`: itself when known, the most frequent
    /// known word one edit away, or two known words it glues together
    /// (`loadbalancer` → `load`, `balancer`); empty when nothing fits.
    pub fn correct(&self, word: &str) -> Vec<String> {
        if self.knows(word) {
            return vec![word.to_owned()];
        }
        if word.len() < MIN_LEN || word.chars().any(|c| c.is_ascii_digit()) {
            return Vec::new();
        }
        let mut best: Option<(&str, u32)> = None;
        let candidates = std::iter::once(word.to_owned()).chain(deletions(word));
        for probe in candidates {
            for &id in self.deletes.get(&key(&probe)).into_iter().flatten() {
                let known = self.by_id[id as usize].as_str();
                if strsim::osa_distance(word, known) != 1 {
                    continue;
                }
                let df = self.words.get(known).copied().unwrap_or(0);
                if best.is_none_or(|(w, b)| df > b || (df == b && known < w)) {
                    best = Some((known, df));
                }
            }
        }
        if let Some((known, _)) = best {
            return vec![known.to_owned()];
        }
        self.split(word)
    }

    /// Two known words of at least three letters that make up `word`, the
    /// most frequent pair first.
    fn split(&self, word: &str) -> Vec<String> {
        let mut best: Option<(usize, u32)> = None;
        for (i, _) in word.char_indices().skip(3) {
            let (a, b) = word.split_at(i);
            if b.len() < 3 {
                break;
            }
            if let (Some(&fa), Some(&fb)) = (self.words.get(a), self.words.get(b)) {
                let score = fa.min(fb);
                if best.is_none_or(|(_, s)| score > s) {
                    best = Some((i, score));
                }
            }
        }
        match best {
            Some((i, _)) => vec![word[..i].to_owned(), word[i..].to_owned()],
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speller() -> Speller {
        Speller::new(
            [
                ("lambda", 50),
                ("terminate", 20),
                ("bucket", 300),
                ("buckets", 100),
                ("load", 40),
                ("balancer", 30),
                ("receive", 10),
                ("cloudformation", 60),
                ("list", 900),
                ("lost", 2),
            ]
            .map(|(w, n)| (w.to_owned(), n)),
        )
    }

    #[test]
    fn one_edit_finds_the_word() {
        let s = speller();
        assert_eq!(s.correct("lamda"), ["lambda"]);
        assert_eq!(s.correct("termiante"), ["terminate"]);
        assert_eq!(s.correct("bukcet"), ["bucket"]);
        assert_eq!(s.correct("recieve"), ["receive"]);
        assert_eq!(s.correct("cloudfromation"), ["cloudformation"]);
        assert_eq!(s.correct("lsit"), ["list"]);
    }

    #[test]
    fn the_most_frequent_neighbour_wins() {
        assert_eq!(speller().correct("lest"), ["list"]);
    }

    #[test]
    fn glued_words_split() {
        assert_eq!(speller().correct("loadbalancer"), ["load", "balancer"]);
    }

    #[test]
    fn unknown_words_stay_unknown() {
        let s = speller();
        assert!(s.correct("zzzzzz").is_empty());
        assert!(s.correct("abc").is_empty());
        assert_eq!(s.correct("bucket"), ["bucket"]);
    }
}
