/// When a collection's layers are merged or its base rewritten (`docs/manifest-format.md`
/// §Tiers): a writer's policy, not part of the format.
///
/// A backup only ever adds a run of tier 0 on top of its parent's layers, so its time and size
/// follow what changed. Merging is *compaction*, done apart from backups (`amber compact`):
/// runs are *size-tiered*, as in an LSM tree, so whenever the newest runs number at least
/// ``fanIn`` of one tier `t`, they are merged into one run of tier `t + 1`, and a manifest
/// compacted after every backup has at most `(fanIn − 1) · log_fanIn(n)` runs `n` backups after
/// its base; an entry is rewritten once per tier it climbs. The base is rewritten (*rebased*)
/// only when such a merge is due and the runs *shadow* (replace or delete) at least a
/// ``rebaseDivisor``-th of the base's entries: a table that changes scattered rows keeps its base
/// for months, and one that only grows keeps its base for ever, its new rows climbing the tiers.
/// A backup rebases on its own only when its parent has no packed base or already ``maximumRuns``
/// runs (a repository never compacted).
public struct LayerPolicy: Sendable, Equatable {
    /// How many runs of one tier are merged into one run of the next.
    public var fanIn: Int
    /// Rebase when a merge is due and the runs shadow at least `base.count / rebaseDivisor` of the
    /// base's entries (``shadowedEntries(_:)``).
    public var rebaseDivisor: UInt64
    /// A backup rebases when the parent already has this many runs.
    public var maximumRuns: Int

    public init(fanIn: Int = 8, rebaseDivisor: UInt64 = 4, maximumRuns: Int = 64) {
        self.fanIn = max(fanIn, 2)
        self.rebaseDivisor = max(rebaseDivisor, 1)
        self.maximumRuns = min(max(maximumRuns, 1), CollectionManifest.maximumRuns - 1)
    }

    /// What a backup or a compaction writes.
    public enum Plan: Sendable, Equatable {
        /// A new packed base holding every entry, and no runs.
        case rebase
        /// A run of what changed, merged with the parent's newest `merging` runs into one run of
        /// tier `tier` (`merging` 0 and `tier` 0: a run of its own). A compaction writes no
        /// changes: it merges the newest `merging` runs.
        case run(merging: Int, tier: UInt8)
    }

    /// The plan for a backup whose parent is `parent` (`nil`: none): a run of tier 0, or a rebase
    /// when there is no packed base to add it to or the parent has ``maximumRuns`` runs.
    public func plan(parent: CollectionManifest?) -> Plan {
        guard let parent, parent.hasPackedBase, parent.runs.count < maximumRuns else { return .rebase }
        return .run(merging: 0, tier: 0)
    }

    /// What compacting `manifest` writes, or nil when no merge is due: while the newest runs
    /// include at least ``fanIn`` of the newest run's tier, they merge into one run of the next
    /// tier (and again, if that completes a group of the tier above); a rebase instead when the
    /// runs shadow a ``rebaseDivisor``-th of the base. A manifest from before packed bases is
    /// left as it is (its next backup rebases it).
    public func compaction(of manifest: CollectionManifest) -> Plan? {
        guard manifest.hasPackedBase else { return nil }
        var tiers = manifest.tiers
        var merging = 0  // runs of the manifest the merged run takes in
        while let last = tiers.last, last < UInt8.max {
            let group = tiers.reversed().prefix { $0 == last }.count
            guard group >= fanIn else { break }
            tiers.removeLast(group)
            tiers.append(last + 1)
            merging += group - (merging > 0 ? 1 : 0)
        }
        guard merging > 0, let tier = tiers.last else { return nil }
        if Self.shadowedEntries(manifest) * rebaseDivisor >= max(manifest.base.count, 1) { return .rebase }
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
}
