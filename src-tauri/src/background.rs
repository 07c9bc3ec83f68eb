//! Work started as a project opens that nobody waits for (checking a large project for damage,
//! backing it up, reading its statements ahead, indexing what was left unindexed) runs behind
//! the window's own: on two cores, a backup of a large project at full priority takes a core
//! from the webview while the analyst scrolls.

/// Lowers the calling thread's CPU priority (to a niceness of 10), so the window, the webview
/// and the commands it calls come first. The work still runs at full speed on an idle machine.
pub fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: `gettid` has no preconditions; `setpriority` with a thread id changes only that
    // thread's scheduling niceness (Linux keeps one per thread), and its failure (never
    // expected when lowering) leaves the priority as it was.
    unsafe {
        let thread = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, thread as libc::id_t, 10);
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn only_the_calling_thread_is_lowered() {
        let niceness = || {
            // SAFETY: as above; reading a priority has no side effects.
            unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t) }
        };
        let before = niceness();
        let lowered = std::thread::spawn(move || {
            super::lower_priority();
            niceness()
        })
        .join()
        .unwrap();
        assert_eq!(lowered, 10.max(before));
        assert_eq!(
            niceness(),
            before,
            "the thread that started it keeps its priority"
        );
    }
}
