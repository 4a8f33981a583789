@testable import AmberRepository
import AmberKit
import Foundation
import Testing

/// `key rotate` and `key retire` (format.md §Keys): new objects are sealed under a new random
/// data key at once; after the retirement no file in the repository opens with the keys of a
/// key file saved before the rotation, and everything restores as it was.
@Suite(.serialized)
struct KeyRotationTests {
    /// Every sealed file and pack header of the repository that `keys` open, by name.
    func openedBy(_ keys: MasterKeys, _ repository: Repository) throws -> [String] {
        let sealer = Sealer(keys: keys, compressionLevel: 0)
        var opened = [String]()
        for kind in [FileKind.index, .snapshots, .locks, .plans] {
            for (name, _) in try repository.backend.list(kind) {
                let bytes = try repository.backend.load(AmberStorage.FileHandle(kind, name))
                for type in [RepositoryFileType.index, .snapshot, .lock, .prunePlan] where (try? sealer.openFile(type, bytes, what: name)) != nil {
                    opened.append("\(kind) \(name)")
                }
            }
        }
        if (try? sealer.openFile(.config, try repository.backend.load(.config), what: "config")) != nil { opened.append("config") }
        for (name, _) in try repository.backend.list(.data) {
            let bytes = try repository.backend.load(AmberStorage.FileHandle(.data, name))
            let (salt, length, _) = try Pack.parseTrailer(Array(bytes.suffix(Pack.trailerCount)), what: name)
            let start = bytes.count - Pack.trailerCount - length
            // Whatever generation the trailer names: try every one these keys hold.
            for generation in keys.dataKeys.keys
            where (try? Pack.parseHeader(Array(bytes[start..<bytes.count - Pack.trailerCount]), salt: salt, generation: generation,
                                         blobArea: start, sealer: sealer, what: name)) != nil {
                opened.append("pack \(name)")
            }
        }
        return opened
    }

    /// The key generation named by every sealed file's header and every pack's trailer.
    func generations(_ repository: Repository) throws -> Set<UInt16> {
        var found = Set<UInt16>()
        for kind in [FileKind.index, .snapshots, .plans] {
            for (name, _) in try repository.backend.list(kind) {
                found.insert(try #require(Sealer.generation(ofFile: try repository.backend.load(AmberStorage.FileHandle(kind, name)))))
            }
        }
        found.insert(try #require(Sealer.generation(ofFile: try repository.backend.load(.config))))
        for (name, _) in try repository.backend.list(.data) {
            found.insert(try Pack.parseTrailer(Array(try repository.backend.load(AmberStorage.FileHandle(.data, name)).suffix(Pack.trailerCount)),
                                               what: name).generation)
        }
        return found
    }

    @Test func afterRetirementNothingOpensWithTheOldKeysAndEverythingRestores() throws {
        let scratch = Scratch()
        let repository = try makeRepository(scratch)
        let second = try repository.addKey(password: Array("second".utf8), scrypt: .testing)
        let source = scratch.sub("src")
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        write(source + "/a.bin", bytes(900_000, seed: 1))
        write(source + "/b.txt", Array(String(repeating: "text ", count: 5_000).utf8))
        let first = try backup(repository, source)
        let firstFiles = try restoredFiles(try openAgain(scratch), first, into: scratch.sub("r1"))
        let oldKeys = try openAgain(scratch).keys
        let oldKeyName = try #require(repository.keyName)
        let oldKeyFile = try repository.backend.load(AmberStorage.FileHandle(.keys, oldKeyName))
        let oldConfig = try repository.backend.load(.config)
        #expect(try generations(repository) == [0])

        let rotation = try repository.rotateKeys(password: testPassword, scrypt: .testing)
        #expect(rotation.generation == 1 && rotation.generations == [0, 1])
        #expect(rotation.removedKeys == [try #require(repository.keyName), second].sorted())
        #expect(throws: RepositoryError.self) { try Repository.open(backend: LocalBackend(path: scratch.sub("repo")), password: Array("second".utf8)) }
        let rotated = try openAgain(scratch)
        #expect(rotated.currentGeneration == 1 && rotated.keyGenerations == [0, 1])
        write(source + "/c.bin", bytes(300_000, seed: 3))
        let afterRotation = try backup(rotated, source)
        let secondFiles = try restoredFiles(try openAgain(scratch), afterRotation, into: scratch.sub("r2"))
        #expect(secondFiles.count == 3)
        #expect(try generations(repository) == [0, 1])
        // The new pack and index file: of generation 1, which the old keys do not hold.
        #expect(try openedBy(oldKeys, repository).count > 0)
        let before = try Checker(repository: try openAgain(scratch)).run(readData: .none)
        #expect(before.isClean && before.warnings.contains { $0.contains("older key generations (0)") }, "\(before.warnings)")

        let report = try KeyRetirer(repository: try openAgain(scratch), password: testPassword, scrypt: .testing).run()
        #expect(report.complete && report.retiredGenerations == [0] && report.packsLeft == 0, "\(report)")
        #expect(report.snapshotsResealed == 1 && report.configResealed && report.filesLeft == 0)
        let retired = try openAgain(scratch)
        #expect(retired.keyGenerations == [1])
        #expect(try generations(retired) == [1])
        #expect(try openedBy(oldKeys, retired) == [])
        #expect(try openedBy(retired.keys, retired).count > 0)
        let after = try Checker(repository: try openAgain(scratch)).run(readData: .all)
        #expect(after.isClean && after.warnings.isEmpty, "\(after.warnings)")
        // The snapshots, found again (the first one's id changed with its file).
        let ids = try retired.listSnapshotIDs()
        #expect(ids.count == 2 && ids.contains(afterRotation) && !ids.contains(first))
        var restored = [[String: Data]]()
        for (i, id) in ids.enumerated() { restored.append(try restoredFiles(try openAgain(scratch), id, into: scratch.sub("again\(i)"))) }
        #expect(Set(restored.map { $0.keys.sorted() }) == Set([firstFiles.keys.sorted(), secondFiles.keys.sorted()]))
        #expect(restored.contains(firstFiles) && restored.contains(secondFiles))

        // The old key file and config put back beside the new key file: the key state does not
        // roll back (the newer key file opened with the password, so the older one is not used).
        let retiredConfig = try retired.backend.load(.config)
        try retired.backend.save(AmberStorage.FileHandle(.keys, oldKeyName), oldKeyFile)
        try retired.backend.save(.config, oldConfig)
        let viaCopy = try openAgain(scratch)  // the config's copy (the new config) opens with the new key file
        #expect(viaCopy.keyGenerations == [1] && !viaCopy.copyNotes.isEmpty)
        try retired.backend.save(AmberStorage.FileHandle(.copies, "config"), oldConfig)
        #expect(throws: RepositoryError.self) { try openAgain(scratch) }
        try retired.backend.save(.config, retiredConfig)
        try retired.backend.save(AmberStorage.FileHandle(.copies, "config"), retiredConfig)
        #expect(try openAgain(scratch).keyGenerations == [1])
        try retired.backend.remove(AmberStorage.FileHandle(.keys, oldKeyName))

        // A second retirement finds nothing to do; a new backup is of generation 1.
        let again = try KeyRetirer(repository: try openAgain(scratch), password: testPassword, scrypt: .testing).run()
        #expect(again.complete && again.retiredGenerations == [] && again.prune.packsRepacked == 0)
        write(source + "/d.bin", bytes(200_000, seed: 4))
        _ = try backup(try openAgain(scratch), source)
        #expect(try generations(repository) == [1])
    }

    /// A rotation interrupted after its key file was saved leaves two key files for the
    /// password: the newer generation is the one that opens, so nothing sealed under it is lost.
    @Test func anInterruptedRotationOpensWithTheNewerKeys() throws {
        let scratch = Scratch()
        let repository = try makeRepository(scratch)
        let rotated = try repository.keys.rotated()
        let old = try #require(repository.keyName)
        // Named so that it sorts after the old key file: the order of names must not decide.
        var bytes: [UInt8], name: String
        repeat {
            bytes = try KeyFile.wrap(rotated, password: testPassword, parameters: .testing).encoded()
            name = Hex.encode(SHA256.hash(bytes))
        } while name < old
        try repository.backend.save(AmberStorage.FileHandle(.keys, name), bytes)
        try repository.backend.save(AmberStorage.FileHandle(.copies, name), bytes)
        let opened = try openAgain(scratch)
        #expect(opened.keyName == name)
        #expect(opened.currentGeneration == 1 && opened.keyGenerations == [0, 1])
        // Damaged, with its copy whole: the copy's generation orders it, and the copy opens.
        try repository.backend.save(AmberStorage.FileHandle(.keys, name), Array(bytes.prefix(20)))
        let viaCopy = try openAgain(scratch)
        #expect(viaCopy.keyName == name && viaCopy.currentGeneration == 1 && !viaCopy.copyNotes.isEmpty)
    }

    /// A command that opened the repository before a rotation holds stale keys: it cannot take
    /// a lock (so writes nothing that a retirement could drop), rotate or retire; it sees a lock
    /// sealed under the newer generation as a live exclusive lock.
    @Test func staleKeysNeitherWriteNorRotate() throws {
        let scratch = Scratch()
        let repository = try makeRepository(scratch)
        let stale = try openAgain(scratch)
        _ = try repository.rotateKeys(password: testPassword, scrypt: .testing)
        let current = try openAgain(scratch)
        #expect(stale.currentGeneration == 0 && current.currentGeneration == 1)
        #expect(throws: RepositoryError.self) { try RepositoryLock.acquire(stale, mode: .shared) }
        #expect(throws: RepositoryError.self) { try stale.rotateKeys(password: testPassword, scrypt: .testing) }
        #expect(throws: RepositoryError.self) { try KeyRetirer(repository: stale, password: testPassword, scrypt: .testing).run() }
        #expect(try stale.backend.list(.locks).isEmpty)

        let held = try RepositoryLock.acquire(current, mode: .shared)
        defer { held.release() }
        let seen = try RepositoryLock.list(stale)
        #expect(seen.count == 1 && seen[0].mode == .exclusive && !seen[0].isStale)
        #expect(try RepositoryLock.list(current).map(\.mode) == [.shared])
    }

    /// A retirement interrupted after writing the new key file and before removing the old one:
    /// run again (with whichever of the two key files opens first), it leaves one key file, of
    /// the current generation only.
    @Test func anInterruptedRetirementFinishesWhenRunAgain() throws {
        let scratch = Scratch()
        let repository = try makeRepository(scratch)
        _ = try repository.rotateKeys(password: testPassword, scrypt: .testing)
        let rotated = try openAgain(scratch)
        let rotatedName = try #require(rotated.keyName)
        let rotatedKeyFile = try rotated.backend.load(AmberStorage.FileHandle(.keys, rotatedName))
        // Another password's key file, added between rotation and retirement: it holds both.
        let otherName = try rotated.addKey(password: Array("other".utf8), scrypt: .testing)
        let otherKeyFile = try rotated.backend.load(AmberStorage.FileHandle(.keys, otherName))
        #expect(try KeyFile(decoding: otherKeyFile, what: "").generations == [0, 1])
        #expect(try KeyRetirer(repository: rotated, password: testPassword, scrypt: .testing).run().complete)
        // As a crash in the last step left them:
        try rotated.backend.save(AmberStorage.FileHandle(.keys, rotatedName), rotatedKeyFile)
        try rotated.backend.save(AmberStorage.FileHandle(.keys, otherName), otherKeyFile)
        let again = try KeyRetirer(repository: try openAgain(scratch), password: testPassword, scrypt: .testing).run()
        // Opened with the retired key file, it removes those two; with the rotated one (the two
        // are of one generation: the name decides), it retires again and removes every other.
        #expect(again.complete && Set(again.removedKeys).isSuperset(of: [rotatedName, otherName]), "\(again)")
        let left = try rotated.backend.list(.keys).map(\.name)
        #expect(left.count == 1 && !left.contains(rotatedName) && !left.contains(otherName))
        #expect(try openAgain(scratch).keyGenerations == [1])

        // A lock sealed under the retired generation (a stale process's) blocks nothing.
        let oldSealer = Sealer(keys: MasterKeys(master: try openAgain(scratch).keys.master), compressionLevel: 0)
        let payload = Array(#"{"time":"2099-01-01T00:00:00.000000Z","exclusive":true,"hostname":"elsewhere","pid":1}"#.utf8)
        let sealed = try oldSealer.sealFile(.lock, payload: payload)
        try rotated.backend.save(AmberStorage.FileHandle(.locks, Hex.encode(SHA256.hash(sealed))), sealed)
        let lock = try RepositoryLock.acquire(try openAgain(scratch), mode: .exclusive)
        lock.release()
    }

    /// Version 2 key payloads: what is written reads back; a current generation the payload
    /// does not hold, generations out of order and trailing bytes are refused.
    @Test func keyPayloadsRoundTripAndRefuseMalformedOnes() throws {
        let keys = try MasterKeys.generate().rotated().rotated()
        let payload = KeyFile.payload(keys)
        let read = try #require(KeyFile.keys(fromPayload: payload))
        #expect(read.master == keys.master && read.dataKeys == keys.dataKeys && read.currentGeneration == 2)
        var noCurrent = payload
        noCurrent[33] = 9
        #expect(KeyFile.keys(fromPayload: noCurrent) == nil)
        var disordered = payload
        disordered[37] = 5  // the first generation, 0, becomes 5: after it comes 1
        #expect(KeyFile.keys(fromPayload: disordered) == nil)
        #expect(KeyFile.keys(fromPayload: payload + [0]) == nil)
        #expect(KeyFile.keys(fromPayload: Array(payload.dropLast())) == nil)
        #expect(MasterKeys(master: keys.master).isFirstGeneration && !keys.isFirstGeneration && !keys.retired().isFirstGeneration)
    }
}
