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
