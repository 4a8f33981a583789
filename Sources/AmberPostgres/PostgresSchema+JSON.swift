import AmberDocuments
import Foundation

/// The stored form of a schema: its `Codable` encoding in RFC 8785 canonical JSON (members
/// sorted, no whitespace), so an unchanged schema always has the same bytes. Absent optionals
/// are left out rather than written as `null`.
extension PostgresSchema {
    /// The canonical JSON bytes.
    public var canonicalJSON: [UInt8] {
        let encoded = (try? JSONEncoder().encode(self)).map { [UInt8]($0) } ?? []
        guard let value = try? JSONParser.parse(encoded) else { preconditionFailure("JSONEncoder wrote invalid JSON") }
        return value.canonicalBytes
    }

    /// Decodes a schema from its JSON (canonical or not).
    public init(json bytes: [UInt8]) throws(PGError) {
        do {
            self = try JSONDecoder().decode(PostgresSchema.self, from: Data(bytes))
        } catch {
            throw PGError(code: .invalidSchema, message: "cannot decode schema JSON: \(error)")
        }
    }
}
