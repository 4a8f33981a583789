import AmberCore
import AmberStorage

extension RepositorySync {
    /// Copies one file and verifies what arrived. Returns its size, or nil if the source no longer
    /// has it. `expected` gives bytes already loaded (the config); other files are loaded here and
    /// must hash to their name.
    func copy(_ handle: FileHandle, expected: [UInt8]?) throws(RepositoryError) -> Int? {
        let bytes: [UInt8]
        if let expected {
            bytes = expected
        } else {
            do {
                bytes = try source.load(handle)
            } catch where error.code == .notFound {
                return nil  // removed since the listing: a prune swept it
            } catch {
                throw RepositoryError.storage(error)
            }
            guard Self.isNamedByContent(handle) == false || handle.isNamed(by: bytes) else {
                throw RepositoryError.damaged("\(handle.path) in \(source.location)",
                                              "its contents do not match its name; it was not copied (run `amber check`)")
            }
        }
        let target = destination
        try storage { () throws(BackendError) in try target.save(handle, bytes) }
        let stored = try storage { () throws(BackendError) in try target.size(handle) }
        guard stored == bytes.count else {
            try? target.remove(handle)
            throw RepositoryError.damaged("\(handle.path) in \(target.location)",
                                          "it has \(stored) bytes after the copy, expected \(bytes.count); it was removed, sync again")
        }
        if options.verifyContents {
            let reread = try storage { () throws(BackendError) in try target.load(handle) }
            let good = Self.isNamedByContent(handle) ? handle.isNamed(by: reread) : reread == bytes
            guard good else {
                try? target.remove(handle)
                throw RepositoryError.damaged("\(handle.path) in \(target.location)",
                                              "its contents read back do not match what was sent; it was removed, sync again")
            }
        }
        return bytes.count
    }

    /// Whether a file is named by the SHA-256 of its bytes: all but the config and its copy.
    static func isNamedByContent(_ handle: FileHandle) -> Bool {
        handle.kind != .config && !(handle.kind == .copies && handle.name == "config")
    }

}
