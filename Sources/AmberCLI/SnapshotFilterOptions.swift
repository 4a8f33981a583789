import AmberKit
import ArgumentParser

/// `--host`, `--tag` and `--path`: which snapshots a command considers, and which one `latest`
/// is (restic's snapshot filter).
struct SnapshotFilterOptions: ParsableArguments {
    @Option(name: [.customShort("H"), .customLong("host")], help: "Only snapshots from this host (repeatable).")
    var hosts: [String] = []

    @Option(name: .customLong("tag"), help: "Only snapshots with these tags: a,b needs both; repeat for either (repeatable).")
    var tags: [String] = []

    @Option(name: .customLong("path"), help: "Only snapshots of this path or source (repeatable: all of them).")
    var paths: [String] = []

    var filter: SnapshotFilter { SnapshotFilter(hosts: hosts, tags: tags, paths: paths) }
}
