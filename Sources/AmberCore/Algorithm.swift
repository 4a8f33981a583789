/// Every algorithm number of repository format v1, in one place (kopia `compression_ids.go` style).
/// A number, once assigned, is never reused for anything else.
public enum Algorithm {
    /// Blob ids: HMAC-SHA256 under the id subkey, 32 bytes.
    public static let idHMACSHA256: UInt8 = 1
    /// Encryption: AES-256-GCM under a per-object key with a synthetic nonce (`docs/format.md` §Encryption).
    public static let cipherAES256GCMSynthetic: UInt8 = 1
    /// Stored payload is not compressed.
    public static let compressionNone: UInt8 = 0
    /// Stored payload is a zstd frame.
    public static let compressionZstd: UInt8 = 1
    /// Chunker: FastCDC 2020 with a gear table derived from the repository's gear subkey.
    public static let chunkerFastCDCKeyedGear: UInt8 = 1
    /// Key derivation for passwords: scrypt.
    public static let kdfScrypt: UInt8 = 1
}
