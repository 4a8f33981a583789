internal import CZstd

/// Decompresses single zstd frames, reusing one `ZSTD_DCtx`.
///
/// Not thread-safe: one instance per thread. Input is untrusted: the declared size is checked
/// before anything is allocated.
public final class ZstdDecompressor: @unchecked Sendable {
    private let context: OpaquePointer

    public init() {
        guard let context = ZSTD_createDCtx() else { fatalError("zstd: ZSTD_createDCtx failed") }
        self.context = context
    }

    deinit {
        ZSTD_freeDCtx(context)
    }

    /// Decompresses one frame; throws if it is corrupt or its decompressed size differs from
    /// `expectedCount` when given, or exceeds `limit` (default 64 MiB).
    ///
    /// The frame must declare its content size (``ZstdCompressor`` frames do) and must fill
    /// `input` exactly: trailing bytes are an error. The corresponding C function is
    /// `ZSTD_decompressDCtx`.
    public func decompress(_ input: ArraySlice<UInt8>, expectedCount: Int? = nil,
                           limit: Int = 64 << 20) throws(CompressionError) -> [UInt8] {
        let result = input.withUnsafeBytes { input in
            Result { () throws(CompressionError) in try decompress(input, expectedCount: expectedCount, limit: limit) }
        }
        return try result.get()
    }

    private func decompress(_ input: UnsafeRawBufferPointer, expectedCount: Int?, limit: Int) throws(CompressionError) -> [UInt8] {
        guard let source = input.baseAddress, input.count > 0 else { throw CompressionError("empty input is not a frame") }
        let count = try contentSize(source, input.count)
        if let expectedCount, count != expectedCount {
            throw CompressionError("frame holds \(count) bytes, expected \(expectedCount)")
        }
        guard count <= limit else { throw CompressionError("frame holds \(count) bytes, more than the limit of \(limit)") }
        let frameCount = try ZstdCall.check(ZSTD_findFrameCompressedSize(source, input.count), "ZSTD_findFrameCompressedSize")
        guard frameCount == input.count else {
            throw CompressionError("\(input.count - frameCount) trailing bytes after the frame")
        }

        var failure: CompressionError?
        let output = [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            initialized = 0
            do throws(CompressionError) {
                let written = try ZstdCall.check(
                    ZSTD_decompressDCtx(context, out.baseAddress, count, source, input.count), "ZSTD_decompressDCtx")
                guard written == count else { throw CompressionError("frame decompressed to \(written) bytes, not \(count)") }
                initialized = written
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return output
    }

    /// The content size the frame header declares, checked to fit an `Int`.
    private func contentSize(_ source: UnsafeRawPointer, _ count: Int) throws(CompressionError) -> Int {
        let size = ZSTD_getFrameContentSize(source, count)
        switch size {
        case ZSTD_CONTENTSIZE_ERROR: throw CompressionError("not a zstd frame, or a truncated header")
        case ZSTD_CONTENTSIZE_UNKNOWN: throw CompressionError("frame does not declare its content size")
        case UInt64(Int.max)...: throw CompressionError("frame declares an impossible size of \(size) bytes")
        default: return Int(size)
        }
    }
}
