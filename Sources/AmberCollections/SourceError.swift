/// Bad input in a database source, naming where: the file, the line, the document id.
public struct SourceError: Error, Sendable, CustomStringConvertible {
    public let file: String
    /// 1-based line, when the input has lines.
    public let line: Int?
    /// The document's id as `amber diff` shows it, when known.
    public let id: String?
    public let message: String

    public init(file: String, line: Int? = nil, id: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.id = id
        self.message = message
    }

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let id { place += " (id \(id))" }
        return "\(place): \(message)"
    }

    /// Two documents with the same id, on lines `a` and `b` (in either order), named at the later.
    static func duplicateID(file: String, lines a: Int, _ b: Int, id: String?) -> SourceError {
        SourceError(file: file, line: Swift.max(a, b), id: id, message: "duplicate id (also on line \(Swift.min(a, b)))")
    }

    /// Runs `body`; a ``SourceError`` passes through, any other error becomes one naming `file`.
    static func naming<T>(_ file: String, _ body: () throws -> T) throws(SourceError) -> T {
        do {
            return try body()
        } catch let error as SourceError {
            throw error
        } catch {
            throw SourceError(file: file, message: "\(error)")
        }
    }
}
