//! "Did you mean": the closest names to a misspelled one.

/// Up to three names closest to `wanted`, best first: by edit distance,
/// then by sharing a prefix or containing it.
pub fn closest<'a>(wanted: &str, names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let wanted_lower = wanted.to_ascii_lowercase();
    let mut scored: Vec<(usize, &str)> = names
        .map(|name| {
            let distance = strsim::levenshtein(&wanted_lower, name);
            let related = name.contains(wanted_lower.as_str()) || wanted_lower.contains(name);
            (if related { distance.min(2) } else { distance }, name)
        })
        .filter(|(distance, name)| *distance <= (name.len().max(wanted.len()) / 2).max(2))
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(3)
        .map(|(_, n)| n.to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_names_first() {
        let names = [
            "describe-instances",
            "describe-images",
            "run-instances",
            "start-instances",
        ];
        assert_eq!(
            closest("describe-instance", names.iter().copied())[0],
            "describe-instances"
        );
        assert_eq!(
            closest("run-instance", names.iter().copied())[0],
            "run-instances"
        );
        assert!(closest("zzzzzzzzzzzz", names.iter().copied()).is_empty());
        assert_eq!(
            closest("S3API", ["s3api", "s3", "ec2"].iter().copied())[0],
            "s3api"
        );
    }
}
