import AmberKit
import ArgumentParser
import Foundation

extension Amber {
    /// `amber ls SNAPSHOT [PATH]`: lists what a snapshot holds.
    struct Ls: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the files in a snapshot, or the collections of a database or NDJSON source in it.",
            discussion: """
                A path naming a collection source (amber ls latest /app) lists its collections; with --long, each \
                with its documents and bytes and, for a database, its columns, key and indexes, followed by the \
                database's other objects (views, triggers, and for PostgreSQL what pg_dump captured: functions, \
                domains, materialized views, policies, …).

                Examples:
                  amber ls latest /work
                  amber ls latest /app --long
                """)

        @OptionGroup var global: GlobalOptions

        @OptionGroup(title: "Which snapshot latest is") var selection: SnapshotFilterOptions

        @Argument(help: "Snapshot id (a unique prefix) or \"latest\".")
        var snapshot: String

        @Argument(help: "List only below this path (e.g. /docs).")
        var path: String?

        @Flag(name: [.short, .long], help: "Show mode, size and modification time.")
        var long = false

        func run() throws {
            try Exit.run {
                let repository = try global.openRepository()
                try global.loadIndex(repository)
                let record = try repository.findSnapshot(snapshot, filter: try selection.filter())
                let root = try record.rootTree()
                var start = root
                var prefix = ""
                if let path, path != "/" {
                    let clean = "/" + path.split(separator: "/").joined(separator: "/")
                    guard let node = try repository.node(at: clean, root: root) else {
                        throw CLIError.usage("\(path): no such path in snapshot \(record.id.shortHex)")
                    }
                    if node.kind == .database, let set = node.subtree {
                        try printContents(DatabaseContents(repository.loadCollectionSet(set)), under: clean)
                        return Exit.ok
                    }
                    guard node.kind == .directory, let sub = node.subtree else {
                        print(clean, node)
                        return Exit.ok
                    }
                    start = sub
                    prefix = clean
                }
                try repository.walk(start, path: prefix) { p, node in
                    print(p, node)
                    return true
                }
                return Exit.ok
            }
        }

        /// The collections of a source, then (with --long or --json) the database's other objects.
        private func printContents(_ contents: DatabaseContents, under path: String) {
            for table in contents.tables {
                let tablePath = path + "/" + table.name
                if global.json {
                    Output.json(CollectionListing(path: tablePath, table: table))
                } else if long {
                    let documents = table.documents == 1 ? "1 document" : "\(table.documents) documents"
                    var line = "\(tablePath)  \(documents), \(Output.bytes(table.bytes))"
                    if !table.primaryKey.isEmpty { line += "; key (\(table.primaryKey.joined(separator: ", ")))" }
                    if !table.columns.isEmpty { line += "; columns: \(table.columns.joined(separator: ", "))" }
                    if !table.indexes.isEmpty { line += "; indexes: \(table.indexes.joined(separator: ", "))" }
                    Output.line(line)
                } else {
                    Output.line(tablePath)
                }
            }
            guard long || global.json else { return }
            for object in contents.objects {
                if global.json { Output.json(ObjectListing(path: path, object: object)) } else { Output.line("\(path): \(object)") }
            }
        }

        private func print(_ path: String, _ node: Node) {
            if global.json {
                Output.json(NodeSummary(path: path, node: node))
            } else if long {
                Output.line("\(modeString(node)) \(node.uid)/\(node.gid) \(String(node.size).leftPadded(12)) \(RFC3339.format(Date(timeIntervalSince1970: Double(node.mtimeSeconds))).prefix(19)) \(path)")
            } else {
                Output.line(path)
            }
        }

        private func modeString(_ node: Node) -> String {
            let type: Character = switch node.kind {
            case .directory: "d"
            case .symlink: "l"
            case .fifo: "p"
            case .characterDevice: "c"
            case .blockDevice: "b"
            case .socket: "s"
            case .file: "-"
            case .database: "D"
            }
            let letters: [Character] = ["r", "w", "x"]
            var s = String(type)
            for i in 0..<9 { s.append(node.mode & (1 << (8 - i)) != 0 ? letters[i % 3] : "-") }
            return s
        }
    }
}

/// One collection in `ls --json` of a collection source.
struct CollectionListing: Encodable {
    var type = "collection"
    let path: String
    let documents: UInt64
    let bytes: UInt64
    let columns: [String]
    let primaryKey: [String]
    let indexes: [String]

    init(path: String, table: DatabaseContents.Table) {
        self.path = path
        documents = table.documents
        bytes = table.bytes
        columns = table.columns
        primaryKey = table.primaryKey
        indexes = table.indexes
    }

    enum CodingKeys: String, CodingKey { case type, path, documents, bytes, columns, primaryKey = "primary_key", indexes }
}

/// Another object of a database in `ls --json`.
struct ObjectListing: Encodable {
    var type = "object"
    let path: String
    let object: String
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
