// Measures what an incremental manifest costs: a collection of N entries (20-byte keys, ~500-byte
// JSON-like values) built in full, then 0.1% of the values changed at random and built again, then
// diffed; then the same change stored as a run on the first tree (a backup with a parent) and
// the two collection manifests diffed. Run: swift run -c release AmberManifestBench [N] [changed fraction]
// (`AmberManifestBench merge …`: the cost of reading a base and runs, MergeBench.swift;
// `AmberManifestBench rows …`: the cost of a first backup of a table's rows, RowsBench.swift).
import AmberCore
import AmberCrypto
import AmberManifest
import AmberRepository
import AmberStorage
import Dispatch
import Glibc
import AmberTesting

let arguments = CommandLine.arguments
if arguments.count > 1 && arguments[1] == "merge" {
    try MergeBench.run(Array(arguments.dropFirst(2)))
    exit(0)
}
if arguments.count > 1 && arguments[1] == "rows" {
    try RowsBench.run(Array(arguments.dropFirst(2)))
    exit(0)
}
let n = arguments.count > 1 ? Int(arguments[1])! : 1_000_000
let fraction = arguments.count > 2 ? Double(arguments[2])! : 0.001

var rng = BenchRandom(seed: 0x5eed)
print("generating \(n) documents…")
var documents = DocumentGenerator.collection(count: n, rng: &rng)
let logical = documents.reduce(0) { $0 + $1.key.count + $1.value.count }
print("logical bytes (keys + values): \(logical)")

let repository = try Repository.initialize(backend: MemoryBackend(), password: Array("bench".utf8), scrypt: .testing)

/// CPU seconds (user + system, all threads) used by the process so far: robust to other load on the machine.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func build(_ entries: [(key: [UInt8], value: [UInt8])]) throws -> (ManifestRoot, WriteStatistics, ManifestBuilder.Statistics, Double, Double) {
    let start = DispatchTime.now().uptimeNanoseconds, cpu = cpuSeconds()
    let writer = BlobWriter(repository: repository)
    let builder = ManifestBuilder(repository: repository, writer: writer)
    for (key, value) in entries { try builder.append(key: key, value: value) }
    let root = try builder.finish()
    let stats = try writer.finish()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return (root, stats, builder.statistics, seconds, cpuSeconds() - cpu)
}

let (first, firstStats, firstNodes, firstTime, firstCPU) = try build(documents)
print("full build: \(first), \(fixed(firstTime, 2)) s (CPU \(fixed(firstCPU, 2)) s), stored \(firstStats.storedBytes) bytes "
      + "in \(firstStats.blobs) blobs, \(firstNodes.nodes) nodes")

let changes = max(1, Int(Double(n) * fraction))
var changed = Set<Int>()
while changed.count < changes { changed.insert(Int(rng.next() % UInt64(n))) }
for i in changed { documents[i].value = DocumentGenerator.edit(documents[i].value, rng: &rng) }

let (second, secondStats, secondNodes, secondTime, secondCPU) = try build(documents)
let share = Double(secondStats.storedBytes) / Double(firstStats.storedBytes)
print("incremental build (\(changes) values changed): \(second), \(fixed(secondTime, 2)) s (CPU \(fixed(secondCPU, 2)) s), "
      + "stored \(secondStats.storedBytes) bytes (\(fixed(share * 100, 3))% of full) "
      + "in \(secondStats.blobs) blobs, \(secondNodes.newNodes) new of \(secondNodes.nodes) nodes")

let diffStart = DispatchTime.now().uptimeNanoseconds, diffCPUStart = cpuSeconds()
let differ = ManifestDiff(repository: repository)
var found = 0
try differ.visit(from: first, to: second) { _ in found += 1 }
let diffTime = Double(DispatchTime.now().uptimeNanoseconds - diffStart) / 1e9, diffCPU = cpuSeconds() - diffCPUStart
print("diff: \(found) changes, \(differ.loader.nodeLoads) node loads, \(fixed(diffTime, 4)) s "
      + "(\(fixed(diffTime / firstTime * 100, 3))% of the full build); CPU \(fixed(diffCPU, 4)) s "
      + "(\(fixed(diffCPU / firstCPU * 100, 3))% of the full build's CPU)")

// Profiling aid: AMBER_DIFF_REPEAT=n repeats the diff n more times.
if let repeats = Int(String(cString: getenv("AMBER_DIFF_REPEAT") ?? strdup("0"))), repeats > 0 {
    let start = DispatchTime.now().uptimeNanoseconds
    let cpu = cpuSeconds()
    for _ in 0..<repeats { try ManifestDiff(repository: repository).visit(from: first, to: second) { _ in } }
    print("diff repeated: \(fixed(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(repeats), 4)) s each, "
          + "CPU \(fixed((cpuSeconds() - cpu) / Double(repeats), 4)) s each")
}

// The same change stored as a run on the first tree (docs/manifest-format.md §Runs): what a
// backup with a parent stores, how long it takes, and the diff of the two collection manifests.
let parent = CollectionManifest(compact: first)
let runStart = DispatchTime.now().uptimeNanoseconds, runCPUStart = cpuSeconds()
let runWriter = BlobWriter(repository: repository)
let collectionBuilder = try CollectionBuilder(repository: repository, writer: runWriter, parent: parent)
for (key, value) in documents { try collectionBuilder.append(key: key, value: value) }
let layered = try collectionBuilder.finish()
let runStats = try runWriter.finish()
let runTime = Double(DispatchTime.now().uptimeNanoseconds - runStart) / 1e9, runCPU = cpuSeconds() - runCPUStart
print("run build (same change, parent = the full build): \(layered), \(fixed(runTime, 2)) s (CPU \(fixed(runCPU, 2)) s), "
      + "stored \(runStats.storedBytes) bytes (\(fixed(Double(runStats.storedBytes) / Double(firstStats.storedBytes) * 100, 3))% of full) "
      + "in \(runStats.blobs) blobs; canonical root \(layered.canonical == second ? "equals" : "DIFFERS FROM") the incremental build's")

let layeredStart = DispatchTime.now().uptimeNanoseconds
let layeredDiffer = ManifestDiff(repository: repository)
var layeredFound = 0
try layeredDiffer.visit(from: parent, to: layered) { _ in layeredFound += 1 }
let layeredTime = Double(DispatchTime.now().uptimeNanoseconds - layeredStart) / 1e9
print("diff of the collection manifests: \(layeredFound) changes, \(layeredDiffer.loader.nodeLoads) node loads, "
      + "\(fixed(layeredTime, 4)) s (\(fixed(layeredTime / firstTime * 100, 3))% of the full build)")
