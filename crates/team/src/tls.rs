//! TLS as libpq's `sslmode` decides: `disable`, `prefer` (the default: TLS when the server
//! offers it), `require` (TLS, the server not authenticated — unless a root certificate is at
//! hand, then as `verify-ca`), `verify-ca` (the server's certificate signed by the root
//! certificate) and `verify-full` (and issued to the host connected to). The root certificate
//! is `sslrootcert` (a file, or `system` for the system's store), else `~/.postgresql/root.crt`;
//! `PGSSLMODE` and `PGSSLROOTCERT` stand in for what the connection string leaves out. The
//! client's own parser knows only three modes, so both settings are taken out of the string
//! here and applied through the connector (the system's OpenSSL, through `native-tls`).

use std::path::PathBuf;

use postgres::config::SslMode;
use postgres_native_tls::MakeTlsConnector;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl Mode {
    fn parse(s: &str) -> Result<Mode, String> {
        Ok(match s {
            "disable" => Mode::Disable,
            // libpq's `allow` tries without TLS first; TLS when offered is the closest here.
            "allow" | "prefer" => Mode::Prefer,
            "require" => Mode::Require,
            "verify-ca" => Mode::VerifyCa,
            "verify-full" => Mode::VerifyFull,
            other => {
                return Err(format!(
                    "sslmode={other} is not one of disable, allow, prefer, require, verify-ca, verify-full"
                ))
            }
        })
    }

    fn name(self) -> &'static str {
        match self {
            Mode::Disable => "disable",
            Mode::Prefer => "prefer",
            Mode::Require => "require",
            Mode::VerifyCa => "verify-ca",
            Mode::VerifyFull => "verify-full",
        }
    }
}

/// The TLS a connection asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tls {
    pub mode: Mode,
    /// `sslrootcert`: a file of certificates, or `system`.
    pub root: Option<String>,
}

/// Takes `sslmode` and `sslrootcert` out of a connection string (a URL's query, or `key=value`
/// words); answers what is left and the TLS asked for.
pub fn split(url: &str) -> Result<(String, Tls), String> {
    let mut mode = None;
    let mut root = None;
    let mut take = |key: &str, value: &str| -> Result<bool, String> {
        match key {
            "sslmode" => mode = Some(Mode::parse(value)?),
            "sslrootcert" => root = Some(value.to_string()),
            _ => return Ok(false),
        }
        Ok(true)
    };
    let url = url.trim();
    let rest = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        match url.split_once('?') {
            Some((base, query)) => {
                let mut kept = Vec::new();
                for pair in query.split('&').filter(|p| !p.is_empty()) {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    if !take(k, &percent_decoded(v))? {
                        kept.push(pair);
                    }
                }
                if kept.is_empty() {
                    base.to_string()
                } else {
                    format!("{base}?{}", kept.join("&"))
                }
            }
            None => url.to_string(),
        }
    } else {
        let mut kept = Vec::new();
        for word in url.split_whitespace() {
            let taken = match word.split_once('=') {
                Some((k, v)) => take(k.trim(), v.trim_matches('\''))?,
                None => false,
            };
            if !taken {
                kept.push(word);
            }
        }
        kept.join(" ")
    };
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let mode = match mode {
        Some(m) => m,
        None => match env("PGSSLMODE") {
            Some(m) => Mode::parse(&m)?,
            None => Mode::Prefer,
        },
    };
    let root = root.or_else(|| env("PGSSLROOTCERT"));
    Ok((rest, Tls { mode, root }))
}

fn percent_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Tls {
    /// The mode as the client's own configuration knows it.
    pub fn ssl_mode(&self) -> SslMode {
        match self.mode {
            Mode::Disable => SslMode::Disable,
            Mode::Prefer => SslMode::Prefer,
            _ => SslMode::Require,
        }
    }

    /// What the connection string shown and stored says of TLS (nothing for the default).
    pub fn query(&self) -> String {
        let mut q = Vec::new();
        if self.mode != Mode::Prefer {
            q.push(format!("sslmode={}", self.mode.name()));
        }
        if let Some(root) = &self.root {
            q.push(format!(
                "sslrootcert={}",
                root.replace('%', "%25").replace('&', "%26")
            ));
        }
        if q.is_empty() {
            String::new()
        } else {
            format!("?{}", q.join("&"))
        }
    }

    /// The root certificate file to trust: `sslrootcert`, else `~/.postgresql/root.crt` when
    /// there is one (`None`: none, or the system's store).
    fn root_file(&self) -> Option<PathBuf> {
        match self.root.as_deref() {
            Some("system") => None,
            Some(path) => Some(PathBuf::from(path)),
            None => dirs::home_dir()
                .map(|h| h.join(".postgresql").join("root.crt"))
                .filter(|p| p.is_file()),
        }
    }

    /// The connector that makes TLS as asked.
    pub fn connector(&self) -> Result<MakeTlsConnector, String> {
        let mut builder = native_tls::TlsConnector::builder();
        let root = self.root_file();
        let system = self.root.as_deref() == Some("system");
        if let Some(path) = &root {
            let pem = std::fs::read(path)
                .map_err(|e| format!("cannot read the root certificate {}: {e}", path.display()))?;
            let certs = native_tls::Certificate::from_pem(&pem)
                .map_err(|e| format!("{} is not a PEM certificate: {e}", path.display()))?;
            builder.add_root_certificate(certs);
        }
        match self.mode {
            Mode::Disable | Mode::Prefer => {
                // As libpq: TLS when offered, the server not authenticated.
                builder.danger_accept_invalid_certs(true);
                builder.danger_accept_invalid_hostnames(true);
            }
            Mode::Require if root.is_none() && !system => {
                builder.danger_accept_invalid_certs(true);
                builder.danger_accept_invalid_hostnames(true);
            }
            Mode::Require | Mode::VerifyCa => {
                if root.is_none() && !system {
                    return Err(format!(
                        "sslmode={} needs the certificate of the authority that signed the \
                         server's: give sslrootcert=FILE (or sslrootcert=system), or put it in \
                         ~/.postgresql/root.crt",
                        self.mode.name()
                    ));
                }
                builder.danger_accept_invalid_hostnames(true);
            }
            Mode::VerifyFull => {
                if root.is_none() && !system {
                    return Err(
                        "sslmode=verify-full needs the certificate of the authority that \
                                signed the server's: give sslrootcert=FILE (or \
                                sslrootcert=system), or put it in ~/.postgresql/root.crt"
                            .into(),
                    );
                }
            }
        }
        let connector = builder
            .build()
            .map_err(|e| format!("cannot set up TLS: {e}"))?;
        Ok(MakeTlsConnector::new(connector))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_settings_come_out_of_a_url_and_of_key_value_words() {
        let (rest, tls) =
            split("postgres://ana@db.example.org:5432/study?sslmode=verify-full&sslrootcert=%2Ftmp%2Fca.pem&application_name=x")
                .unwrap();
        assert_eq!(
            rest,
            "postgres://ana@db.example.org:5432/study?application_name=x"
        );
        assert_eq!(tls.mode, Mode::VerifyFull);
        assert_eq!(tls.root.as_deref(), Some("/tmp/ca.pem"));
        let (rest, tls) = split("host=db port=5432 user=ana sslmode=require dbname=study").unwrap();
        assert_eq!(rest, "host=db port=5432 user=ana dbname=study");
        assert_eq!(tls.mode, Mode::Require);
        assert!(split("postgres://ana@db/study?sslmode=sometimes").is_err());
        assert_eq!(
            Tls {
                mode: Mode::VerifyCa,
                root: Some("/a&b".into())
            }
            .query(),
            "?sslmode=verify-ca&sslrootcert=/a%26b"
        );
    }
}
