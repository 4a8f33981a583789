import AmberCore
import AmberCrypto
import AmberManifest
import AmberRepository
import AmberStorage
import Dispatch
import Synchronization

/// Verifies a repository (`amber check`).
///
/// Structure: every index file opens; every indexed pack exists and its header agrees with the
/// index; every snapshot opens; every tree it reaches is indexed and parses; every blob a file
/// needs is indexed. With read-data: the selected packs are read whole, their SHA-256 compared
/// with their names, and every blob decrypted, decompressed and re-hashed. Damage is reported
/// with the snapshots and paths it affects.
public final class Checker: Sendable {
    let repository: Repository
    private let report = Mutex(CheckReport())
    /// Manifests kept as a base and runs, each with a place that uses it (for read-data).
    let layered = Mutex<[CollectionManifest: String]>([:])

    public init(repository: Repository) {
        self.repository = repository
    }

    /// Runs the check. `progress` is called after each pack read, with the packs and bytes read
    /// so far and to read.
    /// - Parameter digests: packs hashed ahead (``PackDigests``), stopped when the reading
    ///   starts; read-data takes a pack's SHA-256 from there rather than hashing it again.
    public func run(readData: ReadDataSelection, digests: PackDigests? = nil,
                    progress: (@Sendable (ReadDataProgress) -> Void)? = nil) throws(RepositoryError) -> CheckReport {
        defer { digests?.stop() }  // also when the check fails before reading
        let copies = try repository.copyFindings()
        update { $0.errors += copies.errors; $0.warnings += copies.warnings }
        try loadIndexFiles()
        let packs = try checkPacks()
        noteOlderGenerations(packs: packs.map(\.id))
        let snapshots = try checkSnapshots()
        digests?.stop()
        let selected = select(packs, readData)
        if !selected.isEmpty {
            self.readData(selected, digests: digests, progress: progress)
            verifyCanonicalRoots()
        }
        let damaged = report.withLock { $0.damagedBlobs }
        if !damaged.isEmpty {
            let affected = findAffected(damaged, snapshots: snapshots)
            report.withLock { $0.affected = affected }
        }
        return report.withLock { $0 }
    }

    func error(_ message: String) { report.withLock { $0.errors.append(message) } }

    /// After `key rotate`, before `key retire`: a warning counting what is still sealed under
    /// older key generations (format.md §5.3), which the retirement would seal anew.
    private func noteOlderGenerations(packs: some Sequence<BlobID>) {
        let current = repository.currentGeneration
        guard repository.keyGenerations != [current] else { return }
        let olderPacks = packs.filter { repository.index.generation(of: $0) != current }.count
        // A file that cannot be read is reported where it is read; here it counts as nothing.
        let olderFiles = ((try? repository.filesOfOtherGenerations(.index))?.count ?? 0)
            + ((try? repository.filesOfOtherGenerations(.snapshots))?.count ?? 0)
        guard olderPacks + olderFiles > 0 else { return }
        let older = repository.keyGenerations.filter { $0 != current }.map(String.init).joined(separator: ", ")
        update {
            $0.warnings.append("\(olderPacks) packs and \(olderFiles) index and snapshot files are sealed under older key generations "
                               + "(\(older)), which the key file still holds: `amber key retire` seals them under generation \(current) "
                               + "and drops the older keys")
        }
    }

    func update(_ body: (inout CheckReport) -> Void) { report.withLock { body(&$0) } }

    // MARK: Index and packs

    private func loadIndexFiles() throws(RepositoryError) {
        let names = try RepositoryError.catching { () throws(BackendError) in try repository.backend.list(.index) }
        var damaged = [String]()
        for (name, _) in names.sorted(by: { $0.name < $1.name }) where !repository.index.hasLoaded(name) {
            do {
                let payload = try repository.loadFile(.index, FileHandle(.index, name))
                repository.index.add(try IndexFile(decoding: payload, what: "index file \(name.prefix(8))"), name: name)
            } catch {
                self.error("index file \(name.prefix(8)): \(error.message)")
                damaged.append(name)
            }
        }
        // The rest of the check sees what every command sees: the packs a damaged index file
        // described, indexed from their own headers (only what no header lists is lost).
        if !damaged.isEmpty {
            try repository.recoverFromPackHeaders(damagedIndexFiles: damaged)
            update { $0.warnings.append(repository.indexDamage.summary) }
        }
    }

    /// Checks that indexed packs exist and agree with their headers. Returns the packs present.
    private func checkPacks() throws(RepositoryError) -> [(id: BlobID, size: Int)] {
        let listed = try RepositoryError.catching { () throws(BackendError) in try repository.backend.list(.data) }
        var present = [BlobID: Int]()
        for (name, size) in listed {
            guard let id = BlobID(hex: name) else {
                report.withLock { $0.warnings.append("data/\(name): not a pack name") }
                continue
            }
            present[id] = size
        }
        let indexed = repository.index.packs
        let blobsByPack = Dictionary(grouping: repository.index.allBlobs.values, by: \.pack)
        report.withLock { $0.packs = present.count }
        for pack in indexed.keys.sorted() where present[pack] == nil {
            let lost = blobsByPack[pack] ?? []
            error("pack \(pack.shortHex) is missing: \(lost.count) blobs are lost")
            report.withLock { r in for b in lost { r.damagedBlobs.insert(b.entry.id) } }
        }
        for (pack, size) in present.sorted(by: { $0.key < $1.key }) {
            guard indexed[pack] != nil else {
                report.withLock { $0.warnings.append("pack \(pack.shortHex) is in no index (left by an interrupted backup)") }
                continue
            }
            let expected = (blobsByPack[pack] ?? []).map(\.entry)
            do {
                let header = try readHeader(pack, size: size)
                let byID = Dictionary(header.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                for e in expected where byID[e.id] != e {
                    self.error("pack \(pack.shortHex): the index lists blob \(e.id.shortHex) but the pack header does not agree")
                    update { $0.damagedBlobs.insert(e.id) }
                }
            } catch {
                self.error("pack \(pack.shortHex): \(error.message)")
                report.withLock { r in for e in expected { r.damagedBlobs.insert(e.id) } }
            }
        }
        return present.map { ($0.key, $0.value) }.sorted { $0.id < $1.id }
    }

    private func readHeader(_ pack: BlobID, size: Int) throws(RepositoryError) -> [PackEntry] {
        try repository.packHeader(pack, size: size)
    }
}
