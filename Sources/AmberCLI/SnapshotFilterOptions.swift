import AmberKit
import ArgumentParser
import Foundation

/// `--host`, `--tag` and `--path`: which snapshots a command considers, and which one `latest`
/// is (restic's snapshot filter).
struct SnapshotFilterOptions: ParsableArguments {
    @Option(name: [.customShort("H"), .customLong("host")], help: "Only snapshots from this host (repeatable).")
    var hosts: [String] = []

    @Option(name: .customLong("tag"), help: "Only snapshots with these tags: a,b needs both; repeat for either (repeatable).")
    var tags: [String] = []

    @Option(name: .customLong("path"), help: "Only snapshots of this path or source (repeatable: all of them).")
    var paths: [String] = []

    @Option(name: .customLong("at"), help: "Only snapshots taken at or before this time (ISO 8601 / RFC 3339): latest is then the state at that moment.")
    var at: String?

    /// The filter, or a usage error for an --at that is not a time.
    func filter() throws -> SnapshotFilter {
        var moment: Date?
        if let at {
            guard let parsed = RFC3339.parse(at) else { throw CLIError.usage("--at \"\(at)\" is not an ISO 8601 date-time") }
            moment = parsed
        }
        return SnapshotFilter(hosts: hosts, tags: tags, paths: paths, at: moment)
    }

    /// The snapshots `references` name (ids or `latest`, which the filter chooses), or every
    /// snapshot the filter matches when none is named.
    func records(in repository: Repository, named references: [String]) throws -> [SnapshotRecord] {
        let filter = try filter()
        guard !references.isEmpty else { return try repository.readableSnapshots().filter { filter.matches($0.snapshot) } }
        return try references.map { try repository.findSnapshot($0, filter: filter) }
    }
}
