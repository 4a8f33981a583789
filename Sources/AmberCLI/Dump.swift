import AmberKit
import ArgumentParser
import Foundation

extension Amber {
    /// `amber dump SNAPSHOT COLLECTION [KEY]`: a collection as NDJSON, or one document as JSON.
    struct Dump: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a collection as NDJSON, or one document as JSON.",
            discussion: "A key is the document's id; a composite key is the JSON text of an array ([1,\"a\"]).")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Snapshot id (a unique prefix) or \"latest\".")
        var snapshot: String

        @Argument(help: "Collection name (ENTRY/COLLECTION when several sources have one of that name).")
        var collection: String

        @Argument(help: "Print only the document with this key.")
        var key: String?

        func run() throws {
            try Exit.run {
                let repository = try global.openRepository()
                try global.loadIndex(repository)
                let record = try repository.findSnapshot(snapshot)
                guard let root = record.snapshot.treeID else { throw RepositoryError(.damaged, "snapshot \(record.id.shortHex) has no root tree") }
                let found = try repository.collection(named: collection, ofTree: root)
                let reader = ManifestReader(repository: repository, manifest: found.manifest)
                let out = FileHandle.standardOutput
                if let key {
                    for candidate in DocumentFormat.keys(from: key, engine: found.set.engine) {
                        if let value = try reader.get(candidate.encoded) {
                            out.write(Data(try DocumentFormat.jsonLine(value, key: candidate.encoded, engine: found.set.engine) + [10]))
                            return Exit.ok
                        }
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
    }
}
