//! Errors of the audit trail and the report of a successful verification.

use super::chain::hex;

/// Why a log failed verification (at which record), or why an append failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// Reading or writing the log failed.
    #[error("audit log I/O: {0}")]
    Io(String),
    /// A record was changed (its chain value does not match).
    #[error("audit log record {seq} (line {line}) was modified")]
    Modified {
        /// Line number in its file, from 1.
        line: u64,
        /// The sequence number the record should have.
        seq: u64,
    },
    /// The sequence jumps: records were deleted, inserted, duplicated or reordered here.
    #[error(
        "audit log line {line}: expected record {expected}, found {found} (records deleted, inserted or reordered)"
    )]
    Sequence {
        /// Line number in its file, from 1.
        line: u64,
        /// The sequence number expected.
        expected: u64,
        /// The one found.
        found: u64,
    },
    /// A line is not a record (or is cut off).
    #[error("audit log line {line} is not a complete record")]
    Malformed {
        /// Line number in its file, from 1.
        line: u64,
    },
    /// The log ends in a partial record (a torn write); [`FileSink::open`](super::FileSink::open) repairs this.
    #[error("audit log is truncated inside line {line}")]
    Truncated {
        /// Line number, from 1.
        line: u64,
    },
    /// Records were removed from the end: a checkpoint covers more than the log holds.
    #[error("audit log ends at record {head} but a checkpoint covers record {checkpoint}")]
    BehindCheckpoint {
        /// The checkpoint's sequence number.
        checkpoint: u64,
        /// The log's last record.
        head: u64,
    },
    /// The log disagrees with a checkpoint, or a checkpoint is not genuine.
    #[error("audit checkpoint at record {seq}: {reason}")]
    CheckpointMismatch {
        /// The checkpoint's sequence number.
        seq: u64,
        /// What disagrees.
        reason: String,
    },
    /// The checkpoints kept beside the log are damaged or were not signed by the keyring:
    /// they are evidence too, so the log is refused.
    #[error("audit checkpoints {file}: {reason}")]
    BadCheckpoints {
        /// The checkpoints file.
        file: String,
        /// What is wrong.
        reason: String,
    },
    /// A problem in a rotated file of the log.
    #[error("{file}: {error}")]
    InFile {
        /// The rotated file.
        file: String,
        /// The problem, with line numbers in that file.
        error: Box<AuditError>,
    },
}

impl From<std::io::Error> for AuditError {
    fn from(e: std::io::Error) -> Self {
        AuditError::Io(e.to_string())
    }
}

/// The result of a successful verification.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifyReport {
    /// Records in the log (in every file still present).
    pub records: u64,
    /// The first sequence number present (1 unless older files were pruned).
    pub first: u64,
    /// The last sequence number.
    pub last: u64,
    /// The chain value of the last record (hex), to compare with a checkpoint.
    pub head: String,
    /// Files walked (rotated ones and the active one).
    pub files: usize,
}

impl VerifyReport {
    /// Records `first..=last` verified, ending in chain value `head`, over `files` files.
    pub(crate) fn new(first: u64, last: u64, head: &[u8; 32], files: usize) -> Self {
        Self {
            records: last.saturating_sub(first.saturating_sub(1)),
            first,
            last,
            head: hex(head),
            files,
        }
    }
}
