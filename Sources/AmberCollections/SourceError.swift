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
}
