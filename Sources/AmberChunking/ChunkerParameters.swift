/// The sizes that steer content-defined chunking: the smallest chunk a cut may produce, the size
/// chunks cluster around, the largest chunk, and how strongly sizes are pulled towards `normal`.
///
/// These values are part of the repository format: changing any of them changes every cut point
/// and so every chunk id, which breaks deduplication against earlier backups.
public struct ChunkerParameters: Sendable, Equatable {
    /// No cut falls before this many bytes (except at the end of the input).
    public var minimum: Int
    /// The size chunks cluster around; a power of two. Its base-2 logarithm sets the mask widths.
    public var normal: Int
    /// A cut is forced at this many bytes.
    public var maximum: Int
    /// The normalized-chunking level (0...3): the strict mask has `log2(normal) + normalization`
    /// one-bits and the loose mask `log2(normal) - normalization`.
    public var normalization: Int

    public init(minimum: Int, normal: Int, maximum: Int, normalization: Int = 2) {
        self.minimum = minimum
        self.normal = normal
        self.maximum = maximum
        self.normalization = normalization
    }

    /// The parameters for file content: 512 KiB / 1 MiB / 8 MiB, normalization level 2.
    public static let files = ChunkerParameters(minimum: 512 << 10, normal: 1 << 20, maximum: 8 << 20, normalization: 2)

    /// Whether the parameters are sane: `64 <= minimum < normal < maximum`, `normal` a power of two,
    /// `normalization` in `0...3`, and both masks fit below bit 63.
    ///
    /// ``FastCDC`` never traps on parameters that fail this check (it clamps them), but the chunks
    /// it then produces are not meaningful; check this before using parameters read from a repository.
    public var isValid: Bool {
        guard 64 <= minimum, minimum < normal, normal < maximum else { return false }
        guard normal.nonzeroBitCount == 1 else { return false }
        guard (0...3).contains(normalization) else { return false }
        let bits = normal.trailingZeroBitCount
        return bits - normalization >= 1 && bits + normalization <= 63
    }
}
