//! The session and secret keys: from their variable, else from a file in `DATA_DIR`
//! written once (mode 0600, atomically) so that a restart keeps sessions and encrypted data.

use rand::RngCore;
use std::io::Write;
use std::path::Path;

use super::{ConfigError, bad};

/// A key from the variable (hex, at least `min_bytes` bytes), else from `DATA_DIR/file`,
/// generated once with mode 0600 so that a restart keeps sessions and encrypted data.
pub(super) fn key_from(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    data_dir: &Path,
    file: &str,
    min_bytes: usize,
) -> Result<Vec<u8>, ConfigError> {
    if let Some(value) = get(name) {
        let key = hex::decode(value.trim()).map_err(|_| bad(name, "must be hex-encoded"))?;
        if key.len() < min_bytes {
            return Err(bad(
                name,
                format!(
                    "must be at least {min_bytes} bytes ({} hex digits)",
                    min_bytes * 2
                ),
            ));
        }
        return Ok(key);
    }
    let path = data_dir.join(file);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let key = hex::decode(text.trim())
                .map_err(|_| bad("DATA_DIR", format!("{} is not a hex key", path.display())))?;
            if key.len() < min_bytes {
                return Err(bad(
                    "DATA_DIR",
                    format!(
                        "{} holds a key shorter than {min_bytes} bytes",
                        path.display()
                    ),
                ));
            }
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(data_dir).map_err(|e| {
                bad(
                    "DATA_DIR",
                    format!("cannot create {}: {e}", data_dir.display()),
                )
            })?;
            let mut key = vec![0u8; min_bytes];
            rand::rng().fill_bytes(&mut key);
            match write_private(&path, &hex::encode(&key)) {
                Ok(()) => Ok(key),
                // A process started at the same moment wrote its key first: use that one.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    key_from(get, name, data_dir, file, min_bytes)
                }
                Err(e) => Err(bad(
                    "DATA_DIR",
                    format!("cannot write {}: {e}", path.display()),
                )),
            }
        }
        Err(e) => Err(bad(
            "DATA_DIR",
            format!("cannot read {}: {e}", path.display()),
        )),
    }
}

/// Writes a new file with mode 0600 that appears whole or not at all: the contents go to a
/// temporary file first, which is then hard-linked to `path` (fails with `AlreadyExists` when
/// another process got there first, never replacing its file). Several processes started
/// together on a fresh DATA_DIR therefore all end up with the one key that won.
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    let temporary = path.with_extension(format!("{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options
        .open(&temporary)
        .and_then(|mut f| f.write_all(contents.as_bytes()).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::hard_link(&temporary, path));
    let _ = std::fs::remove_file(&temporary);
    written
}
