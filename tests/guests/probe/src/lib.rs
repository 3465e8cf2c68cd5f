//! Reports what a policy can see of its environment and of the request, as
//! the reason of an allow. It tries every capability a policy must not have.
use aws_mcp_policy_sdk::{Decision, Metadata, Policy, Request, export_policy};

struct Probe {
    settings: String,
}

impl Policy for Probe {
    fn metadata() -> Metadata {
        Metadata::new("probe", "1.0.0", "reports what it can see")
    }
    fn configure(config: &str) -> Result<Self, String> {
        Ok(Probe {
            settings: config.to_owned(),
        })
    }
    fn evaluate(&self, request: &Request) -> Decision {
        let env = std::env::vars().count();
        let args = std::env::args().count();
        let root = std::fs::read_dir("/")
            .map(|d| d.count())
            .map_err(|e| e.kind().to_string());
        let passwd = std::fs::read("/etc/passwd")
            .map(|b| b.len())
            .map_err(|e| e.kind().to_string());
        let write = std::fs::write("probe.txt", b"x").map_err(|e| e.kind().to_string());
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(u128::MAX);
        let mut stdin = String::new();
        let stdin =
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut stdin).map(|_| stdin.len());
        println!("printing to stdout goes nowhere");
        eprintln!("printing to stderr is kept for panics");
        let files: Vec<String> = request
            .files
            .iter()
            .map(|f| format!("{}={}", f.parameter, f.resolved))
            .collect();
        Decision::Allow(format!(
            "env={env} args={args} root={root:?} passwd={passwd:?} write={write:?} wall_ms={wall} stdin={stdin:?} settings={:?} time={} wd={} files={files:?} params={}",
            self.settings,
            request.context.unix_time_ms,
            request.context.working_dir,
            request.command.parameters.len(),
        ))
    }
}

export_policy!(Probe);
