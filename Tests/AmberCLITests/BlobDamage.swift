import AmberKit
import Foundation
import Testing

/// Flips one byte in the middle of a blob's sealed envelope, in its pack of the local
/// repository at `directory`: the damage the tests of damaged trees, collections and repairs
/// inflict.
func flipByte(inBlob id: BlobID, of repository: Repository, directory: String) throws {
    let location = try #require(repository.index.lookup(id))
    let pack = directory + "/data/" + String(location.pack.hex.prefix(2)) + "/" + location.pack.hex
    var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: pack)))
    bytes[Int(location.entry.offset) + Int(location.entry.length) / 2] ^= 0x01
    try Data(bytes).write(to: URL(fileURLWithPath: pack))
}
