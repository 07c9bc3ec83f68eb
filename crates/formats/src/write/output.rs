//! Where exporters write: files by relative name, opened by the caller.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};

/// Files an exporter writes. Names are relative, `/`-separated, and never contain `..`:
/// the caller maps them below the destination. A single-file format creates exactly one file.
pub trait Output: Send {
    fn create(&mut self, name: &str) -> io::Result<Box<dyn Write + Send>>;
}

/// An [`Output`] kept in memory, for tests and small previews.
#[derive(Clone, Default)]
pub struct MemoryOutput {
    files: Arc<Mutex<BTreeMap<String, Buffer>>>,
}

type Buffer = Arc<Mutex<Vec<u8>>>;

impl MemoryOutput {
    /// The bytes written to `name` so far.
    pub fn file(&self, name: &str) -> Option<Vec<u8>> {
        let files = self.files.lock().ok()?;
        let file = files.get(name)?.lock().ok()?;
        Some(file.clone())
    }

    /// The names of all files created, sorted.
    pub fn names(&self) -> Vec<String> {
        self.files
            .lock()
            .map(|f| f.keys().cloned().collect())
            .unwrap_or_default()
    }
}

impl Output for MemoryOutput {
    fn create(&mut self, name: &str) -> io::Result<Box<dyn Write + Send>> {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        self.files
            .lock()
            .map_err(|_| io::Error::other("memory output poisoned"))?
            .insert(name.to_string(), buffer.clone());
        Ok(Box::new(MemoryFile(buffer)))
    }
}

struct MemoryFile(Arc<Mutex<Vec<u8>>>);

impl Write for MemoryFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| io::Error::other("memory output poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
