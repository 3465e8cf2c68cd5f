//! Global options that take the command out of the server's control.

use aws_mcp_policy_sdk::Request;

use crate::{EndpointRule, Settings};

/// The first refused option, with the reason.
pub fn check(settings: &Settings, request: &Request) -> Option<String> {
    let global = &request.global;
    if global.debug && !settings.allow_debug {
        return Some("`--debug` is not allowed: it would write request and response details, credentials included, to the logs; remove it".to_owned());
    }
    if global.no_verify_ssl && !settings.allow_no_verify_ssl {
        return Some(
            "`--no-verify-ssl` is not allowed: it turns off TLS certificate checks; remove it"
                .to_owned(),
        );
    }
    if global.no_sign_request && !settings.allow_no_sign_request {
        return Some("`--no-sign-request` is not allowed: requests are always signed with the server's credentials; remove it".to_owned());
    }
    if let Some(bundle) = &global.ca_bundle
        && !settings.allow_ca_bundle
    {
        return Some(format!(
            "`--ca-bundle {bundle}` is not allowed: the server uses the system's trusted certificates; remove it"
        ));
    }
    if let Some(profile) = &global.profile
        && !settings.allow_profile
        && request.context.default_profile.as_deref() != Some(profile.as_str())
    {
        return Some(format!(
            "`--profile {profile}` is not allowed: commands run with the server's own profile (AWS_API_MCP_PROFILE_NAME); remove `--profile`"
        ));
    }
    if let Some(url) = &global.endpoint_url {
        match settings.endpoint_url {
            EndpointRule::Allow => {}
            EndpointRule::Loopback if is_loopback(url) => {}
            EndpointRule::Loopback => {
                return Some(format!(
                    "`--endpoint-url {url}` is not allowed: only endpoints on this machine (localhost, 127.0.0.1, [::1]) may be named; remove it to use AWS"
                ));
            }
            EndpointRule::Deny => {
                return Some(format!(
                    "`--endpoint-url {url}` is not allowed: commands go to AWS's own endpoints; remove it"
                ));
            }
        }
    }
    None
}

/// Whether a URL's host is this machine. Anything unusual (user info,
/// missing scheme, odd characters) counts as not loopback.
pub fn is_loopback(url: &str) -> bool {
    let Some(rest) = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
    else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains(['@', '\\', '%']) {
        return false;
    }
    let host = if let Some(v6) = authority.strip_prefix('[') {
        match v6.split_once(']') {
            Some((host, port)) if port.is_empty() || port.starts_with(':') => host,
            _ => return false,
        }
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_mcp_policy_sdk::RequestBuilder;

    #[test]
    fn loopback_urls() {
        for url in [
            "http://localhost:5000",
            "http://127.0.0.1",
            "https://127.1.2.3:8/x",
            "http://[::1]:9000/",
        ] {
            assert!(is_loopback(url), "{url}");
        }
        for url in [
            "http://127.0.0.1@evil.example",
            "http://evil.example/127.0.0.1",
            "http://localhost.evil.example",
            "ftp://127.0.0.1",
            "127.0.0.1:80",
            "http://[::1]evil",
            "http://0x7f000001",
        ] {
            assert!(!is_loopback(url), "{url}");
        }
    }

    #[test]
    fn refused_options_by_default() {
        let settings = Settings::parse("").unwrap();
        let debug = RequestBuilder::new("s3", "ls")
            .global(|g| g.debug = true)
            .build();
        assert!(check(&settings, &debug).unwrap().contains("--debug"));
        let profile = RequestBuilder::new("s3", "ls")
            .global(|g| g.profile = Some("admin".into()))
            .build();
        assert!(
            check(&settings, &profile)
                .unwrap()
                .contains("--profile admin")
        );
        let same_profile = RequestBuilder::new("s3", "ls")
            .global(|g| g.profile = Some("dev".into()))
            .context(|c| c.default_profile = Some("dev".into()))
            .build();
        assert_eq!(check(&settings, &same_profile), None);
    }

    #[test]
    fn endpoint_rules_follow_settings() {
        let request = RequestBuilder::new("s3", "ls")
            .global(|g| g.endpoint_url = Some("http://127.0.0.1:5000".into()))
            .build();
        assert!(check(&Settings::parse("").unwrap(), &request).is_some());
        let loopback = Settings::parse(r#"{"endpoint-url":"loopback"}"#).unwrap();
        assert_eq!(check(&loopback, &request), None);
    }
}
