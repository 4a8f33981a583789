internal import CZstd

/// Compresses buffers into complete zstd frames, reusing one `ZSTD_CCtx`.
///
/// Not thread-safe: one instance per thread. Every frame records its content size in its
/// header, which ``ZstdDecompressor`` relies on.
public final class ZstdCompressor: @unchecked Sendable {
    private let context: OpaquePointer
    /// The level set on the context, the one each frame is compressed at unless a call asks for another.
    private let level: Int32
    private var currentLevel: Int32

    /// A compressor at `level` (zstd clamps it to the supported range; 3 is zstd's default).
    public init(level: Int32 = 3) {
        guard let context = ZSTD_createCCtx() else { fatalError("zstd: ZSTD_createCCtx failed") }
        self.context = context
        _ = ZstdCall.require(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level),
                             "ZSTD_c_compressionLevel")
        self.level = level
        currentLevel = level
        _ = ZstdCall.require(ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 1), "ZSTD_c_contentSizeFlag")
    }

    deinit {
        ZSTD_freeCCtx(context)
    }

    /// A complete zstd frame with the content size in its header, at the compressor's level or,
    /// for this frame only, at `level`. The corresponding C function is `ZSTD_compress2`.
    public func compress(_ input: UnsafeRawBufferPointer, level frameLevel: Int32? = nil) -> [UInt8] {
        let wanted = frameLevel ?? level
        if wanted != currentLevel {
            _ = ZstdCall.require(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, wanted), "ZSTD_c_compressionLevel")
            currentLevel = wanted
        }
        let bound = ZSTD_compressBound(input.count)
        let frame = [UInt8](unsafeUninitializedCapacity: bound) { out, initialized in
            let written = ZSTD_compress2(context, out.baseAddress, out.count, input.baseAddress, input.count)
            initialized = ZstdCall.require(written, "ZSTD_compress2")
        }
        // Compressible input leaves most of the bound unused; do not keep it allocated.
        return frame.count < bound / 2 ? Array(frame) : frame
    }

    /// A complete zstd frame with the content size in its header.
    public func compress(_ input: [UInt8], level frameLevel: Int32? = nil) -> [UInt8] {
        input.withUnsafeBytes { compress($0, level: frameLevel) }
    }
}
