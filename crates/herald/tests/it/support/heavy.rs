//! Heavy tests (several processes, thousands of connections, gigabytes of traffic) run
//! alone: a heavy test waits until no other test holds a turn and keeps every other test
//! waiting while it runs; every app a light test spawns holds a light turn. So
//! `cargo test` keeps its parallelism for the many small tests, and a heavy one never
//! shares the machine's two cores.
//!
//! Light turns are taken whenever no heavy test *runs* (a waiting one does not hold them
//! back), so a light test that spawns a second app never waits on itself.

use std::sync::Mutex;
use tokio::sync::Notify;

struct State {
    light: usize,
    heavy: bool,
}

static STATE: Mutex<State> = Mutex::new(State { light: 0, heavy: false });
static CHANGED: Notify = Notify::const_new();

/// A test's turn, given back when dropped.
pub struct Turn {
    heavy: bool,
}

impl Drop for Turn {
    fn drop(&mut self) {
        let mut state = STATE.lock().unwrap_or_else(|p| p.into_inner());
        if self.heavy {
            state.heavy = false;
        } else {
            state.light -= 1;
        }
        drop(state);
        CHANGED.notify_waiters();
    }
}

/// Waits until `take` succeeds on the state (re-checked on every change).
async fn wait_for(take: impl Fn(&mut State) -> bool) {
    loop {
        let changed = CHANGED.notified();
        tokio::pin!(changed);
        changed.as_mut().enable();
        if take(&mut STATE.lock().unwrap_or_else(|p| p.into_inner())) {
            return;
        }
        changed.await;
    }
}

/// The turn of a light test (waits while a heavy one runs).
pub async fn light() -> Turn {
    wait_for(|s| {
        !s.heavy && {
            s.light += 1;
            true
        }
    })
    .await;
    Turn { heavy: false }
}

/// The turn of a heavy test: waits until no other test runs, and keeps it so.
pub async fn heavy() -> Turn {
    wait_for(|s| {
        !s.heavy && s.light == 0 && {
            s.heavy = true;
            true
        }
    })
    .await;
    Turn { heavy: true }
}
