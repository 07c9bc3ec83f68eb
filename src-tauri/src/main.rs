//! `claimdesk [PATH | --project PATH]`: the desktop app.
//!
//! Opens the project named on the command line or by `CLAIMDESK_PROJECT` (created if missing),
//! or the default project in the user data directory, created with a sample article on first
//! start. The path may stand alone, as a file manager passes it when a `.claimdesk` file is
//! double-clicked (the desktop entry runs `claimdesk %f`).

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicI64};
use std::sync::Mutex;

use chrono::Utc;
use claimdesk_store::Project;

use claimdesk::settings;
use claimdesk::state::AppState;

const USAGE: &str = "usage: claimdesk [PATH | --project PATH]

Opens Claimdesk on a project file (created if missing). Without a path, uses
CLAIMDESK_PROJECT, or the default project in the user data directory.
The annotator name comes from CLAIMDESK_ANNOTATOR, else the name given at an earlier start
(the window asks for it on the first start).";

fn main() -> ExitCode {
    let from_env = std::env::var_os("CLAIMDESK_PROJECT")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from);
    let project = match parse_args(std::env::args().skip(1), from_env) {
        Ok(Some(project)) => project,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("claimdesk: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Some(reason) = missing_display() {
        eprintln!("claimdesk: cannot open a window: {reason}");
        return ExitCode::from(3);
    }
    // Before any thread starts: it sets an environment variable the webview reads.
    claimdesk::drawing::choose();
    // Who is coding: CLAIMDESK_ANNOTATOR, else the name given at an earlier start; else the
    // login name for now, and the window asks.
    let chosen = std::env::var("CLAIMDESK_ANNOTATOR")
        .ok()
        .filter(|n| !n.trim().is_empty())
        .or_else(settings::annotator);
    let confirmed = chosen.is_some();
    let annotator = chosen
        .or_else(|| std::env::var("USER").ok())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "analyst".into());
    let now = Utc::now();
    let opened = match &project {
        Some(path) => Project::open(path),
        None => Project::open_default(&annotator, now),
    }
    .and_then(|mut opened| {
        let annotator_id = opened.annotator(&annotator, now)?;
        Ok((opened, annotator_id))
    });
    // A project that cannot be opened still gets a window, which says why: launched from a
    // desktop menu, nobody would see a message on standard error.
    let state = match opened {
        Ok((opened, annotator_id)) => AppState {
            project_path: opened.path().to_path_buf(),
            project: Ok(Mutex::new(opened)),
            annotator: AtomicI64::new(annotator_id),
            annotator_confirmed: AtomicBool::new(confirmed),
            import: Default::default(),
            export: Default::default(),
            suggest: Default::default(),
            statements: Default::default(),
            layouts: Default::default(),
            team: Default::default(),
        },
        Err(e) => {
            eprintln!("claimdesk: error[{}]: {e}", e.code());
            AppState {
                project_path: project
                    .or_else(|| claimdesk_store::default_project_path().ok())
                    .unwrap_or_default(),
                project: Err(e.into()),
                annotator: AtomicI64::new(0),
                annotator_confirmed: AtomicBool::new(confirmed),
                import: Default::default(),
                export: Default::default(),
                suggest: Default::default(),
                statements: Default::default(),
                layouts: Default::default(),
                team: Default::default(),
            }
        }
    };
    let result = claimdesk::run(state);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("claimdesk: the window system failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `Ok(None)` asks for help; `Ok(Some(None))` means "the usual project". A path given on the
/// command line, alone or after `--project`, wins over `from_env` (`CLAIMDESK_PROJECT`).
fn parse_args(
    mut args: impl Iterator<Item = String>,
    from_env: Option<PathBuf>,
) -> Result<Option<Option<PathBuf>>, String> {
    let mut flagged = None;
    let mut positional = None;
    let mut only_paths = false;
    while let Some(arg) = args.next() {
        let path = match arg.as_str() {
            _ if only_paths => arg,
            "-h" | "--help" => return Ok(None),
            "--" => {
                only_paths = true;
                continue;
            }
            "--project" => {
                flagged = Some(PathBuf::from(args.next().ok_or("--project needs a path")?));
                continue;
            }
            other => match other.strip_prefix("--project=") {
                Some(path) => {
                    flagged = Some(PathBuf::from(path));
                    continue;
                }
                None if other.starts_with('-') => {
                    return Err(format!("unknown argument {other:?}"))
                }
                None => arg,
            },
        };
        if positional.replace(PathBuf::from(&path)).is_some() {
            return Err(format!(
                "one project at a time: {path:?} is a second path; start claimdesk once for each"
            ));
        }
    }
    match (flagged, positional) {
        (Some(_), Some(path)) => Err(format!(
            "{path:?} and --project both name a project; give the path either way, not both"
        )),
        (flagged, positional) => Ok(Some(flagged.or(positional).or(from_env))),
    }
}

/// Why no window can be shown here, if that is so.
fn missing_display() -> Option<&'static str> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let set = |name| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if set("DISPLAY") || set("WAYLAND_DISPLAY") {
        None
    } else {
        Some("no graphical display (DISPLAY and WAYLAND_DISPLAY are unset); run it in a desktop session, or under xvfb-run")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], from_env: Option<&str>) -> Result<Option<Option<PathBuf>>, String> {
        parse_args(
            args.iter().map(|a| a.to_string()),
            from_env.map(PathBuf::from),
        )
    }

    fn opens(path: &str) -> Result<Option<Option<PathBuf>>, String> {
        Ok(Some(Some(PathBuf::from(path))))
    }

    #[test]
    fn a_path_alone_opens_that_project_as_a_double_click_passes_it() {
        assert_eq!(
            parse(&["/home/a/study.claimdesk"], None),
            opens("/home/a/study.claimdesk")
        );
        assert_eq!(
            parse(&["study.claimdesk"], Some("/env.claimdesk")),
            opens("study.claimdesk")
        );
    }

    #[test]
    fn project_flag_opens_that_project_in_both_spellings() {
        assert_eq!(
            parse(&["--project", "a.claimdesk"], None),
            opens("a.claimdesk")
        );
        assert_eq!(
            parse(&["--project=a.claimdesk"], Some("/env.claimdesk")),
            opens("a.claimdesk")
        );
    }

    #[test]
    fn without_a_path_the_environment_or_the_default_project_is_opened() {
        assert_eq!(parse(&[], Some("/env.claimdesk")), opens("/env.claimdesk"));
        assert_eq!(parse(&[], None), Ok(Some(None)));
    }

    #[test]
    fn a_path_starting_with_a_dash_is_reached_after_double_dash() {
        assert_eq!(
            parse(&["--", "-odd.claimdesk"], None),
            opens("-odd.claimdesk")
        );
        assert_eq!(
            parse(&["-odd.claimdesk"], None),
            Err("unknown argument \"-odd.claimdesk\"".into())
        );
    }

    #[test]
    fn two_projects_at_once_are_refused_with_the_reason() {
        let two = parse(&["a.claimdesk", "b.claimdesk"], None).unwrap_err();
        assert!(two.contains("one project at a time"), "{two}");
        let both = parse(&["--project", "a.claimdesk", "b.claimdesk"], None).unwrap_err();
        assert!(both.contains("not both"), "{both}");
    }

    #[test]
    fn help_is_asked_for_with_either_flag_wherever_it_stands() {
        assert_eq!(parse(&["--help"], None), Ok(None));
        assert_eq!(parse(&["a.claimdesk", "-h"], None), Ok(None));
    }

    #[test]
    fn project_flag_without_a_path_is_refused() {
        assert_eq!(
            parse(&["--project"], None),
            Err("--project needs a path".into())
        );
    }
}
