//! Passwords from the password file, as libpq reads it: `~/.pgpass` (or `PGPASSFILE`), lines
//! of `hostname:port:database:username:password`, `*` matching anything, `\:` and `\\`
//! escaping. Claimdesk never writes a password into a project file or a log; it takes it from
//! here, from `PGPASSWORD`, or from the URL the analyst typed for one command.

use std::path::PathBuf;

/// Where libpq looks for the password file.
pub fn path() -> Option<PathBuf> {
    std::env::var_os("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| dirs::home_dir().map(|h| h.join(".pgpass")))
}

/// The password the file's first matching line gives, if any.
pub fn find(contents: &str, host: &str, port: u16, database: &str, user: &str) -> Option<String> {
    let port = port.to_string();
    contents
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .map(fields)
        .find(|f| {
            f.len() == 5
                && matches(&f[0], host)
                && matches(&f[1], &port)
                && matches(&f[2], database)
                && matches(&f[3], user)
        })
        .map(|f| f[4].clone())
}

/// The password for a connection, from the password file (unreadable or missing: none).
pub fn lookup(host: &str, port: u16, database: &str, user: &str) -> Option<String> {
    let contents = std::fs::read_to_string(path()?).ok()?;
    // libpq also matches `localhost` for a connection over the local socket.
    let host = if host.starts_with('/') {
        "localhost"
    } else {
        host
    };
    find(&contents, host, port, database, user)
}

fn matches(pattern: &str, value: &str) -> bool {
    pattern == "*" || pattern == value
}

/// Splits a line at unescaped colons, undoing the escapes.
fn fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    out.last_mut().expect("a field").push(next);
                }
            }
            ':' if out.len() < 5 => out.push(String::new()),
            c => out.last_mut().expect("a field").push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_matching_line_wins_with_wildcards_and_escapes() {
        let file = "# team server\n\
                    db.example.org:5432:study:ana:s3cr\\:et\n\
                    *:*:*:ben:ben's\\\\pw\n\
                    db.example.org:5432:*:ana:fallback\n";
        assert_eq!(
            find(file, "db.example.org", 5432, "study", "ana").as_deref(),
            Some("s3cr:et")
        );
        assert_eq!(
            find(file, "db.example.org", 5432, "other", "ana").as_deref(),
            Some("fallback")
        );
        assert_eq!(
            find(file, "localhost", 5433, "x", "ben").as_deref(),
            Some("ben's\\pw")
        );
        assert_eq!(find(file, "db.example.org", 5433, "study", "ana"), None);
        assert_eq!(find("broken line", "h", 1, "d", "u"), None);
    }
}
