import AmberKit
import ArgumentParser
import Foundation

extension Amber {
    /// `amber dump SNAPSHOT COLLECTION [KEY]`: a collection as NDJSON, or one document as JSON;
    /// `amber dump SNAPSHOT /PATH`: a file's bytes (restic's `dump`).
    struct Dump: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a file, a collection as NDJSON, or one document as JSON.",
            discussion: """
                A second argument starting with / is a file's path in the snapshot (as amber ls prints it): its \
                bytes go to standard output. Otherwise it names a collection. A key is the document's id; a \
                composite key is the JSON text of an array ([1,"a"]).

                Examples:
                  amber dump latest /work/notes.txt > notes.txt
                  amber dump latest users u00042
                """)

        @OptionGroup var global: GlobalOptions

        @OptionGroup(title: "Which snapshot latest is") var selection: SnapshotFilterOptions

        @Argument(help: "Snapshot id (a unique prefix) or \"latest\".")
        var snapshot: String

        @Argument(help: "/PATH of a file, or a collection name (ENTRY/COLLECTION when several sources have one of that name).")
        var collection: String

        @Argument(help: "Print only the document with this key.")
        var key: String?

        func run() throws {
            try Exit.run {
                let repository = try global.openRepository()
                try global.loadIndex(repository)
                let record = try repository.findSnapshot(snapshot, filter: try selection.filter())
                let root = try record.rootTree()
                if collection.hasPrefix("/") { return try dumpFile(repository, root: root, record: record) }
                let found = try repository.collection(named: collection, ofTree: root)
                let reader = ManifestReader(repository: repository, manifest: found.manifest)
                let out = FileHandle.standardOutput
                if let key {
                    if let document = try found.document(withKey: key, in: repository) {
                        out.write(Data(try DocumentFormat.jsonLine(document.value, key: document.key, engine: found.set.engine) + [10]))
                        return Exit.ok
                    }
                    throw CLIError.usage("no document with key \(key) in \(found.name) of snapshot \(record.id.shortHex)")
                }
                var buffer = [UInt8]()
                try reader.scan { key, value throws(ManifestError) in
                    do {
                        buffer += try DocumentFormat.jsonLine(value, key: key, engine: found.set.engine)
                    } catch {
                        throw ManifestError(.damaged, "\(found.name), key \(DocumentFormat.display(key)): \(error)")
                    }
                    buffer.append(10)
                    if buffer.count > 1 << 20 {
                        out.write(Data(buffer))
                        buffer.removeAll(keepingCapacity: true)
                    }
                    return true
                }
                out.write(Data(buffer))
                return Exit.ok
            }
        }

        /// The bytes of the file at `collection` (a path), a chunk at a time.
        private func dumpFile(_ repository: Repository, root: BlobID, record: SnapshotRecord) throws -> Int32 {
            guard let node = try repository.node(at: collection, root: root) else {
                throw CLIError.usage("\(collection): no such path in snapshot \(record.id.shortHex)")
            }
            guard node.kind == .file else {
                throw CLIError.usage("\(collection) is a \(node.kind), not a file: restore it with amber restore --include")
            }
            for id in node.content { FileHandle.standardOutput.write(Data(try repository.loadBlob(id, type: .data))) }
            return Exit.ok
        }
    }
}
