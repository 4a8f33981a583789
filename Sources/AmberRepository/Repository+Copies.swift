import AmberCore
import AmberStorage

/// The *copies* (`docs/format.md` §4.1): every writer of the config or a key file first saves a
/// byte-for-byte copy under `copies/` (`copies/config`, `copies/<key file name>`), so that one
/// damaged file never loses the repository. A reader that finds the config or a key file
/// damaged takes its copy, and says so (``Repository/copyNotes``); `check` compares each file
/// with its copy and names the damaged one; ``Repository/repairCopies()`` rewrites whichever is
/// damaged or missing. Repositories written before copies existed have none until repaired.
extension Repository {
    /// Saves `bytes` as `handle` (the config or a key file) and as its copy: the copy first, so
    /// that a file present always has its copy.
    static func saveWithCopy(_ backend: any Backend, _ handle: FileHandle, _ bytes: [UInt8]) throws(RepositoryError) {
        try storage { () throws(BackendError) in
            try backend.save(FileHandle(.copies, handle.name), bytes)
            try backend.save(handle, bytes)
        }
    }

    /// Removes a key file and its copy.
    static func removeWithCopy(_ backend: any Backend, _ handle: FileHandle) throws(RepositoryError) {
        try storage { () throws(BackendError) in
            try backend.remove(handle)
            try backend.remove(FileHandle(.copies, handle.name))
        }
    }

    /// The copy of a file, or nil when there is none (an older repository, or a damaged copy of
    /// a key file, whose name is the SHA-256 of its bytes).
    /// The key file `name` as readers use it: its bytes, or its copy's when they do not match the
    /// name and the copy does (`fromCopy`); nil when neither does.
    static func readableKeyBytes(_ backend: any Backend, _ name: String) throws(RepositoryError) -> (bytes: [UInt8], fromCopy: Bool)? {
        let handle = FileHandle(.keys, name)
        let bytes = try storage { () throws(BackendError) in try backend.load(handle) }
        if handle.isNamed(by: bytes) { return (bytes, false) }
        return try loadCopy(backend, of: handle).map { ($0, true) }
    }

    static func loadCopy(_ backend: any Backend, of handle: FileHandle) throws(RepositoryError) -> [UInt8]? {
        guard let bytes = try backend.loadIfPresent(FileHandle(.copies, handle.name)) else { return nil }
        if handle.kind == .keys && !handle.isNamed(by: bytes) { return nil }
        return bytes
    }

    /// Whether `bytes` are a config file that opens with this repository's keys.
    private func opensAsConfig(_ bytes: [UInt8]) -> Bool {
        (try? Sealer(keys: keys, compressionLevel: 0).openFile(.config, bytes, what: "config")) != nil
    }
}

/// What ``Repository/repairCopies()`` did.
public struct CopyRepair: Sendable, Codable, Equatable {
    /// Files rewritten from their copy (`config`, `keys/NAME`).
    public var restoredFromCopies: [String] = []
    /// Copies written or rewritten from their file (`copies/config`, `copies/NAME`).
    public var copiesWritten: [String] = []
    /// Files sealed again from what the open repository read, neither they nor their copy being
    /// whole (`config`): their bytes changed, so a `sync` destination must be made anew.
    public var resealed: [String] = []
    /// Copies of key files that are gone (a removal interrupted, or made by a release without
    /// copies), removed: each still wraps the master key under a password that was revoked.
    public var orphanCopiesRemoved: [String] = []
    /// Key files whose file and copy are both damaged or missing: they cannot be repaired.
    public var lost: [String] = []
}

extension Repository {
    /// Makes every key file and the config whole again from their copies, and each copy from its
    /// file, writing the copies an older repository lacks. The config is judged by whether it
    /// opens with this repository's keys, a key file by its name.
    public func repairCopies() throws(RepositoryError) -> CopyRepair {
        var report = CopyRepair()
        try storage { () throws(BackendError) in try backend.create() }  // copies/ in an older repository
        let config = try backend.loadIfPresent(.config)
        let configCopy = try Self.loadCopy(backend, of: .config)
        if let config, opensAsConfig(config) {
            if configCopy != config {
                try storage { () throws(BackendError) in try backend.save(FileHandle(.copies, "config"), config) }
                report.copiesWritten.append("copies/config")
            }
        } else if let configCopy, opensAsConfig(configCopy) {
            try storage { () throws(BackendError) in try backend.save(.config, configCopy) }
            report.restoredFromCopies.append("config")
        } else {
            // Neither opens (or the config is gone), yet the repository did: seal again what it
            // read. The bytes differ from before, so offsite copies made by sync must be redone.
            let bytes = try withSealer { sealer throws(RepositoryError) in try sealer.sealFile(.config, payload: self.config.encoded()) }
            try Self.saveWithCopy(backend, .config, bytes)
            report.resealed.append("config")
        }
        let keyNames = try storage({ () throws(BackendError) in try backend.list(.keys) }).map(\.name)
        for (name, _) in try backend.listPresent(.copies) where name != "config" && !keyNames.contains(name) {
            try storage { () throws(BackendError) in try backend.remove(FileHandle(.copies, name)) }
            report.orphanCopiesRemoved.append("copies/\(name)")
        }
        for name in keyNames {
            let handle = FileHandle(.keys, name)
            let bytes = try storage { () throws(BackendError) in try backend.load(handle) }
            let copy = try Self.loadCopy(backend, of: handle)
            if handle.isNamed(by: bytes) {
                if copy == nil {
                    try storage { () throws(BackendError) in try backend.save(FileHandle(.copies, name), bytes) }
                    report.copiesWritten.append("copies/\(name)")
                }
            } else if let copy {
                try storage { () throws(BackendError) in try backend.save(handle, copy) }
                report.restoredFromCopies.append("keys/\(name)")
            } else {
                report.lost.append("keys/\(name)")
            }
        }
        return report
    }
}

extension Repository {
    /// What `check` says of the config, the key files and their copies: errors name a damaged
    /// file or copy (the config judged by whether it opens with this repository's keys, a key
    /// file by its name); warnings name missing copies (a repository made before copies existed,
    /// or an interrupted key change) and leftover copies of removed key files.
    public func copyFindings() throws(RepositoryError) -> (errors: [String], warnings: [String]) {
        var errors = [String](), warnings = [String]()
        if let config = try backend.loadIfPresent(.config), !opensAsConfig(config) { errors.append("the config file is damaged (its copy was used): run `amber repair keys`") }
        if let copy = try Self.loadCopy(backend, of: .config) {
            if !opensAsConfig(copy) { errors.append("copies/config, the copy of the config file, is damaged: run `amber repair keys`") }
        } else {
            warnings.append("the config file has no copy in copies/ (a repository made before copies): run `amber repair keys`")
        }
        let keyNames = Set(try storage { () throws(BackendError) in try backend.list(.keys) }.map(\.name))
        for name in keyNames.sorted() {
            let handle = FileHandle(.keys, name)
            let bytes = try storage { () throws(BackendError) in try backend.load(handle) }
            if !handle.isNamed(by: bytes) {
                errors.append("key file \(name.prefix(8)) is damaged: its contents do not match its name; run `amber repair keys`")
            }
            guard let copy = try backend.loadIfPresent(FileHandle(.copies, name)) else {
                warnings.append("key file \(name.prefix(8)) has no copy in copies/: run `amber repair keys`")
                continue
            }
            if !handle.isNamed(by: copy) {
                errors.append("copies/\(name.prefix(8)), the copy of key file \(name.prefix(8)), is damaged: run `amber repair keys`")
            }
        }
        for (name, _) in try backend.listPresent(.copies) where name != "config" && !keyNames.contains(name) {
            warnings.append("copies/\(name.prefix(8)) is the copy of a removed key file and still opens with its revoked password: "
                            + "run `amber repair keys` to remove it")
        }
        return (errors, warnings)
    }

}
