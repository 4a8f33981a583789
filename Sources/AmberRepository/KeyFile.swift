import AmberCore
import AmberCrypto
import Foundation

/// A key file: the master secret wrapped under a key derived from one password
/// (`docs/format.md` §Key files). A repository can have several.
///
/// JSON with these members: `version` (1), `kdf` ("scrypt"), `n`, `r`, `p`, `salt` (base64 of 32 bytes),
/// `nonce` (base64 of 12 bytes), `data` (base64 of the AES-256-GCM ciphertext ‖ tag), `created` (RFC 3339).
/// `data` decrypts to `version u8 = 1 ‖ master[32]` under `scrypt(password, salt, n, r, p, 32)` with
/// associated data `"amber key v1"`. A version 2 key file, written once the keys have rotated, holds
/// the data keys too: `u8 = 2 ‖ master[32] ‖ current u16 ‖ count u16 ‖ (generation u16 ‖ key[32]) × count`,
/// associated data `"amber key v2"`.
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
    /// Version 2: the current key generation, also inside `data` (a reader checks they agree).
    /// Readers try key files of newer generations first (``Repository/open(backend:password:)``).
    public var generation: UInt16?
    /// Version 2: every generation it holds, ascending, also inside `data` (checked when opened):
    /// how `key retire` finds key files that still hold retired keys without their password.
    public var generations: [UInt16]?

    static let aad = Array("amber key v1".utf8)
    static let aadVersion2 = Array("amber key v2".utf8)
    /// The most scrypt lanes (p) a reader accepts.
    package static let maximumLanes: UInt32 = 16

    /// Wraps `keys` under `password`: a version 1 key file (the master secret) while the keys
    /// never rotated, else a version 2 one (with the data keys).
    package static func wrap(_ keys: MasterKeys, password: [UInt8], parameters: ScryptParameters, created: Date = Date()) throws(RepositoryError) -> KeyFile {
        let salt = SecureRandom.bytes(32)
        let nonce = SecureRandom.bytes(AES256GCM.nonceCount)
        let version = keys.isFirstGeneration ? 1 : 2
        var sealed = [UInt8]()
        do {
            let kek = try Scrypt.derive(password: password, salt: salt, parameters: parameters, count: 32)
            try AES256GCM().seal(key: kek, nonce: nonce, plaintext: version == 1 ? [1] + keys.master : payload(keys),
                                 aad: version == 1 ? aad : aadVersion2, appendingTo: &sealed)
        } catch {
            throw RepositoryError(.invalidArgument, "cannot wrap the master key: \(error)")
        }
        return KeyFile(version: version, kdf: "scrypt", n: parameters.n, r: parameters.r, p: parameters.p,
                       salt: Data(salt).base64EncodedString(), nonce: Data(nonce).base64EncodedString(),
                       data: Data(sealed).base64EncodedString(), created: RFC3339.format(created),
                       generation: version == 1 ? nil : keys.currentGeneration,
                       generations: version == 1 ? nil : keys.dataKeys.keys.sorted())
    }

    /// Unwraps the master secret; `nil` when the password does not open this key file.
    package func unwrap(password: [UInt8], what: String) throws(RepositoryError) -> MasterKeys? {
        guard version == 1 && generation == nil || version == 2 && generation != nil, kdf == "scrypt",
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
        guard let plain = try? AES256GCM().open(key: kek, nonce: Array(nonce), sealed: Array(sealed)[...],
                                                aad: version == 1 ? Self.aad : Self.aadVersion2) else {
            return nil
        }
        guard plain.first == UInt8(version) else { throw RepositoryError.damaged(what, "unexpected key payload") }
        if version == 1 {
            guard plain.count == 33 else { throw RepositoryError.damaged(what, "unexpected key payload") }
            return MasterKeys(master: Array(plain[1...]))
        }
        guard let keys = Self.keys(fromPayload: plain), keys.currentGeneration == generation,
              generations == nil || generations == keys.dataKeys.keys.sorted() else {
            throw RepositoryError.damaged(what, "unexpected key payload")
        }
        return keys
    }

    /// A version 2 payload: `u8 = 2 ‖ master[32] ‖ current u16 ‖ count u16 ‖ (generation u16 ‖ key[32]) × count`,
    /// generations ascending.
    static func payload(_ keys: MasterKeys) -> [UInt8] {
        var w = ByteWriter(capacity: 37 + 34 * keys.dataKeys.count)
        w.u8(2)
        w.raw(keys.master)
        w.u16(keys.currentGeneration)
        w.u16(UInt16(keys.dataKeys.count))
        for (generation, key) in keys.dataKeys.sorted(by: { $0.key < $1.key }) {
            w.u16(generation)
            w.raw(key)
        }
        return w.bytes
    }

    /// The keys of a version 2 payload; nil when it is malformed (generations not ascending, a
    /// current generation it does not hold, trailing bytes).
    static func keys(fromPayload plain: [UInt8]) -> MasterKeys? {
        var r = ByteReader(plain, context: "key file")
        guard (try? r.u8()) == 2, let master = try? r.raw(32), let current = try? r.u16(), let count = try? r.u16(),
              count >= 1, Int(count) * 34 == r.remaining else { return nil }
        var dataKeys = [UInt16: [UInt8]](), previous = -1
        for _ in 0..<count {
            guard let generation = try? r.u16(), Int(generation) > previous, let key = try? r.raw(32) else { return nil }
            dataKeys[generation] = key
            previous = Int(generation)
        }
        guard dataKeys[current] != nil else { return nil }
        return MasterKeys(master: master, dataKeys: dataKeys, current: current)
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

    init(version: Int, kdf: String, n: UInt64, r: UInt32, p: UInt32, salt: String, nonce: String, data: String, created: String,
         generation: UInt16? = nil, generations: [UInt16]? = nil) {
        self.generation = generation
        self.generations = generations
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
