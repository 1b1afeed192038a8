//! The advisory lock beside a SQLite database (`<database>.lock`): `herald serve` holds it
//! shared for its life (several instances may share a file), `herald restore` holds it
//! exclusively while it replaces the file. See [`crate::commands::ops`] for why a lock and not a
//! PID file. The kernel releases it when the holder exits, however it exits.

use anyhow::Context;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

/// A held lock; released when dropped (or when the process ends).
#[derive(Debug)]
pub struct DbLock {
    _file: File,
    pub path: PathBuf,
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("{0} is held by another process")]
    Held(PathBuf),
    #[error(transparent)]
    Io(#[from] anyhow::Error),
}

/// The lock file of the database at `database`.
pub fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    database.with_file_name(name)
}

/// The shared lock a serving Herald holds.
pub fn shared(database: &Path) -> Result<DbLock, LockError> {
    take(database, File::try_lock_shared)
}

/// The exclusive lock a restore holds.
pub fn exclusive(database: &Path) -> Result<DbLock, LockError> {
    take(database, File::try_lock)
}

fn take(
    database: &Path,
    try_lock: fn(&File) -> Result<(), TryLockError>,
) -> Result<DbLock, LockError> {
    let path = lock_path(database);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening the lock file {}", path.display()))?;
    match try_lock(&file) {
        Ok(()) => Ok(DbLock { _file: file, path }),
        Err(TryLockError::WouldBlock) => Err(LockError::Held(path)),
        Err(TryLockError::Error(e)) => {
            Err(LockError::Io(anyhow::Error::new(e).context(format!("locking {}", path.display()))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_share_the_lock_and_a_restore_excludes_them() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("herald.db");
        let first = shared(&db).unwrap();
        let second = shared(&db).unwrap();
        assert!(matches!(exclusive(&db), Err(LockError::Held(_))));
        drop((first, second));
        let restoring = exclusive(&db).unwrap();
        assert!(matches!(shared(&db), Err(LockError::Held(_))));
        assert_eq!(restoring.path, dir.path().join("herald.db.lock"));
    }
}
