import AmberDocuments
import Foundation

/// The stored form of a schema: its `Codable` encoding in RFC 8785 canonical JSON (members
/// sorted, no whitespace), so an unchanged schema always has the same bytes and the same blob id.
/// Absent optionals (`defaultValue`, `generated`, `partialWhere`, an expression's `column`) are
/// left out rather than written as `null`.
extension SQLiteSchema {
    /// The canonical JSON bytes.
    public var canonicalJSON: [UInt8] {
        // JSONEncoder's output depends on the platform (escaping, member order); reparsing and
        // serializing with CanonicalJSON fixes one form. Both steps only fail on a bug.
        let encoded = (try? JSONEncoder().encode(self)).map { [UInt8]($0) } ?? []
        guard let value = try? JSONParser.parse(encoded) else { preconditionFailure("JSONEncoder wrote invalid JSON") }
        return value.canonicalBytes
    }

    /// Decodes a schema from its JSON (canonical or not).
    public init(json bytes: [UInt8]) throws(SQLiteError) {
        do {
            self = try JSONDecoder().decode(SQLiteSchema.self, from: Data(bytes))
        } catch {
            throw SQLiteError(code: .invalidSchema, message: "cannot decode schema JSON: \(error)")
        }
    }
}
