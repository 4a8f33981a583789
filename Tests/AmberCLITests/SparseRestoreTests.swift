import Foundation
import Testing

/// A sparse file comes back sparse (judged by `stat`'s allocated blocks and `cmp`): 60 MiB with
/// 8 bytes of data used a few blocks before the backup and after the restore, and all of it
/// with --no-sparse.
@Suite(.serialized)
struct SparseRestoreTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    private func blocksAndSize(_ path: String) throws -> (Int, Int) {
        let parts = try runTool(["stat", "-c", "%b %s", path]).split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        return (parts[0], parts[1])
    }

    @Test func sparseFilesComeBackSparse() throws {
        let source = temp.sub("d")
        mkdir(source, 0o755)
        let file = source + "/disk.img"
        let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        _ = "head".withCString { write(fd, $0, 4) }
        _ = lseek(fd, 50 << 20, SEEK_SET)
        _ = "tail".withCString { write(fd, $0, 4) }
        _ = ftruncate(fd, 60 << 20)
        close(fd)
        let (sourceBlocks, size) = try blocksAndSize(file)
        try #require(sourceBlocks < 256, "this file system makes no holes: \(sourceBlocks) blocks")

        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", source]).code == 0)
        let sparse = temp.sub("sparse"), dense = temp.sub("dense")
        #expect(amber.run(["restore", "latest", "--target", sparse, "--verify"]).code == 0)
        #expect(amber.run(["restore", "latest", "--target", dense, "--no-sparse"]).code == 0)
        for out in [sparse, dense] { #expect(try runTool(["cmp", file, out + "/d/disk.img"]) == "") }
        let (sparseBlocks, sparseSize) = try blocksAndSize(sparse + "/d/disk.img")
        let (denseBlocks, _) = try blocksAndSize(dense + "/d/disk.img")
        #expect(sparseSize == size && sparseBlocks <= sourceBlocks + 64, "\(sparseBlocks) blocks")
        #expect(denseBlocks >= size / 512, "\(denseBlocks) blocks")
    }
}
