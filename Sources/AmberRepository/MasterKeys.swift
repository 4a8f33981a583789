import AmberCore
import AmberCrypto

/// The repository's secrets: a random 32-byte master secret, and the subkeys HKDF-SHA256
/// derives from it with distinct labels (`docs/format.md` §Keys).
///
/// Package-visible only: code outside AmberRepository asks ``Repository`` for what the keys make
/// (a chunker, an id hasher, a derived hasher), never for key material.
package struct MasterKeys: Sendable {
    /// The random master secret, wrapped in every key file.
    package let master: [UInt8]
    /// Keys data blob ids: `id = HMAC-SHA256(idKey, plaintext)`.
    package let idKey: [UInt8]
    /// Keys tree blob ids: `id = HMAC-SHA256(treeIDKey, plaintext)`. A separate key puts data and
    /// tree blobs in separate id spaces, so a file whose bytes equal a tree's never shares its id.
    package let treeIDKey: [UInt8]
    /// Derives per-object encryption keys.
    package let encryptionKey: [UInt8]
    /// Derives the chunker's gear table.
    package let gearKey: [UInt8]

    package init(master: [UInt8]) {
        self.master = master
        idKey = Self.subkey(master, "amber v1 id")
        treeIDKey = Self.subkey(master, "amber v1 tree id")
        encryptionKey = Self.subkey(master, "amber v1 encryption")
        gearKey = Self.subkey(master, "amber v1 gear")
    }

    /// A fresh random master secret.
    package static func generate() -> MasterKeys { MasterKeys(master: SecureRandom.bytes(32)) }

    /// The key of blob ids of a type.
    package func idKey(for type: BlobType) -> [UInt8] { type == .data ? idKey : treeIDKey }

    /// The 256 gear values: `G[i]` = the first 8 bytes, little-endian, of `HMAC-SHA256(gearKey, "gear" ‖ i)`.
    package func gearValues() -> [UInt64] {
        let mac = HMACSHA256(key: gearKey)
        return (0..<256).map { i -> UInt64 in
            let digest = mac.mac(Array("gear".utf8) + [UInt8(i)])
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(digest[k]) << (8 * UInt64(k)) }
            return v
        }
    }

    private static func subkey(_ master: [UInt8], _ label: String) -> [UInt8] {
        HKDF.sha256(key: master, salt: [], info: Array(label.utf8), count: 32)
    }
}
