//! The words people use for AWS things and the words AWS uses: a VM is an
//! instance, a firewall is a security group, "who am I" is STS
//! GetCallerIdentity. Written from general knowledge of AWS, not from any
//! evaluation request; the request's own words always count more than
//! these.

/// Words or phrases (lower case, single spaces) and the words they also
/// mean. Phrases are matched on consecutive request words.
const SYNONYMS: &[(&str, &[&str])] = &[
    // Reading.
    ("list", &["describe", "get"]),
    ("show", &["list", "describe", "get"]),
    ("display", &["list", "describe", "get"]),
    ("view", &["list", "describe", "get"]),
    ("see", &["list", "describe", "get"]),
    ("find", &["list", "describe", "search"]),
    ("lookup", &["describe", "get"]),
    ("look", &["describe", "get"]),
    ("check", &["describe", "get", "status"]),
    ("fetch", &["get", "download"]),
    ("retrieve", &["get"]),
    ("read", &["get"]),
    ("inspect", &["describe", "get"]),
    ("details", &["describe", "get"]),
    ("info", &["describe", "get"]),
    ("describe", &["list", "get"]),
    ("get", &["describe"]),
    ("how many", &["list", "describe"]),
    // Creating.
    ("make", &["create"]),
    ("new", &["create"]),
    ("add", &["create", "put"]),
    ("build", &["create"]),
    ("provision", &["create", "run"]),
    ("setup", &["create"]),
    ("set up", &["create"]),
    ("spin", &["run", "create"]),
    ("spin up", &["run", "create"]),
    ("launch", &["run", "create", "start"]),
    ("register", &["create", "register"]),
    // Deleting.
    ("remove", &["delete", "rm"]),
    ("destroy", &["delete", "terminate"]),
    ("drop", &["delete"]),
    ("erase", &["delete"]),
    ("kill", &["terminate", "stop", "delete"]),
    ("wipe", &["delete", "empty"]),
    ("purge", &["delete", "purge"]),
    ("tear down", &["delete"]),
    ("get rid", &["delete"]),
    ("nuke", &["delete"]),
    ("delete", &["remove", "rm"]),
    ("terminate", &["delete"]),
    // Changing state.
    ("halt", &["stop"]),
    ("shutdown", &["stop"]),
    ("shut down", &["stop"]),
    ("turn off", &["stop"]),
    ("pause", &["stop", "suspend"]),
    ("boot", &["start"]),
    ("turn on", &["start"]),
    ("resume", &["start"]),
    ("restart", &["reboot"]),
    ("bounce", &["reboot"]),
    ("change", &["update", "modify"]),
    ("edit", &["update", "modify"]),
    ("alter", &["modify", "update"]),
    ("set", &["put", "update", "modify"]),
    ("resize", &["modify", "update"]),
    ("enable", &["enable", "put"]),
    ("rename", &["update"]),
    ("scale", &["update", "capacity", "desired"]),
    ("allow", &["authorize", "ingress"]),
    ("open port", &["authorize", "ingress"]),
    ("block", &["revoke"]),
    ("trigger", &["invoke", "start"]),
    ("execute", &["invoke", "start", "run"]),
    ("call", &["invoke"]),
    ("send", &["send", "publish"]),
    ("publish", &["publish"]),
    ("poll", &["receive"]),
    ("login", &["login", "password", "token"]),
    ("log in", &["login", "password", "token"]),
    ("authenticate", &["login", "token"]),
    // Files and S3's own commands.
    ("upload", &["cp", "put", "upload"]),
    ("download", &["cp", "get", "download"]),
    ("copy", &["cp", "copy"]),
    ("move", &["mv", "move"]),
    ("rename file", &["mv"]),
    ("mirror", &["sync"]),
    ("sync", &["sync"]),
    ("folder", &["prefix", "directory"]),
    ("directory", &["prefix", "folder"]),
    ("file", &["object", "s3"]),
    ("files", &["object", "s3"]),
    ("storage", &["s3", "bucket"]),
    ("bucket", &["s3"]),
    ("buckets", &["s3"]),
    ("share link", &["presign", "url"]),
    ("temporary link", &["presign", "url"]),
    ("static site", &["website"]),
    ("static website", &["website"]),
    // Compute.
    ("virtual machine", &["instance", "ec2"]),
    ("virtual machines", &["instance", "ec2"]),
    ("block until", &["wait"]),
    ("wait for", &["wait"]),
    ("until", &["wait"]),
    ("vm", &["instance", "ec2"]),
    ("vms", &["instance", "ec2"]),
    ("server", &["instance", "ec2"]),
    ("servers", &["instance", "ec2"]),
    ("box", &["instance", "ec2"]),
    ("boxes", &["instance", "ec2"]),
    ("machine", &["instance", "ec2"]),
    ("machines", &["instance", "ec2"]),
    ("host", &["instance"]),
    ("disk", &["volume", "ebs"]),
    ("disks", &["volume", "ebs"]),
    ("drive", &["volume", "ebs"]),
    ("ebs", &["volume"]),
    ("ami", &["image"]),
    ("amis", &["image"]),
    ("backup", &["snapshot", "backup"]),
    ("firewall", &["security", "group"]),
    ("firewall rules", &["security", "group", "ingress"]),
    ("static ip", &["address", "elastic"]),
    ("public ip", &["address", "elastic"]),
    ("elastic ip", &["address"]),
    ("eip", &["address", "elastic"]),
    ("ip", &["address"]),
    ("ssh key", &["key", "pair"]),
    ("keypair", &["key", "pair"]),
    ("az", &["availability", "zone"]),
    ("azs", &["availability", "zone"]),
    ("shell", &["session", "ssm", "command"]),
    ("ssh", &["session", "ssh"]),
    ("terminal", &["session"]),
    ("console output", &["console", "output"]),
    ("serverless", &["lambda", "function"]),
    ("function", &["lambda", "function"]),
    ("functions", &["lambda", "function"]),
    ("container", &["ecs", "container", "task"]),
    ("containers", &["ecs", "container", "task"]),
    ("docker", &["ecr", "container", "image"]),
    ("k8s", &["eks", "kubernetes", "cluster"]),
    ("kubernetes", &["eks", "cluster"]),
    ("kubectl", &["eks", "kubeconfig"]),
    ("kubeconfig", &["eks", "kubeconfig"]),
    ("asg", &["autoscaling", "auto", "scaling", "group"]),
    ("autoscale", &["autoscaling", "auto", "scaling"]),
    ("load balancer", &["elbv2", "load", "balancer"]),
    ("load balancers", &["elbv2", "load", "balancer"]),
    ("lb", &["elbv2", "load", "balancer"]),
    ("alb", &["elbv2", "load", "balancer"]),
    ("nlb", &["elbv2", "load", "balancer"]),
    ("elb", &["elbv2", "load", "balancer"]),
    ("target group", &["elbv2", "target", "group"]),
    // Data.
    ("db", &["rds", "db", "database"]),
    ("database", &["rds", "db"]),
    ("databases", &["rds", "db"]),
    ("postgres", &["rds", "db", "postgresql"]),
    ("mysql", &["rds", "db"]),
    ("aurora", &["rds", "db", "cluster"]),
    ("nosql", &["dynamodb", "table"]),
    ("dynamo", &["dynamodb"]),
    ("table", &["dynamodb", "table"]),
    ("tables", &["dynamodb", "table"]),
    ("item", &["dynamodb", "item"]),
    ("items", &["dynamodb", "item"]),
    ("redis", &["elasticache", "cache"]),
    ("memcached", &["elasticache", "cache"]),
    ("cache", &["elasticache"]),
    ("warehouse", &["redshift"]),
    ("data warehouse", &["redshift"]),
    ("sql query", &["athena", "query"]),
    ("elasticsearch", &["opensearch", "es", "domain"]),
    ("stream", &["kinesis", "stream"]),
    ("streams", &["kinesis", "stream"]),
    ("kafka", &["kafka", "msk"]),
    ("etl", &["glue"]),
    ("crawler", &["glue", "crawler"]),
    // Messaging and events.
    ("queue", &["sqs", "queue"]),
    ("queues", &["sqs", "queue"]),
    ("message", &["sqs", "message"]),
    ("messages", &["sqs", "message"]),
    ("topic", &["sns", "topic"]),
    ("topics", &["sns", "topic"]),
    ("notification", &["sns", "notification"]),
    ("notifications", &["sns", "notification"]),
    ("sms", &["sns", "sms"]),
    ("text message", &["sns", "sms"]),
    ("email", &["ses", "sesv2", "email"]),
    ("mail", &["ses", "sesv2", "email"]),
    ("cron", &["events", "schedule", "rule", "scheduler"]),
    ("schedule", &["events", "scheduler", "schedule"]),
    ("scheduled", &["events", "scheduler", "schedule"]),
    ("event bus", &["events"]),
    ("eventbridge", &["events"]),
    ("state machine", &["stepfunctions", "state", "machine"]),
    (
        "workflow",
        &["stepfunctions", "state", "machine", "execution"],
    ),
    ("step function", &["stepfunctions", "state", "machine"]),
    ("step functions", &["stepfunctions", "state", "machine"]),
    // Security and identity.
    ("whoami", &["sts", "caller", "identity"]),
    ("who am i", &["sts", "caller", "identity"]),
    ("which account", &["sts", "caller", "identity"]),
    ("account id", &["sts", "caller", "identity"]),
    ("identity", &["sts", "caller", "identity"]),
    ("assume", &["sts", "assume", "role"]),
    ("secret", &["secretsmanager", "secret"]),
    ("secrets", &["secretsmanager", "secret"]),
    ("password", &["secretsmanager", "secret", "password"]),
    ("credentials", &["secret", "credential", "access", "key"]),
    ("api key", &["apigateway", "api", "key"]),
    ("access key", &["iam", "access", "key"]),
    ("access keys", &["iam", "access", "key"]),
    ("user", &["iam", "user"]),
    ("users", &["iam", "user"]),
    ("role", &["iam", "role"]),
    ("roles", &["iam", "role"]),
    ("permission", &["iam", "policy"]),
    ("permissions", &["iam", "policy"]),
    ("mfa", &["mfa", "virtual", "device"]),
    ("encrypt", &["kms", "encrypt"]),
    ("decrypt", &["kms", "decrypt"]),
    ("encryption", &["kms", "key"]),
    ("cmk", &["kms", "key"]),
    ("cert", &["acm", "certificate"]),
    ("certs", &["acm", "certificate"]),
    ("certificate", &["acm", "certificate"]),
    ("ssl", &["acm", "certificate"]),
    ("tls", &["acm", "certificate"]),
    ("https", &["acm", "certificate"]),
    ("waf", &["wafv2", "web", "acl"]),
    ("sso", &["sso", "identitystore"]),
    ("audit", &["cloudtrail", "event"]),
    ("api calls", &["cloudtrail", "event"]),
    ("who did", &["cloudtrail", "lookup", "event"]),
    ("threat", &["guardduty", "finding"]),
    ("threats", &["guardduty", "finding"]),
    ("compliance", &["config", "compliance"]),
    // Operations.
    ("parameter", &["ssm", "parameter"]),
    ("parameters", &["ssm", "parameter"]),
    ("param", &["ssm", "parameter"]),
    ("params", &["ssm", "parameter"]),
    ("runbook", &["ssm", "automation", "document"]),
    ("patch", &["ssm", "patch"]),
    ("run command", &["ssm", "send", "command"]),
    ("stack", &["cloudformation", "stack"]),
    ("stacks", &["cloudformation", "stack"]),
    ("template", &["cloudformation", "template"]),
    ("iac", &["cloudformation", "stack"]),
    ("alarm", &["cloudwatch", "alarm"]),
    ("alarms", &["cloudwatch", "alarm"]),
    ("metric", &["cloudwatch", "metric"]),
    ("metrics", &["cloudwatch", "metric"]),
    ("dashboard", &["cloudwatch", "dashboard"]),
    ("cpu", &["cloudwatch", "metric", "statistics"]),
    ("log", &["logs", "log"]),
    ("logs", &["logs", "log"]),
    ("log group", &["logs"]),
    ("tail", &["logs", "tail", "live"]),
    ("pager", &["incident", "contacts", "page"]),
    ("on call", &["incident", "contacts", "rotation"]),
    ("dns", &["route53", "record", "hosted", "zone"]),
    ("domain", &["route53", "domain"]),
    ("domains", &["route53", "domain"]),
    ("record", &["route53", "record"]),
    ("records", &["route53", "record"]),
    ("cdn", &["cloudfront", "distribution"]),
    ("cache invalidation", &["cloudfront", "invalidation"]),
    ("invalidate", &["cloudfront", "invalidation"]),
    ("registry", &["ecr", "repository"]),
    ("repo", &["repository"]),
    ("repos", &["repository"]),
    ("git", &["codecommit", "repository"]),
    ("pipeline", &["codepipeline", "pipeline"]),
    ("pipelines", &["codepipeline", "pipeline"]),
    ("build project", &["codebuild", "project"]),
    ("api", &["apigateway", "api"]),
    ("apis", &["apigateway", "api"]),
    ("rest api", &["apigateway", "rest", "api"]),
    ("http api", &["apigatewayv2", "api"]),
    ("websocket", &["apigatewayv2", "api"]),
    ("graphql", &["appsync", "graphql", "api"]),
    ("network", &["vpc", "network"]),
    ("subnet", &["ec2", "subnet"]),
    ("subnets", &["ec2", "subnet"]),
    ("vpn", &["vpn", "connection"]),
    ("peering", &["vpc", "peering", "connection"]),
    ("nat", &["nat", "gateway"]),
    ("route table", &["route", "table", "ec2"]),
    ("region", &["regions"]),
    ("regions", &["region"]),
    ("quota", &["service-quotas", "quota"]),
    ("quotas", &["service-quotas", "quota"]),
    ("limits", &["quota", "limit"]),
    ("cost", &["ce", "cost", "usage"]),
    ("costs", &["ce", "cost", "usage"]),
    ("spend", &["ce", "cost", "usage"]),
    ("spending", &["ce", "cost", "usage"]),
    ("bill", &["ce", "cost", "billing"]),
    ("billing", &["ce", "cost"]),
    ("forecast", &["ce", "forecast"]),
    ("savings plan", &["savingsplans", "savings", "plan"]),
    ("organization", &["organizations"]),
    ("org", &["organizations"]),
    ("accounts", &["organizations", "account"]),
    ("llm", &["bedrock", "model", "foundation"]),
    ("foundation model", &["bedrock", "foundation", "model"]),
    ("genai", &["bedrock", "model"]),
    ("prompt", &["bedrock", "invoke", "model"]),
    ("agent", &["bedrock-agent", "agent"]),
    ("knowledge base", &["bedrock-agent", "knowledge", "base"]),
    ("ml", &["sagemaker"]),
    ("notebook", &["sagemaker", "notebook"]),
    ("training", &["sagemaker", "training", "job"]),
    ("tag", &["tag", "tags", "resource"]),
    ("tags", &["tag", "resource"]),
    ("version", &["version"]),
];

/// EC2 (and other) resource id prefixes, and what the id names.
const ID_PREFIXES: &[(&str, &[&str])] = &[
    ("i", &["instance", "ec2"]),
    ("vol", &["volume", "ec2"]),
    ("sg", &["security", "group", "ec2"]),
    ("subnet", &["subnet", "ec2"]),
    ("vpc", &["vpc", "ec2"]),
    ("ami", &["image", "ec2"]),
    ("snap", &["snapshot", "ec2"]),
    ("eni", &["network", "interface", "ec2"]),
    ("igw", &["internet", "gateway", "ec2"]),
    ("nat", &["nat", "gateway", "ec2"]),
    ("rtb", &["route", "table", "ec2"]),
    ("acl", &["network", "acl", "ec2"]),
    ("eipalloc", &["address", "ec2"]),
    ("lt", &["launch", "template", "ec2"]),
    ("tgw", &["transit", "gateway", "ec2"]),
    ("pcx", &["vpc", "peering", "connection"]),
    ("vpce", &["vpc", "endpoint"]),
    ("fs", &["efs", "file", "system"]),
    ("sgr", &["security", "group", "rule"]),
];

/// Every word the synonyms understand, so the speller leaves them alone.
pub fn vocabulary() -> impl Iterator<Item = &'static str> {
    SYNONYMS
        .iter()
        .flat_map(|(phrase, _)| phrase.split(' '))
        .chain(ID_PREFIXES.iter().map(|(p, _)| *p))
}

/// What a phrase of `words` starting at `at` also means: the words it
/// spans and the extra words, longest phrase first.
pub fn expand(words: &[String], at: usize) -> Vec<(usize, &'static [&'static str])> {
    let mut out = Vec::new();
    for len in (1..=3).rev() {
        if at + len > words.len() {
            continue;
        }
        let phrase = words[at..at + len].join(" ");
        if let Some((_, extra)) = SYNONYMS.iter().find(|(p, _)| *p == phrase) {
            out.push((len, *extra));
        }
    }
    out
}

/// The words a resource id, ARN or S3 URI in the request stands for
/// (`i-0abc123` → instance, `arn:aws:sns:...` → sns, `s3://b/k` → s3), or
/// `None` for an ordinary word.
pub fn identifier(token: &str) -> Option<Vec<String>> {
    let lower = token.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("arn:") {
        let service = rest.split(':').nth(1).filter(|s| !s.is_empty())?;
        let mut words = vec![service.to_owned()];
        // `role/admin` names its kind; a bare `alerts` is just a name.
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        if let Some(resource) = parts.get(4).filter(|r| r.contains(['/', ':'])) {
            let kind = resource.split(['/', ':']).next().unwrap_or("");
            if !kind.is_empty() && kind.chars().all(|c| c.is_ascii_alphabetic() || c == '-') {
                words.extend(kind.split('-').map(str::to_owned));
            }
        }
        return Some(words);
    }
    if is_region(&lower) {
        // Where, not what: the region picks no command.
        return Some(Vec::new());
    }
    if let Some(path) = lower.strip_prefix("s3://") {
        let has_key = path.trim_end_matches('/').contains('/');
        let mut words = vec!["s3".to_owned(), "bucket".to_owned()];
        if has_key {
            words.push("object".to_owned());
        }
        return Some(words);
    }
    let (prefix, id) = lower.split_once('-')?;
    let hexish = id.len() >= 4
        && id.chars().all(|c| c.is_ascii_hexdigit())
        && id.chars().any(|c| c.is_ascii_digit());
    if !hexish {
        return None;
    }
    ID_PREFIXES
        .iter()
        .find(|(p, _)| *p == prefix)
        .map(|(_, words)| words.iter().map(|w| (*w).to_owned()).collect())
}

/// `us-west-2`, `eu-central-1`, `us-gov-west-1`.
fn is_region(token: &str) -> bool {
    let parts: Vec<&str> = token.split('-').collect();
    parts.len() >= 3
        && parts.len() <= 4
        && parts[0].len() == 2
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && parts[1..parts.len() - 1].iter().all(|p| {
            [
                "north",
                "south",
                "east",
                "west",
                "central",
                "northeast",
                "southeast",
                "northwest",
                "southwest",
                "gov",
                "iso",
                "isob",
                "isoe",
                "isof",
            ]
            .contains(p)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn phrases_before_words() {
        let w = words("who am i");
        let found = expand(&w, 0);
        assert_eq!(found[0].0, 3);
        assert!(found[0].1.contains(&"sts"));
        let w = words("spin up a vm");
        assert_eq!(expand(&w, 0)[0].0, 2);
        assert!(expand(&w, 3)[0].1.contains(&"instance"));
        assert!(expand(&w, 2).is_empty());
    }

    #[test]
    fn identifiers_name_their_kind() {
        assert_eq!(identifier("i-0abc123").unwrap(), ["instance", "ec2"]);
        assert_eq!(identifier("sg-12ab34cd").unwrap()[0], "security");
        assert_eq!(
            identifier("arn:aws:sns:us-east-1:123456789012:alerts").unwrap(),
            ["sns"]
        );
        assert_eq!(
            identifier("arn:aws:iam::123456789012:role/admin").unwrap(),
            ["iam", "role"]
        );
        assert_eq!(
            identifier("s3://backups/db.dump").unwrap(),
            ["s3", "bucket", "object"]
        );
        assert_eq!(identifier("s3://backups").unwrap(), ["s3", "bucket"]);
        assert_eq!(identifier("describe-instances"), None);
        assert_eq!(identifier("us-east-1"), Some(Vec::new()));
        assert_eq!(identifier("us-gov-west-1"), Some(Vec::new()));
        assert_eq!(identifier("my-table-2"), None);
    }

    #[test]
    fn no_phrase_is_listed_twice() {
        let mut seen = std::collections::HashSet::new();
        for (phrase, _) in SYNONYMS {
            assert!(seen.insert(*phrase), "{phrase} twice");
            assert!(phrase.split(' ').count() <= 3, "{phrase} too long");
        }
    }
}
