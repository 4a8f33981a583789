import AmberCore
import AmberCrypto
@testable import AmberManifest
@testable import AmberRepository
import AmberStorage
import Testing
import AmberTesting

/// A deterministic SplitMix64 generator: every test run sees the same data.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The master secret of the golden vectors: bytes 0, 1, …, 31.
let testMaster: [UInt8] = Array(0..<32)

/// A repository on a fresh memory backend whose master secret is `master` (fixed keys make ids
/// reproducible across runs and machines).
func makeRepository(master: [UInt8] = testMaster) -> Repository {
    Repository(backend: MemoryBackend(), config: .makeDefault(), keys: MasterKeys(master: master))
}

typealias Entries = [(key: [UInt8], value: [UInt8])]

/// Builds a manifest of `entries` (any order; sorted here) and finishes the writer.
@discardableResult
func build(_ repository: Repository, _ entries: Entries) throws -> ManifestRoot {
    try buildWithStatistics(repository, entries).root
}

func buildWithStatistics(_ repository: Repository, _ entries: Entries) throws -> (root: ManifestRoot, written: WriteStatistics) {
    let writer = BlobWriter(repository: repository)
    let builder = ManifestBuilder(repository: repository, writer: writer)
    for (key, value) in entries.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
        try builder.append(key: key, value: value)
    }
    let root = try builder.finish()
    return (root, try writer.finish())
}

/// A map as entries.
func entries(_ map: [[UInt8]: [UInt8]]) -> Entries { map.map { ($0.key, $0.value) } }

/// A key: "k" and eight decimal digits, so numeric and byte order agree.
func key(_ i: Int) -> [UInt8] {
    let digits = String(i)
    return Array(("k" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits).utf8)
}

/// A value of 20 to 200 bytes derived from `i` and `version`.
func value(_ i: Int, version: Int = 0, rng: inout SeededRandom) -> [UInt8] {
    let count = 20 + Int(rng.next() % 180)
    return Array("v\(version)-\(i)-".utf8) + (0..<count).map { _ in UInt8(ascii: "a") + UInt8(rng.next() % 26) }
}

/// `count` entries with keys `key(0…count−1)`.
func makeEntries(_ count: Int, seed: UInt64 = 1) -> [[UInt8]: [UInt8]] {
    var rng = SeededRandom(seed: seed)
    var map = [[UInt8]: [UInt8]]()
    for i in 0..<count { map[key(i)] = value(i, rng: &rng) }
    return map
}

/// Every entry of a manifest, in cursor order.
func readAll(_ reader: ManifestReader, from start: [UInt8]? = nil) throws -> [ManifestEntry] {
    var cursor = try reader.cursor(from: start)
    var out = [ManifestEntry]()
    while let e = try cursor.next() { out.append(e) }
    return out
}

/// The diff computed the slow way, from two maps.
func naiveDiff(_ old: [[UInt8]: [UInt8]], _ new: [[UInt8]: [UInt8]]) -> [(key: [UInt8], kind: ManifestChange.Kind)] {
    var out = [(key: [UInt8], kind: ManifestChange.Kind)]()
    for (k, v) in old {
        if let w = new[k] { if w != v { out.append((k, .changed)) } } else { out.append((k, .removed)) }
    }
    for k in new.keys where old[k] == nil { out.append((k, .added)) }
    return out.sorted { $0.key.lexicographicallyPrecedes($1.key) }
}

/// Every node of a manifest, level by level, root first, with its encoded size.
func allNodes(_ repository: Repository, _ root: ManifestRoot) throws -> [(node: ManifestNode, bytes: Int)] {
    var out = [(node: ManifestNode, bytes: Int)]()
    var frontier = [(root.id, root.level)]
    while !frontier.isEmpty {
        var next = [(BlobID, UInt8)]()
        for (id, level) in frontier {
            let bytes = try repository.loadBlob(id, type: .tree)
            let node = try ManifestNode(decoding: bytes, expectedLevel: level, what: "node")
            out.append((node, bytes.count))
            if case .internal(let children) = node.body { next += children.map { ($0.id, level - 1) } }
        }
        frontier = next
    }
    return out
}

extension ManifestNodeLoader {
    /// Calls `body` with each leaf of a tree in key order: its id and last key (`nil` for an
    /// empty tree's leaf). Loads the internal nodes only. Tests find a canonical tree's leaf
    /// boundaries with it (backups no longer compare leaves).
    func forEachLeaf(of root: ManifestRoot, _ body: (BlobID, [UInt8]?) throws(ManifestError) -> Void) throws(ManifestError) {
        guard root.height > 1 else {
            var cursor = try TreeCursor(loader: self, root: root, start: nil)
            var last: [UInt8]?
            while let entry = try cursor.next() { last = entry.key }
            return try body(root.id, last)
        }
        var pending = [(root.id, root.level)]
        while let (id, level) = pending.popLast() {
            guard case .internal(let children) = try node(id, level: level).body else { continue }
            if level == 1 {
                for child in children { try body(child.id, child.lastKey) }
            } else {
                for child in children.reversed() { pending.append((child.id, level - 1)) }
            }
        }
    }
}
