import AmberStorage

/// What a ``RepositorySync`` run did, per kind of file and in total. Encodes as JSON for `amber sync --json`.
public struct SyncReport: Sendable, Codable, Equatable {
    /// The counts of one kind of file (`keys`, `data`, `index`, `plans`, `snapshots`, `config`).
    public struct Counts: Sendable, Codable, Equatable {
        /// Files the source has.
        public var sourceFiles = 0
        /// Files copied to the destination, and their bytes.
        public var copiedFiles = 0
        public var copiedBytes: Int64 = 0
        /// Files the destination already had with the same name and size.
        public var presentFiles = 0
        /// Files that disappeared from the source between its listing and the copy (a concurrent prune).
        public var vanishedFiles = 0
        /// Destination files removed because the source no longer has them (`delete`).
        public var deletedFiles = 0
        public var deletedBytes: Int64 = 0

        public init() {}
    }

    /// Counts by ``AmberStorage/FileKind`` raw value.
    public var kinds: [String: Counts] = [:]
    /// Whether every copied file was re-read from the destination and its SHA-256 checked.
    public var verifiedContents = false
    /// Wall-clock time of the run, in seconds.
    public var seconds = 0.0

    public init() {}

    /// Files copied, of every kind.
    public var copiedFiles: Int { kinds.values.reduce(0) { $0 + $1.copiedFiles } }
    /// Bytes copied, of every kind.
    public var copiedBytes: Int64 { kinds.values.reduce(0) { $0 + $1.copiedBytes } }
    /// Destination files deleted, of every kind.
    public var deletedFiles: Int { kinds.values.reduce(0) { $0 + $1.deletedFiles } }
    /// Destination bytes deleted, of every kind.
    public var deletedBytes: Int64 { kinds.values.reduce(0) { $0 + $1.deletedBytes } }
    /// Files the destination already had, of every kind.
    public var presentFiles: Int { kinds.values.reduce(0) { $0 + $1.presentFiles } }

    /// The counts of one kind.
    public subscript(kind: FileKind) -> Counts {
        get { kinds[kind.rawValue] ?? Counts() }
        set { kinds[kind.rawValue] = newValue }
    }

    /// Copied bytes per second of elapsed time.
    public var bytesPerSecond: Double { seconds > 0 ? Double(copiedBytes) / seconds : 0 }

    enum CodingKeys: String, CodingKey {
        case kinds, verifiedContents, seconds, copiedFiles, copiedBytes, deletedFiles, deletedBytes, presentFiles
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kinds = try container.decode([String: Counts].self, forKey: .kinds)
        verifiedContents = try container.decode(Bool.self, forKey: .verifiedContents)
        seconds = try container.decode(Double.self, forKey: .seconds)
    }

    /// Encodes the per-kind counts and the totals.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kinds, forKey: .kinds)
        try container.encode(verifiedContents, forKey: .verifiedContents)
        try container.encode(seconds, forKey: .seconds)
        try container.encode(copiedFiles, forKey: .copiedFiles)
        try container.encode(copiedBytes, forKey: .copiedBytes)
        try container.encode(deletedFiles, forKey: .deletedFiles)
        try container.encode(deletedBytes, forKey: .deletedBytes)
        try container.encode(presentFiles, forKey: .presentFiles)
    }
}
