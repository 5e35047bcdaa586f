//! `govreport serve` as a child process, with its embedded PostgreSQL in a given data dir.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_govreport");

pub struct Serve {
    pub child: Child,
}

impl Serve {
    /// Starts `serve` on 127.0.0.1:`port` and waits until it is healthy.
    pub fn start(data_dir: &Path, port: u16) -> Serve {
        Serve::start_with(data_dir, port, &[])
    }

    /// `start`, with these environment variables set (flags by their GOVREPORT_ names).
    pub fn start_with(data_dir: &Path, port: u16, envs: &[(&str, &str)]) -> Serve {
        let child = Command::new(BIN)
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--data-dir",
            ])
            .arg(data_dir)
            .env_remove("DATABASE_URL")
            .env_remove("GOVREPORT_METRICS_LISTEN")
            .env_remove("GOVREPORT_ALLOW_PUBLIC_METRICS")
            .envs(envs.iter().copied())
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut serve = Serve { child };
        wait_until_healthy(port, Duration::from_secs(60), || {
            if let Ok(Some(status)) = serve.child.try_wait() {
                panic!("govreport serve exited ({status}) before it was healthy");
            }
        });
        serve
    }

    /// `start`, off the async runtime's threads.
    pub async fn started(data_dir: &Path, port: u16) -> Serve {
        Serve::started_with(data_dir, port, &[]).await
    }

    /// `start_with`, off the async runtime's threads.
    pub async fn started_with(data_dir: &Path, port: u16, envs: &[(&str, &str)]) -> Serve {
        let path = data_dir.to_owned();
        let envs: Vec<(String, String)> =
            envs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        tokio::task::spawn_blocking(move || {
            let envs: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            Serve::start_with(&path, port, &envs)
        })
        .await
        .unwrap()
    }

    /// SIGTERM, then the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        // SAFETY: signalling our own child by pid.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        self.child.wait().unwrap()
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        if self.is_running() {
            // A failed test must not leave the server running, nor wait for it to drain calls.
            let signal = if std::thread::panicking() {
                libc::SIGKILL
            } else {
                libc::SIGTERM
            };
            // SAFETY: as above.
            unsafe { libc::kill(self.child.id() as i32, signal) };
            let _ = self.child.wait();
        }
    }
}

/// Waits until `healthcheck` passes against 127.0.0.1:`port`, `within` at most.
pub fn wait_healthy(port: u16, within: Duration) {
    wait_until_healthy(port, within, || {});
}

/// The wait of [`wait_healthy`], calling `between` before each try (to fail fast when the server exited).
fn wait_until_healthy(port: u16, within: Duration, mut between: impl FnMut()) {
    let deadline = Instant::now() + within;
    loop {
        between();
        let ok = Command::new(BIN)
            .args(["healthcheck", "--addr", &format!("http://127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        if ok.success() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "govreport serve did not become healthy"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The postmaster's pid, from the first line of `<data_dir>/pgdata/postmaster.pid`.
pub fn postmaster_pid(data_dir: &Path) -> Option<i32> {
    let pidfile = std::fs::read_to_string(data_dir.join("pgdata/postmaster.pid")).ok()?;
    pidfile.lines().next()?.trim().parse().ok()
}
