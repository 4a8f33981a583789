import AmberChunking
import AmberCore
import AmberCrypto

/// The repository's parameters, fixed at `init` (`docs/format.md` §Config). Sealed in the `config` file.
public struct RepositoryConfig: Sendable, Equatable {
    /// The format version of a new repository's config.
    public static let currentVersion: UInt16 = 1
    /// The version of a config that lists ``earlierSealings`` (written by `amber key retire`).
    public static let historyVersion: UInt16 = 2

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
    /// The SHA-256 of each config file this repository had before `amber key retire` sealed the
    /// config anew, oldest first (version 2; empty in version 1): how `sync` knows an earlier copy
    /// of this repository whose config is an older sealing (§Sync).
    public var earlierSealings: [BlobID] = []

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

    /// The binary form: see `docs/format.md` §Config (56 bytes; version 2: then the earlier sealings).
    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 58 + 32 * earlierSealings.count)
        w.u16(earlierSealings.isEmpty ? version : Self.historyVersion)
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
        if !earlierSealings.isEmpty {
            w.u16(UInt16(earlierSealings.count))
            for sealing in earlierSealings { w.id(sealing) }
        }
        return w.bytes
    }

    /// This config with `sealing` (the SHA-256 of the config file about to be replaced) added to
    /// ``earlierSealings``.
    public func addingEarlierSealing(_ sealing: BlobID) -> RepositoryConfig {
        var config = self
        config.version = Self.historyVersion
        config.earlierSealings.append(sealing)
        return config
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
            guard version == Self.currentVersion || version == Self.historyVersion else {
                throw RepositoryError(.damaged, "repository format version \(version) is not supported (this amber reads 1 and 2)")
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
            if version == Self.historyVersion {
                let count = Int(try r.u16())
                guard count >= 1, count <= r.remaining / 32 else { throw FormatError(context: "config", reason: "earlier sealings out of range") }
                earlierSealings = try (0..<count).map { _ throws(FormatError) in try r.id() }
            }
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
