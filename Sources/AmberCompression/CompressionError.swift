/// A zstd frame could not be decompressed: it is corrupt, truncated, or not the size it should be.
public struct CompressionError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for people.
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "zstd: \(message)" }
}
