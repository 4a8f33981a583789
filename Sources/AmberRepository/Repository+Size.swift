import AmberStorage
import Foundation

extension Repository {
    /// Every file the repository holds (packs, index, snapshots, keys, their copies, config), in bytes.
    public func storedBytes() throws(RepositoryError) -> Int {
        var total = 0
        for kind in [FileKind.data, .index, .snapshots, .keys, .copies, .config] {
            total += try backend.listPresent(kind).reduce(0) { $0 + $1.size }
        }
        return total
    }

    /// Bytes of blobs as they come out of the repository (read, decrypted, decompressed) per
    /// second, measured on indexed blobs for up to `seconds` or `limit` stored bytes; nil when
    /// nothing could be read (an empty index).
    public func measureReadRate(seconds: Double = 1, limit: Int = 32 << 20) -> Double? {
        let started = Date()
        var stored = 0, plain = 0
        for (id, location) in index.allBlobs {
            guard stored < limit, Date().timeIntervalSince(started) < seconds else { break }
            guard let blob = try? loadBlob(id) else { continue }
            stored += Int(location.entry.length)
            plain += blob.count
        }
        let elapsed = Date().timeIntervalSince(started)
        return plain > 0 && elapsed > 0 ? Double(plain) / elapsed : nil
    }
}
