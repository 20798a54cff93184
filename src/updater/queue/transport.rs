//! The interface both queues give the job whose turn it is.

use crate::updater::outcome::{Diff, Outcome};
use crate::updater::request::Request;

/// A turn held in one queue: what it lets the job do with the requests
/// waiting there.
pub trait Transport {
    /// Where a claimed request waited.
    type Spot;
    /// Take the waiting requests that can share a commit with `r` (the
    /// same branch and author), oldest first; others stay queued.
    fn claim(&self, r: &Request) -> Vec<(Self::Spot, Request)>;
    /// Take the diff texts of a claimed request out of `d` (they go where
    /// its job reads them, or nowhere); the unified diff stays.
    fn stash_diff(&self, spot: &Self::Spot, d: &mut Diff);
    /// Give claimed requests back: their jobs do them in their own turn.
    fn release(&self, spots: Vec<Self::Spot>);
    /// Hand each claimed request its outcome, and end the turn.
    fn finish(self, answered: Vec<(Self::Spot, Outcome)>);
}

/// How waiting for a turn in one queue ended.
pub enum Waited<T> {
    /// Our turn, or none to take (the queue cannot be used here, a dry
    /// run, waited as long as it may): then the job goes on.
    Ours(Option<T>),
    /// The job whose turn it was did our request.
    Answered(Box<Outcome>),
}
