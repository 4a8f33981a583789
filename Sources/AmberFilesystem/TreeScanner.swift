import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Counts what a backup will read, for the progress display's ETA. Runs beside the backup, with
/// the same exclusions.
///
/// The walk reads every directory and inode the backup's own walk will read, in the same order:
/// started while the repository is being unlocked (``start(_:excludes:whenDone:)``), it brings
/// a tree's metadata into the kernel's caches while the key derivation keeps the cores
/// busy, so that a backup of a tree that did not change (every file's status read, none of its
/// contents) finds it there.
public enum TreeScanner {
    public static func count(_ sources: [String], excludes: ExcludeRules = ExcludeRules(),
                             stopped: () -> Bool = { false }) -> (items: UInt64, bytes: UInt64) {
        var items: UInt64 = 0, bytes: UInt64 = 0
        walk(sources.map(PathBytes.init), excludes: excludes, stopped: stopped) { _, st in
            items += 1
            if st.kind == .file { bytes += st.size }
        }
        return (items, bytes)
    }

    /// Calls `visit` with every path the backup's walk (``TreeArchiver``) visits under `roots`,
    /// in its order, with its status: what the exclusions and `--one-file-system` leave, each
    /// directory before its entries. Stops at the next directory once `stopped` says so.
    static func walk(_ roots: [PathBytes], excludes: ExcludeRules, stopped: () -> Bool,
                     visit: (PathBytes, FileStatus) -> Void) {
        func visitTree(_ path: PathBytes, _ st: FileStatus, components: [String], device: UInt64) {
            visit(path, st)
            guard st.kind == .directory, !stopped(), !excludes.oneFileSystem || st.device == device,
                  let names = excludes.tagsHeld(in: path) ?? directoryNames(path) else { return }
            for name in names {
                let child = path.appending(name)
                guard case .success(let status) = FileStatus.lstat(child) else { continue }
                let inner = components + [String(decoding: name, as: UTF8.self)]
                if !excludes.isEmpty, excludes.excludes(child, components: inner, status: status) { continue }
                visitTree(child, status, components: inner, device: device)
            }
        }
        for path in roots {
            guard case .success(let st) = FileStatus.lstat(path) else { continue }
            let components = path.absoluteComponents
            // A root is excluded as the archiver excludes it (a pattern matching it or a parent).
            if !excludes.isEmpty, excludes.excludes(path, components: components, status: st) { continue }
            visitTree(path, st, components: components, device: st.device)
        }
    }

    /// A scan running on a thread of its own; ``stop()`` ends it at the next directory.
    public final class Scan: Sendable {
        private let stopping = Mutex(false)

        fileprivate init() {}

        /// Stops the scan (its `whenDone` is then not called). Harmless after it has ended.
        public func stop() { stopping.withLock { $0 = true } }

        fileprivate var isStopped: Bool { stopping.withLock { $0 } }
    }

    /// Counts `sources` on a utility thread and calls `whenDone` with the totals, unless
    /// stopped first.
    public static func start(_ sources: [String], excludes: ExcludeRules = ExcludeRules(),
                             whenDone: @escaping @Sendable (_ items: UInt64, _ bytes: UInt64) -> Void) -> Scan {
        let scan = Scan()
        DispatchQueue.global(qos: .utility).async {
            let total = count(sources, excludes: excludes, stopped: { scan.isStopped })
            if !scan.isStopped { whenDone(total.items, total.bytes) }
        }
        return scan
    }
}
