import AmberCrypto

/// Encrypts the sorted runs that ``SortedDocuments`` spills to disk, so that a source's documents
/// never lie on disk in clear (a crash leaves only ciphertext behind): AES-256-GCM under a key
/// drawn at random for one sort and kept in memory only. A run is a sequence of blocks, each
/// `length u32 ‖ ciphertext ‖ tag`, of at most ``blockSize`` bytes of records; the nonce is the
/// run's number and the block's, so no (key, nonce) pair seals two blocks, and the associated
/// data binds both, so blocks cannot be moved between places or runs.
final class RunCipher: @unchecked Sendable {
    /// Bytes of records sealed in one block.
    static let blockSize = 1 << 20

    private let key = SecureRandom.bytes(AES256GCM.keyCount)
    private let aes = AES256GCM()

    /// The 12-byte nonce (and associated data) of block `block` of run `run`.
    private static func nonce(run: UInt32, block: UInt64) -> [UInt8] {
        var nonce = [UInt8]()
        withUnsafeBytes(of: run.littleEndian) { nonce.append(contentsOf: $0) }
        withUnsafeBytes(of: block.littleEndian) { nonce.append(contentsOf: $0) }
        return nonce
    }

    /// Appends block `block` of run `run`, sealed, with its length, to `output`.
    func seal(_ plaintext: [UInt8], run: UInt32, block: UInt64, appendingTo output: inout [UInt8]) throws(CryptoError) {
        let nonce = Self.nonce(run: run, block: block)
        let length = UInt32(plaintext.count + AES256GCM.tagCount)
        withUnsafeBytes(of: length.littleEndian) { output.append(contentsOf: $0) }
        try aes.seal(key: key, nonce: nonce, plaintext: plaintext, aad: nonce, appendingTo: &output)
    }

    /// The records of block `block` of run `run`, from its ciphertext ‖ tag.
    func open(_ sealed: ArraySlice<UInt8>, run: UInt32, block: UInt64) throws(CryptoError) -> [UInt8] {
        let nonce = Self.nonce(run: run, block: block)
        return try aes.open(key: key, nonce: nonce, sealed: sealed, aad: nonce)
    }
}
