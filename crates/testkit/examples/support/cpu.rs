//! The server's own CPU time, for the load drivers that start the release binary: read from
//! `/proc/<pid>/stat`, so that the driver's work (on the same cores) is not counted.

use std::time::Duration;

/// The process's CPU time so far (user + system; USER_HZ = 100).
pub fn server_cpu(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat.rsplit_once(')').unwrap().1.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    Duration::from_millis(ticks * 10)
}
