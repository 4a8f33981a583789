import AmberCore
import AmberCrypto
import Foundation

/// A key file: the master secret wrapped under a key derived from one password
/// (`docs/format.md` §Key files). A repository can have several.
///
/// JSON with these members: `version` (1), `kdf` ("scrypt"), `n`, `r`, `p`, `salt` (base64 of 32 bytes),
/// `nonce` (base64 of 12 bytes), `data` (base64 of the AES-256-GCM ciphertext ‖ tag), `created` (RFC 3339).
/// `data` decrypts to `version u8 = 1 ‖ master[32]` under `scrypt(password, salt, n, r, p, 32)` with
/// associated data `"amber key v1"`.
public struct KeyFile: Codable, Sendable {
    public var version: Int
    public var kdf: String
    public var n: UInt64
    public var r: UInt32
    public var p: UInt32
    public var salt: String
    public var nonce: String
    public var data: String
    public var created: String

    static let aad = Array("amber key v1".utf8)
    /// The most scrypt lanes (p) a reader accepts.
    package static let maximumLanes: UInt32 = 16

    /// Wraps `keys.master` under `password`.
    package static func wrap(_ keys: MasterKeys, password: [UInt8], parameters: ScryptParameters, created: Date = Date()) throws(RepositoryError) -> KeyFile {
        let salt = SecureRandom.bytes(32)
        let nonce = SecureRandom.bytes(AES256GCM.nonceCount)
        var sealed = [UInt8]()
        do {
            let kek = try Scrypt.derive(password: password, salt: salt, parameters: parameters, count: 32)
            try AES256GCM().seal(key: kek, nonce: nonce, plaintext: [1] + keys.master, aad: aad, appendingTo: &sealed)
        } catch {
            throw RepositoryError(.invalidArgument, "cannot wrap the master key: \(error)")
        }
        return KeyFile(version: 1, kdf: "scrypt", n: parameters.n, r: parameters.r, p: parameters.p,
                       salt: Data(salt).base64EncodedString(), nonce: Data(nonce).base64EncodedString(),
                       data: Data(sealed).base64EncodedString(), created: RFC3339.format(created))
    }

    /// Unwraps the master secret; `nil` when the password does not open this key file.
    package func unwrap(password: [UInt8], what: String) throws(RepositoryError) -> MasterKeys? {
        guard version == 1, kdf == "scrypt",
              let salt = Data(base64Encoded: salt), let nonce = Data(base64Encoded: nonce),
              let sealed = Data(base64Encoded: data), nonce.count == AES256GCM.nonceCount,
              n >= 2, n <= 1 << 24, r >= 1, r <= 64, p >= 1, p <= Self.maximumLanes
        else {
            throw RepositoryError.damaged(what, "unsupported or malformed key file")
        }
        let kek: [UInt8]
        do {
            kek = try Scrypt.derive(password: password, salt: Array(salt), parameters: ScryptParameters(n: n, r: r, p: p), count: 32)
        } catch {
            throw RepositoryError.damaged(what, "scrypt failed: \(error)")
        }
        guard let plain = try? AES256GCM().open(key: kek, nonce: Array(nonce), sealed: Array(sealed)[...], aad: Self.aad) else {
            return nil
        }
        guard plain.count == 33, plain[0] == 1 else { throw RepositoryError.damaged(what, "unexpected key payload") }
        return MasterKeys(master: Array(plain[1...]))
    }

    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return Array((try? encoder.encode(self)) ?? Data())
    }

    public init(decoding bytes: [UInt8], what: String) throws(RepositoryError) {
        do {
            self = try JSONDecoder().decode(KeyFile.self, from: Data(bytes))
        } catch {
            throw RepositoryError.damaged(what, "not a key file")
        }
    }

    init(version: Int, kdf: String, n: UInt64, r: UInt32, p: UInt32, salt: String, nonce: String, data: String, created: String) {
        self.version = version
        self.kdf = kdf
        self.n = n
        self.r = r
        self.p = p
        self.salt = salt
        self.nonce = nonce
        self.data = data
        self.created = created
    }
}
