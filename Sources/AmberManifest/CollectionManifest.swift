import AmberCore

/// What a snapshot records for a collection (`docs/manifest-format.md` §Layers): the *canonical
/// root*, which identifies the content, and the *stored layers* that hold it.
///
/// - The canonical root is the root of the one tree the collection's entries make
///   (``ManifestBuilder``): equal contents have equal canonical roots, whatever their history.
///   Its count and value bytes are the collection's. Its nodes are hashed, not stored, unless
///   the base happens to be the same tree.
/// - The layers are a *base*, a stored tree holding the collection as of some backup, and a
///   chain of *runs*, oldest first: smaller trees holding, in key order, what later backups
///   changed: the new value of each added or changed key, or a ``ManifestValue/tombstone`` for
///   each removed one. A key's value is its value in the newest layer that has it; a tombstone
///   there means absent.
/// - A base written by this version is *packed* (§Packed trees): cut at large sizes, its leaves
///   of database rows columnar. Repositories written before it have bases that are canonical
///   trees (collection set versions 1 and 2); they read the same way.
/// - Each run has a *tier*: 0 for a run one backup wrote, `t + 1` for the merge of runs of
///   tier `t` (``LayerPolicy``).
public struct CollectionManifest: Sendable, Hashable, CustomStringConvertible {
    /// The root of the canonical tree: the collection's identity and statistics.
    public var canonical: ManifestRoot
    /// The stored tree the runs apply to.
    public var base: ManifestRoot
    /// Runs applied to the base in order (the last one wins).
    public var runs: [ManifestRoot]
    /// The tier of each run (``runs``' order).
    public var tiers: [UInt8]
    /// Whether the base is a packed tree (written by this version), rather than a canonical tree
    /// kept from a repository written before packed bases (collection set versions 1 and 2).
    public var hasPackedBase: Bool

    /// The most runs a manifest may have (the encoding's run count is one byte).
    public static let maximumRuns = 255

    /// A manifest stored as its canonical tree (collection set version 1).
    public init(compact root: ManifestRoot) {
        self.init(canonical: root, base: root, runs: [], tiers: [], hasPackedBase: false)
    }

    /// A manifest of a base and runs; `tiers` defaults to 0 for every run.
    public init(canonical: ManifestRoot, base: ManifestRoot, runs: [ManifestRoot], tiers: [UInt8]? = nil, hasPackedBase: Bool) {
        self.canonical = canonical
        self.base = base
        self.runs = runs
        self.tiers = tiers ?? Array(repeating: 0, count: runs.count)
        self.hasPackedBase = hasPackedBase
    }

    /// Whether the canonical tree is stored: the base is the canonical tree and there are no runs.
    public var isCompact: Bool { runs.isEmpty && base.id == canonical.id }
    /// The number of documents.
    public var count: UInt64 { canonical.count }
    /// The total length of the documents, in bytes.
    public var valueBytes: UInt64 { canonical.valueBytes }
    /// The trees whose nodes are stored, base first: what reading, checking and pruning walk.
    public var layers: [ManifestRoot] { [base] + runs }
    /// The entries (values and tombstones) in all runs.
    public var runEntries: UInt64 { runs.reduce(0) { $0 + $1.count } }

    public var description: String {
        if isCompact { return canonical.description }
        return "\(canonical) as base \(base.id.shortHex) + \(runs.count) runs of \(runEntries) entries"
    }
}

extension CollectionManifest {
    /// Version 2 of a collection set: `canonical ‖ runCount u8`, then, when runCount > 0,
    /// `base ‖ run × runCount` (each a ``ManifestRoot`` encoding). Its base is a canonical tree.
    public func encodedVersion2() -> [UInt8] {
        var out = canonical.encoded()
        out.append(UInt8(runs.count))
        if !runs.isEmpty {
            out += base.encoded()
            for run in runs { out += run.encoded() }
        }
        return out
    }

    /// Parses ``encodedVersion2()``.
    public init(version2 reader: inout ByteReader) throws(FormatError) {
        let canonical = try ManifestRoot(from: &reader)
        let runCount = Int(try reader.u8())
        guard runCount > 0 else {
            self.init(compact: canonical)
            return
        }
        let base = try ManifestRoot(from: &reader)
        guard base.id != canonical.id else {
            throw FormatError(context: reader.context, reason: "runs over a base equal to the canonical tree")
        }
        var runs = [ManifestRoot]()
        for _ in 0..<runCount { runs.append(try ManifestRoot(from: &reader)) }
        self.init(canonical: canonical, base: base, runs: runs, hasPackedBase: false)
    }

    /// Version 3 of a collection set: `canonical ‖ base ‖ runCount u8 ‖ (run ‖ tier u8) × runCount`.
    /// The base is a packed tree; it equals the canonical tree only without runs.
    public func encodedVersion3() -> [UInt8] {
        var out = canonical.encoded()
        out += base.encoded()
        out.append(UInt8(runs.count))
        for (run, tier) in zip(runs, tiers) {
            out += run.encoded()
            out.append(tier)
        }
        return out
    }

    /// Parses ``encodedVersion3()``.
    public init(version3 reader: inout ByteReader) throws(FormatError) {
        let canonical = try ManifestRoot(from: &reader)
        let base = try ManifestRoot(from: &reader)
        let runCount = Int(try reader.u8())
        guard runCount == 0 || base.id != canonical.id else {
            throw FormatError(context: reader.context, reason: "runs over a base equal to the canonical tree")
        }
        var runs = [ManifestRoot](), tiers = [UInt8]()
        for _ in 0..<runCount {
            runs.append(try ManifestRoot(from: &reader))
            tiers.append(try reader.u8())
        }
        self.init(canonical: canonical, base: base, runs: runs, tiers: tiers, hasPackedBase: true)
    }
}
