import AmberCore
import AmberDocuments
import AmberManifest
import AmberRepository
import AmberSnapshot
import Foundation

extension CollectionRestorer {
    /// The file of a collection in an NDJSON target directory: `DIR/COLLECTION.ndjson`.
    static func file(_ directory: String, _ collection: SnapshotCollection) -> String {
        directory + "/" + collection.name + ".ndjson"
    }

    /// Writes every collection as `DIR/COLLECTION.ndjson`, one canonical document per line in
    /// key order (database rows rendered with typed values). Refuses existing files unless `force`.
    public func restoreNDJSON(_ tree: BlobID, to directory: String, force: Bool) throws -> CollectionRestoreReport {
        let collections = try repository.collections(ofTree: tree)
        guard !collections.isEmpty else { throw RepositoryError(.invalidArgument, "this snapshot holds no collections") }
        let names = collections.map(\.name)
        if let duplicate = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw RepositoryError(.invalidArgument, "two sources have a collection named \"\(duplicate)\"; restore them one at a time")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if !force {
            for c in collections where FileManager.default.fileExists(atPath: Self.file(directory, c)) {
                throw RepositoryError(.invalidArgument, "\(Self.file(directory, c)) exists; use --force to replace it")
            }
        }
        var report = CollectionRestoreReport()
        for c in collections {
            // Damage stays local: a collection that cannot be read to its end keeps what was read
            // before the damage, and the others are restored.
            var damage: String?
            report.documents += try rewriteNDJSON(c, directory: directory, damage: &damage)
            report.collections += 1
            if let damage { report.damaged.append(damage) }
        }
        return report
    }

    /// Writes one collection's file in full; returns the number of documents.
    @discardableResult
    func rewriteNDJSON(_ c: SnapshotCollection, directory: String) throws -> UInt64 {
        var damage: String?
        let count = try rewriteNDJSON(c, directory: directory, damage: &damage)
        if let damage { throw RepositoryError(.damaged, damage) }
        return count
    }

    /// Writes one collection's file; when the repository is damaged inside the collection, the
    /// documents read before the damage are written and `damage` says what is missing.
    private func rewriteNDJSON(_ c: SnapshotCollection, directory: String, damage: inout String?) throws -> UInt64 {
        let file = try AtomicFileWriter(path: Self.file(directory, c))
        var count: UInt64 = 0
        var writeError: SourceError?
        var lastKey: [UInt8]?
        do {
            try scanCollection(c, file: file, count: &count, lastKey: &lastKey, writeError: &writeError)
        } catch let error as ManifestError where error.code == .damaged {
            let after = lastKey.map { "after key \(DocumentFormat.display($0))" } ?? "from its first document"
            damage = "\(c.name): the documents \(after) could not be read (\(error.message)); \(count) documents were restored"
        }
        if let writeError { throw writeError }
        try file.commit()
        return count
    }

    private func scanCollection(_ c: SnapshotCollection, file: AtomicFileWriter, count: inout UInt64, lastKey: inout [UInt8]?,
                                writeError: inout SourceError?) throws {
        try ManifestReader(repository: repository, manifest: c.manifest).scan { key, value throws(ManifestError) in
            var line: [UInt8]
            do {
                line = try DocumentFormat.jsonLine(value, key: key, engine: c.set.engine)
            } catch {
                throw ManifestError(.damaged, "\(c.name): \(error)")
            }
            line.append(10)
            do throws(SourceError) {
                try file.write(line)
            } catch {
                writeError = error  // the disk's failure, not the repository's: reported as such below
                return false
            }
            count += 1
            lastKey = key
            return true
        }
    }

    /// Compares NDJSON files with a snapshot's collections: JSON collections by document id,
    /// database tables line by line in key order.
    public func verifyNDJSON(_ tree: BlobID, at directory: String) throws -> [Mismatch] {
        var mismatches = [Mismatch]()
        for c in try repository.collections(ofTree: tree) {
            let path = Self.file(directory, c)
            guard FileManager.default.fileExists(atPath: path) else {
                mismatches.append(Mismatch(collection: c.name, key: "(file)", kind: .missing))
                continue
            }
            var comparer = try CollectionComparer(repository: repository, manifest: c.manifest, name: c.name)
            if c.set.engine == .json {
                try Self.jsonSource(path, set: c.set).readSorted().documents.forEach { try comparer.feed(key: $0.keyBytes, value: $0.value) }
            } else {
                // Rows carry no separate key in NDJSON: compare in order, keyed by the manifest.
                let lines = try Self.lines(path)
                var index = 0
                try ManifestReader(repository: repository, manifest: c.manifest).scan { key, value throws(ManifestError) in
                    let expected = (try? DocumentFormat.jsonLine(value, key: key, engine: c.set.engine)) ?? []
                    if index >= lines.count || lines[index] != expected {
                        mismatches.append(Mismatch(collection: c.name, key: DocumentFormat.display(key), kind: index >= lines.count ? .missing : .different))
                    }
                    index += 1
                    return true
                }
                if lines.count > index { mismatches.append(Mismatch(collection: c.name, key: "(\(lines.count - index) lines)", kind: .extra)) }
                continue
            }
            mismatches += try comparer.finish()
        }
        return mismatches
    }

    /// Applies the changes between snapshot `from` and `tree` to NDJSON files that hold `from`:
    /// documents removed, changed and added by key; every other line is kept as it is.
    public func restoreNDJSONIncrementally(_ tree: BlobID, from: BlobID, at directory: String, force: Bool) throws -> CollectionRestoreReport {
        let new = try repository.collections(ofTree: tree)
        let old = try repository.collections(ofTree: from)
        guard new.map(\.name) == old.map(\.name), zip(new, old).allSatisfy({ $0.set.engine == $1.set.engine }) else {
            throw RepositoryError(.invalidArgument, "the collections changed between the two snapshots: restore the newer one in full")
        }
        if !force {
            let mismatches = try verifyNDJSON(from, at: directory)
            guard mismatches.isEmpty else {
                throw RepositoryError(.invalidArgument, "\(directory) does not hold the --from snapshot (\(mismatches.count) differences, e.g. \(mismatches[0])); use --force to apply the changes anyway")
            }
        }
        var report = CollectionRestoreReport()
        for (o, n) in zip(old, new) {
            let changes = try ManifestDiff.diff(repository, from: o.manifest, to: n.manifest)
            guard !changes.isEmpty else { continue }
            guard n.set.engine == .json else {
                // Rows carry no key in NDJSON: rewrite the table's file from the newer snapshot.
                try rewriteNDJSON(n, directory: directory)
                for change in changes {
                    switch change.kind {
                    case .added: report.inserted += 1
                    case .changed: report.updated += 1
                    case .removed: report.deleted += 1
                    }
                }
                report.collections += 1
                continue
            }
            let loader = ManifestNodeLoader(repository: repository)
            let path = Self.file(directory, n)
            var documents = try Self.jsonSource(path, set: o.set).read().documents
            var byKey = [[UInt8]: Int]()
            for (i, d) in documents.enumerated() { byKey[d.keyBytes] = i }
            var removed = Set<Int>()
            var added = [CollectionDocument]()
            for change in changes {
                switch change.kind {
                case .removed:
                    if let i = byKey[change.key] { removed.insert(i) }
                    report.deleted += 1
                case .changed:
                    if let i = byKey[change.key] { documents[i].value = try loader.resolve(change.new!) }
                    report.updated += 1
                case .added:
                    added.append(CollectionDocument(key: try DocumentKey(encoded: change.key), value: try loader.resolve(change.new!), line: 0))
                    report.inserted += 1
                }
            }
            var merged = documents.enumerated().filter { !removed.contains($0.offset) }.map(\.element) + added
            merged.sort { $0.keyBytes.lexicographicallyPrecedes($1.keyBytes) }
            var out = [UInt8]()
            for d in merged { out += d.value; out.append(10) }
            try Self.writeAtomically(out, to: path)
            report.collections += 1
        }
        report.documents = new.reduce(0) { $0 + $1.manifest.count }
        return report
    }

    /// The NDJSON file at `path` as a source with the id field the collection was backed up with.
    static func jsonSource(_ path: String, set: CollectionSet) -> JSONCollectionSource {
        let schema = try? JSONParser.parse(set.schema)
        var idField: String?
        if case .string(let field)? = schema?["id_field"] { idField = String(decoding: field, as: UTF8.self) }
        return JSONCollectionSource(path: path, format: .ndjson, idField: idField)
    }

    static func lines(_ path: String) throws -> [[UInt8]] {
        guard let data = FileManager.default.contents(atPath: path) else { throw SourceError(file: path, message: "cannot read the file") }
        var lines = [UInt8](data).split(separator: 10, omittingEmptySubsequences: false).map(Array.init)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let file = try AtomicFileWriter(path: path)
        try file.write(bytes)
        try file.commit()
    }
}
