import AmberKit
import Foundation

/// What `forget` decided, printed as restic prints it: per group the snapshots kept (with why)
/// and those removed; with `--json`, restic's array of `{tags, host, paths, keep, remove, reasons}`.
struct ForgetReport {
    struct Group {
        /// Nil when snapshots were named by id (no policy, no grouping).
        let key: SnapshotGroupKey?
        /// Newest first.
        let decisions: [RetentionDecision]

        var kept: [RetentionDecision] { decisions.filter(\.keep) }
        var removed: [RetentionDecision] { decisions.filter { !$0.keep } }
    }

    let groups: [Group]
    let dryRun: Bool

    /// Every snapshot to remove, in group order, newest first within a group.
    var removedIDs: [BlobID] { groups.flatMap { $0.removed.map(\.record.id) } }

    func printJSON() {
        Output.json(groups.map(JSONGroup.init))
    }

    func printText(policy: RetentionPolicy?) {
        if let policy { Output.line("Applying Policy: \(policy.summary)") }
        for group in groups {
            if let key = group.key { Output.line("snapshots for (\(key.description)):") }
            let kept = group.kept
            if !kept.isEmpty {
                Output.line("keep \(kept.count) snapshots:")
                table(kept, withReasons: true)
            }
            let removed = group.removed
            if !removed.isEmpty {
                Output.line((dryRun ? "would remove" : "remove") + " \(removed.count) snapshots:")
                table(removed, withReasons: false)
            }
        }
    }

    /// A snapshot table, oldest first, one line per reason.
    private func table(_ decisions: [RetentionDecision], withReasons: Bool) {
        let reasonWidth = withReasons ? max(8, (decisions.flatMap(\.reasons).map(\.count).max() ?? 0) + 2) : 0
        let header = pad("ID", 10) + pad("Time", 21) + pad("Host", 16) + pad("Tags", 14)
            + (withReasons ? pad("Reasons", reasonWidth) : "") + "Sources"
        let rule = String(repeating: "-", count: header.count + 10)
        Output.line(header)
        Output.line(rule)
        for decision in decisions.reversed() {
            let s = decision.record.snapshot
            let lines = max(1, withReasons ? decision.reasons.count : 1, s.sources.count)
            for i in 0..<lines {
                let first = i == 0
                var line = first
                    ? pad(decision.record.id.shortHex, 10) + pad(String(s.time.prefix(19)).replacingOccurrences(of: "T", with: " "), 21)
                        + pad(s.host, 16) + pad(s.tags.joined(separator: ","), 14)
                    : String(repeating: " ", count: 61)
                if withReasons { line += pad(i < decision.reasons.count ? decision.reasons[i] : "", reasonWidth) }
                line += i < s.sources.count ? s.sources[i] : ""
                Output.line(line.trimmingTrailingSpaces())
            }
        }
        Output.line(rule)
        Output.line("\(decisions.count) snapshots")
        Output.line("")
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

/// One group in `forget --json`, shaped like restic's `ForgetGroup`.
struct JSONGroup: Encodable {
    struct Reason: Encodable {
        let snapshot: SnapshotSummary
        let matches: [String]
        let counters: [String: Int]
    }

    let tags: [String]?
    let host: String
    let paths: [String]?
    let keep: [SnapshotSummary]
    let remove: [SnapshotSummary]
    let reasons: [Reason]

    init(_ group: ForgetReport.Group) {
        tags = group.key?.tags
        host = group.key?.host ?? ""
        paths = group.key?.sources
        keep = group.kept.map { SnapshotSummary($0.record) }
        remove = group.removed.map { SnapshotSummary($0.record) }
        reasons = group.kept.map { Reason(snapshot: SnapshotSummary($0.record), matches: $0.reasons, counters: $0.counters) }
    }

    enum CodingKeys: String, CodingKey { case tags, host, paths, keep, remove, reasons }

    /// Writes `null` for the fields not grouped by, as restic does.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tags, forKey: .tags)
        try c.encode(host, forKey: .host)
        try c.encode(paths, forKey: .paths)
        try c.encode(keep, forKey: .keep)
        try c.encode(remove, forKey: .remove)
        try c.encode(reasons, forKey: .reasons)
    }
}
