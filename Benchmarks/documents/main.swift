// JSON parser and RFC 8785 serializer throughput on generated NDJSON (1,000,000 lines of ~500 B).
// Run: Benchmarks/documents/run.sh   (builds AmberCore + AmberDocuments with -O -wmo, no SwiftPM)
import AmberDocuments

#if canImport(Glibc)
import Glibc
#endif

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

let lineCount = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 1_000_000
var state: UInt64 = 42
func nextRandom() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
let words = ["alpha", "beta", "gamma", "delta", "Zoë", "naïve", "東京", "emoji 😀", "quote \\\"x\\\"", "tab\\t"]
var file = [UInt8]()
file.reserveCapacity(lineCount * 520)
for i in 0..<lineCount {
    let w = { words[Int(nextRandom() % UInt64(words.count))] }
    let line = """
        {"_id":"user-\(i)","name":"\(w()) \(w())","age":\(nextRandom() % 100),"score":\(Double(nextRandom() % 1_000_000) / 1000),\
        "active":\(nextRandom() % 2 == 0),"tags":["\(w())","\(w())","\(w())"],"address":{"street":"\(nextRandom() % 9999) \(w()) street",\
        "city":"\(w())","zip":"\(nextRandom() % 99999)","geo":{"lat":\(Double(nextRandom() % 180_000_000) / 1e6 - 90),\
        "lon":\(Double(nextRandom() % 360_000_000) / 1e6 - 180)}},"created":"2026-11-\(10 + nextRandom() % 18)T12:34:56Z",\
        "bio":"\(w()) \(w()) \(w()) \(w()) \(w()) \(w()) \(w()) \(w()) \(w()) \(w()) \(w())","balance":\(nextRandom() % 100_000_000),\
        "ratio":\(Double(nextRandom()) / Double(UInt64.max)),"note":null,"history":[\(nextRandom() % 1000),\(nextRandom() % 1000),\(nextRandom() % 1000)]}
        """
    file.append(contentsOf: line.utf8)
    file.append(0x0A)
}
let megabytes = Double(file.count) / 1e6
print("input: \(lineCount) lines, \(Int(megabytes)) MB (\(file.count / lineCount) B/line)")

var values = [JSONValue]()
values.reserveCapacity(lineCount)
var t = now()
var start = 0
for i in 0..<file.count where file[i] == 0x0A {
    values.append(try JSONParser.parse(file[start..<i]))
    start = i + 1
}
var elapsed = now() - t
print("parse:     \(format1(elapsed)) s, \(format1(megabytes / elapsed)) MB/s, \(Int(Double(lineCount) / elapsed)) lines/s")

t = now()
var outBytes = 0
var out = [UInt8]()
for v in values {
    out.removeAll(keepingCapacity: true)
    CanonicalJSON.append(v, to: &out)
    outBytes += out.count
}
elapsed = now() - t
print("serialize: \(format1(elapsed)) s, \(format1(Double(outBytes) / 1e6 / elapsed)) MB/s of canonical output (\(outBytes / lineCount) B/line)")

func format1(_ x: Double) -> String { String(Double(Int(x * 10)) / 10) }
