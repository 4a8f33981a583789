#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Has the kernel read files into the page cache a little ahead of the backup that reads them,
/// so that the disk works while the backup chunks, hashes and compresses what it already has:
/// the backup reads one file after another on one thread, so a file not yet cached would keep
/// the disk busy and the cores idle in turn (a first backup of 1.5 GB in 30,000 files with the
/// page cache dropped took 8.4 s, against 5.9 s with the files cached and 4.7 s to read them).
///
/// A thread of its own walks the roots in the backup's order (``TreeScanner/walk``, with the
/// same exclusions) and, for each regular file the backup will read (not one the files cache
/// says is unchanged), opens it and calls `posix_fadvise(WILLNEED)` on its first ``window``
/// bytes, which starts the reads and returns. The backup says how much it has read
/// (``consumed(_:)``, each file's size as the walk saw it); the walk waits while it has
/// advised ``window`` bytes more than that, and skips the files the backup has already passed.
/// So at most about ``window`` bytes are read ahead, whatever the tree's size. A file that
/// cannot be opened is left to the backup, which says why.
final class ContentPrefetcher: @unchecked Sendable {
    /// The most bytes advised ahead of what the backup has read: 64 MiB.
    static let window: UInt64 = 64 << 20

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var advised: UInt64 = 0
    private var consumed: UInt64 = 0
    private var stopped = false
    private var running = true
    private var advisedFiles = 0

    /// Starts walking `roots`; `unchanged` says which files the backup will not read.
    init(roots: [PathBytes], excludes: ExcludeRules, unchanged: @escaping @Sendable (PathBytes, FileStatus) -> Bool) {
        let thread = Thread { [self] in
            TreeScanner.walk(roots, excludes: excludes, stopped: { self.isStopped }) { path, status in
                guard status.kind == .file, status.size > 0, !unchanged(path, status), take(status.size) else { return }
                advise(path, size: status.size)
            }
            condition.lock()
            running = false
            condition.broadcast()
            condition.unlock()
        }
        thread.qualityOfService = .utility
        thread.start()
    }

    deinit { stop() }

    /// Says that the backup has read a file the walk counts (a regular file it did not skip
    /// as unchanged) of `size` bytes by its status.
    func consumed(_ size: UInt64) {
        condition.lock()
        consumed += size
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the walk and waits for its thread. Harmless when stopped already.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    /// How many files were advised so far.
    var filesAdvised: Int {
        condition.lock()
        defer { condition.unlock() }
        return advisedFiles
    }

    private var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped
    }

    /// Counts the next file of `size` bytes as advised; false when the backup has already read
    /// past it (or the walk is stopped). Waits while the window is full.
    private func take(_ size: UInt64) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !stopped && advised >= consumed + Self.window { condition.wait() }
        advised += size
        return !stopped && advised > consumed
    }

    private func advise(_ path: PathBytes, size: UInt64) {
        let fd = FileReader.openDescriptor(path)
        guard fd >= 0 else { return }
        _ = posix_fadvise(fd, 0, off_t(min(size, Self.window)), POSIX_FADV_WILLNEED)
        close(fd)
        condition.lock()
        advisedFiles += 1
        condition.unlock()
    }
}
