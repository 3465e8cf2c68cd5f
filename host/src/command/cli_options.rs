//! Options the AWS CLI adds to API commands (`--zip-file`, `--cidr`,
//! `--count`...), turned into the API members they stand for, as the CLI's
//! customizations do. Done at parse time so the policies judge the request
//! that will be sent: `--cidr 0.0.0.0/0` is an `IpPermissions` entry to a
//! policy, not an unknown option.
//!
//! An option with no translation here stays as written (its `api_name` is
//! the option name); the executor refuses to send a command that still has
//! one, rather than drop it silently.

use serde_json::{Map, Value, json};

use super::files::FileReader;
use super::split::Word;
use super::{FileAccess, Parameter, ParseError, ShapeKind};
use crate::model::{Operation, Service};

/// Translates `extra` (options the CLI adds to this operation, as written)
/// into `parameters`.
pub(super) fn translate(
    service: &Service,
    operation: &Operation,
    extra: Vec<(String, Vec<Word>)>,
    parameters: &mut Vec<Parameter>,
    files: &mut FileReader<'_>,
) -> Result<(), ParseError> {
    let mut rest = Vec::new();
    let mut security_group = Vec::new();
    let mut network_interface = Vec::new();
    let mut count = None;
    for (name, words) in extra {
        let text = words.first().map(|w| w.text.clone());
        match (
            service.api_name.as_str(),
            operation.name.as_str(),
            name.as_str(),
        ) {
            ("lambda", "CreateFunction", "zip-file") => {
                zip_file(&name, text, "Code", parameters, files)?;
            }
            ("lambda", "PublishLayerVersion", "zip-file") => {
                zip_file(&name, text, "Content", parameters, files)?;
            }
            (
                "ec2",
                "AuthorizeSecurityGroupIngress"
                | "AuthorizeSecurityGroupEgress"
                | "RevokeSecurityGroupIngress"
                | "RevokeSecurityGroupEgress",
                "protocol" | "port" | "cidr" | "source-group" | "group-owner",
            ) => security_group.push((name, text.unwrap_or_default())),
            ("ec2", "RunInstances", "count") => count = Some((name, text.unwrap_or_default())),
            // `emr list-clusters` filters: one state set at most.
            ("emr", "ListClusters", "active" | "terminated" | "failed" | "cluster-states") => {
                let states: Vec<String> = match name.as_str() {
                    "active" => [
                        "STARTING",
                        "BOOTSTRAPPING",
                        "RUNNING",
                        "WAITING",
                        "TERMINATING",
                    ]
                    .map(str::to_owned)
                    .to_vec(),
                    "terminated" => vec!["TERMINATED".to_owned()],
                    "failed" => vec!["TERMINATED_WITH_ERRORS".to_owned()],
                    _ => words.iter().map(|w| w.text.clone()).collect(),
                };
                if parameters.iter().any(|p| p.api_name == "ClusterStates") {
                    return Err(ParseError::BadValue {
                        option: name,
                        value: String::new(),
                        expected: "one of --cluster-states, --active, --terminated and --failed: they cannot be combined".to_owned(),
                    });
                }
                parameters.push(Parameter {
                    cli_name: name,
                    api_name: "ClusterStates".to_owned(),
                    value: json!(states),
                    shape: ShapeKind::List,
                });
            }
            ("emr", "ListClusters", "created-before" | "created-after") => {
                let api_name = if name == "created-before" {
                    "CreatedBefore"
                } else {
                    "CreatedAfter"
                };
                parameters.push(Parameter {
                    cli_name: name,
                    api_name: api_name.to_owned(),
                    value: json!(text.unwrap_or_default()),
                    shape: ShapeKind::Timestamp,
                });
            }
            // The key that decrypts the password: read after the call.
            ("ec2", "GetPasswordData", "priv-launch-key") => {
                let path = text.unwrap_or_default();
                let file = files.record(&name, &path, FileAccess::Read)?;
                if !file.exists || !file.resolved.is_file() {
                    return Err(ParseError::BadPath {
                        path,
                        reason: "priv-launch-key should be a path to the local SSH private key file used to launch the instance".to_owned(),
                    });
                }
            }
            (
                "ec2",
                "RunInstances",
                "secondary-private-ip-addresses"
                | "secondary-private-ip-address-count"
                | "associate-public-ip-address"
                | "no-associate-public-ip-address",
            ) => network_interface.push((name, words)),
            _ => rest.push((name, words)),
        }
    }
    if !security_group.is_empty() {
        ip_permissions(security_group, parameters)?;
    }
    if operation.name == "RunInstances" && service.api_name == "ec2" {
        instance_count(count, parameters)?;
        network_interfaces(network_interface, parameters)?;
    }
    for (name, words) in rest {
        parameters.push(super::parse::raw_parameter(name, &words));
    }
    Ok(())
}

/// The structure member `api_name` of `parameters`, added empty when
/// missing (and made a structure when it was something else).
fn structure<'a>(
    parameters: &'a mut Vec<Parameter>,
    cli_name: &str,
    api_name: &str,
) -> Option<&'a mut Map<String, Value>> {
    let position = match parameters.iter().position(|p| p.api_name == api_name) {
        Some(i) => i,
        None => {
            parameters.push(Parameter {
                cli_name: cli_name.to_owned(),
                api_name: api_name.to_owned(),
                value: Value::Object(Map::new()),
                shape: ShapeKind::Structure,
            });
            parameters.len() - 1
        }
    };
    let value = &mut parameters.get_mut(position)?.value;
    if !value.is_object() {
        *value = Value::Object(Map::new());
    }
    value.as_object_mut()
}

/// `--zip-file fileb://f.zip`: `<member>.ZipFile`, checked to be a zip as
/// the CLI checks it (`awscli/customizations/awslambda.py`).
fn zip_file(
    option: &str,
    value: Option<String>,
    member: &str,
    parameters: &mut Vec<Parameter>,
    files: &mut FileReader<'_>,
) -> Result<(), ParseError> {
    let value = value.ok_or_else(|| ParseError::MissingValue(option.to_owned()))?;
    let bad = |value: &str| ParseError::BadValue {
        option: option.to_owned(),
        value: value.to_owned(),
        expected: "a zip file given with the fileb:// prefix, such as `fileb://function.zip`"
            .to_owned(),
    };
    if !value.starts_with("fileb://") {
        return Err(bad(&value));
    }
    let loaded = files.load(option, &value)?;
    let blob = loaded.as_blob().ok_or_else(|| bad(&value))?;
    let is_zip = blob
        .get("$blob")
        .and_then(Value::as_str)
        .and_then(|b64| {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.decode(b64).ok()
        })
        .is_some_and(|bytes| bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06"));
    if !is_zip {
        return Err(bad(&value));
    }
    if let Some(code) = structure(parameters, option, member) {
        code.insert("ZipFile".to_owned(), blob);
    }
    Ok(())
}

/// `--protocol`, `--port`, `--cidr`, `--source-group`, `--group-owner`:
/// one `IpPermissions` entry (`awscli/customizations/ec2/secgroupsimplify.py`).
fn ip_permissions(
    options: Vec<(String, String)>,
    parameters: &mut Vec<Parameter>,
) -> Result<(), ParseError> {
    if parameters.iter().any(|p| p.api_name == "IpPermissions") {
        let names: Vec<String> = options.iter().map(|(n, _)| format!("--{n}")).collect();
        return Err(ParseError::BadValue {
            option: "ip-permissions".to_owned(),
            value: "given".to_owned(),
            expected: format!(
                "either `--ip-permissions` or {}, not both",
                names.join(", ")
            ),
        });
    }
    let mut permission = Map::new();
    let mut pair = Map::new();
    for (name, value) in options {
        let bad = |expected: &str| ParseError::BadValue {
            option: name.clone(),
            value: value.clone(),
            expected: expected.to_owned(),
        };
        match name.as_str() {
            "protocol" => {
                let protocol = match value.parse::<i64>() {
                    Ok(n) if (0..=255).contains(&n) || n == -1 => value.clone(),
                    Ok(_) => {
                        return Err(bad("a protocol number in 0-255, or -1 for all protocols"));
                    }
                    Err(_) if value == "all" => "-1".to_owned(),
                    Err(_) if matches!(value.as_str(), "tcp" | "udp" | "icmp") => value.clone(),
                    Err(_) => return Err(bad("tcp, udp, icmp, all or a protocol number")),
                };
                permission.insert("IpProtocol".to_owned(), json!(protocol));
            }
            "port" => {
                let (from, to) = if value == "-1" || value == "all" {
                    ("-1", "-1")
                } else {
                    value.split_once('-').unwrap_or((&value, &value))
                };
                let (Ok(from), Ok(to)) = (from.parse::<i64>(), to.parse::<i64>()) else {
                    return Err(bad("a port or a range: <from[-to]>, such as 22 or 22-25"));
                };
                permission.insert("FromPort".to_owned(), json!(from));
                permission.insert("ToPort".to_owned(), json!(to));
            }
            "cidr" => {
                permission.insert("IpRanges".to_owned(), json!([{ "CidrIp": value }]));
            }
            "source-group" if value.starts_with("sg-") => {
                pair.insert("GroupId".to_owned(), json!(value));
            }
            "source-group" => {
                pair.insert("GroupName".to_owned(), json!(value));
            }
            _ => {
                pair.insert("UserId".to_owned(), json!(value));
            }
        }
    }
    if !pair.is_empty() {
        permission.insert("UserIdGroupPairs".to_owned(), json!([pair]));
    }
    parameters.push(Parameter {
        cli_name: "ip-permissions".to_owned(),
        api_name: "IpPermissions".to_owned(),
        value: json!([permission]),
        shape: ShapeKind::List,
    });
    Ok(())
}

/// `--count N` or `--count MIN:MAX`: `MinCount` and `MaxCount`, 1 and 1
/// when absent (`awscli/customizations/ec2/runinstances.py`).
fn instance_count(
    count: Option<(String, String)>,
    parameters: &mut Vec<Parameter>,
) -> Result<(), ParseError> {
    let (min, max) = match count {
        None => (1, 1),
        Some((name, value)) => {
            let (min, max) = value.split_once(':').unwrap_or((&value, &value));
            match (min.parse::<i64>(), max.parse::<i64>()) {
                (Ok(min), Ok(max)) => (min, max),
                _ => {
                    return Err(ParseError::BadValue {
                        option: name,
                        value,
                        expected: "a count of the form min[:max], such as 1 or 1:10".to_owned(),
                    });
                }
            }
        }
    };
    for (member, n) in [("MinCount", min), ("MaxCount", max)] {
        if !parameters.iter().any(|p| p.api_name == member) {
            parameters.push(Parameter {
                cli_name: "count".to_owned(),
                api_name: member.to_owned(),
                value: json!(n),
                shape: ShapeKind::Integer,
            });
        }
    }
    Ok(())
}

/// The network-interface options of `run-instances`: the first
/// `NetworkInterfaces` entry, with `--subnet-id`, `--security-group-ids` and
/// the address options moved into it as the CLI moves them.
fn network_interfaces(
    options: Vec<(String, Vec<Word>)>,
    parameters: &mut Vec<Parameter>,
) -> Result<(), ParseError> {
    let mut interface = Map::new();
    for (name, words) in options {
        match name.as_str() {
            "secondary-private-ip-addresses" => {
                let addresses: Vec<Value> = words
                    .iter()
                    .map(|w| json!({ "PrivateIpAddress": w.text, "Primary": false }))
                    .collect();
                interface.insert("PrivateIpAddresses".to_owned(), Value::Array(addresses));
            }
            "secondary-private-ip-address-count" => {
                let text = words.first().map(|w| w.text.as_str()).unwrap_or_default();
                let n: i64 = text.parse().map_err(|_| ParseError::BadValue {
                    option: name.clone(),
                    value: text.to_owned(),
                    expected: "a whole number".to_owned(),
                })?;
                interface.insert("SecondaryPrivateIpAddressCount".to_owned(), json!(n));
            }
            "associate-public-ip-address" => {
                interface.insert("AssociatePublicIpAddress".to_owned(), json!(true));
            }
            _ => {
                interface.insert("AssociatePublicIpAddress".to_owned(), json!(false));
            }
        }
    }
    let position = parameters
        .iter()
        .position(|p| p.api_name == "NetworkInterfaces");
    if interface.is_empty() && position.is_none() {
        return Ok(());
    }
    // The options add to the first interface given with
    // `--network-interfaces`, or make one.
    let mut list = match position.map(|i| parameters.remove(i).value) {
        Some(Value::Array(list)) => list,
        Some(other) => vec![other],
        None => Vec::new(),
    };
    if list.is_empty() {
        list.push(json!({ "DeviceIndex": 0 }));
    }
    if let Some(Value::Object(first)) = list.first_mut() {
        for (k, v) in interface {
            if k == "PrivateIpAddresses" && first.contains_key(&k) {
                continue;
            }
            first.insert(k, v);
        }
        let moves = [
            "PrivateIpAddresses",
            "SecondaryPrivateIpAddressCount",
            "AssociatePublicIpAddress",
        ]
        .iter()
        .any(|k| first.contains_key(*k));
        if moves {
            let mut take = |member: &str| -> Option<Value> {
                let i = parameters.iter().position(|p| p.api_name == member)?;
                Some(parameters.remove(i).value)
            };
            if let Some(subnet) = take("SubnetId") {
                first.insert("SubnetId".to_owned(), subnet);
            }
            if let Some(groups) = take("SecurityGroupIds") {
                first.insert("Groups".to_owned(), groups);
            }
            if let Some(address) = take("PrivateIpAddress") {
                first.insert(
                    "PrivateIpAddresses".to_owned(),
                    json!([{ "PrivateIpAddress": address, "Primary": true }]),
                );
            }
            for (from, to) in [
                ("Ipv6AddressCount", "Ipv6AddressCount"),
                ("Ipv6Addresses", "Ipv6Addresses"),
                ("EnablePrimaryIpv6", "PrimaryIpv6"),
            ] {
                if let Some(v) = take(from) {
                    first.insert(to.to_owned(), v);
                }
            }
        }
    }
    parameters.push(Parameter {
        cli_name: "network-interfaces".to_owned(),
        api_name: "NetworkInterfaces".to_owned(),
        value: Value::Array(list),
        shape: ShapeKind::List,
    });
    Ok(())
}
