//! The `herald` binary: parses the command line and hands over to the library.

use clap::Parser;
use herald::app::startup::{shutdown_signal, Application};
use herald::commands::config::{CacheClearArgs, CacheCommand, Cli, Command, ServeArgs};
use herald::commands::people::cli;
use herald::{app::demo, commands::ops, foundation::telemetry, storage::store};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init();
    match Cli::parse().command {
        Command::Serve(args) => serve(*args).await,
        Command::Sim(args) => Ok(ayrshare_sim::run(args).await?),
        Command::Cache(CacheCommand::Clear(args)) => clear_cache(args).await,
        Command::User(command) => cli::run(command).await,
        Command::Backup(args) => {
            let done = ops::backup::run(&args).await?;
            println!(
                "backup written to {}: {} bytes in {} ms ({})",
                done.file.display(),
                done.bytes,
                done.millis,
                done.counts
            );
            Ok(())
        }
        Command::Restore(args) => {
            let done = ops::restore::run(&args).await?;
            if let Some(previous) = &done.previous {
                println!("the replaced database is kept as {}", previous.display());
            }
            println!(
                "restored {} (schema version {}; {}); Herald migrates it on start",
                done.database.display(),
                done.version,
                done.counts
            );
            Ok(())
        }
        Command::Migrate(db) => {
            store::open(db.database_url.expose(), 1).await?;
            println!("migrations applied");
            Ok(())
        }
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let demo = args.demo;
    // Listening for SIGTERM and Ctrl-C from before anything is printed: a supervisor that
    // stops Herald as soon as it says it is up must get a clean shutdown, not the
    // signal's default (the process killed).
    let shutdown = shutdown_signal()?;
    let app = Application::build(args).await?;
    let url = format!("http://{}", app.local_addr());
    let seeded = match demo {
        true => Some(demo::seed(app.state(), app.store().as_ref(), app.sandbox()).await?),
        false => None,
    };
    // What a newcomer needs comes last, after every log line of the start.
    if let Some(seeded) = &seeded {
        println!("{}", seeded.summary());
    }
    println!("Herald listening on {url}");
    if let Some(seeded) = &seeded {
        println!("Demo workspace: {url}/w/{}", seeded.workspace_id);
        for user in &seeded.users {
            let (email, role) = (&user.email, user.role.as_str());
            println!("  sign in as {role:<8} {email}  password: {}", user.password.expose());
        }
        if seeded.users.is_empty() {
            println!("  sign in with the demo passwords printed when it was first seeded");
        }
    }
    if demo || app.admin_token_generated() {
        println!("Admin token: {}", app.admin_token().expose());
    }
    app.run_until(shutdown).await
}

/// `herald cache clear`: asks the running Herald, which owns the cache (in-process or Redis).
async fn clear_cache(args: CacheClearArgs) -> anyhow::Result<()> {
    let base = args.url.unwrap_or_else(|| format!("http://{}", args.bind));
    let mut url = url::Url::parse(&format!("{}/api/cache/history", base.trim_end_matches('/')))?;
    if let Some(ws) = &args.workspace {
        url.query_pairs_mut().append_pair("workspace", ws);
    }
    let response =
        reqwest::Client::new().delete(url).bearer_auth(args.admin_token.expose()).send().await?;
    let status = response.status();
    let body = response.text().await?;
    anyhow::ensure!(status.is_success(), "Herald answered {status}: {body}");
    println!("{body}");
    Ok(())
}
