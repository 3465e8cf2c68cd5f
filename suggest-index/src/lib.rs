//! Builds the index of every AWS CLI command that `suggest_aws_commands`
//! searches: one document per command, a lexical (BM25) index, and a
//! `usearch` vector index of BGE-M3 embeddings with its metadata.
//!
//! Nothing is built here yet: the documents come from the command table,
//! which the command-table work adds to the host.
