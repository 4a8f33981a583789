import AmberRepository

/// The keyed hash that decides where the leaves of a tree end (``BoundaryRule/hash(level:key:)``
/// at level 0), computed apart from the builder: a thread that produces entries hashes their
/// keys while the builder's thread goes on with the entries before (``PipelinedBuilder``).
/// The hashes are a canonical tree's boundaries, so they must come from that builder's
/// ``EntrySink/makeLeafHasher()`` or from the same repository (``init(repository:)``: every
/// canonical tree of a repository splits with its one split key).
///
/// Not thread-safe (it owns an HMAC context): one per thread.
public final class LeafHasher {
    private var rule: BoundaryRule

    init(rule: BoundaryRule) {
        self.rule = rule
    }

    /// The leaf hasher of every canonical tree `repository` builds.
    public convenience init(repository: Repository) {
        self.init(rule: BoundaryRule(mac: repository.makePreparedHasher(info: ManifestFormat.splitKeyInfo)))
    }

    /// The level-0 boundary hash of `key`.
    public func hash(_ key: [UInt8]) -> UInt32 {
        rule.hash(level: 0, key: key)
    }
}
