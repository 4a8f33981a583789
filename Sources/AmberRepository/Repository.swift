import AmberChunking
import AmberCore
import AmberCrypto
import AmberStorage
import Dispatch
import Synchronization

/// An open repository: its backend, config, keys and index.
///
/// Vocabulary (see `docs/format.md`): a *blob* is a chunk of content or a tree, identified by
/// its keyed id; blobs are sealed one by one and grouped into *packs*; *index files* say which
/// pack holds which blob; *snapshots* name a root tree. Thread-safe: per-thread OpenSSL and zstd
/// contexts come from a pool.
public final class Repository: Sendable {
    public let backend: any Backend
    public let config: RepositoryConfig
    /// The repository's secrets: visible in this package only (tests compare them); others use
    /// ``makeChunker()``, ``makeIDHasher(for:)`` and ``makePreparedHasher(info:)``.
    package let keys: MasterKeys
    /// The union of every index file loaded so far.
    public let index = MasterIndex()
    /// The name of the key file that opened this repository (the one ``initialize`` wrote), or nil
    /// when it is unknown.
    public let keyName: String?
    private let pool: Mutex<[Sealer]>
    /// What ``loadIndex(excludingPending:)`` found damaged and did instead (``indexDamage``).
    let damage = Mutex<IndexDamage>(IndexDamage())
    /// Snapshot files a tolerant listing could not read and left out (AmberSnapshot's
    /// `readableSnapshots()`), by name, with why; and who hears of each, once.
    package let skippedSnapshotFiles = Mutex<[String: String]>([:])
    package let skippedSnapshotListener = Mutex<(@Sendable (String) -> Void)?>(nil)
    /// The files ``open(backend:password:)`` found damaged and read from their copies instead
    /// (`Repository+Copies.swift`), as warnings to show: empty when nothing was.
    public let copyNotes: [String]

    init(backend: any Backend, config: RepositoryConfig, keys: MasterKeys, keyName: String? = nil, copyNotes: [String] = []) {
        self.backend = backend
        self.config = config
        self.keys = keys
        self.keyName = keyName
        self.copyNotes = copyNotes
        pool = Mutex([])
    }

    // MARK: Creating and opening

    /// Creates a repository: key file first, then the config, whose presence marks a repository;
    /// each with its copy (`Repository+Copies.swift`).
    public static func initialize(backend: any Backend, password: [UInt8], scrypt: ScryptParameters,
                                  config: RepositoryConfig = .makeDefault()) throws(RepositoryError) -> Repository {
        do {
            _ = try RepositoryConfig(decoding: config.encoded())
        } catch {
            throw RepositoryError(.invalidArgument, "the repository parameters are not supported: \(error.message)")
        }
        if try storage({ () throws(BackendError) in try backend.exists(.config) }) {
            throw RepositoryError(.invalidArgument, "a repository already exists at \(backend.location)")
        }
        try storage { () throws(BackendError) in try backend.create() }
        let keys = MasterKeys.generate()
        let repository = Repository(backend: backend, config: config, keys: keys)
        let keyName = try repository.addKey(password: password, scrypt: scrypt)
        let sealed = try repository.withSealer { sealer throws(RepositoryError) in
            try sealer.sealFile(.config, payload: config.encoded())
        }
        try saveWithCopy(backend, .config, sealed)
        return Repository(backend: backend, config: config, keys: keys, keyName: keyName)
    }

    /// Opens a repository with a password: tries every key file, then reads the config.
    public static func open(backend: any Backend, password: [UInt8]) throws(RepositoryError) -> Repository {
        let configBytes: [UInt8]
        do {
            configBytes = try backend.load(.config)
        } catch where error.code == .notFound {
            throw RepositoryError(.noRepository, "there is no repository at \(backend.location)")
        } catch {
            throw RepositoryError.storage(error)
        }
        let keyNames = try storage { () throws(BackendError) in try backend.list(.keys) }
        guard !keyNames.isEmpty else {
            throw RepositoryError(.damaged, "the repository at \(backend.location) has no key files")
        }
        // Try every key file: one that is malformed, or that opens but does not match the config
        // (left by an interrupted init), must not hide a good one. A damaged key file or config
        // is read from its copy, if the repository has copies.
        var damaged = [String](), unmatched = [String](), notes = [String]()
        // The config's copy is read only if the config does not open, and a copy that cannot be
        // read (absent, or storage refusing it) is no copy: it never stops an intact repository.
        var configCopy: [UInt8]??
        // Newer key generations first: after an interrupted `key rotate` both key files open.
        // Once a key file of generation g opens with the password, key files of older generations
        // are not used (§5.2): an old key file put back, with the old config, must not roll the
        // keys back to a generation that `key retire` dropped.
        var newestOpened: UInt16?
        // Each key file as a reader uses it (its copy when it does not match its name; nil when
        // neither does), and its generation as it says (a damaged newest key file must not let
        // an older one go first; one damaged beyond its copy goes first, found so at once).
        var readable = [String: (bytes: [UInt8], fromCopy: Bool)?]()
        var generations = [String: UInt16]()
        for (name, _) in keyNames {
            let file = try readableKeyBytes(backend, name)
            readable[name] = file
            generations[name] = file.map { (try? KeyFile(decoding: $0.bytes, what: ""))?.generation ?? 0 } ?? .max
        }
        for name in keyNames.map(\.name).sorted(by: { (generations[$1]!, $0) < (generations[$0]!, $1) }) {
            let what = "key file \(name.prefix(8))"
            if let newestOpened, generations[name]! < newestOpened { continue }
            let keys: MasterKeys
            var keyNote: String?
            do throws(RepositoryError) {
                // A key file is named by the SHA-256 of its bytes: damage shows before any password is tried.
                guard let (bytes, fromCopy) = readable[name]! else {
                    damaged.append("\(what) is damaged: its contents do not match its name")
                    continue
                }
                if fromCopy { keyNote = "\(what) is damaged; its copy in copies/ was used: run `amber repair keys`" }
                guard let unwrapped = try KeyFile(decoding: bytes, what: what).unwrap(password: password, what: what) else { continue }
                if let newestOpened, unwrapped.currentGeneration < newestOpened { continue }
                newestOpened = unwrapped.currentGeneration
                keys = unwrapped
            } catch {
                if error.code == .storage { throw error }
                damaged.append("\(what): \(error.message)")
                continue
            }
            // The password opened this key: what fails now is the config's (or the key is an
            // orphan of an interrupted init, which another key file may outdo).
            let sealer = Sealer(keys: keys, compressionLevel: 0)
            var plainConfig: [UInt8]
            do throws(RepositoryError) {
                plainConfig = try sealer.openFile(.config, configBytes, what: "the config file")
            } catch {
                if configCopy == nil { configCopy = .some((try? loadCopy(backend, of: .config)) ?? nil) }
                guard let copy = configCopy ?? nil, let fromCopy = try? sealer.openFile(.config, copy, what: "the copy of the config file") else {
                    unmatched.append("\(what) opens with the password but the config file does not open with it (\(error.message))")
                    continue
                }
                plainConfig = fromCopy
                notes.append("\(error.message); its copy in copies/ was used: run `amber repair keys`")
            }
            do throws(RepositoryError) {
                return Repository(backend: backend, config: try RepositoryConfig(decoding: plainConfig), keys: keys, keyName: name,
                                  copyNotes: (keyNote.map { [$0] } ?? []) + notes)
            } catch {
                throw RepositoryError(.damaged, "the config file of the repository at \(backend.location): \(error.message)")
            }
        }
        if !unmatched.isEmpty {
            throw RepositoryError(.damaged, "the config file of the repository at \(backend.location) is damaged, or the key is left "
                                  + "from an interrupted init (or, for a key generation the config is not sealed under, from a sync "
                                  + "interrupted after `key retire`: sync again): " + (unmatched + damaged).joined(separator: "; "))
        }
        if !damaged.isEmpty && damaged.count == keyNames.count {
            throw RepositoryError(.damaged, "no key file of the repository at \(backend.location) is usable: " + damaged.joined(separator: "; "))
        }
        let note = damaged.isEmpty ? "" : " (also: " + damaged.joined(separator: "; ") + ")"
        throw RepositoryError(.wrongPassword, "wrong password: no key in the repository at \(backend.location) opens with it" + note)
    }

    /// Wraps the master key under another password and saves it as a new key file, with its
    /// copy; returns its name.
    @discardableResult
    public func addKey(password: [UInt8], scrypt: ScryptParameters) throws(RepositoryError) -> String {
        let bytes = try KeyFile.wrap(keys, password: password, parameters: scrypt).encoded()
        let name = Hex.encode(SHA256.hash(bytes))
        try storage { () throws(BackendError) in try backend.create() }  // copies/ in an older repository
        try Self.saveWithCopy(backend, FileHandle(.keys, name), bytes)
        return name
    }

    /// The key generation new objects are sealed under (§Keys).
    public var currentGeneration: UInt16 { keys.currentGeneration }

    /// The key generations whose objects this repository reads, ascending.
    public var keyGenerations: [UInt16] { keys.dataKeys.keys.sorted() }

    /// A second handle on the same repository with an empty index, for a consistent fresh view.
    public func withFreshIndex() -> Repository {
        Repository(backend: backend, config: config, keys: keys, keyName: keyName)
    }

    // MARK: Contexts

    /// Runs `body` with a sealer from the pool (created on demand, returned afterwards).
    public func withSealer<T, E: Error>(_ body: (Sealer) throws(E) -> T) throws(E) -> T {
        let sealer = pool.withLock { $0.popLast() } ?? Sealer(keys: keys, compressionLevel: Int32(config.compressionLevel))
        defer { pool.withLock { $0.append(sealer) } }
        return try body(sealer)
    }

    /// A chunker with this repository's parameters and secret gear table.
    public func makeChunker() -> FastCDC { makeChunker(parameters: config.chunkerParameters) }

    /// A chunker with other parameters (a manifest's large values) and this repository's secret gear table.
    public func makeChunker(parameters: ChunkerParameters) -> FastCDC {
        FastCDC(parameters: parameters, gear: GearTable(keys.gearValues())!)
    }

    /// An HMAC-SHA256 keyed with `HKDF-SHA256(master, info)`: a keyed hash for another layer's
    /// purpose (a manifest's split key) that never hands out the master secret, prepared for
    /// many short messages (``PreparedHMACSHA256``).
    public func makePreparedHasher(info: String) -> PreparedHMACSHA256 {
        PreparedHMACSHA256(key: HKDF.sha256(key: keys.master, salt: [], info: Array(info.utf8), count: 32))
    }

    /// A hasher computing the ids of blobs of a type (`HMAC-SHA256(idKey or treeIDKey, ·)`). One per thread.
    public func makeIDHasher(for type: BlobType) -> HMACSHA256 { HMACSHA256(key: keys.idKey(for: type)) }

    // MARK: Files

    /// Seals `payload` as a repository file of `type` and saves it under the SHA-256 of its bytes.
    /// Returns the file's name. With `verifying`, reads it back first (``verifySaved(_:)``).
    public func saveFile(_ type: RepositoryFileType, kind: FileKind, payload: [UInt8],
                         verifying: Bool = false) throws(RepositoryError) -> (name: String, size: Int) {
        let sealed = try withSealer { sealer throws(RepositoryError) in try sealer.sealFile(type, payload: payload) }
        let name = Hex.encode(SHA256.hash(sealed))
        try storage { () throws(BackendError) in try backend.save(FileHandle(kind, name), sealed) }
        if verifying { try verifySaved(FileHandle(kind, name)) }
        return (name, sealed.count)
    }

    /// Reads back a file just saved and checks it against its name (the SHA-256 of the bytes
    /// written): a storage that shortened or lost the write without saying so is caught here.
    ///
    /// The file is removed then (nothing refers to a file being verified yet), so that it
    /// does not stand in the way as a damaged file.
    ///
    /// - Throws: ``RepositoryError/Code/storage`` naming the file, when it reads back otherwise.
    public func verifySaved(_ handle: FileHandle) throws(RepositoryError) {
        let bytes = try storage { () throws(BackendError) in try backend.load(handle) }
        guard handle.isNamed(by: bytes) else {
            try? backend.remove(handle)
            throw RepositoryError(.storage, "\(handle.path) read back differs from what was written (\(bytes.count) bytes read): "
                                  + "the storage lost part of the write, and the file was removed")
        }
    }

    /// Loads and opens a repository file, checking its name against the SHA-256 of its bytes.
    public func loadFile(_ type: RepositoryFileType, _ handle: FileHandle) throws(RepositoryError) -> [UInt8] {
        let bytes = try storage { () throws(BackendError) in try backend.load(handle) }
        let what = "\(handle.kind.rawValue) file \(handle.name.prefix(8))"
        guard handle.isNamed(by: bytes) else {
            throw RepositoryError.damaged(what, "its contents do not match its name")
        }
        return try withSealer { sealer throws(RepositoryError) in try sealer.openFile(type, bytes, what: what) }
    }

    /// Loads every index file not loaded yet into ``index``. Returns the number of files read.
    ///
    /// Prune plans are read first: with `excludingPending`, blobs found only in packs a plan
    /// will delete are treated as absent, and the index files a plan will delete are read last,
    /// so locations in surviving packs win (`docs/format.md` §Prune).
    @discardableResult
    public func loadIndex(excludingPending: Bool = true) throws(RepositoryError) -> Int {
        var obsolete = Set<String>()
        var planned = Set<BlobID>()
        if excludingPending {
            let plans = try loadPrunePlans()
            planned = Set(plans.flatMap(\.plan.packs))
            index.exclude(packs: planned)
            obsolete = Set(plans.flatMap { $0.plan.indexFiles.map(\.hex) })
        }
        let names = try storage { () throws(BackendError) in try backend.list(.index) }
        let ordered = names.map(\.name).filter { !obsolete.contains($0) } + names.map(\.name).filter { obsolete.contains($0) }
        // Index files are read, decrypted and decoded in parallel (a backend's latency and the
        // decoding overlap), then added in order with room for all of them made once.
        let pending = ordered.filter { !index.hasLoaded($0) }
        let mayVanish = obsolete
        let decoded = Mutex<[Int: Result<IndexFile?, RepositoryError>]>([:])
        DispatchQueue.concurrentPerform(iterations: pending.count) { i in
            let name = pending[i]
            let result: Result<IndexFile?, RepositoryError>
            do throws(RepositoryError) {
                let payload = try loadFile(.index, FileHandle(.index, name))
                result = .success(try IndexFile(decoding: payload, what: "index file \(name.prefix(8))"))
            } catch where error.code == .storage && mayVanish.contains(name) {
                result = .success(nil)  // deleted by a prune finishing meanwhile
            } catch {
                result = .failure(error)
            }
            decoded.withLock { $0[i] = result }
        }
        var damaged = [String]()
        let files = try decoded.withLock { results throws(RepositoryError) in
            try pending.indices.map { i throws(RepositoryError) -> IndexFile? in
                switch results[i]! {
                case .success(let file): return file
                case .failure(let error) where error.code == .damaged:
                    // Damage stays local: the packs it described are read from their headers below.
                    damaged.append(pending[i])
                    return nil
                case .failure(let error): throw error
                }
            }
        }
        index.reserve(files.reduce(0) { $0 + ($1?.blobCount ?? 0) })
        var loaded = 0
        for (name, file) in zip(pending, files) {
            guard let file else { continue }
            index.add(file, name: name)
            loaded += 1
        }
        if !damaged.isEmpty { try recoverFromPackHeaders(damagedIndexFiles: damaged, skipping: planned) }
        return loaded
    }

    /// Every prune plan, with its file name.
    public func loadPrunePlans() throws(RepositoryError) -> [(name: String, plan: PrunePlan)] {
        var damaged = [String]()
        return try loadPrunePlans(damaged: &damaged)
    }

    /// The prune plans that can be read; the names of those that cannot (damaged: a plan torn
    /// by a crash) go to `damaged`. A plan holds no data, only an intention (`format.md` §14),
    /// so one that cannot be read is left out, never an obstacle: its packs stay until a prune
    /// plans anew, and prune removes the file.
    public func loadPrunePlans(damaged: inout [String]) throws(RepositoryError) -> [(name: String, plan: PrunePlan)] {
        let names = try backend.listPresent(.plans)  // none in a repository created before plans existed
        var plans = [(name: String, plan: PrunePlan)]()
        for (name, _) in names {
            do {
                let payload = try loadFile(.prunePlan, FileHandle(.plans, name))
                plans.append((name, try PrunePlan(decoding: payload, what: "prune plan \(name.prefix(8))")))
            } catch where error.code == .storage {
                continue  // removed by a prune finishing meanwhile
            } catch where error.code == .damaged {
                damaged.append(name)
            }
        }
        return plans
    }

    // MARK: Blobs

    /// Loads, decrypts, decompresses and verifies one blob.
    public func loadBlob(_ id: BlobID, type: BlobType? = nil) throws(RepositoryError) -> [UInt8] {
        // A blob only in a pack awaiting deletion can still be read: only deduplication ignores it.
        guard let location = index.lookup(id) ?? index.excludedLocation(id) else {
            throw RepositoryError(.missingBlob, "blob \(id.shortHex) is in no index")
        }
        if let type, location.entry.type != type {
            throw RepositoryError.damaged("blob \(id.shortHex)", "it is a \(location.entry.type) blob, expected \(type)")
        }
        let envelope = try storage { () throws(BackendError) in
            try backend.load(FileHandle(.data, location.pack.hex), offset: Int(location.entry.offset), length: Int(location.entry.length))
        }
        return try openBlob(envelope[...], entry: location.entry, pack: location.pack)
    }

    /// Opens a blob envelope read from a pack and checks its id.
    public func openBlob(_ envelope: ArraySlice<UInt8>, entry: PackEntry, pack: BlobID) throws(RepositoryError) -> [UInt8] {
        func what() -> String { "blob \(entry.id.shortHex) in pack \(pack.shortHex)" }
        return try withSealer { sealer throws(RepositoryError) in
            let key = try sealer.blobKey(entry.type, entry.id, generation: index.generation(of: pack))
            let plain = try sealer.open(envelope, key: key, aad: Self.blobAAD(entry.type, entry.id),
                                        what: what(), expectedCount: Int(entry.rawLength))
            guard sealer.blobID(of: plain, type: entry.type) == entry.id else {
                throw RepositoryError.damaged(what(), "its content does not match its id")
            }
            return plain
        }
    }

    public static func blobAAD(_ type: BlobType, _ id: BlobID) -> [UInt8] {
        var aad = [type.rawValue]
        id.append(to: &aad)
        return aad
    }
}
