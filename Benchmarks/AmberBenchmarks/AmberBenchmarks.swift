import AmberKit
import AmberTesting
import Benchmark

/// Deterministic bytes: `kind` 0 is random-looking (incompressible), 1 is text-like (compresses ~4x).
func sampleBytes(_ count: Int, text: Bool) -> [UInt8] {
    var state: UInt64 = 0x616d626572
    var out = [UInt8]()
    out.reserveCapacity(count + 16)
    let words = Array("amber backup restore snapshot chunk pack index tree blob key {\"id\":42,\"name\":\"x\"}\n".utf8)
    while out.count < count {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        if text {
            let start = Int(z % UInt64(words.count - 12))
            out.append(contentsOf: words[start..<start + 12])
        } else {
            withUnsafeBytes(of: z) { out.append(contentsOf: $0) }
        }
    }
    return Array(out.prefix(count))
}

/// A run leaf's worth of pgbench-like changed rows (`manifest-format.md` §N.7): 2,500 entries
/// keyed by a sparse integer, each a row of an integer text, a signed balance, a timestamp with
/// microseconds and an 84-space filler.
func sampleRows() -> [RowColumns.Entry] {
    var state: UInt64 = 0x726f7773
    var aid: Int64 = 0
    return (0..<2_500).map { _ in
        state &+= 0x9E37_79B9_7F4A_7C15
        let z = (state ^ (state >> 29)) &* 0xBF58_476D_1CE4_E5B9
        aid += Int64(z % 400) + 1
        let micros = String(z % 1_000_000)
        let row = DatabaseRow([
            .init("aid", .text(Array(String(aid).utf8))),
            .init("abalance", .text(Array(String(Int64((z >> 20) % 10_001) - 5_000).utf8))),
            .init("mtime", .text(Array("2026-11-25 17:41:\(10 + z % 50).\(String(repeating: "0", count: 6 - micros.count))\(micros)".utf8))),
            .init("filler", .text(Array(repeating: UInt8(ascii: " "), count: 84))),
        ])
        return RowColumns.Entry(key: DocumentKey.composite([.integer(aid)]).encoded, row: row.encoded)
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(3))
    // Keys come from a throwaway in-memory repository: its API hands out hashers, not key material.
    let repository = try! Repository.initialize(backend: MemoryBackend(), password: Array("bench".utf8), scrypt: .testing)
    let random = sampleBytes(64 << 20, text: false)
    let text = sampleBytes(64 << 20, text: true)

    // FastCDC over 64 MiB (files parameters: 512 KiB / 1 MiB / 8 MiB).
    Benchmark("FastCDC 64 MiB random", configuration: .init(scalingFactor: .one)) { benchmark in
        let chunker = repository.makeChunker(parameters: .files)
        for _ in benchmark.scaledIterations { blackHole(chunker.chunkLengths(of: random)) }
    }

    // Keyed blob ids: HMAC-SHA256 over 1 MiB and 4 KiB blobs.
    Benchmark("HMAC-SHA256 id 1 MiB x 64") { benchmark in
        let hasher = repository.makeIDHasher(for: .data)
        for _ in benchmark.scaledIterations {
            for i in 0..<64 { random.withUnsafeBytes { blackHole(hasher.id(UnsafeRawBufferPointer(rebasing: $0[(i << 20)..<((i + 1) << 20)]))) } }
        }
    }
    Benchmark("HMAC-SHA256 id 4 KiB x 4096") { benchmark in
        let hasher = repository.makeIDHasher(for: .data)
        for _ in benchmark.scaledIterations {
            for i in 0..<4096 { random.withUnsafeBytes { blackHole(hasher.id(UnsafeRawBufferPointer(rebasing: $0[(i << 12)..<((i + 1) << 12)]))) } }
        }
    }

    // Columnar run leaves: 2,500 pgbench-like rows to columns and back (the decode spends a
    // 64 MiB expansion budget, as the node reader does).
    let rows = sampleRows()
    let columns = RowColumns.encode(rows)!
    Benchmark("columnar leaf encode, 2,500 rows") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(RowColumns.encode(rows)) }
    }
    Benchmark("columnar leaf decode, 2,500 rows") { benchmark in
        for _ in benchmark.scaledIterations {
            var reader = ByteReader(columns, context: "benchmark")
            var budget = ExpansionBudget(bytes: 64 << 20)
            blackHole(try RowColumns.decode(rows.count, from: &reader, budget: &budget))
        }
    }

    // Compress (zstd 3) + encrypt (AES-256-GCM, per-blob key, synthetic nonce): the Sealer's work per blob.
    for (name, data) in [("text", text), ("random", random)] {
        Benchmark("seal 1 MiB blobs x 16, \(name)") { benchmark in
            let hasher = repository.makeIDHasher(for: .data)
            try repository.withSealer { sealer in  // the default config's level: zstd 3
                for _ in benchmark.scaledIterations {
                    for i in 0..<16 {
                        let chunk = Array(data[(i << 20)..<((i + 1) << 20)])
                        let id = hasher.id(chunk)
                        var aad: [UInt8] = [1]
                        id.append(to: &aad)
                        blackHole(try sealer.seal(chunk, key: sealer.blobKey(.data, id), aad: aad))
                    }
                }
            }
        }
    }
}
