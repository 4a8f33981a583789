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

    /// Seals a repository file: `"AMBR" ‖ type u8 ‖ version u8 = 1 ‖ reserved u16 = 0 ‖ salt[32] ‖ envelope`,
    /// the envelope keyed by `"amber file" ‖ type ‖ salt` with the 40-byte header as associated data.
    public func sealFile(_ type: RepositoryFileType, payload: [UInt8]) throws(RepositoryError) -> [UInt8] {
        var header = Self.fileMagic
        header.append(type.rawValue)
        header.append(1)
        header.append(contentsOf: [0, 0])
        header.append(contentsOf: SecureRandom.bytes(32))
        let key = fileKey(purpose: "file", salt: Array(header[4...]))
        return header + (try seal(payload, key: key, aad: header))
    }

    /// Opens a sealed repository file of the expected type. `what` names it in errors.
    public func openFile(_ type: RepositoryFileType, _ bytes: [UInt8], what: String) throws(RepositoryError) -> [UInt8] {
        guard bytes.count >= Self.fileHeaderCount + Self.overhead, Array(bytes[0..<4]) == Self.fileMagic else {
            throw RepositoryError.damaged(what, "not an Amber repository file")
        }
        guard bytes[4] == type.rawValue else { throw RepositoryError.damaged(what, "file type \(bytes[4]), expected \(type.rawValue)") }
        guard bytes[5] == 1 else { throw RepositoryError.damaged(what, "unsupported file version \(bytes[5])") }
        let header = Array(bytes[0..<Self.fileHeaderCount])
        let key = fileKey(purpose: "file", salt: Array(header[4...]))
        return try open(bytes[Self.fileHeaderCount...], key: key, aad: header, what: what)
    }
}
