//! gix progress shown with indicatif, on a terminal only: every task gix
//! reports (receiving objects, resolving deltas...) becomes a bar or a
//! spinner. Counters gix bumps directly are mirrored by a small poller.

use gix::progress::{
    Count, Id, MessageLevel, NestedProgress, Progress, Step, StepShared, Unit, UNKNOWN,
};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

type Bars = Arc<Mutex<Vec<(ProgressBar, Weak<gix::progress::AtomicStep>)>>>;

/// The root: owns the multi-bar and the poller.
pub struct Bridge {
    multi: MultiProgress,
    bars: Bars,
    stop: Arc<AtomicBool>,
    poller: Option<std::thread::JoinHandle<()>>,
}

impl Bridge {
    /// Progress drawn on stderr (callers decide whether it is a terminal).
    pub fn stderr() -> Bridge {
        Self::with_target(ProgressDrawTarget::stderr())
    }

    /// Progress drawn nowhere (for tests of the bridge itself).
    pub fn hidden() -> Bridge {
        Self::with_target(ProgressDrawTarget::hidden())
    }

    fn with_target(target: ProgressDrawTarget) -> Bridge {
        let bars: Bars = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (b, s) = (bars.clone(), stop.clone());
        let poller = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                if let Ok(mut list) = b.lock() {
                    list.retain(|(bar, counter)| match counter.upgrade() {
                        Some(c) => {
                            bar.set_position(c.load(Ordering::Relaxed) as u64);
                            true
                        }
                        None => false,
                    });
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        Bridge {
            multi: MultiProgress::with_draw_target(target),
            bars,
            stop,
            poller: Some(poller),
        }
    }

    /// A top-level task.
    pub fn task(&self, name: &str) -> Task {
        Task {
            multi: self.multi.clone(),
            bars: self.bars.clone(),
            bar: None,
            name: name.to_string(),
            counter: Arc::new(gix::progress::AtomicStep::new(0)),
            max: None,
            unit: None,
        }
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(p) = self.poller.take() {
            let _ = p.join();
        }
        let _ = self.multi.clear();
    }
}

/// One task of the tree.
pub struct Task {
    multi: MultiProgress,
    bars: Bars,
    bar: Option<ProgressBar>,
    name: String,
    counter: StepShared,
    max: Option<Step>,
    unit: Option<Unit>,
}

impl Task {
    fn style(&self) -> ProgressStyle {
        let t = if self.max.is_some() {
            "{prefix:>24} [{bar:30}] {pos}/{len} {msg}"
        } else {
            "{prefix:>24} {spinner} {pos} {msg}"
        };
        ProgressStyle::with_template(t).unwrap_or_else(|_| ProgressStyle::default_bar())
    }

    fn ensure_bar(&mut self) -> &ProgressBar {
        if self.bar.is_none() {
            let bar = match self.max {
                Some(m) => ProgressBar::new(m as u64),
                None => ProgressBar::new_spinner(),
            };
            let bar = self.multi.add(bar);
            bar.set_style(self.style());
            bar.set_prefix(self.name.clone());
            bar.set_position(self.counter.load(Ordering::Relaxed) as u64);
            if let Ok(mut list) = self.bars.lock() {
                list.push((bar.clone(), Arc::downgrade(&self.counter)));
            }
            self.bar = Some(bar);
        }
        self.bar.get_or_insert_with(ProgressBar::hidden)
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

impl Count for Task {
    fn set(&self, step: Step) {
        self.counter.store(step, Ordering::Relaxed);
        if let Some(b) = &self.bar {
            b.set_position(step as u64);
        }
    }
    fn step(&self) -> Step {
        self.counter.load(Ordering::Relaxed)
    }
    fn inc_by(&self, step: Step) {
        self.counter.fetch_add(step, Ordering::Relaxed);
        if let Some(b) = &self.bar {
            b.inc(step as u64);
        }
    }
    fn counter(&self) -> StepShared {
        self.counter.clone()
    }
}

impl Progress for Task {
    fn init(&mut self, max: Option<Step>, unit: Option<Unit>) {
        self.max = max;
        self.unit = unit;
        self.counter.store(0, Ordering::Relaxed);
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
        self.ensure_bar();
    }
    fn unit(&self) -> Option<Unit> {
        self.unit.clone()
    }
    fn max(&self) -> Option<Step> {
        self.max
    }
    fn set_max(&mut self, max: Option<Step>) -> Option<Step> {
        let old = self.max;
        self.max = max;
        if let (Some(b), Some(m)) = (&self.bar, max) {
            b.set_length(m as u64);
        }
        old
    }
    fn set_name(&mut self, name: String) {
        if let Some(b) = &self.bar {
            b.set_prefix(name.clone());
        }
        self.name = name;
    }
    fn name(&self) -> Option<String> {
        Some(self.name.clone())
    }
    fn id(&self) -> Id {
        UNKNOWN
    }
    fn message(&self, _level: MessageLevel, message: String) {
        if let Some(b) = &self.bar {
            b.set_message(message);
        }
    }
}

impl NestedProgress for Task {
    type SubProgress = Task;
    fn add_child(&mut self, name: impl Into<String>) -> Task {
        Task {
            multi: self.multi.clone(),
            bars: self.bars.clone(),
            bar: None,
            name: name.into(),
            counter: Arc::new(gix::progress::AtomicStep::new(0)),
            max: None,
            unit: None,
        }
    }
    fn add_child_with_id(&mut self, name: impl Into<String>, _id: Id) -> Task {
        self.add_child(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_nests() {
        let b = Bridge::hidden();
        let mut root = b.task("clone");
        let mut child = root.add_child("receiving objects");
        child.init(Some(10), None);
        child.inc_by(3);
        child.counter().fetch_add(2, Ordering::Relaxed);
        assert_eq!(child.step(), 5);
        child.set(9);
        assert_eq!(child.step(), 9);
        assert_eq!(child.max(), Some(10));
        assert_eq!(child.name().as_deref(), Some("receiving objects"));
    }
}
