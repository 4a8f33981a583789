import AmberKit
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A temporary directory removed when released.
final class Scratch: Sendable {
    let path: String

    init() {
        var template = Array("/tmp/amber-fs-XXXXXX".utf8CString)
        path = String(cString: template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!)! })
    }

    func sub(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

let testPassword = Array("pw".utf8)

/// A repository in a local directory with cheap KDF parameters.
func makeRepository(_ scratch: Scratch) throws -> Repository {
    try Repository.initialize(backend: LocalBackend(path: scratch.sub("repo")), password: testPassword, scrypt: .testing)
}

func openAgain(_ scratch: Scratch) throws -> Repository {
    try Repository.open(backend: LocalBackend(path: scratch.sub("repo")), password: testPassword)
}

/// Random bytes from a seeded generator.
func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    return (0..<count).map { _ in
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return UInt8(truncatingIfNeeded: state)
    }
}

func write(_ path: String, _ content: [UInt8]) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(content))
}

/// Backs up `source` without a files cache; returns the snapshot id.
@discardableResult
func backup(_ repository: Repository, _ source: String, time: Date = Date()) throws -> BlobID {
    let options = BackupOptions(host: "test", time: time, cacheDirectory: nil)
    return try BackupRunner(repository: repository, options: options).run(sources: [source]).id
}

/// Restores a snapshot and returns the restored file contents by name.
func restoredFiles(_ repository: Repository, _ snapshot: BlobID, into target: String) throws -> [String: Data] {
    try repository.loadIndex()
    let root = try repository.loadSnapshot(snapshot).treeID!
    let result = try Restorer(repository: repository).restore(root, to: target)
    precondition(result.warnings.isEmpty, "\(result.warnings)")
    var files = [String: Data]()
    let base = target + "/src"
    for name in (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [] {
        files[name] = FileManager.default.contents(atPath: base + "/" + name)
    }
    return files
}
