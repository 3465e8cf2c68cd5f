//! Fuzz targets for what comes back from the network and what a model
//! writes in options: the response readers of every protocol (XML for
//! `query`, `ec2` and `rest-xml`, JSON for `json` and `rest-json`, CBOR),
//! the shorthand syntax, the command-line splitter and `--query`. Each
//! target mutates valid seeds (inserts, deletes, repeated slices that nest
//! deeper, truncations) and also tries arbitrary bytes; a case passes when
//! the reader returns, whatever it returns. A short run in every test
//! pass; `FUZZ_CASES=1000000 cargo test --release -p aws-api-mcp --test
//! fuzz_wire` is the long run.

mod fuzz;

use std::sync::{Arc, OnceLock};

use aws_api_mcp::command::Parser;
use aws_api_mcp::fuzzing;
use aws_api_mcp::model::{Protocol, Service};
use fuzz::{cases, edits, mutate, mutate_text, within_memory};
use proptest::prelude::*;

#[global_allocator]
static COUNTING: fuzz::Counting = fuzz::Counting;

/// The most any reader may hold at once for one input of a few kilobytes:
/// a body that makes a reader allocate far beyond its size would let
/// whoever answers a request (or a proxy) take the server's memory.
const MEMORY_LIMIT: usize = 64 << 20;

fn parser() -> &'static Parser {
    static PARSER: OnceLock<Parser> = OnceLock::new();
    PARSER.get_or_init(|| Parser::load(None).expect("the built-in models load"))
}

fn service(cli_name: &str) -> Arc<Service> {
    parser()
        .models()
        .service(cli_name)
        .expect("the service is in the table")
        .expect("the service decodes")
}

/// The first service whose protocol is CBOR (the built-in table has a few).
fn cbor_service() -> &'static Arc<Service> {
    static SERVICE: OnceLock<Arc<Service>> = OnceLock::new();
    SERVICE.get_or_init(|| {
        let models = parser().models();
        models
            .index()
            .services
            .iter()
            .filter_map(|e| models.service_once(&e.cli_name)?.ok())
            .find(|s| s.protocol == Protocol::SmithyRpcV2Cbor)
            .expect("a CBOR service in the built-in table")
    })
}

/// A service, one of its operations, a status, headers and a body that
/// answer it well.
struct Seed {
    service: &'static str,
    operation: &'static str,
    status: u16,
    headers: &'static [(&'static str, &'static str)],
    body: &'static str,
}

static SEEDS: &[Seed] = &[
    Seed {
        service: "iam",
        operation: "ListUsers",
        status: 200,
        headers: &[],
        body: r#"<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListUsersResult><IsTruncated>true</IsTruncated><Marker>m</Marker><Users><member><Path>/</Path><UserName>alice</UserName><UserId>AIDA</UserId><Arn>arn:aws:iam::1:user/alice</Arn><CreateDate>2020-01-01T00:00:00Z</CreateDate><Tags><member><Key>a</Key><Value>b</Value></member></Tags></member></Users></ListUsersResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListUsersResponse>"#,
    },
    Seed {
        service: "iam",
        operation: "GetUser",
        status: 404,
        headers: &[],
        body: r#"<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The user with name bob cannot be found.</Message></Error><RequestId>r</RequestId></ErrorResponse>"#,
    },
    Seed {
        service: "ec2",
        operation: "DescribeInstances",
        status: 200,
        headers: &[],
        body: r#"<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><reservationSet><item><reservationId>r-1</reservationId><ownerId>1</ownerId><instancesSet><item><instanceId>i-1</instanceId><imageId>ami-1</imageId><instanceState><code>16</code><name>running</name></instanceState><launchTime>2020-01-01T00:00:00.000Z</launchTime><ebsOptimized>false</ebsOptimized><tagSet><item><key>Name</key><value>web &amp; db</value></item></tagSet></item></instancesSet></item></reservationSet><nextToken>t</nextToken></DescribeInstancesResponse>"#,
    },
    Seed {
        service: "ec2",
        operation: "DescribeVpcs",
        status: 400,
        headers: &[],
        body: r#"<Response><Errors><Error><Code>InvalidVpcID.NotFound</Code><Message>The vpc ID 'vpc-1' does not exist</Message></Error></Errors><RequestID>r</RequestID></Response>"#,
    },
    Seed {
        service: "s3api",
        operation: "ListObjectsV2",
        status: 200,
        headers: &[("x-amz-request-id", "r")],
        body: r#"<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix></Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated><Contents><Key>a%2Fb+c</Key><LastModified>2020-01-01T00:00:00.000Z</LastModified><ETag>&quot;x&quot;</ETag><Size>3</Size><StorageClass>STANDARD</StorageClass></Contents><CommonPrefixes><Prefix>p/</Prefix></CommonPrefixes></ListBucketResult>"#,
    },
    Seed {
        service: "s3api",
        operation: "HeadObject",
        status: 200,
        headers: &[
            ("content-length", "3"),
            ("last-modified", "Wed, 01 Jan 2020 00:00:00 GMT"),
            ("etag", "\"x\""),
            ("x-amz-meta-owner", "alice"),
            ("x-amz-missing-meta", "2"),
            ("expires", "not a date"),
        ],
        body: "",
    },
    Seed {
        service: "s3api",
        operation: "GetBucketPolicy",
        status: 403,
        headers: &[("x-amz-request-id", "r")],
        body: r#"<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>r</RequestId></Error>"#,
    },
    Seed {
        service: "dynamodb",
        operation: "Query",
        status: 200,
        headers: &[("x-amzn-requestid", "r")],
        body: r#"{"Items":[{"k":{"S":"v"},"n":{"N":"1.5e3"},"l":{"L":[{"BOOL":true},{"NULL":true},{"B":"AAE="}]},"m":{"M":{"x":{"SS":["a","b"]}}}}],"Count":1,"ScannedCount":1,"LastEvaluatedKey":{"k":{"S":"v"}},"ConsumedCapacity":{"TableName":"t","CapacityUnits":0.5}}"#,
    },
    Seed {
        service: "dynamodb",
        operation: "GetItem",
        status: 400,
        headers: &[],
        body: r#"{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}"#,
    },
    Seed {
        service: "lambda",
        operation: "ListFunctions",
        status: 200,
        headers: &[],
        body: r#"{"Functions":[{"FunctionName":"f","FunctionArn":"arn:aws:lambda:us-east-1:1:function:f","Runtime":"python3.12","MemorySize":128,"Timeout":3,"LastModified":"2020-01-01T00:00:00.000+0000","Environment":{"Variables":{"A":"b"}},"Layers":[{"Arn":"x","CodeSize":1}]}],"NextMarker":"m"}"#,
    },
    Seed {
        service: "lambda",
        operation: "GetFunction",
        status: 404,
        headers: &[(
            "x-amzn-errortype",
            "ResourceNotFoundException:http://internal",
        )],
        body: r#"{"Type":"User","Message":"Function not found: f"}"#,
    },
];

fn seed_service(seed: &Seed) -> Arc<Service> {
    static CACHE: OnceLock<Vec<Arc<Service>>> = OnceLock::new();
    let all = CACHE.get_or_init(|| SEEDS.iter().map(|s| service(s.service)).collect());
    let index = SEEDS
        .iter()
        .position(|s| std::ptr::eq(s, seed))
        .expect("a seed of SEEDS");
    Arc::clone(&all[index])
}

/// Reads `body` as the answer to `seed`'s operation, within the memory
/// limit. The models are decoded before the count starts: decoding one is
/// the server's start-up work, not the reader's.
fn run_seed(
    seed: &Seed,
    status: u16,
    headers: Vec<(String, String)>,
    body: &[u8],
) -> Result<(), TestCaseError> {
    let service = seed_service(seed);
    let operation = service
        .operations
        .iter()
        .find(|o| o.name == seed.operation)
        .expect("the seed's operation");
    within_memory(MEMORY_LIMIT, || {
        fuzzing::response(&service, operation, status, &headers, body);
    })
}

fn seed_headers(seed: &Seed) -> Vec<(String, String)> {
    seed.headers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A CBOR map of a few members of every major type, as a service answers.
const CBOR_SEED: &[u8] = &[
    0xbf, // indefinite map
    0x64, b'n', b'a', b'm', b'e', 0x63, b'a', b'b', b'c', // "name": "abc"
    0x65, b'c', b'o', b'u', b'n', b't', 0x19, 0x01, 0x00, // "count": 256
    0x64, b'l', b'i', b's', b't', 0x9f, 0x01, 0x20, 0xf5, 0xf6,
    0xff, // "list": [1, -1, true, null]
    0x64, b'b', b'l', b'o', b'b', 0x42, 0x00, 0x01, // "blob": h'0001'
    0x64, b't', b'i', b'm', b'e', 0xc1, 0xfb, 0x41, 0xd7, 0x84, 0x2f, 0x40, 0x00, 0x00,
    0x00, // "time": 1(1.6e9)
    0x61, b'm', 0xa1, 0x61, b'k', 0xf9, 0x3c, 0x00, // "m": {"k": 1.0 (half)}
    0xff,
];

const QUERY_SEEDS: &[&str] = &[
    "Reservations[].Instances[].InstanceId",
    "Reservations[].Instances[?State.Name=='running'].{Id: InstanceId, Tags: Tags[?Key=='Name'] | [0].Value}",
    "sort_by(Users, &CreateDate)[-3:].UserName",
    "length(Items[?n > `2`])",
    "Items[*].[k, n] | [0][0]",
    "keys(@) | join(', ', @)",
    "max_by(Functions, &MemorySize).FunctionName",
    "to_string(Contents[0]) || `null`",
    "Contents[?contains(Key, 'a') && !starts_with(Key, 'b')].Key | reverse(@)",
    "{a: `{\"x\": [1, 2, {\"y\": null}]}`, b: merge(@, `{}`)}",
    "Reservations[0:10:2].Instances[*].Tags[][?Key == `Name`].Value[] | sort(@)",
    "avg(Items[].n) && sum(map(&n, Items))",
];

fn query_document() -> &'static serde_json::Value {
    static DOC: OnceLock<serde_json::Value> = OnceLock::new();
    DOC.get_or_init(|| {
        serde_json::json!({
            "Reservations": [{"Instances": [
                {"InstanceId": "i-1", "State": {"Name": "running"}, "Tags": [{"Key": "Name", "Value": "web"}]},
                {"InstanceId": "i-2", "State": {"Name": "stopped"}, "Tags": []}
            ]}],
            "Users": [{"UserName": "a", "CreateDate": "2020"}, {"UserName": "b", "CreateDate": "2019"}],
            "Items": [{"k": "x", "n": 1}, {"k": "y", "n": 3.5}, {"k": null, "n": "7"}],
            "Functions": [{"FunctionName": "f", "MemorySize": 128}],
            "Contents": [{"Key": "a/b", "Size": 3}, {"Key": "ba", "Size": 0}]
        })
    })
}

const SHORTHAND_SEEDS: &[&str] = &[
    "Name=instance-state-name,Values=running,stopped",
    "ResourceType=instance,Tags=[{Key=Name,Value=web},{Key=Env,Value=prod}]",
    "Key=a,Value='x, y'",
    r#"Key="a\"b",Value=[1,2,[3,{k=v}]]"#,
    "MetricIntervalLowerBound=0,ScalingAdjustment=2",
    "Body@=file://policy.json,Other=x",
    "a={b={c={d=[e,f]}}}",
];

const LINE_SEEDS: &[&str] = &[
    r#"aws s3 cp "a b" 's3://b/c d' --exclude "*.tmp" --include '*.txt'"#,
    r#"aws dynamodb put-item --table-name t --item '{"k": {"S": "it\'s"}}'"#,
    "aws ec2 describe-instances --filters Name=tag:Env,Values=\"prod\\ one\" \\\n --output text",
    "aws sqs send-message --queue-url q --message-body $'x' \"y\"'z'",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(1_000)))]

    #[test]
    fn responses_of_every_protocol(
        seed in 0..SEEDS.len(),
        edits in edits(),
        status_change in prop_oneof![Just(None), (100u16..600).prop_map(Some)],
        drop_headers in any::<bool>(),
    ) {
        let seed = &SEEDS[seed];
        let body = mutate(seed.body.as_bytes(), &edits);
        let status = status_change.unwrap_or(seed.status);
        let headers = if drop_headers { Vec::new() } else { seed_headers(seed) };
        run_seed(seed, status, headers, &body)?;
    }

    #[test]
    fn response_headers(
        seed in 0..SEEDS.len(),
        values in proptest::collection::vec(".{0,40}", 0..8),
    ) {
        let seed = &SEEDS[seed];
        let headers: Vec<(String, String)> = seed
            .headers
            .iter()
            .zip(values.iter().chain(std::iter::repeat(&String::new())))
            .map(|((k, _), v)| ((*k).to_owned(), v.clone()))
            .collect();
        run_seed(seed, seed.status, headers, seed.body.as_bytes())?;
    }

    #[test]
    fn arbitrary_bodies(seed in 0..SEEDS.len(), body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let seed = &SEEDS[seed];
        run_seed(seed, seed.status, seed_headers(seed), &body)?;
    }

    #[test]
    fn xml_bodies(seed in 0..SEEDS.len(), edits in edits()) {
        let body = mutate(SEEDS[seed].body.as_bytes(), &edits);
        within_memory(MEMORY_LIMIT, || fuzzing::xml(&body))?;
    }

    #[test]
    fn cbor_bodies(edits in edits(), error in any::<bool>()) {
        let body = mutate(CBOR_SEED, &edits);
        let service = cbor_service();
        within_memory(MEMORY_LIMIT, || {
            fuzzing::cbor(&body);
            if let Some(operation) = service.operations.first() {
                let status = if error { 400 } else { 200 };
                fuzzing::response(service, operation, status, &[], &body);
            }
        })?;
    }

    #[test]
    fn arbitrary_cbor(body in proptest::collection::vec(any::<u8>(), 0..256)) {
        within_memory(MEMORY_LIMIT, || fuzzing::cbor(&body))?;
    }

    #[test]
    fn query_expressions(seed in 0..QUERY_SEEDS.len(), edits in edits()) {
        let expression = mutate_text(QUERY_SEEDS[seed], &edits);
        within_memory(MEMORY_LIMIT, || fuzzing::query(&expression, query_document()))?;
    }

    #[test]
    fn arbitrary_query_expressions(expression in "[ -~]{0,120}") {
        within_memory(MEMORY_LIMIT, || fuzzing::query(&expression, query_document()))?;
    }

    #[test]
    fn shorthand_values(seed in 0..SHORTHAND_SEEDS.len(), edits in edits()) {
        let text = mutate_text(SHORTHAND_SEEDS[seed], &edits);
        within_memory(MEMORY_LIMIT, || fuzzing::shorthand(&text))?;
    }

    #[test]
    fn arbitrary_shorthand(text in ".{0,200}") {
        within_memory(MEMORY_LIMIT, || fuzzing::shorthand(&text))?;
    }

    #[test]
    fn split_lines(seed in 0..LINE_SEEDS.len(), edits in edits()) {
        let line = mutate_text(LINE_SEEDS[seed], &edits);
        within_memory(MEMORY_LIMIT, || fuzzing::split(&line))?;
    }
}

/// Nesting as deep as the largest command `call_aws` accepts (64 KiB) or a
/// large response allows: each reader refuses it with an error instead of
/// overflowing the stack, which would end the whole server, not one call.
/// The server's worker threads have 2 MiB stacks, so these run on one.
fn on_a_worker_stack(run: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(run)
        .expect("a thread")
        .join()
        .expect("no reader panicked");
}

const DEPTH: usize = 60_000;

#[test]
fn deep_shorthand_is_an_error() {
    on_a_worker_stack(|| {
        fuzzing::shorthand(&format!("a={}", "[".repeat(DEPTH)));
        fuzzing::shorthand(&format!("a={}", "{b=".repeat(DEPTH)));
        fuzzing::shorthand(&format!("a={}", "[{b=".repeat(DEPTH)));
    });
}

#[test]
fn deep_query_is_an_error() {
    on_a_worker_stack(|| {
        for unit in [
            "(", "[", "!", "a.", "a||", "a|", "{a:", "f(", "-", "&", "[?",
        ] {
            fuzzing::query(&unit.repeat(DEPTH), query_document());
        }
        fuzzing::query(&format!("`{}`", "[".repeat(DEPTH)), query_document());
        fuzzing::query(&format!("'{}'", "\\'".repeat(DEPTH)), query_document());
    });
}

#[test]
fn deep_xml_is_an_error() {
    on_a_worker_stack(|| fuzzing::xml("<a>".repeat(DEPTH).as_bytes()));
}

#[test]
fn deep_cbor_is_an_error() {
    on_a_worker_stack(|| {
        fuzzing::cbor(&[0x81; DEPTH]);
        fuzzing::cbor(&[0x9f; DEPTH]);
        fuzzing::cbor(&[0xa1, 0x61, b'k'].repeat(DEPTH));
        fuzzing::cbor(&[0xc1; DEPTH]);
    });
}

#[test]
fn long_lines_split() {
    on_a_worker_stack(|| fuzzing::split(&"'a'\"b\"\\ ".repeat(DEPTH)));
}

#[test]
fn deep_json_responses_are_an_error() {
    let service = service("dynamodb");
    on_a_worker_stack(move || {
        let operation = service
            .operations
            .iter()
            .find(|o| o.name == "Query")
            .expect("Query");
        let deep = format!(r#"{{"Items":[{}"#, r#"{"k":{"L":["#.repeat(DEPTH));
        fuzzing::response(&service, operation, 200, &[], deep.as_bytes());
        fuzzing::response(&service, operation, 400, &[], deep.as_bytes());
    });
}
