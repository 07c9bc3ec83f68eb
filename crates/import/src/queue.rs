//! The queue between the thread that reads and parses files and the one that writes them: it
//! holds at most a budget of bytes, so a reader faster than the writer waits instead of filling
//! memory with a corpus the project cannot take in yet.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};

pub(crate) struct Queue<T> {
    state: Mutex<State<T>>,
    changed: Condvar,
    budget: usize,
}

struct State<T> {
    items: VecDeque<(T, usize)>,
    bytes: usize,
    /// The reader has sent everything.
    finished: bool,
    /// The writer stopped taking (cancelled, or failed): sending is pointless.
    closed: bool,
}

/// Why an item was not queued.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    /// The queue holds its budget already.
    #[cfg(test)]
    Full,
    /// Nobody will take it.
    Closed,
}

impl<T> Queue<T> {
    /// A queue holding at most `budget` bytes, except that one item always fits, however large,
    /// so an item over the budget still gets through, alone.
    pub(crate) fn new(budget: usize) -> Queue<T> {
        Queue {
            state: Mutex::new(State {
                items: VecDeque::new(),
                bytes: 0,
                finished: false,
                closed: false,
            }),
            changed: Condvar::new(),
            budget,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // A panic on the other side is re-raised when its thread is joined; the state itself
        // stays consistent, as every change to it is a single step.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn fits(&self, state: &State<T>, bytes: usize) -> bool {
        state.items.is_empty() || state.bytes + bytes <= self.budget
    }

    /// Queues `item` of `bytes`, waiting while the queue is full.
    pub(crate) fn send(&self, item: T, bytes: usize) -> Result<(), Refused> {
        let mut state = self.lock();
        while !state.closed && !self.fits(&state, bytes) {
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        self.push(state, item, bytes)
    }

    /// Queues `item` of `bytes` if it fits now.
    #[cfg(test)]
    pub(crate) fn try_send(&self, item: T, bytes: usize) -> Result<(), Refused> {
        let state = self.lock();
        if !state.closed && !self.fits(&state, bytes) {
            return Err(Refused::Full);
        }
        self.push(state, item, bytes)
    }

    fn push(
        &self,
        mut state: MutexGuard<'_, State<T>>,
        item: T,
        bytes: usize,
    ) -> Result<(), Refused> {
        if state.closed {
            return Err(Refused::Closed);
        }
        state.items.push_back((item, bytes));
        state.bytes += bytes;
        self.changed.notify_all();
        Ok(())
    }

    /// The next item, waiting for one; `None` once the reader has finished and all was taken.
    pub(crate) fn recv(&self) -> Option<T> {
        let mut state = self.lock();
        loop {
            if let Some((item, bytes)) = state.items.pop_front() {
                state.bytes -= bytes;
                self.changed.notify_all();
                return Some(item);
            }
            if state.finished || state.closed {
                return None;
            }
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// The reader is done (or gone).
    pub(crate) fn finish(&self) {
        self.lock().finished = true;
        self.changed.notify_all();
    }

    /// The writer takes nothing more: a waiting reader is released and told so.
    pub(crate) fn close(&self) {
        let mut state = self.lock();
        state.closed = true;
        state.items.clear();
        state.bytes = 0;
        self.changed.notify_all();
    }

    /// The bytes queued now.
    #[cfg(test)]
    pub(crate) fn queued_bytes(&self) -> usize {
        self.lock().bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_refuses_more_than_its_budget_until_the_writer_takes_some() {
        let queue = Queue::new(100);
        assert_eq!(queue.try_send(1, 40), Ok(()));
        assert_eq!(queue.try_send(2, 40), Ok(()));
        assert_eq!(queue.try_send(3, 40), Err(Refused::Full));
        assert_eq!(queue.queued_bytes(), 80);
        assert_eq!(queue.recv(), Some(1));
        assert_eq!(queue.try_send(3, 40), Ok(()));
        assert_eq!(queue.queued_bytes(), 80);
    }

    #[test]
    fn an_item_over_the_budget_goes_through_alone() {
        let queue = Queue::new(100);
        assert_eq!(queue.try_send("huge", 1_000), Ok(()));
        assert_eq!(queue.try_send("small", 1), Err(Refused::Full));
        assert_eq!(queue.recv(), Some("huge"));
        assert_eq!(queue.try_send("small", 1), Ok(()));
    }

    #[test]
    fn a_reader_waiting_on_a_full_queue_is_released_when_the_writer_stops() {
        let queue = Queue::new(10);
        std::thread::scope(|s| {
            let reader = s.spawn(|| {
                let mut sent = 0;
                while queue.send(sent, 5).is_ok() {
                    sent += 1;
                }
                sent
            });
            assert_eq!(queue.recv(), Some(0));
            queue.close();
            // The reader filled the queue (two items) once or twice, then was refused.
            assert!(reader.join().unwrap() <= 4);
        });
    }

    #[test]
    fn the_writer_sees_the_end_once_everything_sent_was_taken() {
        let queue = Queue::new(10);
        queue.send('a', 1).unwrap();
        queue.finish();
        assert_eq!(queue.recv(), Some('a'));
        assert_eq!(queue.recv(), None);
    }
}
