import AmberCore
import AmberCrypto

extension BlobWriter {
    /// Stores an encoded tree blob (a directory's tree, a collection set) under its id, computed
    /// with `hasher` (``Repository/makeIDHasher(for:)`` of `.tree`), and returns the id.
    @discardableResult
    public func addTree(_ encoded: [UInt8], hasher: HMACSHA256) throws(RepositoryError) -> BlobID {
        let id = hasher.id(encoded)
        try add(.tree, id: id, plaintext: encoded)
        return id
    }
}
