import AmberCore
import AmberCrypto
import AmberRepository
import AmberStorage
import Dispatch
import Synchronization

extension Checker {
    func select(_ packs: [(id: BlobID, size: Int)], _ selection: ReadDataSelection) -> [(id: BlobID, size: Int)] {
        switch selection {
        case .none:
            return []
        case .all:
            return packs
        case .subset(let n, let total):
            return packs.filter { pack in
                let b = pack.id.bytes
                let number = UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3])
                return Int(number % UInt32(total)) == n - 1
            }
        case .percent(let p):
            let count = Int((Double(packs.count) * p / 100).rounded(.up))
            return Array(packs.shuffled().prefix(count)).sorted { $0.id < $1.id }
        }
    }

    /// Reads the packs in full on every core, verifying each blob.
    func readData(_ packs: [(id: BlobID, size: Int)], digests: PackDigests?, progress: (@Sendable (ReadDataProgress) -> Void)?) {
        let done = Mutex(ReadDataProgress(packs: 0, totalPacks: packs.count, bytes: 0, totalBytes: packs.reduce(0) { $0 + $1.size }))
        let next = Mutex(0)
        let workers = min(System.coreCount, packs.count)
        let byPack = Dictionary(grouping: repository.index.allBlobs.values, by: \.pack)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i: Int = next.withLock { n in defer { n += 1 }; return n }
                guard i < packs.count else { return }
                readPack(packs[i].id, expected: (byPack[packs[i].id] ?? []).map(\.entry), digests: digests)
                let sofar = done.withLock { d in
                    d.packs += 1
                    d.bytes += packs[i].size
                    return d
                }
                progress?(sofar)
            }
        }
    }

    private func readPack(_ pack: BlobID, expected: [PackEntry], digests: PackDigests?) {
        let what = "pack \(pack.shortHex)"
        // A pack in no index holds nothing any snapshot needs (an interrupted backup's, maybe
        // torn by the crash): its damage is a warning, and prune removes it.
        let needed = repository.index.packs[pack] != nil
        let complain: (String) -> Void = { [self] message in
            if needed {
                self.error(message)
            } else {
                update { $0.warnings.append("\(message) (the pack is in no index: nothing needs it, and `amber prune` removes it)") }
            }
        }
        let bytes: [UInt8]
        do {
            bytes = try repository.backend.load(FileHandle(.data, pack.hex))
        } catch {
            complain("\(what): cannot be read: \(error)")
            update { r in for e in expected { r.damagedBlobs.insert(e.id) } }
            return
        }
        update { $0.packsRead += 1; $0.bytesRead += UInt64(bytes.count) }
        // Verify every blob the index places in this pack, reading it from the bytes just
        // loaded, and the header; what fails is reported after the pack's name.
        var findings = [String]()
        for entry in expected {
            let end = Int(entry.offset) + Int(entry.length)
            guard end <= bytes.count else {
                findings.append("\(what): blob \(entry.id.shortHex) lies beyond the end of the pack")
                update { $0.damagedBlobs.insert(entry.id) }
                continue
            }
            do {
                _ = try repository.openBlob(bytes[Int(entry.offset)..<end], entry: entry, pack: pack)
                update { $0.blobsRead += 1 }
            } catch {
                findings.append("\(error.message)")
                update { $0.damagedBlobs.insert(entry.id) }
            }
        }
        // The header itself must still open and agree, so the index can be rebuilt from packs.
        if bytes.count >= Pack.trailerCount {
            do throws(RepositoryError) {
                _ = try repository.packHeader(pack, bytes: bytes)
            } catch {
                findings.append("\(error.message)")
            }
        }
        // The pack's SHA-256 is compared with its name when its digest is at hand, when it
        // holds bytes no tag covers, or when something in it failed (to name the pack as
        // damaged); an intact covered pack needs no hash (``Pack/isCovered(_:by:)``).
        let intactAndCovered = findings.isEmpty && Pack.isCovered(bytes, by: expected)
        let digest = digests?.digest(of: pack) ?? (intactAndCovered ? pack : BlobID(bytes: SHA256.hash(bytes)))
        if digest != pack {
            complain("\(what): its contents do not match its name (the file is damaged)")
        }
        findings.forEach(complain)
    }
}
