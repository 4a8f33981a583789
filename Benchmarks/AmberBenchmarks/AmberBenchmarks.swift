import AmberKit
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

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(3))
    let keys = MasterKeys(master: [UInt8](repeating: 7, count: 32))
    let random = sampleBytes(64 << 20, text: false)
    let text = sampleBytes(64 << 20, text: true)

    // FastCDC over 64 MiB (files parameters: 512 KiB / 1 MiB / 8 MiB).
    Benchmark("FastCDC 64 MiB random", configuration: .init(scalingFactor: .one)) { benchmark in
        let chunker = FastCDC(parameters: .files, gear: GearTable(keys.gearValues())!)
        for _ in benchmark.scaledIterations { blackHole(chunker.chunkLengths(of: random)) }
    }

    // Keyed blob ids: HMAC-SHA256 over 1 MiB and 4 KiB blobs.
    Benchmark("HMAC-SHA256 id 1 MiB x 64") { benchmark in
        let hasher = HMACSHA256(key: keys.idKey)
        for _ in benchmark.scaledIterations {
            for i in 0..<64 { random.withUnsafeBytes { blackHole(hasher.id(UnsafeRawBufferPointer(rebasing: $0[(i << 20)..<((i + 1) << 20)]))) } }
        }
    }
    Benchmark("HMAC-SHA256 id 4 KiB x 4096") { benchmark in
        let hasher = HMACSHA256(key: keys.idKey)
        for _ in benchmark.scaledIterations {
            for i in 0..<4096 { random.withUnsafeBytes { blackHole(hasher.id(UnsafeRawBufferPointer(rebasing: $0[(i << 12)..<((i + 1) << 12)]))) } }
        }
    }

    // Compress (zstd 3) + encrypt (AES-256-GCM, per-blob key, synthetic nonce): the Sealer's work per blob.
    for (name, data) in [("text", text), ("random", random)] {
        Benchmark("seal 1 MiB blobs x 16, \(name)") { benchmark in
            let sealer = Sealer(keys: keys, compressionLevel: 3)
            let hasher = HMACSHA256(key: keys.idKey)
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
