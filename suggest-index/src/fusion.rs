//! Hybrid ranking: reciprocal rank fusion of several retrievers' lists.
//!
//! RRF needs no score calibration between BM25 and cosine similarity, which
//! live on different scales; each list only contributes `weight / (k +
//! rank)`.

use std::collections::HashMap;

use crate::Hit;
use crate::lexical::top_k;

/// RRF's rank offset. The literature's 60 flattens the lists for deep
/// result pages; only the first five matter here, and 3 keeps each
/// retriever's first answers ahead (chosen on the evaluation's tuning
/// half: top-1 57.8% at 60, 62.2% at 3).
pub const K: f32 = 3.0;

/// Fuses ranked lists (each best first, with a weight) into the `k` best.
/// A hit's confidence is the highest any list gave it.
pub fn reciprocal_rank(lists: &[(&[Hit], f32)], k: usize) -> Vec<Hit> {
    let mut fused: HashMap<usize, Hit> = HashMap::new();
    for (list, weight) in lists {
        for (rank, hit) in list.iter().enumerate() {
            let add = weight / (K + rank as f32 + 1.0);
            let entry = fused.entry(hit.doc).or_insert(Hit {
                doc: hit.doc,
                score: 0.0,
                confidence: 0.0,
            });
            entry.score += add;
            entry.confidence = entry.confidence.max(hit.confidence);
        }
    }
    let mut hits: Vec<Hit> = fused.into_values().collect();
    top_k(&mut hits, k);
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(docs: &[usize]) -> Vec<Hit> {
        docs.iter()
            .map(|&doc| Hit {
                doc,
                score: 1.0,
                confidence: 0.5,
            })
            .collect()
    }

    #[test]
    fn agreement_wins() {
        let a = hits(&[1, 2, 3]);
        let b = hits(&[2, 1, 4]);
        let fused = reciprocal_rank(&[(&a, 1.0), (&b, 1.0)], 3);
        let docs: Vec<usize> = fused.iter().map(|h| h.doc).collect();
        assert_eq!(&docs[..2], &[1, 2]);
        assert_eq!(fused.len(), 3);
    }

    #[test]
    fn weights_tip_the_balance() {
        let a = hits(&[1, 2]);
        let b = hits(&[2, 1]);
        let fused = reciprocal_rank(&[(&a, 1.0), (&b, 2.0)], 2);
        assert_eq!(fused[0].doc, 2);
    }
}
