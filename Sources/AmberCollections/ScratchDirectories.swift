import Foundation
import Synchronization

/// Temporary directories that hold a source's documents in plaintext while they are sorted
/// (``SortedDocuments``), named `amber-sort-PID-XXXXXX` so that a later process can tell whose
/// they are.
///
/// Every directory made here is removed when its owner is done with it, by ``removeAll()`` when
/// the process is interrupted (the CLI calls it from its SIGINT/SIGTERM handler), and otherwise —
/// after a SIGKILL or a crash — by ``sweepAbandoned(in:)``, which every backup runs first.
public enum ScratchDirectories {
    /// The name every sort directory starts with.
    public static let prefix = "amber-sort-"
    private static let live = Mutex<Set<String>>([])

    /// Makes a new directory `amber-sort-PID-XXXXXX` (mode 0700) in `parent`; returns its path.
    static func make(in parent: String = NSTemporaryDirectory()) -> String? {
        var template = Array((parent + "/" + prefix + "\(getpid())-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { return nil }
        let path = String(cString: made)
        live.withLock { _ = $0.insert(path) }
        return path
    }

    /// Removes a directory made by ``make(in:)`` and everything in it.
    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
        live.withLock { _ = $0.remove(path) }
    }

    /// Removes every directory this process made and has not removed yet. Safe from any thread.
    public static func removeAll() {
        for path in live.withLock({ $0 }) { remove(path) }
    }

    /// Removes the sort directories in `parent` that belong to processes that no longer exist:
    /// named `amber-sort-PID-…`, owned by this user, and `PID` not a running process. Directories of
    /// running processes, of other users, and without a PID in their name are left alone.
    ///
    /// - Returns: the paths removed.
    @discardableResult
    public static func sweepAbandoned(in parent: String = NSTemporaryDirectory()) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return [] }
        var removed = [String]()
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid > 0 else { continue }
            let path = parent + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == getuid() else { continue }
            guard kill(pid, 0) != 0, errno == ESRCH else { continue }
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(path) }
        }
        return removed
    }
}
