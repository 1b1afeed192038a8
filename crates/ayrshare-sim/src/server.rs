//! Running the simulator: [`Simulator::spawn`] for tests (port 0, background task,
//! [`SimHandle`] to stop it) and [`run`] for `herald sim` (until Ctrl-C or SIGTERM).

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::{SimArgs, SimConfig};
use crate::Simulator;

/// How long [`SimHandle::shutdown`] lets in-flight requests finish.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// A simulator serving on a loopback port in a background task.
/// Dropping the handle stops the server and the publisher too.
pub struct SimHandle {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The served simulator (for stats, reset and knobs).
    pub sim: Simulator,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl std::fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimHandle").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl Simulator {
    /// Binds `127.0.0.1:0`, serves in a background task and returns a handle.
    pub async fn spawn(config: SimConfig) -> std::io::Result<SimHandle> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let sim = Simulator::new(config);
        let (shutdown, stopped) = oneshot::channel::<()>();
        let server = sim.clone();
        let task = tokio::spawn(server.serve(listener, async move {
            let _ = stopped.await;
        }));
        Ok(SimHandle { addr, sim, shutdown: Some(shutdown), task: Some(task) })
    }
}

impl SimHandle {
    /// The Ayrshare base URL to give a client: `http://127.0.0.1:PORT/api`.
    pub fn base_url(&self) -> String {
        format!("{}/api", self.root_url())
    }

    /// `http://127.0.0.1:PORT`, for the `/__sim` routes.
    pub fn root_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets in-flight requests finish (at most 5 s), stops the publisher.
    pub async fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(DRAIN_TIMEOUT, &mut task).await.is_err() {
                task.abort();
            }
        }
        self.sim.stop_background();
    }
}

impl Drop for SimHandle {
    /// Signals the server to stop (it drains in the background) and stops the publisher.
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        self.sim.stop_background();
    }
}

/// Runs `herald sim`: binds `args.bind`, logs the base URL, serves until Ctrl-C or
/// SIGTERM.
pub async fn run(args: SimArgs) -> std::io::Result<()> {
    let listener = TcpListener::bind(args.bind).await?;
    let addr = listener.local_addr()?;
    let config = args.config();
    tracing::info!(%addr, rate_limit = %config.rate_limit, "Ayrshare simulator listening on http://{addr}/api");
    println!("Ayrshare simulator: base URL http://{addr}/api (stats at http://{addr}/__sim/stats)");
    Simulator::new(config).serve(listener, shutdown_signal()).await
}

/// Completes on Ctrl-C or, on Unix, SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("Ayrshare simulator shutting down");
}
