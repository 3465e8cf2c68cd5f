//! The default retriever: BM25 over each command's weighted fields, with the
//! request's words spell-checked and widened by [`crate::synonyms`].
//!
//! A term in the command's own name counts most, then the service's name,
//! then the description and the CLI's example titles, and parameter names
//! least: "list instances" should find `ec2 describe-instances` before an
//! operation that merely takes an `--instance-id`.

use std::collections::{HashMap, HashSet};

use crate::spelling::Speller;
use crate::text::{self, Analyzer};
use crate::{Document, Hit, synonyms};

/// The retriever's knobs; [`Weights::default`] is what the evaluation
/// chose (see `aws-api-mcp suggest eval --weight`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    /// How much a term counts in each field of a document: the command's
    /// own name, the service's names, the description, the CLI's example
    /// titles, the parameter names.
    pub command: f32,
    pub service: f32,
    pub description: f32,
    pub examples: f32,
    pub parameters: f32,
    /// The weight of a synonym next to the request's own word.
    pub synonym: f32,
    /// The weight of what a phrase of two or more words means ("virtual
    /// machine" → instance): a phrase is as sure as the request's own
    /// words, where a single word's synonyms are a guess.
    pub phrase: f32,
    /// BM25's saturation and length normalization.
    pub k1: f32,
    pub b: f32,
    /// A deprecated operation's score is multiplied by this.
    pub deprecated: f32,
    /// How much a request that names the document's service lifts it.
    pub named_service: f32,
    /// How much covering every word of the command's own name lifts it: of
    /// two commands that match, the one with fewer words the request does
    /// not mention is meant (`describe-instances` over
    /// `describe-reserved-instances`).
    pub name_coverage: f32,
    /// Multiplies the popularity lifts of [`POPULAR`].
    pub popularity: f32,
    /// The lift of a command the AWS CLI documents with examples: the
    /// CLI's authors wrote examples for the commands people run.
    pub documented: f32,
    /// The score is multiplied by this for each word of the command's name
    /// the request does not mention.
    pub uncovered: f32,
    /// A waiter's score is multiplied by this unless the request asks to
    /// wait.
    pub waiter: f32,
    /// The weight of a word inside a name the user gave (`my-logs`,
    /// `project=phoenix`, `www.example.com`): names rarely say which
    /// command is meant.
    pub name_word: f32,
    /// How much a question ("which VMs are running?", "who deleted ...")
    /// lifts a command that reads (`describe-`, `list-`, `get-`, `ls`):
    /// questions are answered by reading, whatever verb they use.
    pub question: f32,
    /// How much a terse request with no verb of action ("lambda
    /// functions", "iot things") lifts a command that reads: naming things
    /// without saying what to do with them asks to see them.
    pub no_action: f32,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            command: 4.0,
            service: 2.0,
            description: 1.0,
            examples: 0.6,
            parameters: 0.2,
            synonym: 0.45,
            phrase: 1.0,
            k1: 1.2,
            b: 0.5,
            deprecated: 0.6,
            named_service: 0.3,
            name_coverage: 0.8,
            popularity: 1.0,
            documented: 0.2,
            uncovered: 0.8,
            waiter: 0.6,
            name_word: 0.5,
            question: 0.5,
            no_action: 0.3,
        }
    }
}

impl Weights {
    /// Sets one knob by name (`command=3.5`), for tuning.
    pub fn set(&mut self, assignment: &str) -> Result<(), String> {
        let (name, value) = assignment
            .split_once('=')
            .ok_or_else(|| format!("`{assignment}`: write NAME=VALUE"))?;
        let value: f32 = value
            .parse()
            .map_err(|_| format!("`{value}` is not a number"))?;
        let slot = match name {
            "command" => &mut self.command,
            "service" => &mut self.service,
            "description" => &mut self.description,
            "examples" => &mut self.examples,
            "parameters" => &mut self.parameters,
            "synonym" => &mut self.synonym,
            "phrase" => &mut self.phrase,
            "k1" => &mut self.k1,
            "b" => &mut self.b,
            "deprecated" => &mut self.deprecated,
            "named_service" => &mut self.named_service,
            "name_coverage" => &mut self.name_coverage,
            "popularity" => &mut self.popularity,
            "documented" => &mut self.documented,
            "uncovered" => &mut self.uncovered,
            "waiter" => &mut self.waiter,
            "name_word" => &mut self.name_word,
            "question" => &mut self.question,
            "no_action" => &mut self.no_action,
            _ => return Err(format!("no weight named `{name}`")),
        };
        *slot = value;
        Ok(())
    }
}

/// The services people use most, by general knowledge of AWS usage: a
/// small lift so that, all else equal, "my VMs" means EC2 rather than a
/// niche service that happens to use the word.
const POPULAR: &[(&str, f32)] = &[
    ("ec2", 0.2),
    ("s3", 0.2),
    ("s3api", 0.2),
    ("iam", 0.2),
    ("lambda", 0.2),
    ("sts", 0.15),
    ("dynamodb", 0.15),
    ("rds", 0.15),
    ("cloudformation", 0.15),
    ("logs", 0.15),
    ("cloudwatch", 0.15),
    ("ecs", 0.15),
    ("eks", 0.15),
    ("sqs", 0.15),
    ("sns", 0.15),
    ("ssm", 0.15),
    ("kms", 0.1),
    ("secretsmanager", 0.1),
    ("route53", 0.1),
    ("elbv2", 0.1),
    ("autoscaling", 0.1),
    ("ecr", 0.1),
    ("cloudfront", 0.1),
    ("apigateway", 0.1),
    ("events", 0.1),
    ("stepfunctions", 0.05),
    ("organizations", 0.05),
    ("acm", 0.05),
    ("ce", 0.05),
    ("bedrock", 0.05),
    ("bedrock-runtime", 0.05),
    ("cloudtrail", 0.05),
    ("elasticache", 0.05),
    ("kinesis", 0.05),
    ("glue", 0.05),
    ("athena", 0.05),
    ("sagemaker", 0.05),
    ("configure", 0.05),
];

/// The BM25 index of a set of documents.
#[derive(Debug)]
pub struct Lexical {
    analyzer: Analyzer,
    speller: Speller,
    terms: HashMap<String, u32>,
    /// Per term: (document, weighted term frequency).
    postings: Vec<Vec<(u32, f32)>>,
    doc_len: Vec<f32>,
    avg_len: f32,
    /// A multiplier per document (deprecation, popularity).
    prior: Vec<f32>,
    /// Each document's service, as an index into `services`.
    doc_service: Vec<u32>,
    /// The terms that name each service (`ec2`; `s3api` and `s3`).
    service_terms: HashMap<String, Vec<u32>>,
    /// The terms of each document's command name, without the service.
    name_terms: Vec<Vec<u32>>,
    /// Which documents are waiters (`ec2 wait instance-running`).
    waiter: Vec<bool>,
    /// Which documents only read (their command starts with a verb of
    /// [`READ_VERBS`]).
    reads: Vec<bool>,
    /// The terms that open the names of commands that change things
    /// (`create`, `delete`, `tag`, ...): the verbs of action a request may
    /// use.
    actions: HashSet<u32>,
    weights: Weights,
}

/// One weighted query term.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryTerm {
    pub term: String,
    pub weight: f32,
}

/// The text of each field of a document, for indexing.
fn fields(doc: &Document, w: &Weights) -> [(f32, String); 5] {
    let command = doc.command.strip_prefix("aws ").unwrap_or(&doc.command);
    // `s3api` and `elbv2` are also asked for as `s3` and `elb`.
    let service = format!(
        "{} {}",
        service_names(&doc.service).join(" "),
        doc.service_name
    );
    let parameters = doc
        .parameters
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    [
        (w.command, command.to_owned()),
        (w.service, service),
        (w.description, doc.description.clone()),
        (w.examples, doc.examples.join(" ")),
        (w.parameters, parameters),
    ]
}

impl Lexical {
    /// Indexes `docs`; hits refer to them by position.
    pub fn build(docs: &[Document]) -> Self {
        Self::with_weights(docs, Weights::default())
    }

    /// Indexes `docs` with other weights.
    pub fn with_weights(docs: &[Document], weights: Weights) -> Self {
        let analyzer = Analyzer::default();
        let mut terms: HashMap<String, u32> = HashMap::new();
        let mut postings: Vec<Vec<(u32, f32)>> = Vec::new();
        let mut word_df: HashMap<String, u32> = HashMap::new();
        let mut doc_len = Vec::with_capacity(docs.len());
        let mut prior = Vec::with_capacity(docs.len());
        let mut services: HashMap<String, u32> = HashMap::new();
        let mut service_terms: HashMap<String, Vec<u32>> = HashMap::new();
        let mut doc_service = Vec::with_capacity(docs.len());
        let mut name_words: Vec<Vec<String>> = Vec::with_capacity(docs.len());
        for (id, doc) in docs.iter().enumerate() {
            let next = services.len() as u32;
            let sid = *services.entry(doc.service.clone()).or_insert_with(|| {
                for name in service_names(&doc.service) {
                    service_terms.entry(name).or_default().push(next);
                }
                next
            });
            doc_service.push(sid);
            let command = doc.command.strip_prefix("aws ").unwrap_or(&doc.command);
            let name = command
                .strip_prefix(doc.service.as_str())
                .unwrap_or(command);
            name_words.push(
                text::words(name)
                    .iter()
                    .filter_map(|w| analyzer.term(w))
                    .collect(),
            );
            let mut tf: HashMap<u32, f32> = HashMap::new();
            let mut seen_words: Vec<String> = Vec::new();
            let mut len = 0.0;
            for (weight, text) in fields(doc, &weights) {
                for word in text::words(&text) {
                    let Some(term) = analyzer.term(&word) else {
                        continue;
                    };
                    seen_words.push(word);
                    let next = terms.len() as u32;
                    let tid = *terms.entry(term).or_insert(next);
                    if tid as usize == postings.len() {
                        postings.push(Vec::new());
                    }
                    *tf.entry(tid).or_default() += weight;
                    len += weight;
                }
            }
            seen_words.sort_unstable();
            seen_words.dedup();
            for word in seen_words {
                *word_df.entry(word).or_default() += 1;
            }
            let mut tf: Vec<_> = tf.into_iter().collect();
            tf.sort_unstable_by_key(|(t, _)| *t);
            for (tid, f) in tf {
                postings[tid as usize].push((id as u32, f));
            }
            doc_len.push(len);
            let popular = POPULAR
                .iter()
                .find(|(s, _)| *s == doc.service)
                .map_or(0.0, |(_, lift)| *lift);
            let deprecated = if doc.deprecated {
                weights.deprecated
            } else {
                1.0
            };
            let documented = if doc.examples.is_empty() {
                1.0
            } else {
                1.0 + weights.documented
            };
            prior.push((1.0 + weights.popularity * popular) * deprecated * documented);
        }
        let actions = action_terms(docs, &name_words, &analyzer, &terms);
        let name_terms = name_words
            .into_iter()
            .map(|words| words.iter().filter_map(|w| terms.get(w).copied()).collect())
            .collect();
        // Words the synonyms understand are known words, not typos.
        for word in synonyms::vocabulary() {
            word_df.entry(word.to_owned()).or_insert(1);
        }
        let avg_len = doc_len.iter().sum::<f32>() / doc_len.len().max(1) as f32;
        Self {
            analyzer,
            speller: Speller::new(word_df),
            terms,
            postings,
            doc_len,
            avg_len,
            prior,
            doc_service,
            service_terms,
            name_terms,
            waiter: docs.iter().map(|d| d.command.contains(" wait ")).collect(),
            reads: docs.iter().map(reads).collect(),
            actions,
            weights,
        }
    }

    /// How many documents are indexed.
    pub fn len(&self) -> usize {
        self.doc_len.len()
    }

    /// Whether no document is indexed.
    pub fn is_empty(&self) -> bool {
        self.doc_len.is_empty()
    }

    /// The weighted terms of a request: identifiers turned into what they
    /// name, words spell-checked, synonyms added at a lower weight.
    pub fn query_terms(&self, query: &str) -> Vec<QueryTerm> {
        let mut words: Vec<String> = Vec::new();
        let mut word_weight: Vec<f32> = Vec::new();
        for token in query.split_whitespace() {
            let token = token.trim_matches(|c: char| ",.;:!?\"'()".contains(c));
            // "what's in" is "what is in".
            if let Some(stem) = token
                .strip_suffix("'s")
                .or_else(|| token.strip_suffix("\u{2019}s"))
                .filter(|s| !s.is_empty())
            {
                for word in text::words(stem) {
                    word_weight.push(1.0);
                    words.push(word);
                }
                word_weight.push(1.0);
                words.push("is".to_owned());
                continue;
            }
            if let Some(named) = synonyms::identifier(token) {
                word_weight.extend(named.iter().map(|_| 1.0));
                words.extend(named);
                continue;
            }
            // `my-logs`, `project=phoenix`, `www.example.com`, `/prod/`.
            let is_name = token.contains(['-', '=', '.', '/', '_', ':', '@']);
            let weight = if is_name { self.weights.name_word } else { 1.0 };
            for word in text::words(token) {
                // Stop words stay for phrases (`who am i`); they add no term.
                if text::is_stop_word(&word) {
                    word_weight.push(weight);
                    words.push(word);
                    continue;
                }
                let corrected = if synonyms::knows(&word) {
                    Vec::new()
                } else {
                    self.speller.correct(&word)
                };
                let found = if corrected.is_empty() {
                    vec![word]
                } else {
                    corrected
                };
                for word in found {
                    // "running servers" asks about a state, not to run.
                    let state = STATE_WORDS.contains(&word.as_str());
                    word_weight.push(if state {
                        weight * self.weights.synonym
                    } else {
                        weight
                    });
                    words.push(word);
                }
            }
        }
        let mut weights: Vec<(String, f32)> = Vec::new();
        let mut add = |word: &str, weight: f32| {
            if let Some(term) = self.analyzer.term(word) {
                match weights.iter_mut().find(|(t, _)| *t == term) {
                    Some((_, w)) => *w = w.max(weight),
                    None => weights.push((term, weight)),
                }
            }
        };
        for (i, word) in words.iter().enumerate() {
            add(word, word_weight[i]);
            for (len, extra) in synonyms::expand(&words, i) {
                let weight = if len > 1 {
                    self.weights.phrase
                } else {
                    self.weights.synonym
                };
                for e in extra {
                    for w in text::words(e) {
                        add(&w, weight * word_weight[i]);
                    }
                }
            }
        }
        // Phrases also match across stop words: "delete the bucket" is
        // "delete bucket".
        let content: Vec<usize> = (0..words.len())
            .filter(|&i| !text::is_stop_word(&words[i]))
            .collect();
        if content.len() < words.len() {
            let content_words: Vec<String> = content.iter().map(|&i| words[i].clone()).collect();
            for (at, &i) in content.iter().enumerate() {
                for (len, extra) in synonyms::expand(&content_words, at) {
                    if len < 2 {
                        continue;
                    }
                    for e in extra {
                        for w in text::words(e) {
                            add(&w, self.weights.phrase * word_weight[i]);
                        }
                    }
                }
            }
        }
        weights
            .into_iter()
            .map(|(term, weight)| QueryTerm { term, weight })
            .collect()
    }

    /// The `k` best documents for `query`, best first.
    pub fn search(&self, query: &str, k: usize) -> Vec<Hit> {
        let query_text = query;
        let query = self.query_terms(query);
        let n = self.len() as f32;
        let mut score = vec![0f32; self.len()];
        let mut covered = vec![0f32; self.len()];
        // The request's own words make the whole of it; when it is all
        // synonyms (`who am i`), those do.
        let mut total = 0f32;
        let mut total_all = 0f32;
        for q in &query {
            let Some(&tid) = self.terms.get(&q.term) else {
                continue;
            };
            let postings = &self.postings[tid as usize];
            let df = postings.len() as f32;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            if q.weight >= 1.0 {
                total += idf;
            }
            total_all += q.weight * idf;
            for &(doc, tf) in postings {
                let d = doc as usize;
                let (k1, b) = (self.weights.k1, self.weights.b);
                let norm = k1 * (1.0 - b + b * self.doc_len[d] / self.avg_len);
                score[d] += q.weight * idf * tf * (k1 + 1.0) / (tf + norm);
                covered[d] += q.weight * idf;
            }
        }
        if total == 0.0 {
            total = total_all;
        }
        // Services the request names, with the weight of the naming word.
        let mut named: HashMap<u32, f32> = HashMap::new();
        for q in &query {
            for &sid in self.service_terms.get(&q.term).into_iter().flatten() {
                let w = named.entry(sid).or_default();
                *w = w.max(q.weight);
            }
        }
        let asks_to_wait = query.iter().any(|q| q.term == "wait");
        let acts = query.iter().any(|q| {
            self.terms
                .get(&q.term)
                .is_some_and(|t| self.actions.contains(t))
        });
        let question = if is_question(query_text) {
            1.0 + self.weights.question
        } else if !acts && query_text.split_whitespace().count() <= TERSE_WORDS {
            1.0 + self.weights.no_action
        } else {
            1.0
        };
        let query_ids: HashMap<u32, f32> = query
            .iter()
            .filter_map(|q| Some((*self.terms.get(&q.term)?, q.weight)))
            .collect();
        let mut hits: Vec<Hit> = score
            .iter()
            .enumerate()
            .filter(|(_, s)| **s > 0.0)
            .map(|(doc, s)| {
                let service = named.get(&self.doc_service[doc]).copied().unwrap_or(0.0);
                let name = &self.name_terms[doc];
                let matched: Vec<f32> = name
                    .iter()
                    .map(|t| query_ids.get(t).copied().unwrap_or(0.0))
                    .collect();
                let coverage = if name.is_empty() {
                    0.0
                } else {
                    matched.iter().sum::<f32>() / name.len() as f32
                };
                let uncovered = matched.iter().filter(|m| **m == 0.0).count();
                let w = &self.weights;
                let mut lift = (1.0 + w.named_service * service)
                    * (1.0 + w.name_coverage * coverage)
                    * w.uncovered.powi(uncovered as i32);
                if self.waiter[doc] && !asks_to_wait {
                    lift *= w.waiter;
                }
                if self.reads[doc] {
                    lift *= question;
                }
                (doc, s * lift)
            })
            .map(|(doc, s)| Hit {
                doc,
                score: s * self.prior[doc],
                confidence: if total > 0.0 {
                    (covered[doc] / total).min(1.0)
                } else {
                    0.0
                },
            })
            .collect();
        top_k(&mut hits, k);
        hits
    }
}

/// The verbs of commands that only read.
const READ_VERBS: &[&str] = &[
    "describe",
    "list",
    "get",
    "ls",
    "lookup",
    "search",
    "head",
    "query",
    "scan",
    "batch-get",
];

/// Whether `doc`'s command only reads: its first word after the service
/// is a verb of [`READ_VERBS`].
fn reads(doc: &Document) -> bool {
    let mut words = doc.command.split(' ').skip(2);
    words.next().is_some_and(|name| {
        READ_VERBS
            .iter()
            .any(|verb| name == *verb || name.starts_with(&format!("{verb}-")))
    })
}

/// Words that name a state in the form of a verb: their stem is a verb of
/// action (`run`) that the request does not ask for.
const STATE_WORDS: &[&str] = &["running", "runing"];

/// A request of at most this many words is terse: with no verb of action it
/// names what to show ("glue databases"); a longer one without a verb this
/// index knows may still give an order in other words ("grow my EBS disk").
const TERSE_WORDS: usize = 4;

/// The terms of [`Lexical::actions`]: first words of command names, less
/// the verbs that read.
fn action_terms(
    docs: &[Document],
    name_words: &[Vec<String>],
    analyzer: &Analyzer,
    terms: &HashMap<String, u32>,
) -> HashSet<u32> {
    let read: HashSet<String> = READ_VERBS
        .iter()
        .flat_map(|v| text::words(v))
        .filter_map(|w| analyzer.term(&w))
        .collect();
    docs.iter()
        .zip(name_words)
        .filter(|(doc, _)| !doc.command.contains(" wait "))
        .filter_map(|(_, words)| words.first())
        .filter(|w| !read.contains(*w))
        .filter_map(|w| terms.get(w).copied())
        .collect()
}

/// Words that open a question.
const QUESTION_WORDS: &[&str] = &[
    "which", "what", "what's", "whats", "who", "whose", "where", "when", "why", "how", "is", "are",
    "was", "were", "do", "does", "did", "any", "has", "have",
];

/// Whether the request asks a question rather than giving an order.
fn is_question(query: &str) -> bool {
    let query = query.trim();
    query.ends_with('?')
        || query
            .split_whitespace()
            .next()
            .is_some_and(|w| QUESTION_WORDS.contains(&w.to_lowercase().as_str()))
}

/// The words a request may use to name a service: its CLI name, and
/// `s3` for `s3api`, `elb` for `elbv2`, `stepfunctions` as written.
fn service_names(service: &str) -> Vec<String> {
    let mut names = vec![service.to_owned()];
    if let Some(stem) = service.strip_suffix("api").filter(|s| !s.is_empty()) {
        names.push(stem.to_owned());
    }
    let bare = service.trim_end_matches(|c: char| c.is_ascii_digit());
    if let Some(stem) = bare
        .strip_suffix('v')
        .filter(|_| bare.len() < service.len())
    {
        names.push(stem.to_owned());
    }
    names
}

/// Keeps the `k` best hits, best first (ties by document order).
pub fn top_k(hits: &mut Vec<Hit>, k: usize) {
    let order = |a: &Hit, b: &Hit| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc));
    if hits.len() > k && k > 0 {
        hits.select_nth_unstable_by(k - 1, order);
        hits.truncate(k);
    }
    hits.sort_by(order);
    hits.truncate(k);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Parameter;

    fn doc(command: &str, service_name: &str, description: &str) -> Document {
        let service = command.split(' ').nth(1).unwrap_or_default().to_owned();
        Document {
            command: command.to_owned(),
            service,
            service_name: service_name.to_owned(),
            description: description.to_owned(),
            parameters: vec![Parameter {
                name: "--instance-ids".to_owned(),
                kind: "list".to_owned(),
                required: false,
                description: String::new(),
            }],
            examples: Vec::new(),
            deprecated: false,
        }
    }

    fn docs() -> Vec<Document> {
        vec![
            doc(
                "aws ec2 describe-instances",
                "Amazon Elastic Compute Cloud",
                "Describes the specified instances or all instances.",
            ),
            doc(
                "aws ec2 terminate-instances",
                "Amazon Elastic Compute Cloud",
                "Shuts down the specified instances.",
            ),
            doc(
                "aws s3api list-buckets",
                "Amazon Simple Storage Service",
                "Returns a list of all buckets owned by the sender.",
            ),
            doc(
                "aws lambda list-functions",
                "AWS Lambda",
                "Returns a list of Lambda functions.",
            ),
            doc(
                "aws sts get-caller-identity",
                "AWS Security Token Service",
                "Returns details about the IAM user or role whose credentials are used.",
            ),
        ]
    }

    fn first(index: &Lexical, query: &str) -> String {
        let docs = docs();
        let hits = index.search(query, 5);
        assert!(!hits.is_empty(), "{query}: {:?}", index.query_terms(query));
        docs[hits[0].doc].command.clone()
    }

    #[test]
    fn plain_words_find_commands() {
        let index = Lexical::build(&docs());
        for (query, expected) in [
            ("list my EC2 instances", "aws ec2 describe-instances"),
            ("show all S3 buckets", "aws s3api list-buckets"),
            ("termiante i-0abc123", "aws ec2 terminate-instances"),
            ("lsit my lamda functions", "aws lambda list-functions"),
            ("whoami", "aws sts get-caller-identity"),
            ("who am i", "aws sts get-caller-identity"),
            ("which VMs do I have", "aws ec2 describe-instances"),
        ] {
            assert_eq!(first(&index, query), expected, "{query}");
        }
    }

    /// The score of document 1 (`describe-instances`) over document 0's
    /// (`run-instances`) for `query`.
    fn describe_over_run(index: &Lexical, query: &str) -> f32 {
        let hits = index.search(query, index.len());
        let score = |doc| hits.iter().find(|h| h.doc == doc).map_or(0.0, |h| h.score);
        score(1) / score(0)
    }

    #[test]
    fn questions_lift_commands_that_read() {
        let docs = vec![
            doc(
                "aws ec2 run-instances",
                "Amazon Elastic Compute Cloud",
                "Launches instances.",
            ),
            doc(
                "aws ec2 describe-instances",
                "Amazon Elastic Compute Cloud",
                "Describes the specified instances.",
            ),
        ];
        let index = Lexical::build(&docs);
        let ratio = |query: &str| describe_over_run(&index, query);
        let lift = ratio("instances running?") / ratio("instances running");
        assert!(
            (lift - (1.0 + Weights::default().question)).abs() < 1e-4,
            "{lift}"
        );
        for (query, question) in [
            ("which instances are running", true),
            ("Are my instances up?", true),
            ("run instances", false),
            ("start the instances", false),
        ] {
            assert_eq!(is_question(query), question, "{query}");
        }
        assert!(reads(&docs[1]) && !reads(&docs[0]));
    }

    #[test]
    fn terse_requests_without_a_verb_read_and_running_is_a_state() {
        let docs = vec![
            doc("aws ec2 run-instances", "Amazon EC2", "Launches instances."),
            doc(
                "aws ec2 describe-instances",
                "Amazon EC2",
                "Describes instances.",
            ),
            doc(
                "aws ec2 terminate-instances",
                "Amazon EC2",
                "Shuts down instances.",
            ),
        ];
        let index = Lexical::build(&docs);
        let ratio = |query: &str| describe_over_run(&index, query);
        // Two words naming things: lifted. The same with words that match
        // nothing, too long to be terse: not lifted.
        let lift = ratio("ec2 instances") / ratio("ec2 instances of my old account");
        assert!(
            (lift - (1.0 + Weights::default().no_action)).abs() < 1e-4,
            "{lift}"
        );
        // A verb of action, even one known only by its command, is an order.
        assert!(
            (ratio("terminate instances") / ratio("terminate instances of my old account") - 1.0)
                .abs()
                < 1e-4
        );
        // "running" asks about a state: its stem `run` counts as little as a
        // synonym.
        let run = index
            .query_terms("running servers")
            .into_iter()
            .find(|t| t.term == "run")
            .unwrap();
        assert!(run.weight < 1.0, "{run:?}");
        assert_eq!(index.search("show my running instances", 1)[0].doc, 1);
    }

    #[test]
    fn phrases_match_across_stop_words_and_contractions() {
        let index = Lexical::build(&docs());
        let terms =
            |q: &str| -> Vec<String> { index.query_terms(q).into_iter().map(|t| t.term).collect() };
        // "delete bucket" means `s3 rb`, with or without "the".
        assert!(terms("delete the bucket").contains(&"rb".to_owned()));
        assert!(terms("delete bucket").contains(&"rb".to_owned()));
        assert!(!terms("delete the object").contains(&"rb".to_owned()));
        // "what's in" is "what is in": the phrase for listing contents.
        assert!(terms("what's in my-logs").contains(&"ls".to_owned()));
    }

    #[test]
    fn confidence_is_the_share_of_the_request_covered() {
        let index = Lexical::build(&docs());
        let hits = index.search("list lambda functions", 5);
        assert!(hits[0].confidence > 0.9, "{hits:?}");
        assert!(hits.iter().all(|h| (0.0..=1.0001).contains(&h.confidence)));
        assert!(index.search("zzzz qqqq", 5).is_empty());
    }
}
