import AmberCore
import AmberCrypto
@testable import AmberRepository
import AmberSnapshot
import AmberStorage
import Foundation
import Testing
import AmberTesting

/// The two backends every repository test runs on.
enum BackendKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory, local
    var testDescription: String { rawValue }
}

/// A fresh backend; a local one lives in a `mkdtemp` directory removed when the store goes away.
final class TestStore: @unchecked Sendable {
    let kind: BackendKind
    let backend: any Backend
    /// The temporary directory (local only); the repository is `directory/repo`.
    let directory: String?

    init(_ kind: BackendKind) throws {
        self.kind = kind
        switch kind {
        case .memory:
            backend = MemoryBackend()
            directory = nil
        case .local:
            var template = Array((NSTemporaryDirectory() + "/amber-repotests-XXXXXX").utf8CString)
            let made: String? = template.withUnsafeMutableBufferPointer { buffer in
                mkdtemp(buffer.baseAddress!).map { String(cString: $0) }
            }
            let dir = try #require(made, "mkdtemp failed")
            directory = dir
            backend = LocalBackend(path: dir + "/repo")
        }
    }

    deinit {
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// Replaces a file's bytes behind the repository's back: edits the file in place on disk
    /// (local) or re-saves it (memory).
    func overwrite(_ handle: AmberStorage.FileHandle, _ bytes: [UInt8]) throws {
        if let directory {
            let url = URL(fileURLWithPath: directory + "/repo/" + handle.path)
            try Data(bytes).write(to: url)
        } else {
            try backend.save(handle, bytes)
        }
    }

    /// Flips every bit of the byte at `offset` of a file; returns the original bytes.
    @discardableResult
    func flip(_ handle: AmberStorage.FileHandle, at offset: Int) throws -> [UInt8] {
        let original = try backend.load(handle)
        var bytes = original
        bytes[offset] ^= 0xff
        try overwrite(handle, bytes)
        return original
    }

    /// Every stored file's raw bytes, keyed by a description. Local: every file under the
    /// directory, hidden ones included.
    func allFiles() throws -> [(name: String, bytes: [UInt8])] {
        if let directory {
            var out = [(String, [UInt8])]()
            let enumerator = try #require(FileManager.default.enumerator(atPath: directory))
            while let relative = enumerator.nextObject() as? String {
                let full = directory + "/" + relative
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                out.append((relative, Array(try Data(contentsOf: URL(fileURLWithPath: full)))))
            }
            return out
        }
        var out = [(String, [UInt8])]()
        for kind in FileKind.allCases where kind != .config {
            for (name, _) in try backend.list(kind) {
                out.append(("\(kind.rawValue)/\(name)", try backend.load(AmberStorage.FileHandle(kind, name))))
            }
        }
        out.append(("config", try backend.load(.config)))
        return out
    }
}

let password = Array("correct horse battery staple".utf8)

extension RepositoryConfig {
    /// The defaults with the smallest pack size the config allows (1 MiB).
    static func smallPacks() -> RepositoryConfig {
        var config = RepositoryConfig.makeDefault()
        config.packSize = 1 << 20
        return config
    }
}

func initRepository(_ backend: any Backend, config: RepositoryConfig = .makeDefault()) throws -> Repository {
    try Repository.initialize(backend: backend, password: password, scrypt: .testing, config: config)
}

/// Opens the repository afresh and loads its index.
func reopen(_ backend: any Backend) throws -> Repository {
    let repository = try Repository.open(backend: backend, password: password)
    try repository.loadIndex()
    return repository
}

func randomBytes(_ count: Int) -> [UInt8] { SecureRandom.bytes(count) }

func blobID(_ repository: Repository, _ plaintext: [UInt8], _ type: BlobType = .data) -> BlobID {
    repository.withSealer { $0.blobID(of: plaintext, type: type) }
}

/// Stores blobs with a fresh writer and finishes it; returns the ids.
@discardableResult
func storeBlobs(_ repository: Repository, _ blobs: [(BlobType, [UInt8])]) throws -> [BlobID] {
    let writer = BlobWriter(repository: repository)
    var ids = [BlobID]()
    for (type, plaintext) in blobs {
        let id = blobID(repository, plaintext, type)
        try writer.add(type, id: id, plaintext: plaintext)
        ids.append(id)
    }
    _ = try writer.finish()
    return ids
}

func fileNode(_ name: String, content: [BlobID], size: UInt64 = 0) -> Node {
    var node = Node(name: Array(name.utf8), kind: .file, mode: 0o644, uid: 1000, gid: 1000,
                    mtimeSeconds: 1_700_000_000, mtimeNanoseconds: 5, size: size)
    node.content = content
    return node
}

func directoryNode(_ name: String, subtree: BlobID) -> Node {
    var node = Node(name: Array(name.utf8), kind: .directory, mode: 0o755, uid: 0, gid: 0,
                    mtimeSeconds: 1_700_000_000, mtimeNanoseconds: 0, size: 0)
    node.subtree = subtree
    return node
}

func makeSnapshot(tree: BlobID, time: Date = Date(), tags: [String] = [], sources: [String] = ["/src"]) -> Snapshot {
    Snapshot(time: RFC3339.format(time), host: "testhost", username: "tester", tags: tags, sources: sources,
             tree: tree, parent: nil, program: "amber-tests", stats: Snapshot.Statistics())
}

/// Stores `data` as the one blob of `/docs/report.txt` and saves a snapshot of it.
/// Returns the data blob id and the snapshot id.
func backupOneFile(_ repository: Repository, data: [UInt8]) throws -> (blob: BlobID, snapshot: BlobID) {
    let writer = BlobWriter(repository: repository)
    let id = blobID(repository, data)
    try writer.add(.data, id: id, plaintext: data)
    let sub = Tree(nodes: [fileNode("report.txt", content: [id], size: UInt64(data.count))]).encoded()
    let subID = blobID(repository, sub, .tree)
    try writer.add(.tree, id: subID, plaintext: sub)
    let root = Tree(nodes: [directoryNode("docs", subtree: subID)]).encoded()
    let rootID = blobID(repository, root, .tree)
    try writer.add(.tree, id: rootID, plaintext: root)
    _ = try writer.finish()
    return (id, try repository.saveSnapshot(makeSnapshot(tree: rootID)))
}

/// The entries of a pack's header, read and decrypted from the pack file.
func packHeader(_ repository: Repository, _ pack: BlobID) throws -> [PackEntry] {
    let bytes = try repository.backend.load(AmberStorage.FileHandle(.data, pack.hex))
    let (salt, length, generation) = try Pack.parseTrailer(Array(bytes.suffix(Pack.trailerCount)), what: "pack")
    let start = bytes.count - Pack.trailerCount - length
    let header = Array(bytes[start..<(bytes.count - Pack.trailerCount)])
    return try repository.withSealer { sealer throws(RepositoryError) in
        try Pack.parseHeader(header, salt: salt, generation: generation, blobArea: start, sealer: sealer, what: "pack")
    }
}

func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    Data(haystack).range(of: Data(needle)) != nil
}

/// A report's affected paths as "snapshot-hex path".
func affected(_ report: CheckReport) -> [String] {
    report.affected.map { "\($0.snapshot.hex) \($0.path)" }.sorted()
}

/// A backup of `blobs` as the content of one file, "big", under one tree, saved as a snapshot:
/// the blobs' ids, the tree and the snapshot. On a failure it waits for the writer's workers
/// (as a process exiting would) and rethrows.
func backupOneFile(_ repository: Repository, _ blobs: [[UInt8]]) throws -> (ids: [BlobID], tree: BlobID, snapshot: BlobID) {
    let writer = BlobWriter(repository: repository)
    do {
        var ids = [BlobID]()
        for blob in blobs {
            let id = blobID(repository, blob)
            try writer.add(.data, id: id, plaintext: blob)
            ids.append(id)
        }
        let tree = Tree(nodes: [fileNode("big", content: ids)]).encoded()
        let treeID = blobID(repository, tree, .tree)
        try writer.add(.tree, id: treeID, plaintext: tree)
        _ = try writer.finish()
        return (ids, treeID, try repository.saveSnapshot(makeSnapshot(tree: treeID)))
    } catch {
        _ = try? writer.finish()
        throw error
    }
}
