@testable import AmberFilesystem
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

struct ContentPrefetcherTests {
    /// Sparse files of `mebibytes` each (nothing to read from disk, a size to count).
    func makeFiles(_ scratch: Scratch, _ names: [String], mebibytes: Int) throws {
        for name in names {
            let fd = open(scratch.sub(name), O_CREAT | O_WRONLY, 0o644)
            #expect(fd >= 0)
            #expect(ftruncate(fd, off_t(mebibytes << 20)) == 0)
            close(fd)
        }
    }

    func waitFor(_ prefetcher: ContentPrefetcher, files: Int) -> Bool {
        for _ in 0..<500 where prefetcher.filesAdvised < files { usleep(10_000) }
        return prefetcher.filesAdvised == files
    }

    /// The walk advises files until the window (64 MiB) is full, waits there until the backup
    /// reads, goes on when it does, and stops while waiting.
    @Test func advisesNoMoreThanTheWindowAheadOfTheBackup() throws {
        let scratch = Scratch()
        try makeFiles(scratch, ["a", "b", "c", "d"], mebibytes: 40)
        let prefetcher = ContentPrefetcher(roots: [PathBytes(scratch.path)], excludes: ExcludeRules(), unchanged: { _, _ in false })
        // 40 MiB advised: room for a second file; 80 MiB: full.
        #expect(waitFor(prefetcher, files: 2))
        usleep(200_000)
        #expect(prefetcher.filesAdvised == 2)
        prefetcher.consumed(40 << 20)  // the backup read one: 80 < 40 + 64, a third fits
        #expect(waitFor(prefetcher, files: 3))
        usleep(200_000)
        #expect(prefetcher.filesAdvised == 3)
        prefetcher.stop()  // returns although the walk waits for room
        #expect(prefetcher.filesAdvised == 3)
    }

    /// Files the backup will not read (unchanged, excluded, empty) are not advised.
    @Test func skipsWhatTheBackupDoesNotRead() throws {
        let scratch = Scratch()
        try makeFiles(scratch, ["keep", "same", "skip.tmp"], mebibytes: 1)
        try makeFiles(scratch, ["empty"], mebibytes: 0)
        let excludes = ExcludeRules(patterns: [try ExcludePattern("*.tmp")])
        let prefetcher = ContentPrefetcher(roots: [PathBytes(scratch.path)], excludes: excludes,
                                           unchanged: { path, _ in path.string.hasSuffix("/same") })
        #expect(waitFor(prefetcher, files: 1))
        usleep(200_000)
        #expect(prefetcher.filesAdvised == 1)
        prefetcher.stop()
    }
}
