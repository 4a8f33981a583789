// Shared by the fuzz targets (fuzz.sh compiles this directory with each).
#if canImport(Glibc)
import Glibc
#endif

/// Writes `files` (name, bytes) to `$AMBER_FUZZ_WRITE_SEEDS` and exits, when it is set: run a
/// built target once on any input with it to write the target's seed corpus.
func writeSeedsIfAsked(_ files: @autoclosure () -> [(String, [UInt8])]) {
    guard let directory = getenv("AMBER_FUZZ_WRITE_SEEDS").map({ String(cString: $0) }) else { return }
    for (name, bytes) in files() {
        let file = fopen(directory + "/" + name, "wb")
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
    }
    exit(0)
}

/// The input as bytes, and its first byte apart: the targets that decode several kinds of file
/// choose the kind with it.
func splitInput(_ data: UnsafePointer<UInt8>, _ count: Int) -> (first: UInt8, rest: [UInt8])? {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    guard let first = bytes.first else { return nil }
    return (first, Array(bytes.dropFirst()))
}
