//! A counting semaphore for blocking threads: at most so many evaluations
//! at once. Each evaluation may grow a guest to its memory limit, so without
//! it the host's memory would grow with the number of calls in flight (a
//! client could send hundreds at once against a policy that allocates to
//! its limit); with it, memory is bounded by slots × limit, and calls
//! beyond that wait their turn, in the order they came: a flood of
//! commands that make a policy fail slowly delays the commands sent after
//! it, never the ones sent before.

use std::sync::{Condvar, Mutex, PoisonError};

/// Evaluations allowed at once.
#[derive(Debug)]
pub struct Slots {
    state: Mutex<State>,
    freed: Condvar,
}

#[derive(Debug)]
struct State {
    free: usize,
    /// The next ticket to hand out.
    next: u64,
    /// The ticket whose turn it is.
    head: u64,
}

/// A held slot, given back when dropped.
#[derive(Debug)]
pub struct Slot<'a>(&'a Slots);

impl Slots {
    /// `n` slots (at least one).
    pub fn new(n: usize) -> Slots {
        Slots {
            state: Mutex::new(State {
                free: n.max(1),
                next: 0,
                head: 0,
            }),
            freed: Condvar::new(),
        }
    }

    /// Waits for a free slot, after everyone who asked earlier, and takes
    /// it.
    pub fn take(&self) -> Slot<'_> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let ticket = state.next;
        state.next += 1;
        while state.head != ticket || state.free == 0 {
            state = self
                .freed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        state.head += 1;
        state.free -= 1;
        // The next in line may find a slot free too.
        self.freed.notify_all();
        Slot(self)
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut state = self.0.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.free += 1;
        self.0.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn never_more_than_n_at_once() {
        let slots = Arc::new(Slots::new(3));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..16)
            .map(|_| {
                let (slots, running, most) =
                    (Arc::clone(&slots), Arc::clone(&running), Arc::clone(&most));
                std::thread::spawn(move || {
                    let _slot = slots.take();
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert!(most.load(Ordering::SeqCst) <= 3);
        assert_eq!(slots.state.lock().unwrap().free, 3);
    }
}
