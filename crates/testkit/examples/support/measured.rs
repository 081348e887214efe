//! What a load driver reports of a run: how many sign-ins, their rate, the latency of a whole
//! sign-in, and the server's own CPU time per sign-in (`super::cpu`, read from `/proc`).

use std::time::{Duration, Instant};

use tokio::task::JoinHandle;

/// Each driver prints what its comparison needs, not every field.
#[allow(dead_code)]
pub struct Measured {
    pub count: usize,
    pub per_second: f64,
    pub p50: Duration,
    pub p99: Duration,
    pub cpu_per_sign_in: Duration,
}

/// Waits for the workers (each returns its latencies) of a run that began at `started`, when
/// the server `pid` had used `cpu_before`.
pub async fn gather(
    workers: Vec<JoinHandle<Vec<Duration>>>,
    started: Instant,
    pid: u32,
    cpu_before: Duration,
) -> Measured {
    let mut all = Vec::new();
    for worker in workers {
        all.extend(worker.await.unwrap());
    }
    let elapsed = started.elapsed();
    let cpu = super::cpu::server_cpu(pid) - cpu_before;
    all.sort();
    Measured {
        count: all.len(),
        per_second: all.len() as f64 / elapsed.as_secs_f64(),
        p50: all[all.len() / 2],
        p99: all[all.len() * 99 / 100],
        cpu_per_sign_in: cpu / all.len().max(1) as u32,
    }
}
