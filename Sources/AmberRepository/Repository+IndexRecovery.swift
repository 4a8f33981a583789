import AmberCore
import AmberStorage

/// Index files that could not be read, and what took their place (``Repository/indexDamage``).
public struct IndexDamage: Sendable {
    /// The damaged index files, by name.
    public var indexFiles: [String] = []
    /// The packs read from their own headers (§Packs: every pack carries its index) because no
    /// readable index file describes them, with their entries.
    public var recovered: [(pack: BlobID, entries: [PackEntry])] = []
    /// Packs whose header could not be read either: their blobs are lost to this process.
    public var unreadablePacks: [String] = []

    public var isEmpty: Bool { indexFiles.isEmpty }

    /// One line a command prints as a warning.
    public var summary: String {
        var text = "\(indexFiles.count) damaged index \(indexFiles.count == 1 ? "file" : "files") "
            + "(\(indexFiles.map { String($0.prefix(8)) }.joined(separator: ", "))): \(recovered.count) packs were indexed "
            + "from their own headers instead"
        if !unreadablePacks.isEmpty { text += "; \(unreadablePacks.count) packs could not be read and their blobs are missing" }
        return text + "; run `amber repair index` to write a new index"
    }
}

extension Repository {
    /// What the last ``loadIndex(excludingPending:)`` found damaged, if anything: a damaged index
    /// file costs only the blobs that it alone describes and that no pack header still lists.
    public var indexDamage: IndexDamage { damage.withLock { $0 } }

    /// Notes `damagedIndexFiles`, and adds to the index every pack in `data/` that no loaded index
    /// file describes, from the pack's own header. Packs left by an interrupted backup, which no
    /// index file names either, are added too: their blobs are whole and sealed.
    /// Returns the packs added, with their header entries.
    @discardableResult
    package func recoverFromPackHeaders(damagedIndexFiles: [String], skipping skipped: Set<BlobID> = []) throws(RepositoryError)
        -> [(pack: BlobID, entries: [PackEntry])] {
        let listed = try storage { () throws(BackendError) in try backend.list(.data) }
        let indexed = index.packs
        var recovered = [(pack: BlobID, entries: [PackEntry])]()
        var unreadable = [String]()
        for (name, size) in listed {
            guard let pack = BlobID(hex: name), indexed[pack] == nil, !skipped.contains(pack) else { continue }
            do {
                recovered.append((pack, try packHeader(pack, size: size)))
            } catch {
                unreadable.append(name)
            }
        }
        index.add(IndexFile(packs: recovered, generations: index.generations(of: recovered.map(\.pack))), name: nil)
        damage.withLock { damage in
            damage.indexFiles += damagedIndexFiles
            damage.recovered += recovered
            damage.unreadablePacks += unreadable
        }
        return recovered
    }

    /// Packs in `data/` that no loaded index file describes, read from their headers and added to
    /// the index (not those a pending prune plan deletes): what a backup killed before writing its
    /// index left, for the next backup to reuse instead of storing the data again.
    public func indexPacksLeftUnindexed() throws(RepositoryError) -> [(pack: BlobID, entries: [PackEntry])] {
        let planned = Set(try loadPrunePlans().flatMap(\.plan.packs))
        return try recoverFromPackHeaders(damagedIndexFiles: [], skipping: planned)
    }

    /// The entries of a pack's header (§Packs), read from its trailer and sealed header.
    public func packHeader(_ pack: BlobID, size: Int) throws(RepositoryError) -> [PackEntry] {
        let handle = FileHandle(.data, pack.hex)
        return try packHeader(pack, size: size) { offset, length throws(RepositoryError) in
            try RepositoryError.catching { () throws(BackendError) in try backend.load(handle, offset: offset, length: length) }
        }
    }

    /// The entries of a pack's header, from the whole pack already read.
    public func packHeader(_ pack: BlobID, bytes: [UInt8]) throws(RepositoryError) -> [PackEntry] {
        try packHeader(pack, size: bytes.count) { offset, length in Array(bytes[offset..<offset + length]) }
    }

    /// The header of the pack of `size` bytes whose ranges `read` gives.
    private func packHeader(_ pack: BlobID, size: Int,
                            read: (_ offset: Int, _ length: Int) throws(RepositoryError) -> [UInt8]) throws(RepositoryError) -> [PackEntry] {
        let what = "pack \(pack.shortHex)"
        guard size >= Pack.trailerCount else { throw RepositoryError.damaged(what, "too short") }
        let (salt, headerLength, generation) = try Pack.parseTrailer(try read(size - Pack.trailerCount, Pack.trailerCount), what: what)
        guard headerLength + Pack.trailerCount <= size else { throw RepositoryError.damaged(what, "header length out of range") }
        // The index's word on the generation stands: a trailer naming another is damaged.
        let indexed = index.noteGeneration(generation, of: pack)
        guard indexed == generation else {
            throw RepositoryError.damaged(what, "its trailer names key generation \(generation), its index entry \(indexed)")
        }
        let header = try read(size - Pack.trailerCount - headerLength, headerLength)
        return try withSealer { sealer throws(RepositoryError) in
            try Pack.parseHeader(header, salt: salt, generation: generation, blobArea: size - Pack.trailerCount - headerLength,
                                 sealer: sealer, what: what)
        }
    }
}
