import AmberCore
import AmberCrypto
import AmberStorage
import Foundation

/// One key file as `amber key list` shows it: what a key file reveals without a password.
public struct KeyInfo: Sendable, Codable, Equatable {
    /// The key file's name (64 hex digits).
    public let name: String
    /// When the key file was written (RFC 3339), as it says.
    public let created: String
    /// Its scrypt cost.
    public let n: UInt64
    public let r: UInt32
    public let p: UInt32
    /// Whether this key file opened the repository.
    public let isCurrent: Bool
    /// The newest key generation it holds, as it says (§Key rotation; 0 for a version 1 key file).
    public let generation: UInt16
}

extension Repository {
    /// Every key file, by creation time then name. Malformed key files are listed with empty fields.
    public func listKeys() throws(RepositoryError) -> [KeyInfo] {
        let names = try storage { () throws(BackendError) in try backend.list(.keys) }
        var keys = [KeyInfo]()
        for (name, _) in names {
            let bytes = try storage { () throws(BackendError) in try backend.load(AmberStorage.FileHandle(.keys, name)) }
            let file = try? KeyFile(decoding: bytes, what: "key file \(name.prefix(8))")
            keys.append(KeyInfo(name: name, created: file?.created ?? "", n: file?.n ?? 0, r: file?.r ?? 0, p: file?.p ?? 0,
                                isCurrent: name == keyName, generation: file?.generation ?? 0))
        }
        return keys.sorted { ($0.created, $0.name) < ($1.created, $1.name) }
    }

    /// The full name of the one key file whose name starts with `prefix` (case-insensitive).
    /// Throws `.invalidArgument` when none or several match.
    public func resolveKey(prefix: String) throws(RepositoryError) -> String {
        let wanted = prefix.lowercased()
        guard !wanted.isEmpty else { throw RepositoryError(.invalidArgument, "no key id given") }
        let names = try storage { () throws(BackendError) in try backend.list(.keys) }.map(\.name)
        let matches = names.filter { $0.hasPrefix(wanted) }
        guard matches.count == 1 else {
            throw RepositoryError(.invalidArgument, matches.isEmpty ? "no key file has the id \(prefix)"
                                  : "the key id \(prefix) is ambiguous: \(matches.count) key files match")
        }
        return matches[0]
    }

    /// Removes a key file and its copy. Refuses (`.invalidArgument`) to remove the key that opened this repository,
    /// or the last key file, as restic does: either would lock the user out.
    public func removeKey(_ name: String) throws(RepositoryError) {
        let names = try storage { () throws(BackendError) in try backend.list(.keys) }.map(\.name)
        guard names.contains(name) else { throw RepositoryError(.invalidArgument, "no key file has the id \(name.prefix(8))") }
        guard names.count > 1 else {
            throw RepositoryError(.invalidArgument, "refusing to remove key \(name.prefix(8)): it is the repository's last key")
        }
        guard name != keyName else {
            throw RepositoryError(.invalidArgument,
                                  "refusing to remove key \(name.prefix(8)): it is the key in use; open the repository with another password to remove it")
        }
        try Self.removeWithCopy(backend, AmberStorage.FileHandle(.keys, name))
    }

    /// Replaces the key in use: adds a key file for `password`, then removes the one that opened the
    /// repository. Returns the new key file's name. A crash in between leaves both keys, never none.
    public func changePassword(to password: [UInt8], scrypt: ScryptParameters) throws(RepositoryError) -> String {
        guard let old = keyName else { throw RepositoryError(.invalidArgument, "the key in use is unknown") }
        let added = try addKey(password: password, scrypt: scrypt)
        guard added != old else { return added }
        try Self.removeWithCopy(backend, AmberStorage.FileHandle(.keys, old))
        return added
    }
}
