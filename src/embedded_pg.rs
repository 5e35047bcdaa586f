//! The embedded PostgreSQL: when no DATABASE_URL is given, run a private server from the
//! local install (initdb + postgres), in a data directory that persists between runs,
//! listening only on a Unix socket inside that directory.
//!
//! The server is a child process started from a dedicated keeper thread with
//! PR_SET_PDEATHSIG, so it goes down (fast shutdown) when this process dies, however it
//! dies. When it exits on its own after start-up (killed, crashed), the keeper starts it
//! again on the same data dir, with backoff; `stop` shuts it down explicitly and waits.
//! As root, initdb and postgres run as the `postgres` user (they refuse root) in
//! directories that user owns.

use std::ffi::CString;
use std::fs::{self, OpenOptions};
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

const PORT: u16 = 5432;
const SUPERUSER: &str = "postgres";

/// How to run the embedded server.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Skip fsync (test clusters only: a crash may lose data).
    pub no_fsync: bool,
    /// Also listen on 127.0.0.1 at this TCP port, which the socket takes too (a node of a
    /// cluster, which the other nodes reach over TCP); `None`: the Unix socket alone, port 5432.
    pub tcp_port: Option<u16>,
    /// More server settings (`-c name=value`), after (so over) the defaults.
    pub settings: Vec<(String, String)>,
}

impl Options {
    fn port(&self) -> u16 {
        self.tcp_port.unwrap_or(PORT)
    }
}

/// A quarter of the machine's memory (PostgreSQL's advice for a dedicated server), between
/// PostgreSQL's default 128 MB and 2 GB: with the default, a million indicators do not fit
/// and every miss copies a page from the OS cache. Reserved as pages are used, not at start.
fn shared_buffers_mb() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let (pages, page_size) = unsafe { (libc::sysconf(libc::_SC_PHYS_PAGES), libc::sysconf(libc::_SC_PAGESIZE)) };
    let total_mb = (pages.max(0) as u64).saturating_mul(page_size.max(0) as u64) >> 20;
    (total_mb / 4).clamp(128, 2048)
}

/// A running embedded PostgreSQL server.
pub struct EmbeddedPostgres {
    data_dir: PathBuf,
    pgdata: PathBuf,
    port: u16,
    shared: Arc<Shared>,
    keeper: Mutex<Option<JoinHandle<()>>>,
}

/// Who runs initdb and postgres: ourselves, or (as root) the `postgres` user.
#[derive(Debug, Clone, Copy)]
struct RunAs {
    uid: Option<(u32, u32)>,
}

impl RunAs {
    fn detect() -> Result<RunAs> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return Ok(RunAs { uid: None });
        }
        let name = CString::new(SUPERUSER).expect("no NUL");
        // SAFETY: getpwnam returns a pointer to static storage or NULL; we copy out at once.
        let pw = unsafe { libc::getpwnam(name.as_ptr()) };
        if pw.is_null() {
            bail!(
                "running as root, and initdb/postgres refuse root, but there is no `postgres` user to run them as; \
                 create one (installing PostgreSQL does) or set DATABASE_URL"
            );
        }
        // SAFETY: pw is non-null and points to a valid passwd record.
        let (uid, gid) = unsafe { ((*pw).pw_uid, (*pw).pw_gid) };
        Ok(RunAs {
            uid: Some((uid, gid)),
        })
    }

    fn command(self, program: &Path) -> Command {
        let mut cmd = Command::new(program);
        if let Some((uid, gid)) = self.uid {
            // std drops root's supplementary groups when switching uid as root.
            cmd.uid(uid)
                .gid(gid)
                .env("HOME", "/tmp")
                .env("USER", SUPERUSER);
        }
        cmd.env("LC_ALL", "C.UTF-8").env_remove("PGDATA");
        cmd
    }

    fn own(self, path: &Path) -> Result<()> {
        if let Some((uid, gid)) = self.uid {
            std::os::unix::fs::chown(path, Some(uid), Some(gid))
                .with_context(|| format!("giving {} to the postgres user", path.display()))?;
        }
        Ok(())
    }
}

/// The directory holding initdb and postgres: PATH first, then /usr/lib/postgresql/*/bin (newest).
pub fn find_bin_dir() -> Result<PathBuf> {
    find_bin_dir_in(
        std::env::var_os("PATH").as_deref(),
        Path::new("/usr/lib/postgresql"),
    )
}

fn find_bin_dir_in(path: Option<&std::ffi::OsStr>, versions_root: &Path) -> Result<PathBuf> {
    let has_both = |d: &Path| d.join("initdb").is_file() && d.join("postgres").is_file();
    if let Some(path) = path {
        if let Some(dir) = std::env::split_paths(path).find(|d| has_both(d)) {
            return Ok(dir);
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir(versions_root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            has_both(&bin).then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).ok_or_else(|| {
        anyhow!(
            "no PostgreSQL server found: initdb and postgres are neither on PATH nor under {}/*/bin.\n\
             Install PostgreSQL (Debian/Ubuntu: `apt-get install postgresql`; macOS: `brew install postgresql`) \
             or point the service at a running server with DATABASE_URL=postgres://user:pass@host/db",
            versions_root.display()
        )
    })
}

/// Where the embedded server lives unless told otherwise: the platform data dir
/// (~/.local/share/govreport on Linux); /var/lib/govreport as root, since the postgres
/// user cannot reach into root's home.
pub fn default_data_dir() -> PathBuf {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        return PathBuf::from("/var/lib/govreport");
    }
    dirs::data_dir()
        .map(|d| d.join("govreport"))
        .unwrap_or_else(|| PathBuf::from("govreport-data"))
}

fn tail_of(path: &Path) -> String {
    let mut s = String::new();
    if let Ok(mut f) = fs::File::open(path) {
        let _ = f.read_to_string(&mut s);
    }
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

fn init_cluster(bin: &Path, run_as: RunAs, pgdata: &Path, options: &Options) -> Result<()> {
    fs::create_dir_all(pgdata)?;
    fs::set_permissions(pgdata, fs::Permissions::from_mode(0o700))?;
    run_as.own(pgdata)?;
    tracing::info!(pgdata = %pgdata.display(), bin = %bin.display(), "initializing PostgreSQL cluster");
    let mut initdb = run_as.command(&bin.join("initdb"));
    initdb.arg("-D").arg(pgdata).args([
        "-U",
        SUPERUSER,
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
    ]);
    if options.no_fsync {
        initdb.arg("--no-sync");
    }
    let out = initdb
        .stdin(Stdio::null())
        .output()
        .context("running initdb")?;
    if !out.status.success() {
        bail!(
            "initdb failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr),
            if run_as.uid.is_some() {
                "\n(as root the data directory and every parent of it must be reachable by the postgres user)"
            } else {
                ""
            }
        );
    }
    Ok(())
}

/// The `postgres` command, logging to `<data_dir>/postgres.log`; reusable for restarts.
fn postgres_command(
    bin: &Path,
    run_as: RunAs,
    data_dir: &Path,
    pgdata: &Path,
    options: &Options,
) -> Result<Command> {
    let log_path = data_dir.join("postgres.log");
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)?;
    run_as.own(&log_path)?;
    let mut postgres = run_as.command(&bin.join("postgres"));
    let listen = if options.tcp_port.is_some() { "127.0.0.1" } else { "" };
    postgres
        .arg("-D")
        .arg(pgdata)
        .arg("-p")
        .arg(options.port().to_string())
        .arg("-c")
        .arg(format!("listen_addresses={listen}"))
        .arg("-c")
        .arg(format!("unix_socket_directories={}", pgdata.display()))
        .args(["-c", "unix_socket_permissions=0700"])
        .arg("-c")
        .arg(format!("shared_buffers={}MB", shared_buffers_mb()))
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
    if options.no_fsync {
        postgres.args([
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ]);
    }
    for (name, value) in &options.settings {
        postgres.arg("-c").arg(format!("{name}={value}"));
    }
    // SAFETY: only async-signal-safe calls (prctl, getppid) between fork and exec.
    unsafe {
        let parent = libc::getpid();
        postgres.pre_exec(move || {
            // SIGINT is PostgreSQL's fast shutdown.
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGINT) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            if libc::getppid() != parent {
                return Err(std::io::Error::other(
                    "parent exited before postgres started",
                ));
            }
            Ok(())
        });
    }
    Ok(postgres)
}

/// What the keeper thread and `stop` share.
#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    /// Wakes the keeper from its backoff sleep when `stop` is called.
    wake: Condvar,
    restarts: AtomicU64,
}

#[derive(Default)]
struct State {
    /// The running postmaster; `None` once it has exited (it is reaped only after this is cleared,
    /// so a signal sent to this pid never reaches a recycled one).
    pid: Option<i32>,
    /// `stop` was called: an exit is expected.
    stopping: bool,
    /// Start-up is over: an unexpected exit is restarted rather than reported to `start`.
    supervised: bool,
}

impl State {
    fn restarts_on_exit(&self) -> bool {
        self.supervised && !self.stopping
    }
}

impl Shared {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn signal(&self, signal: libc::c_int) {
        if let Some(pid) = self.state().pid {
            // SAFETY: kill with the pid of our unreaped child.
            unsafe { libc::kill(pid, signal) };
        }
    }
}

/// Restart delays: 0.5 s doubling to 10 s, back to 0.5 s after a server stayed up a while.
struct Backoff {
    next: Duration,
}

impl Backoff {
    const FIRST: Duration = Duration::from_millis(500);
    const MAX: Duration = Duration::from_secs(10);
    const STABLE: Duration = Duration::from_secs(30);

    fn new() -> Backoff {
        Backoff { next: Self::FIRST }
    }

    /// The delay before the next start, given how long the last server ran.
    fn after(&mut self, ran: Duration) -> Duration {
        if ran >= Self::STABLE {
            self.next = Self::FIRST;
        }
        let delay = self.next;
        self.next = (self.next * 2).min(Self::MAX);
        delay
    }
}

/// The keeper thread: forks postgres and waits for it, restarting it after an unexpected exit
/// until `stop`. It forks every postmaster itself: the parent-death signal is tied to the thread
/// that forked, not to the process. The first fork's result goes to `first`.
fn keep(mut postgres: Command, shared: &Shared, first: mpsc::Sender<std::io::Result<i32>>) {
    let child = match spawn_unless_stopping(&mut postgres, shared) {
        Some(Ok(child)) => child,
        Some(Err(e)) => {
            let _ = first.send(Err(e));
            return;
        }
        None => return,
    };
    let _ = first.send(Ok(child.id() as i32));
    let (mut running, mut started) = (Some(child), Instant::now());
    let mut backoff = Backoff::new();
    loop {
        if let Some(child) = running.take() {
            let status = wait_then_forget(child, shared);
            if !shared.state().restarts_on_exit() {
                tracing::info!(?status, "embedded PostgreSQL exited");
                return;
            }
            tracing::warn!(?status, "embedded PostgreSQL exited unexpectedly");
        }
        let delay = backoff.after(started.elapsed());
        if !sleep_unless_stopping(shared, delay) {
            return;
        }
        let restarts = shared.restarts.fetch_add(1, Ordering::Relaxed) + 1;
        crate::metrics::embedded_pg_restarted();
        tracing::warn!(restarts, after = ?delay, "restarting embedded PostgreSQL");
        match spawn_unless_stopping(&mut postgres, shared) {
            Some(Ok(child)) => (running, started) = (Some(child), Instant::now()),
            Some(Err(e)) => tracing::error!(error = %e, "embedded PostgreSQL did not start"),
            None => return,
        }
    }
}

/// Forks postgres, unless `stop` was called; the pid is recorded under the same lock.
fn spawn_unless_stopping(
    postgres: &mut Command,
    shared: &Shared,
) -> Option<std::io::Result<std::process::Child>> {
    let mut state = shared.state();
    if state.stopping {
        return None;
    }
    let spawned = postgres.spawn();
    if let Ok(child) = &spawned {
        state.pid = Some(child.id() as i32);
    }
    Some(spawned)
}

/// Waits for `child` to exit, clears its pid, then reaps it.
fn wait_then_forget(
    mut child: std::process::Child,
    shared: &Shared,
) -> std::io::Result<ExitStatus> {
    // SAFETY: waitid on our own child with a zeroed siginfo; WNOWAIT leaves it unreaped.
    let waited = || unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        libc::waitid(libc::P_PID, child.id(), &mut info, libc::WEXITED | libc::WNOWAIT) == 0
    };
    while !waited() && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {}
    shared.state().pid = None;
    child.wait()
}

/// Sleeps `delay`, or less if `stop` is called; false if it was.
fn sleep_unless_stopping(shared: &Shared, delay: Duration) -> bool {
    let state = shared.state();
    let (state, _) = shared
        .wake
        .wait_timeout_while(state, delay, |s| !s.stopping)
        .unwrap_or_else(|e| e.into_inner());
    !state.stopping
}

/// The parent pid of a live process, from /proc; `None` when it is gone (or a zombie).
fn live_parent(pid: i32) -> Option<i32> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // pid (comm) state ppid …: comm may hold spaces and parentheses, so after the last ')'.
    let mut fields = stat.get(stat.rfind(')')? + 1..)?.split_whitespace();
    let state = fields.next()?;
    (state != "Z" && state != "X").then(|| fields.next()?.parse().ok())?
}

/// The name of a process (`/proc/<pid>/comm`; `self` for this one).
fn process_name(pid: &str) -> Option<String> {
    let name = fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
    Some(name.trim_end().to_owned())
}

/// A postmaster of an earlier run may still hold `pgdata`: the server of a service that was
/// killed (SIGKILL, OOM) outlives it for its shutdown (the parent-death signal asked for a
/// fast one, which ends with a checkpoint), and a new one refuses to start while its
/// postmaster.pid names a live process. Such an orphan is waited for; one whose parent is a
/// live process of our own name belongs to another service on the same data dir: an error.
fn wait_for_previous_postmaster(pgdata: &Path, timeout: Duration) -> Result<()> {
    let pidfile = pgdata.join("postmaster.pid");
    let previous = || -> Option<(i32, i32)> {
        let pid: i32 = fs::read_to_string(&pidfile).ok()?.lines().next()?.trim().parse().ok()?;
        Some((pid, live_parent(pid)?))
    };
    let Some((pid, parent)) = previous() else {
        return Ok(()); // none, or a stale postmaster.pid that postgres itself replaces
    };
    let ours = process_name("self");
    if parent != 1 && ours.is_some() && process_name(&parent.to_string()) == ours {
        bail!(
            "another PostgreSQL (pid {pid}, of process {parent}) runs in {}: is another \
             govreport serve using this data directory?",
            pgdata.display()
        );
    }
    tracing::warn!(pid, "the PostgreSQL of an earlier run is still shutting down: waiting for it");
    let deadline = Instant::now() + timeout;
    while previous().is_some_and(|(p, _)| p == pid) {
        if Instant::now() > deadline {
            bail!(
                "the PostgreSQL of an earlier run (pid {pid}) still runs in {} after {timeout:?}: \
                 stop it (SIGINT is a fast shutdown) and start again",
                pgdata.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

impl EmbeddedPostgres {
    /// Initializes `data_dir` if needed and starts the server; returns once it accepts
    /// connections. From then on an unexpected exit restarts it (see `keep`).
    pub fn start(data_dir: &Path, options: &Options) -> Result<EmbeddedPostgres> {
        let bin = find_bin_dir()?;
        let run_as = RunAs::detect()?;
        fs::create_dir_all(data_dir)
            .with_context(|| format!("creating data directory {}", data_dir.display()))?;
        let data_dir = data_dir.canonicalize()?;
        run_as.own(&data_dir)?;
        let pgdata = data_dir.join("pgdata");
        let socket = pgdata.join(format!(".s.PGSQL.{}", options.port()));
        if socket.as_os_str().len() > 100 {
            bail!(
                "data directory path {} is too long for a Unix socket; choose a shorter --data-dir",
                data_dir.display()
            );
        }
        if !pgdata.join("PG_VERSION").is_file() {
            init_cluster(&bin, run_as, &pgdata, options)?;
        }
        wait_for_previous_postmaster(&pgdata, Duration::from_secs(60))?;
        let postgres = postgres_command(&bin, run_as, &data_dir, &pgdata, options)?;
        let shared = Arc::new(Shared::default());
        let (pid_tx, pid_rx) = mpsc::channel();
        let keeper = std::thread::Builder::new()
            .name("embedded-postgres".into())
            .spawn({
                let shared = shared.clone();
                move || keep(postgres, &shared, pid_tx)
            })?;
        let pid = pid_rx
            .recv()
            .context("keeper thread died")?
            .context("starting postgres")?;
        let server = EmbeddedPostgres {
            data_dir,
            pgdata,
            port: options.port(),
            shared,
            keeper: Mutex::new(Some(keeper)),
        };
        server
            .wait_ready(pid, Duration::from_secs(60))
            .inspect_err(|_| server.stop())?;
        server.shared.state().supervised = true;
        tracing::info!(pid, socket_dir = %server.pgdata.display(), "embedded PostgreSQL ready");
        Ok(server)
    }

    /// Waits for postmaster.pid to say "ready" (what `pg_ctl -w` waits for).
    fn wait_ready(&self, pid: i32, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            if self.pid() != Some(pid) {
                bail!(
                    "postgres exited during start-up; end of {}:\n{}",
                    self.log_path().display(),
                    tail_of(&self.log_path())
                );
            }
            if let Ok(pidfile) = fs::read_to_string(self.pgdata.join("postmaster.pid")) {
                let lines: Vec<&str> = pidfile.lines().collect();
                if lines.first().map(|l| l.trim()) == Some(&pid.to_string()[..])
                    && lines.get(7).map(|l| l.trim()) == Some("ready")
                {
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                bail!(
                    "postgres did not become ready in {timeout:?}; see {}",
                    self.log_path().display()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn log_path(&self) -> PathBuf {
        self.data_dir.join("postgres.log")
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The port it listens on (its socket's, and on 127.0.0.1 if `Options::tcp_port` asked).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The running postmaster's pid; `None` while it is down (between restarts, after `stop`).
    pub fn pid(&self) -> Option<i32> {
        self.shared.state().pid
    }

    /// How many times the server was restarted after exiting unexpectedly.
    pub fn restarts(&self) -> u64 {
        self.shared.restarts.load(Ordering::Relaxed)
    }

    /// Connection options for `database` as the superuser, over the Unix socket.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.pgdata)
            .port(self.port)
            .username(SUPERUSER)
            .database(database)
    }

    /// Creates `database` unless it exists.
    pub async fn ensure_database(&self, database: &str) -> Result<()> {
        create_database_if_missing(&self.connect_options("postgres"), database).await
    }

    /// Fast shutdown (open sessions are ended), then waits for the server to exit.
    pub fn stop(&self) {
        let Some(keeper) = self.keeper.lock().unwrap().take() else {
            return;
        };
        self.shared.state().stopping = true;
        self.shared.wake.notify_all();
        self.shared.signal(libc::SIGINT);
        let deadline = Instant::now() + Duration::from_secs(30);
        while !keeper.is_finished() {
            if Instant::now() > deadline {
                // SIGQUIT is immediate shutdown.
                self.shared.signal(libc::SIGQUIT);
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = keeper.join();
        tracing::info!("embedded PostgreSQL stopped");
    }
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Creates `database` unless it exists, connected as `admin` (to another database).
pub async fn create_database_if_missing(admin: &PgConnectOptions, database: &str) -> Result<()> {
    let mut conn = PgConnection::connect_with(admin).await?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(database)
            .fetch_one(&mut conn)
            .await?;
    if !exists {
        let sql = format!("CREATE DATABASE \"{}\"", database.replace('"', "\"\""));
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut conn)
            .await?;
    }
    conn.close().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_install(dir: &Path) {
        fs::create_dir_all(dir).unwrap();
        fs::write(dir.join("initdb"), "").unwrap();
        fs::write(dir.join("postgres"), "").unwrap();
    }

    #[test]
    fn the_newest_installed_version_is_used_when_path_has_none() {
        let root = tempfile::tempdir().unwrap();
        fake_install(&root.path().join("9/bin"));
        fake_install(&root.path().join("15/bin"));
        fake_install(&root.path().join("13/bin"));
        let empty = tempfile::tempdir().unwrap();
        let found = find_bin_dir_in(Some(empty.path().as_os_str()), root.path()).unwrap();
        assert_eq!(found, root.path().join("15/bin"));
        let on_path = tempfile::tempdir().unwrap();
        fake_install(on_path.path());
        assert_eq!(
            find_bin_dir_in(Some(on_path.path().as_os_str()), root.path()).unwrap(),
            on_path.path()
        );
    }

    #[test]
    fn the_parent_of_a_live_process_and_none_for_a_gone_one() {
        // SAFETY: getppid has no preconditions.
        let parent = unsafe { libc::getppid() };
        assert_eq!(live_parent(std::process::id() as i32), Some(parent));
        let mut child = Command::new("true").spawn().unwrap();
        let pid = child.id() as i32;
        child.wait().unwrap();
        assert_eq!(live_parent(pid), None);
        assert!(process_name("self").is_some_and(|n| !n.is_empty()));
    }

    #[test]
    fn without_postgresql_the_error_says_how_to_get_one() {
        let nothing = tempfile::tempdir().unwrap();
        let err = find_bin_dir_in(
            Some(nothing.path().as_os_str()),
            &nothing.path().join("none"),
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("apt-get install postgresql") && msg.contains("DATABASE_URL"),
            "{msg}"
        );
    }
}
