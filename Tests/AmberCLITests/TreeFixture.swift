import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A directory tree with every kind of entry a backup must keep: text and binary files spanning
/// several chunks, an empty file, odd modes, nanosecond mtimes, a non-UTF-8 name, symlinks
/// (also dangling), a FIFO, nested and empty directories.
enum TreeFixture {
    static func make(at root: String) {
        mkdir(root, 0o755)
        writeFile(root + "/readme.txt", textBytes(5_000, seed: 1), mtime: (1_600_000_000, 123_456_789))
        writeFile(root + "/empty", [], mode: 0o600, mtime: (1_500_000_000, 0))
        writeFile(root + "/big.bin", pseudoRandomBytes(12 << 20 + 12_345, seed: 2), mtime: (1_650_000_000, 999_999_999))
        writeFile(root + "/big.txt", textBytes(4 << 20, seed: 3), mode: 0o640)
        writeFile(root + "/script.sh", Array("#!/bin/sh\necho hi\n".utf8), mode: 0o755)
        writeFile(root + "/setgid", Array("x".utf8), mode: 0o2755)
        mkdir(root + "/dir", 0o755)
        mkdir(root + "/dir/sub", 0o700)
        mkdir(root + "/dir/empty-dir", 0o751)
        for i in 0..<40 {
            writeFile(root + "/dir/sub/file\(i).json", Array("{\"id\":\(i),\"name\":\"item \(i)\"}\n".utf8), mtime: (1_700_000_000 + i, i))
        }
        writeFile(root + "/dir/SECRET-NAME-42.txt", textBytes(100, seed: 4))
        // A name that is not valid UTF-8.
        let odd: [UInt8] = Array((root + "/dir/caf").utf8) + [0xE9, 0x2E, 0x74, 0x78, 0x74, 0]
        let fd = odd.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT, 0o644) }
        }
        _ = write(fd, "latin1", 6)
        close(fd)
        symlink("../readme.txt", root + "/dir/link-to-readme")
        symlink("/nonexistent/target", root + "/dangling")
        mkfifo(root + "/fifo", 0o640)
        setTime(root + "/dir/sub", 1_690_000_000, 5)
        setTime(root + "/dir/empty-dir", 1_680_000_000, 6)
        setTime(root + "/dir/link-to-readme", 1_670_000_000, 7)
        setTime(root + "/dir", 1_660_000_000, 8)
    }

    /// Every difference between two trees: kinds, modes, sizes, mtimes (ns), owners, contents, link targets.
    static func differences(_ a: String, _ b: String) -> [String] {
        var diffs = [String]()
        compare(Array(a.utf8), Array(b.utf8), "", &diffs)
        return diffs
    }

    private static func names(_ dir: [UInt8]) -> [[UInt8]] {
        guard let d = opendir((dir + [0]).map { CChar(bitPattern: $0) }) else { return [] }
        defer { closedir(d) }
        var result = [[UInt8]]()
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { Array($0[0..<($0.firstIndex(of: 0) ?? $0.count)]) }
            if name != [46] && name != [46, 46] { result.append(name) }
        }
        return result.sorted { $0.lexicographicallyPrecedes($1) }
    }

    private static func cPath(_ bytes: [UInt8]) -> [CChar] {
        (bytes + [0]).map { CChar(bitPattern: $0) }
    }

    private static func compare(_ a: [UInt8], _ b: [UInt8], _ rel: String, _ diffs: inout [String]) {
        let na = names(a), nb = names(b)
        if na != nb {
            diffs.append("\(rel)/: entries differ: \(na.map { String(decoding: $0, as: UTF8.self) }) vs \(nb.map { String(decoding: $0, as: UTF8.self) })")
            return
        }
        for name in na {
            let ra = a + [47] + name, rb = b + [47] + name
            let pa = cPath(ra), pb = cPath(rb)
            let shown = rel + "/" + String(decoding: name, as: UTF8.self)
            var sa = stat(), sb = stat()
            lstat(pa, &sa)
            lstat(pb, &sb)
            if sa.st_mode != sb.st_mode { diffs.append("\(shown): mode \(String(sa.st_mode, radix: 8)) vs \(String(sb.st_mode, radix: 8))") }
            if sa.st_uid != sb.st_uid || sa.st_gid != sb.st_gid { diffs.append("\(shown): owner differs") }
            if (sa.st_mode & S_IFMT) != S_IFDIR && sa.st_size != sb.st_size { diffs.append("\(shown): size \(sa.st_size) vs \(sb.st_size)") }
            if sa.st_mtim.tv_sec != sb.st_mtim.tv_sec || sa.st_mtim.tv_nsec != sb.st_mtim.tv_nsec {
                diffs.append("\(shown): mtime \(sa.st_mtim.tv_sec).\(sa.st_mtim.tv_nsec) vs \(sb.st_mtim.tv_sec).\(sb.st_mtim.tv_nsec)")
            }
            switch sa.st_mode & S_IFMT {
            case S_IFREG:
                if contents(pa) != contents(pb) { diffs.append("\(shown): contents differ") }
            case S_IFLNK:
                if linkTarget(pa) != linkTarget(pb) { diffs.append("\(shown): link target differs") }
            case S_IFDIR:
                compare(ra, rb, shown, &diffs)
            default:
                break
            }
        }
    }

    private static func contents(_ p: [CChar]) -> Data {
        let fd = open(p, O_RDONLY)
        guard fd >= 0 else { return Data() }
        defer { close(fd) }
        var out = Data()
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buf, buf.count)
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }

    private static func linkTarget(_ p: [CChar]) -> [UInt8] {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink(p, &buf, buf.count)
        return n > 0 ? buf[0..<n].map { UInt8(bitPattern: $0) } : []
    }
}
