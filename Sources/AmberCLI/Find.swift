import AmberKit
import ArgumentParser

extension Amber {
    /// `amber find PATTERN...`: which snapshots hold files of a name (restic's `find`).
    struct Find: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find files and directories by name in snapshots.",
            discussion: """
                Each pattern is a shell glob matched against a name (a pattern with / against the whole path). \
                Every snapshot is searched, or those named with --snapshot, or those the --host/--tag/--path/--at \
                filter selects.

                Examples:
                  amber find '*.sql'
                  amber find --ignore-case 'readme*' --host laptop
                """)

        @OptionGroup var global: GlobalOptions

        @OptionGroup(title: "Which snapshots") var selection: SnapshotFilterOptions

        @Argument(help: "Glob patterns.")
        var patterns: [String]

        @Option(name: [.customShort("s"), .customLong("snapshot")], help: "Search only this snapshot (repeatable).")
        var snapshotIDs: [String] = []

        @Flag(name: [.customShort("i"), .customLong("ignore-case")], help: "Ignore the case of letters.")
        var ignoreCase = false

        func run() throws {
            try Exit.run {
                let repository = try global.openRepository()
                try global.loadIndex(repository)
                let records = try selection.records(in: repository, named: snapshotIDs)
                var results = [FindResult]()
                for record in records {
                    guard let root = record.snapshot.treeID else { continue }
                    let found = try repository.findPaths(root, patterns: patterns, ignoreCase: ignoreCase)
                    guard !found.isEmpty else { continue }
                    results.append(FindResult(snapshot: record.id.hex, time: record.snapshot.time,
                                              matches: found.map { FindResult.Match(path: $0.path, type: NodeSummary.typeName($0.node.kind), size: $0.node.size) }))
                    if !global.json && !global.quiet {
                        Output.line("found in snapshot \(record.id.shortHex) from \(record.snapshot.time):")
                        for match in found { Output.line("  \(match.path)") }
                    }
                }
                if global.json { Output.json(results) }
                return Exit.ok
            }
        }
    }
}

/// One snapshot's matches in `find --json`.
struct FindResult: Encodable {
    struct Match: Encodable { let path: String; let type: String; let size: UInt64 }
    let snapshot: String
    let time: String
    let matches: [Match]
}
