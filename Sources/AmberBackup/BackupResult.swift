import AmberCore
import AmberSnapshot

/// The outcome of a backup.
public struct BackupResult: Sendable {
    public let id: BlobID
    public let snapshot: Snapshot
    /// Files that could not be read and were skipped (the backup is partial: exit 3).
    public let warnings: [String]
    /// Files whose content was read (the others were unchanged according to the files cache).
    public let filesRead: Int
    /// Things the user should know that did not make the backup partial (an earlier backup
    /// that could not be used as a parent, so collections were stored whole).
    public var notices: [String] = []
}
