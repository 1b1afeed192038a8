//! The `herald` binary: parses the command line and hands over to the library.

use clap::Parser;
use herald::config::{Cli, Command, ServeArgs};
use herald::startup::{shutdown_signal, Application};
use herald::{demo, store, telemetry};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init();
    match Cli::parse().command {
        Command::Serve(args) => serve(args).await,
        Command::Sim(args) => Ok(ayrshare_sim::run(args).await?),
        Command::Migrate(db) => {
            store::open(&db.database_url, 1).await?;
            println!("migrations applied");
            Ok(())
        }
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let demo = args.demo;
    let app = Application::build(args).await?;
    let url = format!("http://{}", app.local_addr());
    if demo {
        let (ws, created) = demo::seed(app.state(), app.sandbox()).await?;
        let what = if created { "seeded" } else { "already present" };
        println!("Demo workspace {what}: {url}/api/workspaces/{ws}");
    }
    if demo || app.admin_token_generated() {
        println!("Admin token: {}", app.admin_token().expose());
    }
    println!("Herald listening on {url}");
    app.run_until(shutdown_signal()).await
}
