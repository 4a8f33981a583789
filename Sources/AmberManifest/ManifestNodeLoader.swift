import AmberCore
import AmberRepository
import Synchronization

/// Loads and parses manifest nodes and chunked values from a repository, counting the node loads
/// (the cost measure of lookups and diffs). Thread-safe.
public final class ManifestNodeLoader: Sendable {
    public let repository: Repository
    private let loads = Atomic<Int>(0)

    public init(repository: Repository) {
        self.repository = repository
    }

    /// Nodes loaded so far.
    public var nodeLoads: Int { loads.load(ordering: .relaxed) }

    /// Loads the node `id`, which must be at `level` when one is given.
    func node(_ id: BlobID, level: UInt8?) throws(ManifestError) -> ManifestNode {
        loads.add(1, ordering: .relaxed)
        let bytes = try viaRepository { () throws(RepositoryError) in try repository.loadBlob(id, type: .tree) }
        do throws(FormatError) {
            // A constant context: the id is formatted only if decoding fails.
            return try ManifestNode(decoding: bytes, expectedLevel: level, what: "manifest node")
        } catch {
            throw ManifestError.damaged("manifest node \(id.shortHex)", error)
        }
    }

    /// The bytes of a value, loading its chunks if it is stored out of line.
    public func resolve(_ value: ManifestValue) throws(ManifestError) -> [UInt8] {
        switch value {
        case .inline(let bytes):
            return bytes
        case .chunked(let length, let chunks):
            var out = [UInt8]()
            out.reserveCapacity(Int(clamping: length))
            for id in chunks {
                let chunk = try viaRepository { () throws(RepositoryError) in try repository.loadBlob(id, type: .data) }
                out.append(contentsOf: chunk)
                guard UInt64(out.count) <= length else { break }
            }
            guard UInt64(out.count) == length else {
                throw ManifestError(.damaged, "a chunked value is damaged: its chunks hold \(out.count) bytes, expected \(length)")
            }
            return out
        }
    }
}
