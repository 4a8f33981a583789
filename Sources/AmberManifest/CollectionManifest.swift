import AmberCore

/// What a snapshot records for a collection (`docs/manifest-format.md` §Runs): the *canonical
/// root*, which identifies the content, and the *stored layers* that hold it.
///
/// - The canonical root is the root of the one tree the collection's entries make
///   (``ManifestBuilder``): equal contents have equal canonical roots, whatever their history.
///   Its count and value bytes are the collection's.
/// - The layers are a *base*, a tree whose nodes are all stored, and a chain of *runs*, oldest
///   first: small trees holding, in key order, what each later backup changed: the new value of
///   each added or changed key, or a ``ManifestValue/tombstone`` for each removed one. A key's
///   value is its value in the newest layer that has it; a tombstone there means absent.
/// - A *compact* manifest has no runs and its base is the canonical tree, whose nodes are then
///   stored. A manifest with runs stores none of the canonical tree's nodes beyond the base's.
public struct CollectionManifest: Sendable, Hashable, CustomStringConvertible {
    /// The root of the canonical tree: the collection's identity and statistics.
    public var canonical: ManifestRoot
    /// The stored tree the runs apply to; `canonical` when compact.
    public var base: ManifestRoot
    /// Runs applied to the base in order (the last one wins); empty when compact.
    public var runs: [ManifestRoot]

    /// The most runs a manifest may have (the encoding's run count is one byte).
    public static let maximumRuns = 255

    /// A manifest stored as its canonical tree.
    public init(compact root: ManifestRoot) {
        canonical = root
        base = root
        runs = []
    }

    public init(canonical: ManifestRoot, base: ManifestRoot, runs: [ManifestRoot]) {
        self.canonical = canonical
        self.base = base
        self.runs = runs
    }

    /// Whether the stored form is the canonical tree itself.
    public var isCompact: Bool { runs.isEmpty }
    /// The number of documents.
    public var count: UInt64 { canonical.count }
    /// The total length of the documents, in bytes.
    public var valueBytes: UInt64 { canonical.valueBytes }
    /// The trees whose nodes are stored, base first: what reading, checking and pruning walk.
    public var layers: [ManifestRoot] { [base] + runs }
    /// The entries (values and tombstones) in all runs.
    public var runEntries: UInt64 { runs.reduce(0) { $0 + $1.count } }

    /// `canonical ‖ runCount u8`, then, when runCount > 0, `base ‖ run × runCount`
    /// (each a ``ManifestRoot`` encoding).
    public func encoded() -> [UInt8] {
        var out = canonical.encoded()
        out.append(UInt8(runs.count))
        if !runs.isEmpty {
            out += base.encoded()
            for run in runs { out += run.encoded() }
        }
        return out
    }

    /// Parses ``encoded()``.
    public init(from reader: inout ByteReader) throws(FormatError) {
        canonical = try ManifestRoot(from: &reader)
        let runCount = Int(try reader.u8())
        if runCount == 0 {
            base = canonical
            runs = []
            return
        }
        base = try ManifestRoot(from: &reader)
        guard base.id != canonical.id else {
            throw FormatError(context: reader.context, reason: "runs over a base equal to the canonical tree")
        }
        var runs = [ManifestRoot]()
        for _ in 0..<runCount { runs.append(try ManifestRoot(from: &reader)) }
        self.runs = runs
    }

    public var description: String {
        isCompact ? canonical.description : "\(canonical) as base \(base.id.shortHex) + \(runs.count) runs of \(runEntries) entries"
    }
}
