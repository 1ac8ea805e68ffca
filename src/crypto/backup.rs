//! Encrypted backups (in progress).
