import AmberCore
import AmberCrypto

/// The types of sealed repository file (`docs/format.md` §Sealed files). Never reuse a number.
public enum RepositoryFileType: UInt8, Sendable {
    case config = 1
    case index = 2
    case snapshot = 3
    case lock = 4
    case prunePlan = 5
}

extension Sealer {
    /// The magic at the start of every sealed repository file.
    static let fileMagic: [UInt8] = Array("AMBR".utf8)
    /// Magic, type, version, reserved, salt.
    static let fileHeaderCount = 4 + 1 + 1 + 2 + 32

    /// Seals a repository file: `"AMBR" ‖ type u8 ‖ version u8 = 1 ‖ generation u16 ‖ salt[32] ‖ envelope`,
    /// the envelope keyed by `"amber file" ‖ type ‖ version ‖ generation ‖ salt` under the current
    /// generation's data key, with the 40-byte header as associated data. The salt is random, or
    /// `salt` (a re-sealed file's, ``resealSalt(for:)``).
    public func sealFile(_ type: RepositoryFileType, payload: [UInt8], salt: [UInt8]? = nil) throws(RepositoryError) -> [UInt8] {
        var header = Self.fileMagic
        header.append(type.rawValue)
        header.append(1)
        header.append(UInt8(truncatingIfNeeded: currentGeneration))
        header.append(UInt8(truncatingIfNeeded: currentGeneration >> 8))
        header.append(contentsOf: salt ?? SecureRandom.bytes(32))
        let key = try fileKey(purpose: "file", salt: Array(header[4...]))
        return header + (try seal(payload, key: key, aad: header))
    }

    /// The key generation a sealed file's header names (bytes 6…7, little-endian; 0 in files
    /// written before keys could rotate, where they were reserved).
    public static func generation(ofFile bytes: [UInt8]) -> UInt16? {
        guard bytes.count >= fileHeaderCount, Array(bytes[0..<4]) == fileMagic else { return nil }
        return headerGeneration(bytes)
    }

    /// Bytes 6…7 of a sealed file's header, whose size and magic the caller checked.
    private static func headerGeneration(_ header: [UInt8]) -> UInt16 { UInt16(header[6]) | UInt16(header[7]) << 8 }

    /// The salt of the file that re-seals the file named `name` under the current generation:
    /// `HMAC(dataKey, "amber reseal" ‖ name)`. Unique per file, as a random salt, and the same on
    /// a second attempt, so a re-seal interrupted and run again writes the same name.
    public func resealSalt(for name: String) throws(RepositoryError) -> [UInt8] {
        try fileKey(purpose: "reseal", salt: Array(name.utf8))
    }

    /// Opens a sealed repository file of the expected type. `what` names it in errors.
    public func openFile(_ type: RepositoryFileType, _ bytes: [UInt8], what: String) throws(RepositoryError) -> [UInt8] {
        guard bytes.count >= Self.fileHeaderCount + Self.overhead, Array(bytes[0..<4]) == Self.fileMagic else {
            throw RepositoryError.damaged(what, "not an Amber repository file")
        }
        guard bytes[4] == type.rawValue else { throw RepositoryError.damaged(what, "file type \(bytes[4]), expected \(type.rawValue)") }
        guard bytes[5] == 1 else { throw RepositoryError.damaged(what, "unsupported file version \(bytes[5])") }
        let header = Array(bytes[0..<Self.fileHeaderCount])
        let key = try fileKey(purpose: "file", salt: Array(header[4...]), generation: Self.headerGeneration(header), what: what)
        return try open(bytes[Self.fileHeaderCount...], key: key, aad: header, what: what)
    }
}
