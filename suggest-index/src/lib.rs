//! Builds the vector and lexical index of every AWS CLI command.
