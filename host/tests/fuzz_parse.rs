//! The parser never panics: on arbitrary text, and on random mutations of
//! valid commands (characters inserted, deleted and replaced, words
//! swapped). A short run in every test pass; `FUZZ_CASES=1000000` runs
//! longer.

mod fuzz;

use std::sync::OnceLock;

use aws_api_mcp::command::{ParseContext, Parser};
use aws_api_mcp::config::FileAccessMode;
use proptest::prelude::*;

const SEEDS: &[&str] = &[
    "aws s3api list-objects-v2 --bucket b --max-keys 5 --prefix a/",
    "aws ec2 describe-instances --filters Name=instance-state-name,Values=running Name=tag:Env,Values=prod --query 'Reservations[].Instances[].InstanceId'",
    "aws dynamodb put-item --table-name t --item '{\"k\": {\"S\": \"v\"}, \"n\": {\"N\": \"1\"}}'",
    "aws iam create-policy --policy-name p --policy-document file://policy.json",
    "aws s3 cp ./dir s3://bucket/prefix --recursive --exclude '*.tmp' --include '*.txt'",
    "aws ec2 run-instances --image-id ami-1 --count 2 --tag-specifications 'ResourceType=instance,Tags=[{Key=Name,Value=web}]'",
    "aws lambda invoke --function-name f --payload '{}' out.json",
    "aws ec2 wait instance-running --instance-ids i-1 i-2",
    "aws cloudformation deploy --template-file t.yaml --stack-name s --parameter-overrides A=1 B=2",
    "aws sqs send-message --queue-url https://q --message-body hi --message-attributes '{\"a\":{\"DataType\":\"String\",\"StringValue\":\"x\"}}'",
    "aws autoscaling put-scaling-policy --auto-scaling-group-name g --policy-name p --step-adjustments MetricIntervalLowerBound=0,ScalingAdjustment=2",
    "aws --region us-west-2 --output text sts get-caller-identity",
    "aws ec2 create-network-acl-entry --network-acl-id a --ingress --rule-number 1 --protocol udp --rule-action allow --cidr-block 0.0.0.0/0",
    "aws route53 change-resource-record-sets --hosted-zone-id Z1 --change-batch file://batch.json",
];

fn parser() -> &'static Parser {
    static PARSER: OnceLock<Parser> = OnceLock::new();
    PARSER.get_or_init(|| Parser::load(None).expect("the built-in models load"))
}

fn parse(line: &str) {
    let dir = std::env::temp_dir();
    let _ = parser().parse(
        line,
        &ParseContext {
            working_dir: &dir,
            file_access: FileAccessMode::Workdir,
        },
    );
}

/// One edit: (position, character, kind).
fn mutate(seed: &str, edits: &[(usize, char, u8)]) -> String {
    let mut chars: Vec<char> = seed.chars().collect();
    for &(at, c, kind) in edits {
        let at = if chars.is_empty() {
            0
        } else {
            at % (chars.len() + 1)
        };
        match kind % 4 {
            0 => chars.insert(at, c),
            1 if at < chars.len() => {
                chars.remove(at);
            }
            2 if at < chars.len() => chars[at] = c,
            _ => {
                let words: Vec<String> = chars
                    .iter()
                    .collect::<String>()
                    .split(' ')
                    .map(str::to_owned)
                    .collect();
                if words.len() > 2 {
                    let mut words = words;
                    let i = at % words.len();
                    let j = (at / 7) % words.len();
                    words.swap(i, j);
                    chars = words.join(" ").chars().collect();
                }
            }
        }
    }
    chars.into_iter().collect()
}

fn interesting_char() -> impl Strategy<Value = char> {
    prop_oneof![
        proptest::char::range(' ', '~'),
        Just('\n'),
        Just('\0'),
        Just('\u{202e}'),
        Just('é'),
        any::<char>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(fuzz::cases(2_000)))]

    #[test]
    fn arbitrary_text_never_panics(line in ".{0,300}") {
        parse(&line);
    }

    #[test]
    fn aws_prefixed_text_never_panics(rest in "[ -~]{0,300}") {
        parse(&format!("aws {rest}"));
    }

    #[test]
    fn mutated_commands_never_panic(
        seed in 0..SEEDS.len(),
        edits in proptest::collection::vec((0..400usize, interesting_char(), 0..4u8), 0..12),
    ) {
        parse(&mutate(SEEDS[seed], &edits));
    }
}
