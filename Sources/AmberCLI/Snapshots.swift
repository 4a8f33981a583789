import AmberKit
import ArgumentParser

extension Amber {
    /// `amber snapshots`: the catalog.
    struct Snapshots: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the snapshots in the repository.",
            discussion: """
                Examples:
                  amber snapshots
                  amber snapshots --host db1 --tag daily --latest 3 --json
                """)

        @OptionGroup var global: GlobalOptions

        @OptionGroup(title: "Which snapshots") var selection: SnapshotFilterOptions

        @Option(name: .long, help: "Only the newest N snapshots of each host and set of sources (as restic snapshots --latest N).")
        var latest: Int?

        func run() throws {
            try Exit.run {
                let repository = try global.openRepository()
                var records = try selection.records(in: repository, named: [])
                if let latest {
                    let groups = Dictionary(grouping: records) { "\($0.snapshot.host)\u{0}\($0.snapshot.sources.joined(separator: "\u{0}"))" }
                    let kept = Set(groups.values.flatMap { $0.suffix(max(0, latest)).map(\.id) })
                    records = records.filter { kept.contains($0.id) }
                }
                if global.json {
                    Output.json(records.map(SnapshotSummary.init))
                    return Exit.ok
                }
                guard !global.quiet else { return Exit.ok }
                Output.line(pad("ID", 10) + pad("Time", 21) + pad("Host", 16) + pad("Tags", 14) + pad("Files", 9) + pad("Size", 12) + pad("Added", 12) + "Sources")
                Output.line(String(repeating: "-", count: 110))
                for r in records {
                    let s = r.snapshot
                    Output.line(pad(r.id.shortHex, 10) + pad(String(s.time.prefix(19)).replacingOccurrences(of: "T", with: " "), 21)
                                + pad(s.host, 16) + pad(s.tags.joined(separator: ","), 14) + pad(String(s.stats.documents), 9)
                                + pad(Output.bytes(s.stats.bytes), 12) + pad(Output.bytes(s.stats.addedBytes), 12)
                                + s.sources.joined(separator: " "))
                    for c in s.collections ?? [] {
                        Output.line(pad("", 10) + "collection \(c.name): \(c.documents) documents, \(Output.bytes(c.bytes))")
                    }
                }
                Output.line(String(repeating: "-", count: 110))
                Output.line("\(records.count) snapshots")
                return Exit.ok
            }
        }

        private func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
        }
    }
}

/// One snapshot in `snapshots --json`.
struct SnapshotSummary: Encodable {
    let id: String
    let shortID: String
    let time: String
    let host: String
    let username: String
    let tags: [String]
    let sources: [String]
    let tree: String
    /// The snapshot whose collections this one's backup built on (as restic's `parent`), if any.
    let parent: String?
    /// The snapshot this one replaced (`amber compact`), if any.
    let original: String?
    let program: String
    let stats: Snapshot.Statistics
    let collections: [Snapshot.CollectionSummary]?

    init(_ record: SnapshotRecord) {
        id = record.id.hex
        shortID = record.id.shortHex
        time = record.snapshot.time
        host = record.snapshot.host
        username = record.snapshot.username
        tags = record.snapshot.tags
        sources = record.snapshot.sources
        tree = record.snapshot.tree
        parent = record.snapshot.parent
        original = record.snapshot.original
        program = record.snapshot.program
        stats = record.snapshot.stats
        collections = record.snapshot.collections
    }

    enum CodingKeys: String, CodingKey {
        case id, shortID = "short_id", time, host, username, tags, sources, tree, parent, original, program, stats, collections
    }
}
