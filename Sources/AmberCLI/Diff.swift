import AmberKit
import ArgumentParser
import Foundation

extension Amber {
    /// `amber diff A B`: per collection, the document keys added, changed and removed.
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the files and documents added, changed and removed between two snapshots.",
            discussion: """
                Files and directories are listed as restic diff lists them: + added, - removed, M content changed, \
                T type changed, U only metadata changed (a directory ends in /). Each collection then lists its \
                document keys added (+), changed (M) and removed (-). Equal subtrees of the trees and manifests are \
                skipped without being read, so the cost follows the changes.

                Examples:
                  amber diff 1a2b3c latest
                  amber diff 1a2b3c latest --json
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The older snapshot.")
        var first: String

        @Argument(help: "The newer snapshot.")
        var second: String

        @Flag(name: .long, help: "Also list files and directories whose metadata alone changed (U), as restic diff --metadata.")
        var metadata = false

        func run() throws {
            try Exit.run {
                let repository = try global.openRepository()
                try global.loadIndex(repository)
                let a = try repository.findSnapshot(first), b = try repository.findSnapshot(second)
                guard let rootA = a.snapshot.treeID, let rootB = b.snapshot.treeID else {
                    throw RepositoryError(.damaged, "a snapshot has no root tree")
                }
                let diff = try SnapshotDiff(repository: repository, from: rootA, to: rootB, metadata: metadata)
                let files = diff.files, result = diff.collections
                if global.json {
                    Output.json(diff)
                } else if !global.quiet {
                    for change in files { Output.line("\(change.modifier)    \(change.path)") }
                    if !files.isEmpty {
                        let count = { (m: TreeChange.Modifier, directories: Bool) in
                            files.filter { $0.modifier == m.rawValue && $0.path.hasSuffix("/") == directories }.count
                        }
                        Output.line("Files: \(count(.added, false)) new, \(count(.removed, false)) removed, \(count(.modified, false)) changed")
                        Output.line("Dirs:  \(count(.added, true)) new, \(count(.removed, true)) removed")
                    }
                    for d in result {
                        Output.line("\(d.name): \(d.added.count) added, \(d.changed.count) changed, \(d.removed.count) removed")
                        for k in d.added { Output.line("  + \(k)") }
                        for k in d.changed { Output.line("  M \(k)") }
                        for k in d.removed { Output.line("  - \(k)") }
                    }
                }
                return Exit.ok
            }
        }
    }
}
