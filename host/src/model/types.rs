//! The compact model: what the parser, the policies and the executor need
//! from each service's botocore model, and nothing else.

use serde::{Deserialize, Serialize};

/// An index into [`Service::shapes`].
pub type ShapeId = u32;

/// One AWS service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// The name botocore gives it (its data folder): `s3`, `ec2`.
    pub api_name: String,
    /// The AWS CLI's command name: `s3api`, `ec2`, `configservice`.
    pub cli_name: String,
    /// `Amazon Simple Storage Service`.
    pub full_name: String,
    /// `2006-03-01`.
    pub api_version: String,
    /// The protocol botocore uses for it.
    pub protocol: Protocol,
    /// Every protocol the model lists.
    pub protocols: Vec<Protocol>,
    /// The SigV4 signing name.
    pub signing_name: String,
    /// The endpoint prefix (`s3`, `monitoring`).
    pub endpoint_prefix: String,
    /// The SDK's service id (`S3`, `CloudWatch`), used by
    /// `AWS_ENDPOINT_URL_<SERVICE>`.
    pub service_id: String,
    /// `x-amz-target` prefix for the JSON protocol.
    pub target_prefix: Option<String>,
    /// The JSON protocol's version (`1.0`, `1.1`).
    pub json_version: Option<String>,
    /// The XML namespace of requests and responses.
    pub xml_namespace: Option<String>,
    /// The signature version (`v4`, `s3v4`).
    pub signature_version: String,
    /// The global endpoint host, for global services.
    pub global_endpoint: Option<String>,
    /// Answers errors with the Query protocol's codes.
    pub aws_query_compatible: bool,
    /// Operations, by CLI name.
    pub operations: Vec<Operation>,
    /// Every shape; members point into this list.
    pub shapes: Vec<Shape>,
    /// Waiters, by CLI name.
    pub waiters: Vec<Waiter>,
    /// The endpoint rule set, as JSON text.
    pub endpoint_rules: Option<String>,
}

impl Service {
    /// Whether `operation` answers with a streaming blob payload, which the
    /// CLI writes to an output file named on the command line.
    pub fn streams_output(&self, operation: &Operation) -> bool {
        let Some(output) = operation.output.and_then(|id| self.shapes.get(id as usize)) else {
            return false;
        };
        let Some(payload) = &output.payload else {
            return false;
        };
        output
            .members
            .iter()
            .find(|m| &m.name == payload)
            .and_then(|m| self.shapes.get(m.shape as usize).map(|s| (m, s)))
            .is_some_and(|(m, s)| s.kind == ShapeType::Blob && (s.streaming || m.streaming))
    }
}

/// A wire protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Protocol {
    Json,
    RestJson,
    RestXml,
    Query,
    Ec2,
    SmithyRpcV2Cbor,
}

impl Protocol {
    /// The protocol's name in the models.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Json => "json",
            Protocol::RestJson => "rest-json",
            Protocol::RestXml => "rest-xml",
            Protocol::Query => "query",
            Protocol::Ec2 => "ec2",
            Protocol::SmithyRpcV2Cbor => "smithy-rpc-v2-cbor",
        }
    }

    /// The protocol named `name` in a model.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "json" => Protocol::Json,
            "rest-json" => Protocol::RestJson,
            "rest-xml" => Protocol::RestXml,
            "query" => Protocol::Query,
            "ec2" => Protocol::Ec2,
            "smithy-rpc-v2-cbor" => Protocol::SmithyRpcV2Cbor,
            _ => return None,
        })
    }
}

/// One API operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// `ListObjectsV2`.
    pub name: String,
    /// `list-objects-v2`.
    pub cli_name: String,
    /// `GET`.
    pub http_method: String,
    /// `/{Bucket}?list-type=2`.
    pub request_uri: String,
    /// The HTTP status of a success, when not 200.
    pub response_code: Option<u16>,
    /// The input shape.
    pub input: Option<ShapeId>,
    /// The output shape.
    pub output: Option<ShapeId>,
    /// The errors it may return.
    pub errors: Vec<ShapeId>,
    /// The first paragraph of its documentation, as text.
    pub documentation: String,
    /// How to page through its results.
    pub paginator: Option<Paginator>,
    /// The model marks it deprecated.
    pub deprecated: bool,
    /// A host prefix such as `{AccountId}.`.
    pub host_prefix: Option<String>,
    /// `none`, `v4-unsigned-body`, ... when it differs from the service's.
    pub auth_type: Option<String>,
    /// The payload must carry a checksum (`Content-MD5` or flexible).
    pub checksum_required: bool,
    /// The member that names the flexible checksum algorithm.
    pub checksum_algorithm_member: Option<String>,
    /// Endpoint parameters fixed for this operation, as JSON text.
    pub static_context_params: Vec<(String, String)>,
    /// Whether the CLI hides the command.
    pub hidden: bool,
    /// Where the CLI's options differ from the input members.
    pub argument_overrides: Vec<ArgumentOverride>,
    /// Options the CLI adds (`ec2 run-instances --count`).
    pub extra_arguments: Vec<super::CliArg>,
    /// The IAM action it is authorized as (`s3:ListBucket`), when the
    /// Service Authorization Reference data given to the generator maps it.
    pub iam_action: Option<String>,
}

impl Operation {
    /// The override for an input member, if the CLI has one.
    pub fn argument_override(&self, member: &str) -> Option<&ArgumentOverride> {
        self.argument_overrides.iter().find(|o| o.member == member)
    }
}

/// How the CLI's option for an input member differs from the rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArgumentOverride {
    /// The member.
    pub member: String,
    /// The option's name, when renamed.
    pub cli_name: Option<String>,
    /// Not offered.
    pub hidden: bool,
    /// Required or not, when the CLI differs from the model.
    pub required: Option<bool>,
    /// Other options that set the member.
    pub aliases: Vec<super::CliArg>,
    /// The option's `nargs`, when the CLI differs from the shape.
    pub nargs: Option<String>,
}

/// How an operation pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paginator {
    /// Input members that carry the token.
    pub input_token: Vec<String>,
    /// Output paths of the next token.
    pub output_token: Vec<String>,
    /// The input member that limits page size.
    pub limit_key: Option<String>,
    /// Output paths of the items merged across pages.
    pub result_key: Vec<String>,
    /// An output path that says whether more pages exist.
    pub more_results: Option<String>,
    /// Output members kept from the first page.
    pub non_aggregate_keys: Vec<String>,
}

/// A shape's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShapeType {
    String,
    Integer,
    Long,
    Float,
    Double,
    Boolean,
    Timestamp,
    Blob,
    Structure,
    List,
    Map,
    BigInteger,
    BigDecimal,
}

/// A shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shape {
    /// Its name in the model.
    pub name: String,
    /// Its type.
    pub kind: ShapeType,
    /// Members of a structure, in model order.
    pub members: Vec<Member>,
    /// A list's member.
    pub member: Option<Box<Member>>,
    /// A map's key.
    pub key: Option<Box<Member>>,
    /// A map's value.
    pub value: Option<Box<Member>>,
    /// Allowed values.
    pub enum_values: Vec<String>,
    /// Least value or length.
    pub min: Option<f64>,
    /// Greatest value or length.
    pub max: Option<f64>,
    /// A pattern strings must match.
    pub pattern: Option<String>,
    /// XML lists and maps without a wrapper element.
    pub flattened: bool,
    /// XML element name of the shape (`locationName` on the shape).
    pub location_name: Option<String>,
    /// XML namespace of the shape.
    pub xml_namespace: Option<String>,
    /// `iso8601`, `rfc822` or `unixTimestamp`.
    pub timestamp_format: Option<String>,
    /// A streaming blob.
    pub streaming: bool,
    /// An event stream.
    pub event_stream: bool,
    /// A document (free-form JSON).
    pub document: bool,
    /// A union: exactly one member set.
    pub union: bool,
    /// Sensitive: never log it.
    pub sensitive: bool,
    /// An error shape.
    pub exception: bool,
    /// The error's code, when it differs from the name.
    pub error_code: Option<String>,
    /// The error's HTTP status.
    pub error_status: Option<u16>,
    /// The member sent as the HTTP payload.
    pub payload: Option<String>,
    /// The first paragraph of its documentation.
    pub documentation: String,
}

/// Where a member goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Location {
    Uri,
    Querystring,
    Header,
    Headers,
    StatusCode,
}

/// A reference to a shape, with the traits of that use of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// The member's name (`Bucket`); empty for list and map members.
    pub name: String,
    /// The option that sets it (`bucket`).
    pub cli_name: String,
    /// The shape.
    pub shape: ShapeId,
    /// Required by its structure.
    pub required: bool,
    /// Where it goes.
    pub location: Option<Location>,
    /// Its wire name (header, query key, XML element).
    pub location_name: Option<String>,
    /// EC2's query name.
    pub query_name: Option<String>,
    /// An XML attribute.
    pub xml_attribute: bool,
    /// Its XML namespace.
    pub xml_namespace: Option<String>,
    /// Flattened (member-level).
    pub flattened: bool,
    /// Filled with a fresh token when not given.
    pub idempotency_token: bool,
    /// Goes into the host prefix.
    pub host_label: bool,
    /// JSON text in a header.
    pub json_value: bool,
    /// Streaming (member-level).
    pub streaming: bool,
    /// An endpoint parameter.
    pub context_param: Option<String>,
    /// Its timestamp format, when set on the member.
    pub timestamp_format: Option<String>,
    /// Deprecated.
    pub deprecated: bool,
    /// Hidden by the CLI.
    pub hidden: bool,
    /// The first paragraph of its documentation.
    pub documentation: String,
}

/// A waiter: polls an operation until an acceptor matches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Waiter {
    /// `InstanceRunning`.
    pub name: String,
    /// `instance-running`.
    pub cli_name: String,
    /// The operation polled.
    pub operation: String,
    /// Seconds between polls.
    pub delay: u32,
    /// Polls before giving up.
    pub max_attempts: u32,
    /// What ends the wait.
    pub acceptors: Vec<Acceptor>,
}

/// One condition of a waiter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Acceptor {
    /// `path`, `pathAll`, `pathAny`, `status`, `error`.
    pub matcher: String,
    /// The expected value, as JSON text.
    pub expected: String,
    /// `success`, `failure` or `retry`.
    pub state: String,
    /// The JMESPath for path matchers.
    pub argument: Option<String>,
}
