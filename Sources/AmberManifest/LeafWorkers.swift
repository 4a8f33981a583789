import AmberCore
import AmberCrypto
import AmberRepository
import Foundation

/// Encodes and stores the leaves of a packed tree (``ManifestBuilder/packed(repository:writer:)``)
/// on worker threads, so that the builder's thread goes on cutting the next leaves meanwhile.
///
/// A leaf's columnar encoding and its read-back check (``ManifestNode/columnarLeaf(_:)``) are most
/// of the work of building a packed tree, and a leaf's id is needed only when its parent node is
/// written: the builder appends the leaf to its parent with a placeholder id and a *ticket*, and
/// ``id(of:)`` waits for the leaf before the parent is written. Boundaries do not move, since
/// every id has the same length and a boundary depends on the key and the size alone
/// (``BoundaryRule``). At most `depth` leaves are in flight, so memory stays bounded.
final class LeafWorkers: @unchecked Sendable {
    /// What became of a leaf: its id and whether the writer stored it, or the error.
    private typealias Outcome = Result<(id: BlobID, isNew: Bool), ManifestError>

    private let writer: BlobWriter
    private let hasher: HMACSHA256
    private let nodeLevel: Int32?
    private let slots: DispatchSemaphore
    private let queue = DispatchQueue(label: "amber.manifest.leaves", attributes: .concurrent)
    /// Guarded by `condition`.
    private var finished: [Int: Outcome] = [:]
    private let condition = NSCondition()
    private var submitted = 0

    /// - Parameters:
    ///   - hasher: the tree id hasher; each leaf hashes with a copy of it.
    ///   - nodeLevel: the zstd level of a columnar leaf (another leaf is stored at
    ///     ``ManifestFormat/packedDocumentLevel``).
    ///   - depth: leaves encoded or waiting at once.
    init(writer: BlobWriter, hasher: HMACSHA256, nodeLevel: Int32?, depth: Int = System.coreCount + 1) {
        self.writer = writer
        self.hasher = hasher
        self.nodeLevel = nodeLevel
        slots = DispatchSemaphore(value: max(1, depth))
    }

    /// Hands a leaf over, waiting while `depth` leaves are in flight, and returns its ticket.
    /// When the columnar form does not fit its entries, the leaf is stored in version 1.
    func submit(entries: [ManifestEntry]) -> Int {
        let ticket = submitted
        submitted += 1
        let hasher = hasher.copy()
        slots.wait()
        queue.async { [self] in
            let outcome = Outcome { () throws(ManifestError) in
                let (bytes, compression) = ManifestNode.packedLeaf(entries, nodeLevel: nodeLevel)
                let id = hasher.id(bytes)
                let isNew = try viaRepository { () throws(RepositoryError) in
                    try writer.add(.tree, id: id, plaintext: bytes, level: compression)
                }
                return (id, isNew)
            }
            condition.lock()
            finished[ticket] = outcome
            condition.broadcast()
            condition.unlock()
            slots.signal()
        }
        return ticket
    }

    /// The id of a submitted leaf, once it is stored; throws what failed it.
    func id(of ticket: Int) throws(ManifestError) -> BlobID {
        try outcome(of: ticket).get().id
    }

    /// Waits for every leaf submitted; returns how many the writer stored (the others it had)
    /// and throws the first failure, in ticket order.
    func finish() throws(ManifestError) -> Int {
        var stored = 0
        for ticket in 0..<submitted where try outcome(of: ticket).get().isNew { stored += 1 }
        return stored
    }

    private func outcome(of ticket: Int) -> Outcome {
        condition.lock()
        defer { condition.unlock() }
        while finished[ticket] == nil { condition.wait() }
        return finished[ticket]!
    }
}
