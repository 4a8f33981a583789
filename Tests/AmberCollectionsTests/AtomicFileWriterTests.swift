@testable import AmberCollections
import Foundation
import Testing

/// NDJSON targets are written through a temporary file renamed into place when complete.
struct AtomicFileWriterTests {
    static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "/amber-atomic-test-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func commitReplacesTheFileAndDiscardLeavesItAsItWas() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/c.ndjson"
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: path))
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: 3 << 20)  // several buffers
        do {
            let writer = try AtomicFileWriter(path: path)
            try writer.write(big)
            writer.discard()
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
        let writer = try AtomicFileWriter(path: path)
        try writer.write(big)
        try writer.write(Array("\n".utf8))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")  // not yet in place
        try writer.commit()
        #expect(FileManager.default.contents(atPath: path) == Data(big + [10]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["c.ndjson"])
    }

    @Test func aFailedRenameLeavesNoTemporaryFile() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/c.ndjson"
        try FileManager.default.createDirectory(atPath: path + "/inside", withIntermediateDirectories: true)  // a non-empty directory
        let writer = try AtomicFileWriter(path: path)
        try writer.write(Array("doc\n".utf8))
        #expect(throws: SourceError.self) { try writer.commit() }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["c.ndjson"])
    }
}
