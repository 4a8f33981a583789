import AmberCore
import AmberCrypto
import AmberStorage
import Dispatch
import Synchronization

/// The SHA-256 of pack files, taken ahead of a command that reads every pack (`check
/// --read-data`) while the cores would otherwise wait: the key derivation that unlocks the
/// repository holds one or two cores for a quarter to half a second and the disk not at all.
///
/// A pack's name is the SHA-256 of its bytes, and needs no key to verify: the other cores read
/// the packs in name order (the order `check` reads them) and hash them until ``stop()``. `check`
/// then takes a pack's digest from here instead of hashing its bytes again; every blob in it is
/// still decrypted and verified from the bytes `check` reads. Packs never change under their
/// name (a name is its content's hash), so a digest taken a second earlier is the file's digest.
///
/// Only for a local repository (``Backend/isLocal``): reading a file twice there costs a copy
/// from the page cache, where on S3 it would download every pack twice.
///
/// Since `check` needs no hash of an intact pack whose blobs and header cover every byte
/// (``Pack/isCovered(_:by:)``), most digests taken here only save a hash when a pack is damaged
/// or not covered; the reading ahead (``Backend/prefetch(_:upTo:)``) is what saves time on a
/// cold cache (with the hashing left out: 1.69 s against 1.71 s for 709 MB, within noise).
public final class PackDigests: Sendable {
    private let digests = Mutex<[BlobID: BlobID]>([:])
    private let stopped = Atomic<Bool>(false)
    private let finished = DispatchGroup()

    /// The most the storage is asked to read ahead of the hashing: 512 MiB.
    static let readAhead = 512 << 20

    /// Starts hashing the packs of `backend` on every core but one, or returns nil when the
    /// backend is not local.
    public static func start(_ backend: any Backend) -> PackDigests? {
        guard backend.isLocal else { return nil }
        let digests = PackDigests()
        digests.hash(backend, workers: max(1, System.coreCount - 1))
        return digests
    }

    private func hash(_ backend: any Backend, workers: Int) {
        finished.enter()
        DispatchQueue.global(qos: .utility).async { [self] in
            defer { finished.leave() }
            // A listing that fails leaves nothing hashed: `check` lists and reads them itself.
            guard let packs = try? backend.list(.data).compactMap({ BlobID(hex: $0.name) }) else { return }
            // The disk reads ahead (at most `readAhead` bytes) while this thread hashes.
            backend.prefetch(.data, upTo: Self.readAhead)
            let next = Mutex(0)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while !stopped.load(ordering: .relaxed) {
                    let i: Int = next.withLock { n in defer { n += 1 }; return n }
                    guard i < packs.count else { return }
                    // A pack that cannot be read is left to `check`, which reads it and says why.
                    guard let bytes = try? backend.load(FileHandle(.data, packs[i].hex)),
                          let digest = BlobID(bytes: SHA256.hash(bytes)) else { continue }
                    digests.withLock { $0[packs[i]] = digest }
                }
            }
        }
    }

    /// Stops hashing (the pack being hashed is finished) and waits for the workers to return;
    /// call it before the process exits (a thread inside OpenSSL must not see its exit handlers).
    /// Calling it again does nothing.
    public func stop() {
        stopped.store(true, ordering: .relaxed)
        finished.wait()
    }

    /// Waits until every pack is hashed, without stopping.
    public func wait() {
        finished.wait()
    }

    /// The SHA-256 of the pack named `pack`, if it was hashed.
    public func digest(of pack: BlobID) -> BlobID? {
        digests.withLock { $0[pack] }
    }

    /// How many packs were hashed.
    public var count: Int { digests.withLock { $0.count } }
}
