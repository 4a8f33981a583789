import AmberCore
import AmberCrypto

/// Decides where manifest nodes end (`docs/manifest-format.md` §Boundaries): a keyed hash of the
/// key alone, against a size-aware hazard, in integer arithmetic only.
///
/// After appending an entry that takes the node from `s` to `e` encoded entry bytes, the node ends
/// there iff `e ≥ L/4` (the minimum), the node has at least two entries if internal, and either
/// `bucket(e) ≥ 35` (the maximum, about 2.2·L) or
///
///     h · S[bucket(s)] < (S[bucket(s)] − S[bucket(e)]) · 2³²
///
/// where `bucket(x) = min(x·16 / L, 35)`, `h` is the little-endian `u32` of the first four bytes of
/// `HMAC-SHA256(splitKey, level u8 ‖ key)`, and `S` is ``survival``. That is Dolt's rule, "end the
/// node inside this entry with the conditional probability `(F(e) − F(s)) / (1 − F(s))`" for the
/// Weibull distribution `F(x) = 1 − exp(−(x/L)⁴)`, with `1 − F` tabulated once at steps of `L/16`.
/// The key alone decides (a value edit never moves a boundary unless it moves the size across a
/// bucket), the hash is keyed (node sizes seen by the storage reveal nothing about the keys), and
/// the level byte salts each level separately.
///
/// Not thread-safe (it owns an HMAC context): one per builder.
struct BoundaryRule {
    /// `S[i] = floor(2³² · exp(−(i/16)⁴))`, clamped to `u32`, for `i` in 0…35: the survival function
    /// of the Weibull distribution (shape 4, scale 16 buckets). Committed; never computed at run time.
    static let survival: [UInt32] = [
        4294967295, 4294901760, 4293918847, 4289662159, 4278222805, 4254201989, 4210866939, 4140462880,
        4034748382, 3885808327, 3687158290, 3435079296, 3130014668, 2777740053, 2389925754, 1983707849,
        1580030168, 1200831963, 865573747, 587959795, 373826942, 220887752, 120389982, 60049212,
        27185920, 11075492, 4024090, 1291821, 362871, 88296, 18418, 3258,
        483, 59, 5, 0,
    ]
    /// Buckets per scale `L`.
    static let bucketsPerScale = 16
    /// The last bucket: reaching it ends the node.
    static let lastBucket = survival.count - 1
    /// The minimum node size, in buckets (`L/4`).
    static let minimumBuckets = 4

    /// HMAC-SHA256 of messages of a few dozen bytes, a million times per million entries: the
    /// prepared form costs a third of OpenSSL's per call.
    private let mac: PreparedHMACSHA256
    private var message: [UInt8] = []
    /// Where ``hash(level:key:)`` puts the digest (no temporary allocation a call).
    private var digest = [UInt8](repeating: 0, count: 32)

    /// - Parameter splitKey: `HKDF-SHA256(master, info: "amber v1 manifest split")`.
    init(splitKey: [UInt8]) {
        self.init(mac: PreparedHMACSHA256(key: splitKey))
    }

    /// - Parameter mac: keyed with the split key (``Repository/makePreparedHasher(info:)``
    ///   with ``ManifestFormat/splitKeyInfo``).
    init(mac: PreparedHMACSHA256) {
        self.mac = mac
    }

    /// The split key of a master secret.
    static func splitKey(master: [UInt8]) -> [UInt8] {
        HKDF.sha256(key: master, salt: [], info: Array(ManifestFormat.splitKeyInfo.utf8), count: 32)
    }

    /// The bucket of a node size under scale `target`.
    @inline(__always)
    static func bucket(_ size: Int, target: Int) -> Int {
        min(size * bucketsPerScale / target, lastBucket)
    }

    /// Another rule with the same key, for another thread.
    func copy() -> BoundaryRule { BoundaryRule(mac: mac.copy()) }

    /// The keyed 32-bit hash of a key at a level.
    mutating func hash(level: UInt8, key: some Collection<UInt8>) -> UInt32 {
        message.removeAll(keepingCapacity: true)
        message.append(level)
        message.append(contentsOf: key)
        let mac = mac
        message.withUnsafeBytes { bytes in digest.withUnsafeMutableBytes { mac.mac(bytes, into: $0) } }
        return UInt32(digest[0]) | UInt32(digest[1]) << 8 | UInt32(digest[2]) << 16 | UInt32(digest[3]) << 24
    }

    /// Whether a node ends after an entry that took it from `start` to `end` bytes.
    ///
    /// - Parameters:
    ///   - entries: the entries in the node, this one included.
    ///   - minimumEntries: 1 for leaves, 2 for internal nodes.
    ///   - precomputed: ``hash(level:key:)`` of this level and key, if the caller has it.
    mutating func isBoundary(level: UInt8, key: some Collection<UInt8>, start: Int, end: Int, entries: Int,
                             minimumEntries: Int, target: Int, precomputed: UInt32? = nil) -> Bool {
        guard entries >= minimumEntries else { return false }
        let e = Self.bucket(end, target: target)
        guard e >= Self.minimumBuckets else { return false }
        if e >= Self.lastBucket { return true }
        let s = Self.bucket(start, target: target)
        if s == e { return false }
        let before = UInt64(Self.survival[s]), after = UInt64(Self.survival[e])
        let h = UInt64(precomputed ?? hash(level: level, key: key))
        return h * before < (before - after) << 32
    }
}
