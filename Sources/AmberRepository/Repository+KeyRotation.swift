import AmberCore
import AmberCrypto
import AmberStorage

/// What `amber key rotate` did: the key file now in use and the key files it removed.
public struct KeyRotation: Sendable, Equatable {
    /// The key file written for the password in use.
    public var keyName: String
    /// The key generation new objects are sealed under from now on.
    public var generation: UInt16
    /// The generations a reader still accepts (the newest is `generation`).
    public var generations: [UInt16]
    /// Other key files, removed: each held the keys without the new generation (or, after a
    /// retirement, retired ones). Their passwords need `amber key add` again.
    public var removedKeys: [String]
}

/// Key rotation (`docs/format.md` §Keys): a new random data key that new objects are sealed
/// under, and, once every object is sealed under it, a key file without the others.
extension Repository {
    /// Adds a key generation with a new random data key and makes it current: writes a key file
    /// for `password` (the one that opened this repository) holding every generation, then
    /// removes every other key file. Objects already stored stay readable under their own
    /// generation. A crash in between leaves both key files; readers try the newer first.
    /// Call with the repository locked exclusively; then open the repository anew to write.
    public func rotateKeys(password: [UInt8], scrypt: ScryptParameters) throws(RepositoryError) -> KeyRotation {
        try checkKeysAreCurrent()
        let rotated = try keys.rotated()
        let (name, removed) = try replaceKeyFiles(with: rotated, password: password, scrypt: scrypt)
        return KeyRotation(keyName: name, generation: rotated.currentGeneration,
                           generations: rotated.dataKeys.keys.sorted(), removedKeys: removed)
    }

    /// The last step of a retirement: a key file for `password` holding only the current
    /// generation's data key; every other key file is removed. Call only once no object of
    /// another generation is left (``filesOfOtherGenerations(_:)``, and no such pack), with the
    /// repository locked exclusively.
    public func dropOtherGenerations(password: [UInt8], scrypt: ScryptParameters) throws(RepositoryError) -> KeyRotation {
        try checkKeysAreCurrent()
        let retired = keys.retired()
        let (name, removed) = try replaceKeyFiles(with: retired, password: password, scrypt: scrypt)
        return KeyRotation(keyName: name, generation: retired.currentGeneration, generations: [retired.currentGeneration],
                           removedKeys: removed)
    }

    /// Throws when a key file says it holds a newer key generation than the keys that opened
    /// this repository: a `key rotate` ended since (or this password's key file is one a rotation
    /// left behind). Such keys must not rotate, retire or write: what they wrote would be sealed
    /// under a generation the newest key file may drop.
    public func checkKeysAreCurrent() throws(RepositoryError) {
        guard let (name, generation) = try newerKeyFile() else { return }
        throw RepositoryError(.locked, "key file \(name.prefix(8)) holds key generation \(generation), newer than the keys that opened "
                              + "the repository (generation \(currentGeneration)): the keys were rotated since; run the command again "
                              + "(if it opens with the same keys, the password's key file was left by `key rotate`: ask who rotated "
                              + "for `amber key add`)")
    }

    /// A key file, other than the one in use, whose generation is newer than these keys' (as it
    /// says, or its copy says when the file does not match its name), and that generation.
    public func newerKeyFile() throws(RepositoryError) -> (name: String, generation: UInt16)? {
        for (name, _) in try storage({ () throws(BackendError) in try backend.list(.keys) }) where name != keyName {
            guard let file = try? readableKeyFile(name), let generation = file.generation, generation > currentGeneration else { continue }
            return (name, generation)
        }
        return nil
    }

    /// The key file `name` as a reader uses it: its bytes, or its copy's when they do not match
    /// the name and the copy does.
    func readableKeyFile(_ name: String) throws(RepositoryError) -> KeyFile {
        let what = "key file \(name.prefix(8))"
        guard let (bytes, _) = try Self.readableKeyBytes(backend, name) else {
            throw RepositoryError.damaged(what, "its contents do not match its name")
        }
        return try KeyFile(decoding: bytes, what: what)
    }

    /// The key generation of a sealed file whose header names one newer than these keys' (its
    /// writer has newer keys); nil otherwise, or when the header cannot be read.
    package func newerGeneration(of handle: FileHandle) -> UInt16? {
        guard let header = try? backend.load(handle, offset: 0, length: Sealer.fileHeaderCount),
              let generation = Sealer.generation(ofFile: header), generation > currentGeneration else { return nil }
        return generation
    }

    /// Removes the key files other than the one in use that hold a key generation these keys do
    /// not (left by an interrupted retirement's last step, whatever their password): a version 2
    /// key file lists its generations in the clear (checked against its payload when it is
    /// opened), a version 1 key file holds generation 0. Returns the names removed.
    public func removeKeyFilesHoldingOtherGenerations() throws(RepositoryError) -> [String] {
        var removed = [String]()
        for (name, _) in try storage({ () throws(BackendError) in try backend.list(.keys) }) where name != keyName {
            guard let file = try? readableKeyFile(name) else { continue }
            let held = file.version == 1 ? [0] : (file.generations ?? [])
            guard held.contains(where: { keys.dataKeys[$0] == nil }) else { continue }
            try Self.removeWithCopy(backend, FileHandle(.keys, name))
            removed.append(name)
        }
        return removed.sorted()
    }

    /// The sealed files of `kind` (index, snapshots, locks, plans) whose header names a key
    /// generation other than the current one, by name. A file that cannot be read fails it (a
    /// retirement must not pass one over), unless it is gone since the listing.
    public func filesOfOtherGenerations(_ kind: FileKind) throws(RepositoryError) -> [String] {
        let names = try storage { () throws(BackendError) in try backend.list(kind) }.map(\.name)
        var found = [String]()
        for name in names {
            let header: [UInt8]
            do {
                header = try backend.load(FileHandle(kind, name), offset: 0, length: Sealer.fileHeaderCount)
            } catch where error.code == .notFound {
                continue
            } catch {
                throw RepositoryError.storage(error)
            }
            guard let generation = Sealer.generation(ofFile: header) else {
                throw RepositoryError.damaged("\(kind) file \(name.prefix(8))", "not an Amber repository file")
            }
            if generation != currentGeneration { found.append(name) }
        }
        return found
    }

    /// Seals the file `name` of `kind` anew under the current generation and removes the old
    /// one; returns the new name. The new file's salt is derived from the old name
    /// (``Sealer/resealSalt(for:)``), so a re-seal run again after a crash writes the same file.
    @discardableResult
    public func reseal(_ type: RepositoryFileType, _ kind: FileKind, name: String) throws(RepositoryError) -> String {
        let payload = try loadFile(type, FileHandle(kind, name))
        let sealed = try withSealer { sealer throws(RepositoryError) in
            try sealer.sealFile(type, payload: payload, salt: try sealer.resealSalt(for: name))
        }
        let newName = Hex.encode(SHA256.hash(sealed))
        try storage { () throws(BackendError) in try backend.save(FileHandle(kind, newName), sealed) }
        try verifySaved(FileHandle(kind, newName))
        try storage { () throws(BackendError) in try backend.remove(FileHandle(kind, name)) }
        return newName
    }

    /// Seals the config anew under the current generation, if it is of another: its copy first,
    /// then the file. The new config lists the SHA-256 of the one it replaces among its
    /// ``RepositoryConfig/earlierSealings``, by which `sync` knows earlier copies of this
    /// repository. Returns whether it did.
    @discardableResult
    public func resealConfig() throws(RepositoryError) -> Bool {
        let bytes = try storage { () throws(BackendError) in try backend.load(.config) }
        guard let generation = Sealer.generation(ofFile: bytes), generation != currentGeneration else { return false }
        // The payload of the file on disk (not this handle's): a retirement run again keeps its
        // list. From its copy when it does not open (as `open` read it).
        let current = try RepositoryConfig(decoding: try withSealer { sealer throws(RepositoryError) in
            do throws(RepositoryError) {
                return try sealer.openFile(.config, bytes, what: "the config file")
            } catch {
                guard let copy = try Self.loadCopy(backend, of: .config) else { throw error }
                return try sealer.openFile(.config, copy, what: "the copy of the config file")
            }
        })
        let replacing = current.addingEarlierSealing(BlobID(bytes: SHA256.hash(bytes))!)
        let sealed = try withSealer { sealer throws(RepositoryError) in try sealer.sealFile(.config, payload: replacing.encoded()) }
        try Self.saveWithCopy(backend, .config, sealed)
        return true
    }

    /// Saves a key file wrapping `keys` for `password`, with its copy, then removes every other
    /// key file and its copy. Returns the new name and the removed ones.
    private func replaceKeyFiles(with keys: MasterKeys, password: [UInt8], scrypt: ScryptParameters)
        throws(RepositoryError) -> (String, [String]) {
        let bytes = try KeyFile.wrap(keys, password: password, parameters: scrypt).encoded()
        let name = Hex.encode(SHA256.hash(bytes))
        try storage { () throws(BackendError) in try backend.create() }  // copies/ in an older repository
        try Self.saveWithCopy(backend, FileHandle(.keys, name), bytes)
        let others = try storage { () throws(BackendError) in try backend.list(.keys) }.map(\.name).filter { $0 != name }
        for other in others.sorted() { try Self.removeWithCopy(backend, FileHandle(.keys, other)) }
        return (name, others.sorted())
    }
}
