//! How the webview draws its frames.
//!
//! WebKitGTK composites every frame through OpenGL. Without a GPU that is Mesa's software
//! renderer, which redraws the whole window for any change: on a 2-core machine without one, a
//! frame that recolours one 8-pixel element took 26–30 ms (52–61 ms at worst), and scrolling a
//! million-article library 34–42 ms a frame (up to 62–94 ms). Drawn without the compositor,
//! WebKit repaints only what changed, on the CPU: the same frames took 16 ms (the display's
//! own rate; 18 and 21 ms at worst), and the web process held half the memory (196 MB, not
//! 370 MB). So where no GPU can render, the app asks WebKit to draw without its compositor;
//! with one, WebKit's own choice stands, and so does a choice made in the environment.

use std::path::Path;

/// WebKitGTK's switch, read as its web process starts.
pub const SWITCH: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Whether the webview should draw without its compositor: no choice set in the environment
/// (`set`) and no GPU render node (`/dev/dri/renderD*`) among `devices`.
pub fn without_compositor(set: bool, devices: &[String]) -> bool {
    !set && !devices.iter().any(|name| name.starts_with("renderD"))
}

/// Makes the choice for this run (Linux only). Call before any thread starts.
pub fn choose() {
    if !cfg!(target_os = "linux") {
        return;
    }
    let devices: Vec<String> = std::fs::read_dir(Path::new("/dev/dri"))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    if without_compositor(std::env::var_os(SWITCH).is_some(), &devices) {
        std::env::set_var(SWITCH, "1");
    }
}

#[cfg(test)]
mod tests {
    use super::without_compositor;

    #[test]
    fn the_compositor_is_left_out_only_without_a_gpu_and_without_a_choice_made() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(without_compositor(false, &[]), "no /dev/dri at all");
        assert!(
            without_compositor(false, &names(&["card0"])),
            "a display controller only"
        );
        assert!(!without_compositor(false, &names(&["card0", "renderD128"])));
        assert!(
            !without_compositor(true, &[]),
            "the environment's choice stands"
        );
    }
}
