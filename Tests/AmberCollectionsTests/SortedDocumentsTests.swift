@testable import AmberCollections
import AmberKit
import AmberTesting
import Foundation
import Testing

/// JSON sources larger than the sort budget: sorted in runs on disk and merged, with the same
/// documents, order and errors as in memory.
@Suite(.serialized)
struct SortedDocumentsTests {
    /// An NDJSON file of `count` documents with ids in shuffled order; returns its path.
    static func writeCollection(_ directory: String, count: Int, duplicate: (Int, Int)? = nil, padding: Int = 40) throws -> String {
        var ids = Array(0..<count)
        var rng = SystemRandomNumberGenerator()
        ids.shuffle(using: &rng)
        if let (at, copyOf) = duplicate { ids[at] = ids[copyOf] }
        let text = ids.map { id in
            #"{"_id":"doc-\#(id)","n":\#(id),"pad":"\#(String(repeating: "x", count: padding))","nested":{"b":[1,2,{"c":"é"}],"a":null}}"#
        }.joined(separator: "\n") + "\n"
        let path = directory + "/c.ndjson"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "/amber-sorted-test-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func collect(_ documents: SortedDocuments) throws -> [CollectionDocument] {
        var out = [CollectionDocument]()
        try documents.forEach { out.append($0) }
        return out
    }

    @Test(arguments: [1_000, 4_000])
    func spilledRunsMergeToTheInMemoryOrder(budget: Int) throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeAllItems(directory) }
        let path = try Self.writeCollection(directory, count: 2_000)
        let source = JSONCollectionSource(path: path, format: .ndjson)
        let inMemory = try source.read().documents
        let (sorted, field) = try source.readSorted(memoryBudget: budget)
        #expect(field == "_id")
        #expect(sorted.spilledRuns > 1)
        let merged = try Self.collect(sorted)
        #expect(merged.count == 2_000)
        #expect(merged.map(\.keyBytes) == inMemory.map(\.keyBytes))
        #expect(merged.map(\.value) == inMemory.map(\.value))
        #expect(merged.map(\.line) == inMemory.map(\.line))
        #expect(zip(merged, merged.dropFirst()).allSatisfy { $0.keyBytes.lexicographicallyPrecedes($1.keyBytes) })
    }

    @Test(arguments: [Int.max, 2_000])
    func aDuplicateIdIsRejectedWithBothLinesWhereverItIs(budget: Int) throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeAllItems(directory) }
        // Lines 1 and 1,900 carry the same id: in different runs when the budget is small.
        let path = try Self.writeCollection(directory, count: 2_000, duplicate: (1_899, 0))
        let source = JSONCollectionSource(path: path, format: .ndjson)
        #expect { _ = try source.readSorted(memoryBudget: budget) } throws: { error in
            guard let error = error as? SourceError else { return false }
            return error.line == 1_900 && error.message == "duplicate id (also on line 1)" && error.id != nil
        }
    }

    @Test func linesLongerThanAReadBlockAndASpillKeepTheirNumbers() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeAllItems(directory) }
        // ~9.6 MB: lines cross the 8 MiB read blocks; a malformed last line is named by number.
        let path = try Self.writeCollection(directory, count: 2_000, padding: 4_800)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"_id":"broken","#.utf8))
        handle.closeFile()
        #expect { _ = try JSONCollectionSource(path: path, format: .ndjson).readSorted(memoryBudget: 1 << 20) } throws: { error in
            (error as? SourceError)?.line == 2_001
        }
    }

    /// Lines are parsed on all cores; the error named is still the first bad line of the file.
    @Test(arguments: [(1_500, 2_500), (2_999, 3_000)])
    func theFirstBadLineIsNamedWhenSeveralAreBad(first: Int, second: Int) throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeAllItems(directory) }
        var lines = (0..<3_000).map { #"{"_id":\#($0),"v":"\#(String(repeating: "y", count: $0 % 50))"}"# }
        lines[second - 1] = #"{"_id": 1e999x}"#
        lines[first - 1] = #"{"no_id": true}"#
        let path = directory + "/bad.ndjson"
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        #expect { _ = try JSONCollectionSource(path: path, format: .ndjson).readSorted() } throws: { error in
            guard let error = error as? SourceError else { return false }
            return error.line == first && error.message.contains("no \"_id\" field")
        }
    }

    @Test func temporaryRunsAreRemoved() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeAllItems(directory) }
        let path = try Self.writeCollection(directory, count: 500)
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix("amber-sort-") })
        do {
            let (sorted, _) = try JSONCollectionSource(path: path, format: .ndjson).readSorted(memoryBudget: 5_000)
            #expect(sorted.spilledRuns > 1)
            #expect(try Self.collect(sorted).count == 500)
        }
        let after = Set(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix("amber-sort-") })
        #expect(after.subtracting(before).isEmpty)
    }


    @Test func sortRunsLiveInADirectoryNamedByThePIDAndAreRemovedWhenDone() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeAllItems(directory) }
        let path = try Self.writeCollection(directory, count: 2_000)
        func sortDirectories() throws -> Set<String> {
            Set(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())
                .filter { $0.hasPrefix("\(ScratchDirectories.prefix)\(getpid())-") })
        }
        let before = try sortDirectories()
        var sorted: SortedDocuments? = try JSONCollectionSource(path: path, format: .ndjson).readSorted(memoryBudget: 4_000).documents
        #expect(sorted!.spilledRuns > 1)
        let made = try sortDirectories().subtracting(before)
        #expect(made.count == 1, "one amber-sort-PID-… directory while the runs are in use")
        _ = try Self.collect(sorted!)
        sorted = nil
        #expect(try sortDirectories().isDisjoint(with: made), "removed when the documents are released")
    }

    /// Runs on disk are encrypted under a key kept in memory: no document's id or content is in
    /// any byte of them, they still merge to the same documents, and a flipped byte is named.
    @Test func sortRunsHoldNoDocumentInClear() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeAllItems(directory) }
        let path = try Self.writeCollection(directory, count: 2_000, padding: 64)
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix(ScratchDirectories.prefix) })
        let sorted = try JSONCollectionSource(path: path, format: .ndjson).readSorted(memoryBudget: 4_000).documents
        #expect(sorted.spilledRuns > 1)
        let made = try #require(Set(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())
            .filter { $0.hasPrefix(ScratchDirectories.prefix) }).subtracting(before).first)
        let runDirectory = NSTemporaryDirectory() + "/" + made
        let files = try FileManager.default.contentsOfDirectory(atPath: runDirectory).filter { $0.hasPrefix("run-") }
        #expect(files.count == sorted.spilledRuns)
        let needles = ["doc-1", "doc-1999", String(repeating: "x", count: 64), "nested"].map { Data($0.utf8) }
        var scanned = 0
        for file in files {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: runDirectory + "/" + file))
            scanned += bytes.count
            for needle in needles { #expect(bytes.range(of: needle) == nil, "\(file) holds \(String(decoding: needle, as: UTF8.self))") }
        }
        #expect(scanned > 100_000)
        let documents = try Self.collect(sorted)
        #expect(documents.count == 2_000 && documents.map(\.keyBytes) == documents.map(\.keyBytes).sorted { $0.lexicographicallyPrecedes($1) })

        // One flipped byte in a run: the merge stops and says the file is damaged.
        let victim = runDirectory + "/" + files.sorted()[0]
        var bytes = try Data(contentsOf: URL(fileURLWithPath: victim))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: victim))
        #expect(throws: SourceError.self) { _ = try Self.collect(sorted) }
    }

    @Test func abandonedSortDirectoriesOfDeadProcessesAreSwept() throws {
        let parent = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeAllItems(parent) }
        let dead = try DeadProcess.pid()
        let names = ["amber-sort-\(dead)-abc123", "amber-sort-\(getpid())-def456", "amber-sort-XyZ789", "amber-sorted-\(dead)-x", "other"]
        for name in names {
            try FileManager.default.createDirectory(atPath: parent + "/" + name, withIntermediateDirectories: false)
            try Data("{\"_id\":1}\n".utf8).write(to: URL(fileURLWithPath: parent + "/" + name + "/run-0"))
        }
        let removed = ScratchDirectories.sweepAbandoned(in: parent)
        #expect(removed == [parent + "/amber-sort-\(dead)-abc123"])
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: parent)) == Set(names.dropFirst()),
                "a live process's directory, one without a PID and other names stay")
    }
}

extension FileManager {
    func removeAllItems(_ path: String) throws { try removeItem(atPath: path) }
}
