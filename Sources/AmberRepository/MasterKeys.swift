import AmberCore
import AmberCrypto

/// The repository's secrets: a random 32-byte master secret, the subkeys HKDF-SHA256 derives
/// from it with distinct labels, and the *data keys* by *key generation* (`docs/format.md` §Keys).
///
/// A data key derives every per-object encryption key (§Encryption). Generation 0's is derived
/// from the master secret; `amber key rotate` adds a random one (generation 1, 2, …) that new
/// objects are sealed under, and `amber key retire` re-seals every object under the current
/// generation and drops the others, so a copy of an old key file no longer reads anything.
/// A reader accepts only the generations its key file lists.
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
    /// The data keys a reader accepts, by generation.
    package let dataKeys: [UInt16: [UInt8]]
    /// The generation new objects are sealed under; always in ``dataKeys``.
    package let currentGeneration: UInt16
    /// The data key new objects are sealed under.
    package var encryptionKey: [UInt8] { dataKeys[currentGeneration]! }
    /// Derives the chunker's gear table.
    package let gearKey: [UInt8]

    /// The keys of a repository whose keys never rotated: generation 0's data key, derived.
    package init(master: [UInt8]) {
        self.init(master: master, dataKeys: [0: Self.subkey(master, "amber v1 encryption")], current: 0)
    }

    /// Keys with these data keys: `dataKeys` holds `current`.
    package init(master: [UInt8], dataKeys: [UInt16: [UInt8]], current: UInt16) {
        self.master = master
        idKey = Self.subkey(master, "amber v1 id")
        treeIDKey = Self.subkey(master, "amber v1 tree id")
        gearKey = Self.subkey(master, "amber v1 gear")
        self.dataKeys = dataKeys
        currentGeneration = current
    }

    /// Whether these are the keys of a repository whose keys never rotated: generation 0 only,
    /// derived from the master secret (a version 1 key file holds them).
    package var isFirstGeneration: Bool {
        currentGeneration == 0 && dataKeys == [0: Self.subkey(master, "amber v1 encryption")]
    }

    /// These keys with a new random data key, one generation after the newest, made current.
    package func rotated() throws(RepositoryError) -> MasterKeys {
        guard let newest = dataKeys.keys.max(), newest < UInt16.max else {
            throw RepositoryError(.invalidArgument, "the repository has used every key generation")
        }
        var keys = dataKeys
        keys[newest + 1] = SecureRandom.bytes(32)
        return MasterKeys(master: master, dataKeys: keys, current: newest + 1)
    }

    /// These keys with only the current generation's data key.
    package func retired() -> MasterKeys {
        MasterKeys(master: master, dataKeys: [currentGeneration: encryptionKey], current: currentGeneration)
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
