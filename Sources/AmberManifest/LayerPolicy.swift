/// When a backup of a collection writes a new base, and which runs it merges
/// (`docs/manifest-format.md` §Tiers): a writer's policy, not part of the format.
///
/// Runs are *size-tiered*, as in an LSM tree: a backup writes a run of tier 0; whenever the
/// newest ``fanIn`` runs have the same tier `t`, they are merged into one run of tier `t + 1`,
/// so a manifest `n` backups after its base has at most `(fanIn − 1) · log_fanIn(n)` runs and an
/// entry is rewritten once per tier it climbs. The base is rewritten (*rebased*) only when such a
/// merge is due and the runs *shadow* (replace or delete) at least a ``rebaseDivisor``-th of the
/// base's entries: a table that changes scattered rows keeps its base for months, and one that
/// only grows keeps its base for ever, its new rows climbing the tiers like any change.
public struct LayerPolicy: Sendable, Equatable {
    /// How many runs of one tier are merged into one run of the next.
    public var fanIn: Int
    /// Rebase when a merge is due and the runs shadow at least `base.count / rebaseDivisor` of the
    /// base's entries (``shadowedEntries(_:)``).
    public var rebaseDivisor: UInt64
    /// Rebase whenever the parent already has this many runs (a bound for manifests whose tiers
    /// another writer chose).
    public var maximumRuns: Int

    public init(fanIn: Int = 8, rebaseDivisor: UInt64 = 4, maximumRuns: Int = 64) {
        self.fanIn = max(fanIn, 2)
        self.rebaseDivisor = max(rebaseDivisor, 1)
        self.maximumRuns = min(max(maximumRuns, 1), CollectionManifest.maximumRuns - 1)
    }

    /// What a backup whose parent is `parent` writes.
    public enum Plan: Sendable, Equatable {
        /// A new packed base holding every entry, and no runs.
        case rebase
        /// A run of what changed, merged with the parent's newest `merging` runs into one run of
        /// tier `tier` (`merging` 0 and `tier` 0: a run of its own).
        case run(merging: Int, tier: UInt8)
    }

    /// The plan for a backup whose parent is `parent` (`nil`: none).
    public func plan(parent: CollectionManifest?) -> Plan {
        guard let parent, parent.hasPackedBase, parent.runs.count < maximumRuns else { return .rebase }
        let (merging, tier) = Self.cascade(parent.tiers, fanIn: fanIn)
        if merging > 0 && Self.shadowedEntries(parent) * rebaseDivisor >= max(parent.base.count, 1) { return .rebase }
        return .run(merging: merging, tier: tier)
    }

    /// An upper bound of the base entries that `manifest`'s runs replace or delete: the run
    /// entries that are not net growth (`canonical.count − base.count`). Exact when every key
    /// appears in one run at most; a key changed in several runs counts once for each, which
    /// only brings a rebase forward.
    static func shadowedEntries(_ manifest: CollectionManifest) -> UInt64 {
        let growth = manifest.canonical.count > manifest.base.count ? manifest.canonical.count - manifest.base.count : 0
        let entries = manifest.runEntries
        return entries > growth ? entries - growth : 0
    }

    /// Appends a run of tier 0 to runs of `tiers` and merges while the newest `fanIn` runs share a
    /// tier: returns how many of the existing runs end up merged with the new one, and its tier.
    static func cascade(_ tiers: [UInt8], fanIn: Int) -> (merging: Int, tier: UInt8) {
        var tiers = tiers + [0]
        var merged = 1  // runs that make up the newest one, counting the new run
        while tiers.count >= fanIn, let last = tiers.last, last < UInt8.max,
              tiers.suffix(fanIn).allSatisfy({ $0 == last }) {
            tiers.removeLast(fanIn)
            tiers.append(last + 1)
            merged += fanIn - 1
        }
        return (merged - 1, tiers.last ?? 0)
    }
}
