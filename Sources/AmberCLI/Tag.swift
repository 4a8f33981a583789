import AmberKit
import ArgumentParser

extension Amber {
    /// `amber tag`: adds, removes or sets the tags of snapshots (restic's `tag`).
    struct Tag: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add, remove or set the tags of snapshots.",
            discussion: """
                Changes the snapshots named (ids or latest), or every snapshot the --host/--tag/--path/--at \
                filter selects when none is named. A changed snapshot is saved anew (its id changes; its \
                `original` names the first id). Each tag option takes a comma-separated list and repeats.

                Examples:
                  amber tag latest --add keep
                  amber tag --tag daily --host db1 --remove daily --add archived
                """)

        @OptionGroup var global: GlobalOptions

        @OptionGroup(title: "Which snapshots, when none is named") var selection: SnapshotFilterOptions

        @Argument(help: "Snapshot ids (unique prefixes) or latest.")
        var snapshots: [String] = []

        @Option(name: .long, help: "Add these tags (a,b; repeatable).")
        var add: [String] = []

        @Option(name: .long, help: "Remove these tags (a,b; repeatable).")
        var remove: [String] = []

        @Option(name: .customLong("set"), help: "Replace all tags with these (a,b; repeatable).")
        var set: [String] = []

        func run() throws {
            try Exit.run {
                func list(_ values: [String]) -> [String] { values.flatMap { $0.split(separator: ",").map(String.init) } }
                guard !add.isEmpty || !remove.isEmpty || !set.isEmpty else { throw CLIError.usage("give --add, --remove or --set") }
                guard set.isEmpty || (add.isEmpty && remove.isEmpty) else { throw CLIError.usage("--set cannot be combined with --add or --remove") }
                let repository = try global.openRepository()
                let lock = try global.lock(repository, mode: .exclusive)
                Interrupts.onInterrupt { lock.release() }
                defer { lock.release() }
                let records = try selection.records(in: repository, named: snapshots)
                let change = SnapshotTagger.Change(add: list(add), remove: list(remove), set: set.isEmpty ? nil : list(set))
                let changed = try SnapshotTagger(repository: repository).apply(change, to: records)
                if global.json {
                    Output.json(TagSummary(changedSnapshots: changed.count, changed: changed.map { TagSummary.Pair(old: $0.old.hex, new: $0.new.hex) }))
                } else if !global.quiet {
                    for pair in changed { Output.line("snapshot \(pair.old.shortHex) saved as \(pair.new.shortHex)") }
                    Output.line("modified \(changed.count) snapshot\(changed.count == 1 ? "" : "s")")
                }
                return Exit.ok
            }
        }
    }
}

/// The `--json` summary of `tag`.
struct TagSummary: Encodable {
    struct Pair: Encodable { let old: String; let new: String }
    var messageType = "summary"
    let changedSnapshots: Int
    let changed: [Pair]

    enum CodingKeys: String, CodingKey { case messageType = "message_type", changedSnapshots = "changed_snapshots", changed }
}
