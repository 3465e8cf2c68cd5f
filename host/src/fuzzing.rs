//! Entry points for the fuzz targets (`host/tests/fuzz_*.rs`): every part
//! of the host that reads text or bytes it does not control, reachable from
//! outside the crate without making those modules public API. Each function
//! feeds its input through and drops the result: a fuzz target only asks
//! that nothing panics, overflows the stack or runs away.

use crate::exec::parse::{self, WireResponse};
use crate::model::{Operation, Service};

/// The command-line splitter.
pub fn split(line: &str) {
    let _ = crate::command::split(line);
}

/// The shorthand syntax reader (`Key=a,Values=[b,c]`).
pub fn shorthand(input: &str) {
    let _ = crate::command::parse_shorthand(input);
}

/// The response XML reader of the `query`, `ec2` and `rest-xml` protocols.
pub fn xml(body: &[u8]) {
    let _ = crate::exec::xml::parse(body);
}

/// The CBOR reader of `smithy-rpc-v2-cbor`.
pub fn cbor(body: &[u8]) {
    let _ = crate::exec::cbor::decode(body);
}

/// Reads `body` as `operation`'s answer with `status` and `headers`, by
/// the service's protocol: its output below 300, its error otherwise.
pub fn response(
    service: &Service,
    operation: &Operation,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) {
    let response = WireResponse {
        status,
        headers: headers.to_vec(),
        body: body.to_vec(),
    };
    if status < 300 {
        let _ = parse::output(service, operation, &response);
    } else {
        let _ = parse::error(service, &response);
    }
}

/// A `--query` expression compiled and run over `data`.
pub fn query(expression: &str, data: &serde_json::Value) {
    let _ = crate::exec::query::search(expression, data);
}
