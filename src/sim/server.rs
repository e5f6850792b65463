//! Running the simulator on a socket: `cwrecon sim` ([`serve`]) and tests ([`start`]).
//!
//! Owns the accept loop. It serves HTTP/1 connections with hyper directly (not `axum::serve`) so
//! that a response marked for an injected drop closes the connection before anything is written,
//! the way a crash after a commit looks to a client. Also owns saving `--state` after changes.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tower::ServiceExt as _;

use super::app::{app, should_drop};
use super::args::SimArgs;
use super::error::Error;
use super::store::Store;
use crate::exit::Exit;

/// A simulator running in the background (for tests and benchmarks); it stops when dropped.
#[derive(Debug)]
pub struct Running {
    /// The bound address.
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:PORT/v4_6_release/apis/3.0`.
    pub fn api_url(&self) -> String {
        format!("http://{}{}", self.addr, super::app::API_BASE)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serve `store` on `listen` in a background task.
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// let sim = cwrecon::sim::start(cwrecon::sim::Store::new(), "127.0.0.1:0".parse().unwrap()).await?;
/// println!("{}", sim.api_url());
/// # Ok(()) }
/// ```
///
/// # Errors
/// When the address cannot be bound.
pub async fn start(store: Store, listen: SocketAddr) -> std::io::Result<Running> {
    let listener = TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(accept_loop(listener, app(store)));
    Ok(Running { addr, task })
}

/// Serve the simulator until interrupted (Ctrl-C or SIGTERM), printing `listening on http://ADDR`
/// first.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use clap::Parser as _;
/// let cli = cwrecon::cli::Cli::try_parse_from(["cwrecon", "sim", "--listen", "127.0.0.1:8080"])?;
/// if let cwrecon::cli::Command::Sim(args) = cli.command {
///     cwrecon::sim::serve(args).await?;
/// }
/// # Ok(()) }
/// ```
///
/// # Errors
/// When the address cannot be bound or a state or seed file cannot be read or written.
pub async fn serve(args: SimArgs) -> Result<Exit, Error> {
    let store = Store::new();
    if let Some(seed) = &args.seed {
        store.load(seed)?;
    }
    if let Some(state) = args.state.as_ref().filter(|p| p.exists()) {
        store.load(state)?;
    }
    if let Some(tenant) = &args.generate {
        store.generate(tenant);
    }
    store.set_faults(args.faults());
    let listener = TcpListener::bind(args.listen)
        .await
        .map_err(|source| Error::Bind {
            addr: args.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| Error::Bind {
        addr: args.listen,
        source,
    })?;
    announce(addr)?;
    let saver = args
        .state
        .clone()
        .map(|path| tokio::spawn(save_on_change(store.clone(), path)));
    tokio::select! {
        () = accept_loop(listener, app(store.clone())) => {}
        () = shutdown_signal() => tracing::info!("stopping the simulator"),
    }
    if let Some(saver) = saver {
        saver.abort();
    }
    if let Some(path) = &args.state {
        store.save(path)?;
    }
    Ok(Exit::OK)
}

/// Ctrl-C, or SIGTERM on Unix (what `kill` and process supervisors send), so `--state` is saved.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn announce(addr: SocketAddr) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on http://{addr}")
        .and_then(|()| out.flush())
        .map_err(|source| Error::Announce { source })
}

/// Save the state file shortly after each burst of changes.
async fn save_on_change(store: Store, path: PathBuf) {
    loop {
        store.changed().await;
        // Coalesce a burst of writes into one save.
        tokio::time::sleep(Duration::from_millis(200)).await;
        if let Err(err) = store.save(&path) {
            tracing::warn!(error = %err, "could not save the simulator state");
        }
    }
}

async fn accept_loop(listener: TcpListener, router: Router) {
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(conn) => conn,
            Err(err) => {
                tracing::warn!(error = %err, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let router = router.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(
                move |request: hyper::Request<hyper::body::Incoming>| {
                    let router = router.clone();
                    async move {
                        let response = router
                            .oneshot(request.map(axum::body::Body::new))
                            .await
                            .unwrap_or_else(|never| match never {});
                        if should_drop(&response) {
                            // hyper closes the connection without writing when the service fails.
                            return Err(DroppedOnPurpose);
                        }
                        Ok(response)
                    }
                },
            );
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// The service error that makes hyper drop a connection (an injected fault).
#[derive(Debug)]
struct DroppedOnPurpose;

impl std::fmt::Display for DroppedOnPurpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped after commit (injected fault)")
    }
}

impl std::error::Error for DroppedOnPurpose {}
