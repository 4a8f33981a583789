import AmberCore
import AmberCrypto
import AmberStorage

extension Backend {
    /// The files of a kind; none when the backend has no such directory, as a repository made
    /// before the kind existed (`plans/`, `copies/`) has not. Other failures are thrown.
    func listPresent(_ kind: FileKind) throws(RepositoryError) -> [(name: String, size: Int)] {
        do {
            return try list(kind)
        } catch where error.code == .notFound {
            return []
        } catch {
            throw RepositoryError.storage(error)
        }
    }

    /// A file's bytes, or nil when it does not exist; other failures are thrown, so that a file
    /// that cannot be read is never taken for one that is absent.
    func loadIfPresent(_ handle: AmberStorage.FileHandle) throws(RepositoryError) -> [UInt8]? {
        do {
            return try load(handle)
        } catch where error.code == .notFound {
            return nil
        } catch {
            throw RepositoryError.storage(error)
        }
    }
}

extension AmberStorage.FileHandle {
    /// Whether `bytes` are whole for a file named by the SHA-256 of its bytes (`docs/format.md`
    /// I1): every file but the config and its copy.
    func isNamed(by bytes: [UInt8]) -> Bool {
        Hex.encode(SHA256.hash(bytes)) == name
    }
}
