//! Accuracy on `suggest-index/eval/requests.tsv`: plain-words requests,
//! each with the command a good suggester ranks first and any equally right
//! alternatives (see that folder's README).

/// One evaluation request.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub request: String,
    /// Every command counted as right (`expected` first, then `also`).
    pub accepted: Vec<String>,
}

/// Why an evaluation file could not be read.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct EvalError {
    pub line: usize,
    pub message: String,
}

/// Parses the tab-separated set (header `request\texpected\talso`).
pub fn parse(text: &str) -> Result<Vec<Request>, EvalError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let cols: Vec<&str> = line.split('\t').collect();
        if i == 0 {
            if cols.first() != Some(&"request") {
                return Err(EvalError {
                    line: 1,
                    message: "expected the header `request<TAB>expected<TAB>also`".into(),
                });
            }
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let (Some(request), Some(expected)) = (cols.first(), cols.get(1)) else {
            return Err(EvalError {
                line: i + 1,
                message: "needs at least two tab-separated columns".into(),
            });
        };
        let mut accepted = vec![(*expected).to_owned()];
        if let Some(also) = cols.get(2) {
            accepted.extend(also.split(',').filter(|s| !s.is_empty()).map(str::to_owned));
        }
        out.push(Request {
            request: (*request).to_owned(),
            accepted,
        });
    }
    Ok(out)
}

/// Hit rates of one retriever over a set.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    pub requests: usize,
    pub top1: usize,
    pub top5: usize,
    /// Mean reciprocal rank over the first ten.
    pub mrr: f64,
}

impl Scores {
    /// Adds one request whose accepted command came at `rank` (0-based),
    /// or `None` when it was not in the list.
    pub fn add(&mut self, rank: Option<usize>) {
        self.requests += 1;
        if let Some(rank) = rank {
            if rank == 0 {
                self.top1 += 1;
            }
            if rank < 5 {
                self.top5 += 1;
            }
            if rank < 10 {
                self.mrr += 1.0 / (rank as f64 + 1.0);
            }
        }
    }

    /// Top-1 accuracy in percent.
    pub fn top1_pct(&self) -> f64 {
        pct(self.top1, self.requests)
    }

    /// Top-5 accuracy in percent.
    pub fn top5_pct(&self) -> f64 {
        pct(self.top5, self.requests)
    }

    /// Mean reciprocal rank.
    pub fn mrr(&self) -> f64 {
        if self.requests == 0 {
            0.0
        } else {
            self.mrr / self.requests as f64
        }
    }
}

fn pct(n: usize, of: usize) -> f64 {
    if of == 0 {
        0.0
    } else {
        100.0 * n as f64 / of as f64
    }
}

/// The rank of the first accepted command in `ranked`.
pub fn rank_of(request: &Request, ranked: &[&str]) -> Option<usize> {
    ranked
        .iter()
        .position(|c| request.accepted.iter().any(|a| a == c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_alternatives_and_scores_ranks() {
        let set = parse("request\texpected\talso\nlist buckets\taws s3 ls\taws s3api list-buckets\nwhoami\taws sts get-caller-identity\t\n").unwrap();
        assert_eq!(set.len(), 2);
        assert_eq!(set[0].accepted.len(), 2);
        assert_eq!(
            rank_of(&set[0], &["aws x y", "aws s3api list-buckets"]),
            Some(1)
        );
        assert_eq!(rank_of(&set[1], &["aws x y"]), None);
        let mut s = Scores::default();
        s.add(Some(0));
        s.add(Some(6));
        s.add(None);
        assert_eq!((s.top1, s.top5, s.requests), (1, 1, 3));
        assert!((s.mrr() - (1.0 + 1.0 / 7.0) / 3.0).abs() < 1e-9);
        assert!(parse("bad header\n").is_err());
    }

    #[test]
    fn the_shipped_sets_parse() {
        for (text, at_least) in [
            (include_str!("../eval/requests.tsv"), 300),
            (include_str!("../eval/tuning-2.tsv"), 300),
            (include_str!("../eval/tuning-3.tsv"), 250),
        ] {
            let set = parse(text).unwrap();
            assert!(set.len() >= at_least, "{}", set.len());
            assert!(set.iter().all(|r| r.accepted[0].starts_with("aws ")));
        }
    }
}
