import AmberCore
import AmberStorage

extension Repository {
    /// The ids of the files of `kind` that `references` name, in order: each an id or a unique
    /// prefix of one (as restic's short ids), the directory listed once. `noun` names the files
    /// in errors ("snapshot", "pack"); `hint` says what a reference may be when it is not hex.
    ///
    /// - Throws: ``RepositoryError/Code/invalidArgument`` for a reference that no file or several match.
    public func fileIDs(matching references: [String], in kind: FileKind, noun: String,
                        hint: String = "hex digits") throws(RepositoryError) -> [BlobID] {
        let prefixes = references.map { $0.lowercased() }
        for (reference, prefix) in zip(references, prefixes) where !Hex.isHex(prefix) || prefix.count > 64 {
            throw RepositoryError(.invalidArgument, "\"\(reference)\" is not a \(noun) id (\(hint))")
        }
        let names = try storage { () throws(BackendError) in try backend.list(kind) }.map(\.name)
        var ids = [BlobID]()
        for (reference, prefix) in zip(references, prefixes) {
            let matches = names.filter { $0.hasPrefix(prefix) }
            guard !matches.isEmpty else { throw RepositoryError(.invalidArgument, "no \(noun) matches \"\(reference)\"") }
            guard matches.count == 1, let id = BlobID(hex: matches[0]) else {
                throw RepositoryError(.invalidArgument, "\"\(reference)\" matches \(matches.count) \(noun)s; give more digits")
            }
            ids.append(id)
        }
        return ids
    }
}
