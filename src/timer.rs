//! Phase timings on stderr when `GIT_INVENTORY_TIMINGS` is set: a
//! profiling aid for finding where a run spends its time (benchmarks live
//! in `scripts/bench`, never in tests).

/// Laps since the last one, with the resident memory at each.
pub struct Timer {
    on: bool,
    last: std::sync::Mutex<std::time::Instant>,
}

impl Timer {
    pub fn new() -> Timer {
        Timer {
            on: std::env::var_os("GIT_INVENTORY_TIMINGS").is_some(),
            last: std::sync::Mutex::new(std::time::Instant::now()),
        }
    }
    pub fn lap(&self, what: &str) {
        if self.on {
            if let Ok(mut last) = self.last.lock() {
                eprintln!(
                    "timing: {what:<24} {:>8.1} ms {:>7.1} MB resident",
                    last.elapsed().as_secs_f64() * 1000.0,
                    resident_mb()
                );
                *last = std::time::Instant::now();
            }
        }
    }
    /// Time a closure on its own (for work running in parallel).
    pub fn time<T>(&self, what: &str, f: impl FnOnce() -> T) -> T {
        let t = std::time::Instant::now();
        let v = f();
        if self.on {
            eprintln!(
                "timing:   {what:<22} {:>8.1} ms",
                t.elapsed().as_secs_f64() * 1000.0
            );
        }
        v
    }
}

/// Resident memory of this process (Linux; 0 elsewhere).
fn resident_mb() -> f64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(0.0, |pages| pages * 4096.0 / 1e6)
}

impl Default for Timer {
    fn default() -> Self {
        Self::new()
    }
}
