//! The server driven by the `rmcp` client library over stdio, as a Rust MCP
//! client drives it: handshake, tools, and consent through elicitation.

use std::sync::{Arc, Mutex};

use aws_api_mcp_tests::{Received, RecordingEndpoint, binary, offline_aws_env};
use rmcp::model::{
    CallToolRequestParams, ClientCapabilities, ClientConfig, ElicitRequestParams, ElicitResult,
    ElicitationAction, Implementation,
};
use rmcp::service::RequestContext;
use rmcp::transport::TokioChildProcess;
use rmcp::{ClientHandler, ErrorData, RoleClient, ServiceExt};
use serde_json::{Value, json};

/// A client whose user answers every consent question the same way.
#[derive(Clone)]
struct Client {
    action: ElicitationAction,
    run: bool,
    asked: Arc<Mutex<Vec<String>>>,
}

impl ClientHandler for Client {
    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(
            ClientCapabilities::builder().enable_elicitation().build(),
            Implementation::new("rmcp-e2e", "1.0.0"),
        )
    }

    async fn create_elicitation(
        &self,
        request: ElicitRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, ErrorData> {
        if let ElicitRequestParams::FormElicitationParams { message, .. } = request {
            self.asked.lock().unwrap().push(message);
        }
        let mut result = ElicitResult::new(self.action.clone());
        if self.action == ElicitationAction::Accept {
            result.content = Some(json!({ "run": self.run }));
        }
        Ok(result)
    }
}

/// IAM's answer to `CreateUser` for `bob`.
const CREATED_BOB: &str = r#"<CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateUserResult><User><Path>/</Path><UserName>bob</UserName><UserId>AIDAEXAMPLE</UserId><Arn>arn:aws:iam::123456789012:user/bob</Arn><CreateDate>2026-11-26T01:02:03Z</CreateDate></User></CreateUserResult><ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata></CreateUserResponse>"#;

/// The server, with AWS at `endpoint` (a loopback URL).
fn command(env: &[(&str, &str)], dir: &std::path::Path, endpoint: &str) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(binary());
    command
        .env_clear()
        .env("HOME", dir)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_API_MCP_WORKING_DIR", dir)
        .env("AWS_API_MCP_CACHE_DIR", dir)
        .env("AWS_API_MCP_LOG_DIR", dir)
        .envs(offline_aws_env(endpoint))
        .stderr(std::process::Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    command
}

fn call(command: &str) -> CallToolRequestParams {
    let arguments = json!({ "cli_command": command });
    CallToolRequestParams::new("call_aws").with_arguments(arguments.as_object().cloned().unwrap())
}

/// Runs `aws iam create-user` in consent mode with a client whose user
/// answers `action` (and `run`); returns the command's result and the
/// questions asked and the requests "IAM" received.
fn consent(action: ElicitationAction, run: bool) -> (Value, Vec<String>, Vec<Received>) {
    let iam = RecordingEndpoint::start(200, CREATED_BOB);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let asked = Arc::new(Mutex::new(Vec::new()));
        let client = Client {
            action,
            run,
            asked: Arc::clone(&asked),
        };
        let transport = TokioChildProcess::builder(command(
            &[("REQUIRE_MUTATION_CONSENT", "true")],
            dir.path(),
            &iam.url,
        ))
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
        .0;
        let service = client.serve(transport).await.unwrap();
        let info = service.peer_info().unwrap();
        assert_eq!(info.server_info.as_ref().unwrap().name, "aws-api-mcp");
        assert_eq!(info.protocol_version.to_string(), "2025-11-25");
        let tools = service.list_all_tools().await.unwrap();
        let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
        assert!(names.contains(&"call_aws") && names.contains(&"validate_aws_command"));
        let result = service
            .call_tool(call("aws iam create-user --user-name bob"))
            .await
            .unwrap();
        service.cancel().await.unwrap();
        let structured = result.structured_content.unwrap();
        let asked = asked.lock().unwrap().clone();
        (structured["results"][0].clone(), asked, iam.received())
    })
}

#[test]
fn an_rmcp_client_that_accepts_gets_the_command_run() {
    let (result, asked, received) = consent(ElicitationAction::Accept, true);
    assert_eq!(result["status"], "succeeded", "{result}");
    assert_eq!(result["consent"], "accepted");
    assert_eq!(result["output"]["User"]["UserName"], "bob", "{result}");
    assert_eq!(received.len(), 1, "{received:?}");
    let request = &received[0];
    assert!(request.head.starts_with("POST / HTTP/1.1"), "{request:?}");
    assert!(
        request
            .head
            .to_ascii_lowercase()
            .contains("authorization: aws4-hmac-sha256 credential=testing/"),
        "signed with the environment's credentials: {request:?}"
    );
    assert!(
        request.body.contains("Action=CreateUser") && request.body.contains("UserName=bob"),
        "{request:?}"
    );
    assert_eq!(asked.len(), 1);
    assert!(
        asked[0].contains("aws iam create-user --user-name bob"),
        "{asked:?}"
    );
}

#[test]
fn an_rmcp_client_that_declines_does_not() {
    for (action, run) in [
        (ElicitationAction::Decline, false),
        (ElicitationAction::Accept, false),
    ] {
        let (result, asked, received) = consent(action, run);
        assert_eq!(result["status"], "declined", "{result}");
        assert_eq!(asked.len(), 1);
        assert!(received.is_empty(), "nothing may reach AWS: {received:?}");
    }
}
