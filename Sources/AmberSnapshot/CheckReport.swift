import AmberCore

/// How far `check --read-data` has read: packs and their bytes, so far and in all.
public struct ReadDataProgress: Sendable, Equatable {
    public var packs: Int
    public var totalPacks: Int
    public var bytes: Int
    public var totalBytes: Int
}

/// Which pack files `check` reads in full.
public enum ReadDataSelection: Sendable, Equatable {
    /// None: structure only.
    case none
    /// Every pack.
    case all
    /// Subset `n` of `total` (1-based): the packs whose id, taken as a number, is `n − 1` modulo `total`.
    case subset(Int, of: Int)
    /// A random sample of this share (0…100) of the packs.
    case percent(Double)

    /// Parses `N/T` or `P%`.
    public init?(subset text: String) {
        if text.hasSuffix("%"), let p = Double(text.dropLast()), p > 0, p <= 100 {
            self = .percent(p)
            return
        }
        let parts = text.split(separator: "/")
        guard parts.count == 2, let n = Int(parts[0]), let t = Int(parts[1]), t >= 1, n >= 1, n <= t else { return nil }
        self = .subset(n, of: t)
    }
}

/// A snapshot path affected by damage.
public struct AffectedPath: Sendable, Hashable {
    public let snapshot: BlobID
    public let path: String
}

/// What `check` found.
public struct CheckReport: Sendable {
    /// Problems that make data unrestorable or the repository inconsistent.
    public var errors: [String] = []
    /// Harmless findings (unindexed packs left by an interrupted backup).
    public var warnings: [String] = []
    /// Blobs that are missing or fail verification.
    public var damagedBlobs: Set<BlobID> = []
    /// Where damaged blobs are used.
    public var affected: [AffectedPath] = []
    public var snapshots = 0
    public var trees = 0
    public var packs = 0
    public var packsRead = 0
    public var blobsRead = 0
    public var bytesRead: UInt64 = 0
    /// Collection manifests with runs whose canonical root read-data rebuilt.
    public var manifestsVerified = 0

    public init() {}

    public var isClean: Bool { errors.isEmpty }
}
