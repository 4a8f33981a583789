#if canImport(Glibc)
import Glibc
#endif
import AmberChunking
import AmberCore
import AmberCrypto
import AmberRepository
import AmberSnapshot

/// Reads a restored directory back and compares it with the snapshot (`restore --verify` on a
/// directory target): each file is chunked as a backup chunks it and its chunk ids compared with
/// the snapshot's (so every byte is compared without the snapshot's data being read again), each
/// link's target compared, and each path checked to exist with its kind. What `--include` left
/// out is not looked for.
public struct RestoreVerifier {
    private let repository: Repository
    private let filter: IncludeFilter

    public init(repository: Repository, include: IncludeFilter = IncludeFilter([])) {
        self.repository = repository
        filter = include
    }

    /// The differences, one line each (`PATH: what differs`); empty when the target equals the snapshot.
    public func verify(_ root: BlobID, at target: String) throws -> [String] {
        let chunker = repository.makeChunker()
        let hasher = repository.makeIDHasher(for: .data)
        let maximum = repository.config.chunkerParameters.maximum
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2 * maximum, alignment: 64)
        defer { buffer.deallocate() }
        var differences = [String]()
        // Paths as bytes (names need not be UTF-8); `relative` (lossy text) for messages and --include.
        func walk(_ tree: BlobID, _ directory: PathBytes, _ relative: String) throws {
            // What the restorer does not create is not looked for: collection sources, sockets,
            // and device files unless running as root.
            let skipped: Set<Node.Kind> = geteuid() == 0 ? [.database, .socket] : [.database, .socket, .characterDevice, .blockDevice]
            for node in try repository.loadTree(tree).nodes where !skipped.contains(node.kind) {
                let rel = relative + "/" + node.displayName
                let included = filter.includes(rel)
                guard included || (node.kind == .directory && !filter.includesAll) else { continue }
                let path = directory.appending(node.name)
                guard case .success(let status) = FileStatus.lstat(path) else {
                    if included { differences.append("\(rel): missing") }
                    continue
                }
                if included, status.kind != node.kind {
                    differences.append("\(rel): a \(status.kind) where the snapshot has a \(node.kind)")
                    continue
                }
                switch node.kind {
                case .file:
                    if let difference = compareContent(path, node, chunker: chunker, hasher: hasher, maximum: maximum, buffer: buffer) {
                        differences.append("\(rel): \(difference)")
                    }
                case .symlink:
                    if symlinkTarget(path) != node.linkTarget { differences.append("\(rel): link target differs") }
                case .directory:
                    guard status.kind == .directory, let sub = node.subtree else { break }
                    do {
                        try walk(sub, path, rel)
                    } catch let error as RepositoryError where error.code == .damaged || error.code == .missingBlob {
                        differences.append("\(rel): its listing cannot be read (\(error.message))")
                    }
                default:
                    break
                }
            }
        }
        try walk(root, PathBytes(target), "")
        return differences
    }

    /// Why a restored file's content is not the node's, or nil when it is.
    private func compareContent(_ path: PathBytes, _ node: Node, chunker: FastCDC, hasher: HMACSHA256, maximum: Int,
                                buffer: UnsafeMutableRawBufferPointer) -> String? {
        guard var reader = FileReader(path, buffer: buffer) else { return "cannot read: \(errnoText())" }
        var index = 0
        var size: UInt64 = 0
        while true {
            let chunk: UnsafeRawBufferPointer
            do {
                chunk = try reader.nextChunk(chunker, maximum: maximum)
            } catch {
                return "cannot read: \(error.message)"
            }
            if chunk.isEmpty { break }
            guard index < node.content.count, hasher.id(chunk) == node.content[index] else {
                return "content differs from byte \(size)"
            }
            index += 1
            size += UInt64(chunk.count)
        }
        return index == node.content.count ? nil : "content ends early, at byte \(size)"
    }
}
