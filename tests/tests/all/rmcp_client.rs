//! The server driven by the `rmcp` client library over stdio, as a Rust MCP
//! client drives it: handshake, tools, and consent through elicitation.

use std::sync::{Arc, Mutex};

use aws_api_mcp_tests::binary;
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

fn command(env: &[(&str, &str)], dir: &std::path::Path) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(binary());
    command
        .env_clear()
        .env("HOME", dir)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_API_MCP_WORKING_DIR", dir)
        .env("AWS_API_MCP_CACHE_DIR", dir)
        .env("AWS_API_MCP_LOG_DIR", dir)
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
/// questions asked.
fn consent(action: ElicitationAction, run: bool) -> (Value, Vec<String>) {
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
        (structured["results"][0].clone(), asked)
    })
}

#[test]
fn an_rmcp_client_that_accepts_gets_the_command_run() {
    let (result, asked) = consent(ElicitationAction::Accept, true);
    assert_eq!(result["status"], "allowed", "{result}");
    assert_eq!(result["consent"], "accepted");
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
        let (result, asked) = consent(action, run);
        assert_eq!(result["status"], "declined", "{result}");
        assert_eq!(asked.len(), 1);
    }
}
