import Dispatch
import Synchronization
import Testing
import AmberStorage

/// The behaviour every ``Backend`` must show, checked on any implementation.
///
/// `plantStrayFile`, if given, leaves a stray temporary file (`.tmp-…`) next to where the handle
/// would be stored, as a crash between write and rename would; listings must not show it.
public func checkBackendConformance(
    _ backend: any Backend, plantStrayFile: ((FileHandle) throws -> Void)? = nil
) throws {
    try backend.create()
    try backend.create()  // idempotent
    for kind in FileKind.allCases {
        #expect(try backend.list(kind).isEmpty, "fresh backend lists \(kind)")
    }

    try checkSaveLoadSizeList(backend)
    try checkRangeLoads(backend)
    try checkNotFound(backend)
    try checkConfigOverwrite(backend)
    try checkRemove(backend)
    try checkInvalidNames(backend)
    if let plantStrayFile { try checkStrayFilesIgnored(backend, plant: plantStrayFile) }
    try checkConcurrentSaves(backend)
}

private func checkSaveLoadSizeList(_ backend: any Backend) throws {
    let key = FileHandle(.keys, TestNames.data(1))
    let keyBytes = TestNames.bytes(300, seed: 1)
    try backend.save(key, keyBytes)
    #expect(try backend.load(key) == keyBytes)
    #expect(try backend.size(key) == 300)
    #expect(try backend.exists(key))
    #expect(try backend.list(.keys).map(\.name) == [key.name])
    #expect(try backend.list(.keys).map(\.size) == [300])

    let blobs = (0..<3).map { FileHandle(.data, TestNames.data($0, salt: 0xd0)) }
    for (i, blob) in blobs.enumerated() { try backend.save(blob, TestNames.bytes(1000 + i, seed: i)) }
    let listed = try backend.list(.data)
    #expect(listed.map(\.name) == blobs.map(\.name).sorted())
    for entry in listed {
        let index = blobs.firstIndex { $0.name == entry.name } ?? -1
        #expect(entry.size == 1000 + index)
        #expect(try backend.load(FileHandle(.data, entry.name)) == TestNames.bytes(1000 + index, seed: index))
    }
    #expect(try backend.list(.index).isEmpty, "files of one kind do not show under another")
    // A prefetch (all, part, none, of an empty kind) is a hint: every file reads as before.
    for budget in [1 << 20, 1500, 0] { backend.prefetch(.data, upTo: budget) }
    backend.prefetch(.index, upTo: 1 << 20)
    #expect(try backend.list(.data).map(\.name) == listed.map(\.name))
    for (i, blob) in blobs.enumerated() { #expect(try backend.load(blob) == TestNames.bytes(1000 + i, seed: i)) }

    let empty = FileHandle(.snapshots, TestNames.data(7))
    try backend.save(empty, [])
    #expect(try backend.load(empty) == [])
    #expect(try backend.size(empty) == 0)
    #expect(try backend.list(.snapshots).map(\.size) == [0])
}

private func checkRangeLoads(_ backend: any Backend) throws {
    let pack = FileHandle(.data, TestNames.data(100))
    let bytes = TestNames.bytes(4096, seed: 9)
    try backend.save(pack, bytes)
    #expect(try backend.load(pack, offset: 10, length: 20) == Array(bytes[10..<30]))
    #expect(try backend.load(pack, offset: 4000, length: nil) == Array(bytes[4000...]))
    #expect(try backend.load(pack, offset: 0, length: 4096) == bytes)
    #expect(try backend.load(pack, offset: 4095, length: 1) == [bytes[4095]])
    #expect(try backend.load(pack, offset: 17, length: 0) == [])
    #expect(try backend.load(pack, offset: 4096, length: nil) == [])
    for (offset, length) in [(4090, 7), (4097, nil), (-1, 4), (0, -1), (Int.max, 1), (1, Int.max)] as [(Int, Int?)] {
        #expect(backendErrorCode { try backend.load(pack, offset: offset, length: length) } == .permanent,
                "range \(offset)+\(String(describing: length)) of 4096 bytes")
    }
}

private func checkNotFound(_ backend: any Backend) throws {
    for missing in [FileHandle(.data, TestNames.data(999)), FileHandle(.index, "ab12"), FileHandle.config] {
        #expect(backendErrorCode { try backend.load(missing) } == .notFound)
        #expect(backendErrorCode { try backend.load(missing, offset: 0, length: 1) } == .notFound)
        #expect(backendErrorCode { try backend.size(missing) } == .notFound)
        #expect(try backend.exists(missing) == false)
        try backend.remove(missing)  // removing a missing file is fine
    }
}

private func checkConfigOverwrite(_ backend: any Backend) throws {
    #expect(try backend.list(.config).isEmpty)
    try backend.save(.config, Array("first".utf8))
    try backend.save(.config, Array("second version".utf8))
    #expect(try backend.load(.config) == Array("second version".utf8))
    #expect(try backend.size(.config) == 14)
    let listed = try backend.list(.config)
    #expect(listed.map(\.name) == ["config"])
    #expect(listed.map(\.size) == [14])
}

private func checkRemove(_ backend: any Backend) throws {
    let lock = FileHandle(.locks, TestNames.data(5))
    try backend.save(lock, [1, 2, 3])
    #expect(try backend.list(.locks).count == 1)
    try backend.remove(lock)
    #expect(try backend.list(.locks).isEmpty)
    #expect(backendErrorCode { try backend.load(lock) } == .notFound)
    try backend.remove(lock)
}

private func checkInvalidNames(_ backend: any Backend) throws {
    let invalid = [
        FileHandle(.keys, ""), FileHandle(.keys, "../escape"), FileHandle(.index, "a/b"),
        FileHandle(.snapshots, ".hidden"), FileHandle(.data, "zz00"), FileHandle(.data, "A0ff"), FileHandle(.data, "a"),
        FileHandle(.keys, String(repeating: "a", count: 256)), FileHandle(.keys, "nul\u{0}byte"),
    ]
    for handle in invalid {
        #expect(backendErrorCode { try backend.save(handle, [1]) } == .permanent, "save \(handle.name.debugDescription)")
        #expect(backendErrorCode { try backend.load(handle) } == .permanent, "load \(handle.name.debugDescription)")
        #expect(backendErrorCode { try backend.size(handle) } == .permanent, "size \(handle.name.debugDescription)")
        #expect(backendErrorCode { try backend.remove(handle) } == .permanent, "remove \(handle.name.debugDescription)")
    }
}

private func checkStrayFilesIgnored(_ backend: any Backend, plant: (FileHandle) throws -> Void) throws {
    let before = try FileKind.allCases.map { try backend.list($0).map(\.name) }
    for handle in [FileHandle(.data, TestNames.data(100)), FileHandle(.keys, "x"), FileHandle(.index, "y")] {
        try plant(handle)
    }
    let after = try FileKind.allCases.map { try backend.list($0).map(\.name) }
    #expect(after == before)
}

/// 500 saves from 2 threads: every file is listed afterwards with its size.
private func checkConcurrentSaves(_ backend: any Backend) throws {
    let failures = Mutex<[String]>([])
    DispatchQueue.concurrentPerform(iterations: 2) { thread in
        for i in stride(from: thread, to: 500, by: 2) {
            do {
                try backend.save(FileHandle(.data, TestNames.data(i, salt: 0xcc)), TestNames.bytes(i % 97, seed: i))
            } catch {
                failures.withLock { $0.append("\(i): \(error)") }
            }
        }
    }
    #expect(failures.withLock { $0 }.isEmpty)
    let listed = try backend.list(.data).filter { $0.name.hasSuffix("cccc") }
    #expect(listed.count == 500)
    let expected = (0..<500).map { (name: TestNames.data($0, salt: 0xcc), size: $0 % 97) }.sorted { $0.name < $1.name }
    #expect(listed.map(\.name) == expected.map(\.name))
    #expect(listed.map(\.size) == expected.map(\.size))
}

/// The code of the ``BackendError`` `body` throws; nil if it succeeds or throws anything else.
public func backendErrorCode<T>(_ body: () throws -> T) -> BackendError.Code? {
    do {
        _ = try body()
        return nil
    } catch let error as BackendError {
        return error.code
    } catch {
        return nil
    }
}
