import AmberChunking
import AmberCore
import AmberCrypto

/// The repository's parameters, fixed at `init` (`docs/format.md` §Config). Sealed in the `config` file.
public struct RepositoryConfig: Sendable, Equatable {
    /// The only format version this code reads and writes.
    public static let currentVersion: UInt16 = 1

    public var version: UInt16
    /// 32 random bytes naming the repository (cache directories use its hex).
    public var repositoryID: BlobID
    public var idAlgorithm: UInt8
    public var cipher: UInt8
    public var compression: UInt8
    public var compressionLevel: Int8
    public var chunker: UInt8
    public var chunkerParameters: ChunkerParameters
    /// Packs are closed once they reach this many bytes.
    public var packSize: UInt32

    /// The defaults of a new repository.
    public static func makeDefault() -> RepositoryConfig {
        RepositoryConfig(
            version: currentVersion,
            repositoryID: BlobID(bytes: SecureRandom.bytes(32))!,
            idAlgorithm: Algorithm.idHMACSHA256,
            cipher: Algorithm.cipherAES256GCMSynthetic,
            compression: Algorithm.compressionZstd,
            compressionLevel: 3,
            chunker: Algorithm.chunkerFastCDCKeyedGear,
            chunkerParameters: .files,
            packSize: 16 << 20)
    }

    /// The binary form: see `docs/format.md` §Config (56 bytes).
    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 64)
        w.u16(version)
        w.id(repositoryID)
        w.u8(idAlgorithm)
        w.u8(cipher)
        w.u8(compression)
        w.u8(UInt8(bitPattern: compressionLevel))
        w.u8(chunker)
        w.u8(UInt8(chunkerParameters.normalization))
        w.u32(UInt32(chunkerParameters.minimum))
        w.u32(UInt32(chunkerParameters.normal))
        w.u32(UInt32(chunkerParameters.maximum))
        w.u32(packSize)
        return w.bytes
    }

    public init(version: UInt16, repositoryID: BlobID, idAlgorithm: UInt8, cipher: UInt8, compression: UInt8,
                compressionLevel: Int8, chunker: UInt8, chunkerParameters: ChunkerParameters, packSize: UInt32) {
        self.version = version
        self.repositoryID = repositoryID
        self.idAlgorithm = idAlgorithm
        self.cipher = cipher
        self.compression = compression
        self.compressionLevel = compressionLevel
        self.chunker = chunker
        self.chunkerParameters = chunkerParameters
        self.packSize = packSize
    }

    /// Parses and validates the binary form; unknown algorithms are refused.
    public init(decoding bytes: [UInt8]) throws(RepositoryError) {
        var r = ByteReader(bytes, context: "config")
        do {
            version = try r.u16()
            guard version == Self.currentVersion else {
                throw RepositoryError(.damaged, "repository format version \(version) is not supported (this amber reads \(Self.currentVersion))")
            }
            repositoryID = try r.id()
            idAlgorithm = try r.u8()
            cipher = try r.u8()
            compression = try r.u8()
            compressionLevel = Int8(bitPattern: try r.u8())
            chunker = try r.u8()
            let nc = Int(try r.u8())
            let minimum = Int(try r.u32()), normal = Int(try r.u32()), maximum = Int(try r.u32())
            chunkerParameters = ChunkerParameters(minimum: minimum, normal: normal, maximum: maximum, normalization: nc)
            packSize = try r.u32()
            try r.expectEnd()
        } catch let error as FormatError {
            throw RepositoryError.damaged("config", error.reason)
        } catch let error as RepositoryError {
            throw error
        } catch {
            throw RepositoryError.damaged("config", "\(error)")
        }
        guard idAlgorithm == Algorithm.idHMACSHA256, cipher == Algorithm.cipherAES256GCMSynthetic,
              compression == Algorithm.compressionZstd || compression == Algorithm.compressionNone,
              chunker == Algorithm.chunkerFastCDCKeyedGear, chunkerParameters.isValid,
              packSize >= 1 << 20, packSize <= 1 << 30
        else {
            throw RepositoryError.damaged("config", "unsupported algorithm or parameters")
        }
    }
}
