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
                let old = try repository.collections(ofTree: rootA), new = try repository.collections(ofTree: rootB)
                var names = [String]()
                for c in old + new where !names.contains("\(c.entry)/\(c.name)") { names.append("\(c.entry)/\(c.name)") }
                let ambiguous = Set((old + new).map(\.name)).filter { n in Set((old + new).filter { $0.name == n }.map(\.entry)).count > 1 }
                var result = [CollectionDiff]()
                for full in names.sorted() {
                    let before = old.first { "\($0.entry)/\($0.name)" == full }
                    let after = new.first { "\($0.entry)/\($0.name)" == full }
                    let name = (before ?? after)!.name
                    var diff = CollectionDiff(name: ambiguous.contains(name) ? full : name)
                    if let after {
                        for change in try ManifestDiff.diff(repository, from: before?.manifest, to: after.manifest) {
                            let key = DocumentFormat.display(change.key)
                            switch change.kind {
                            case .added: diff.added.append(key)
                            case .changed: diff.changed.append(key)
                            case .removed: diff.removed.append(key)
                            }
                        }
                    } else if let before {
                        try ManifestReader(repository: repository, manifest: before.manifest).scan { key, _ in
                            diff.removed.append(DocumentFormat.display(key))
                            return true
                        }
                    }
                    result.append(diff)
                }
                let files = try repository.diffTrees(rootA, rootB, metadata: metadata)
                if global.json {
                    Output.json(DiffSummary(files: files.map { FileChange(modifier: $0.modifier.rawValue, path: $0.path) }, collections: result))
                } else if !global.quiet {
                    for change in files { Output.line("\(change.modifier.rawValue)    \(change.path)") }
                    if !files.isEmpty {
                        let count = { (m: TreeChange.Modifier, directories: Bool) in
                            files.filter { $0.modifier == m && $0.path.hasSuffix("/") == directories }.count
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

/// `diff --json`: the files (``FileChange``) and collections (``CollectionDiff``) that changed.
struct DiffSummary: Encodable {
    let files: [FileChange]
    let collections: [CollectionDiff]
}

/// One path in `diff --json`, marked as restic marks it (`+`, `-`, `M`, `T`, `U`).
struct FileChange: Encodable {
    let modifier: String
    let path: String
}

/// One collection in `diff --json`.
struct CollectionDiff: Encodable {
    let name: String
    var added: [String] = []
    var changed: [String] = []
    var removed: [String] = []
}
