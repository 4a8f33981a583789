import AmberCore
import AmberCompression
import AmberCrypto

/// Compresses and encrypts objects, and reverses it: the envelope of `docs/format.md` §Encryption.
///
/// Every object is encrypted under its own key, `K = HMAC-SHA256(dataKey, label)`, where the
/// label names the object uniquely (a blob's type and id, a file's type and random salt) and
/// `dataKey` is the data key of the object's key generation (the current one when sealing). The nonce
/// is synthetic, `N = HMAC-SHA256(K, stored)[0..<12]`, so a (key, nonce) pair can only recur for
/// byte-identical stored plaintext, which then gives identical ciphertext: nonces never repeat
/// under one key.
///
/// Envelope: `N[12] ‖ AES-256-GCM(K, N, stored, aad) ‖ tag[16]`, where
/// `stored = compression u8 ‖ payload`.
///
/// Not thread-safe: it owns OpenSSL and zstd contexts. Use one per thread.
public final class Sealer: @unchecked Sendable {
    /// Bytes an envelope adds to its payload: nonce, compression byte, tag.
    public static let overhead = AES256GCM.nonceCount + 1 + AES256GCM.tagCount

    /// Derive object keys from the data key of each generation the keys hold.
    private let keyDerivers: [UInt16: HMACSHA256]
    /// The generation new objects are sealed under.
    public let currentGeneration: UInt16
    private let idHasher: HMACSHA256
    private let treeIDHasher: HMACSHA256
    /// Re-keyed per envelope: the nonce is a MAC under the envelope's own key.
    private let nonceMAC = HMACSHA256(key: [UInt8](repeating: 0, count: 32))
    private let aead = AES256GCM()
    private let compressor: ZstdCompressor
    private let decompressor = ZstdDecompressor()
    private let compressionLevel: Int32

    package init(keys: MasterKeys, compressionLevel: Int32) {
        keyDerivers = keys.dataKeys.mapValues { HMACSHA256(key: $0) }
        currentGeneration = keys.currentGeneration
        idHasher = HMACSHA256(key: keys.idKey)
        treeIDHasher = HMACSHA256(key: keys.treeIDKey)
        compressor = ZstdCompressor(level: compressionLevel)
        self.compressionLevel = compressionLevel
    }

    /// The keyed id of a blob's plaintext; data and tree blobs are keyed differently.
    public func blobID(of plaintext: [UInt8], type: BlobType) -> BlobID {
        type == .data ? idHasher.id(plaintext) : treeIDHasher.id(plaintext)
    }

    // MARK: Object keys

    /// The key of a blob of key generation `generation` (the current one if nil): label
    /// `"amber blob" ‖ type ‖ id`.
    public func blobKey(_ type: BlobType, _ id: BlobID, generation: UInt16? = nil) throws(RepositoryError) -> [UInt8] {
        var label = Array("amber blob".utf8)
        label.append(type.rawValue)
        id.append(to: &label)
        return try deriver(generation, what: "blob \(id.shortHex)").mac(label)
    }

    /// The key of a repository file or pack header of key generation `generation` (the current
    /// one if nil): label `"amber " ‖ purpose ‖ salt`.
    public func fileKey(purpose: String, salt: [UInt8], generation: UInt16? = nil, what: @autoclosure () -> String = "a file")
        throws(RepositoryError) -> [UInt8] {
        try deriver(generation, what: what()).mac(Array("amber \(purpose)".utf8) + salt)
    }

    private func deriver(_ generation: UInt16?, what: @autoclosure () -> String) throws(RepositoryError) -> HMACSHA256 {
        guard let deriver = keyDerivers[generation ?? currentGeneration] else {
            throw RepositoryError.damaged(what(), "it is sealed under key generation \(generation ?? currentGeneration), which the key file "
                                          + "does not hold (a retired key, or a forgery)")
        }
        return deriver
    }

    // MARK: Envelopes

    /// Compresses `plaintext` when that makes it smaller and when `compress` allows, then seals it.
    /// `level` overrides the repository's zstd level for this envelope (a repository whose level
    /// is 0 compresses nothing).
    public func seal(_ plaintext: UnsafeRawBufferPointer, key: [UInt8], aad: [UInt8], compress: Bool = true,
                     level: Int32? = nil) throws(RepositoryError) -> [UInt8] {
        var stored = [UInt8]()
        if compress && compressionLevel != 0 && plaintext.count > 32 {
            let packed = compressor.compress(plaintext, level: level)
            if packed.count < plaintext.count {
                stored.reserveCapacity(packed.count + 1)
                stored.append(Algorithm.compressionZstd)
                stored.append(contentsOf: packed)
            }
        }
        if stored.isEmpty {
            stored.reserveCapacity(plaintext.count + 1)
            stored.append(Algorithm.compressionNone)
            stored.append(contentsOf: plaintext)
        }
        let nonce = Array(nonceMAC.mac(stored, rekeyingWith: key).prefix(AES256GCM.nonceCount))
        var out = nonce
        out.reserveCapacity(stored.count + Self.overhead)
        do {
            try aead.seal(key: key, nonce: nonce, plaintext: stored, aad: aad, appendingTo: &out)
        } catch {
            throw RepositoryError(.invalidArgument, "encryption failed: \(error)")
        }
        return out
    }

    public func seal(_ plaintext: [UInt8], key: [UInt8], aad: [UInt8], compress: Bool = true,
                     level: Int32? = nil) throws(RepositoryError) -> [UInt8] {
        var result: Result<[UInt8], RepositoryError> = .success([])
        plaintext.withUnsafeBytes { raw in
            do throws(RepositoryError) { result = .success(try seal(raw, key: key, aad: aad, compress: compress, level: level)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    /// Opens an envelope and decompresses its payload. `what` names the object in errors.
    public func open(_ envelope: ArraySlice<UInt8>, key: [UInt8], aad: [UInt8], what: @autoclosure () -> String, expectedCount: Int? = nil) throws(RepositoryError) -> [UInt8] {
        guard envelope.count >= Self.overhead else {
            throw RepositoryError.damaged(what(), "envelope of \(envelope.count) bytes is too short")
        }
        let start = envelope.startIndex
        let nonce = Array(envelope[start..<start + AES256GCM.nonceCount])
        let stored: [UInt8]
        do {
            stored = try aead.open(key: key, nonce: nonce, sealed: envelope[(start + AES256GCM.nonceCount)...], aad: aad)
        } catch {
            throw RepositoryError.damaged(what(), "authentication failed")
        }
        guard let algorithm = stored.first else { throw RepositoryError.damaged(what(), "empty payload") }
        switch algorithm {
        case Algorithm.compressionNone:
            let payload = Array(stored.dropFirst())
            if let expectedCount, payload.count != expectedCount {
                throw RepositoryError.damaged(what(), "payload is \(payload.count) bytes, expected \(expectedCount)")
            }
            return payload
        case Algorithm.compressionZstd:
            do {
                return try decompressor.decompress(stored[1...], expectedCount: expectedCount, limit: 256 << 20)
            } catch {
                throw RepositoryError.damaged(what(), "zstd: \(error)")
            }
        default:
            throw RepositoryError.damaged(what(), "unknown compression \(algorithm)")
        }
    }
}
