internal import CLibPQ

/// What a connection string names, parsed by libpq itself (`PQconninfoParse`), so a URI
/// (`postgresql://user:secret@host:5432/db?sslmode=require`) and a `key=value` string are read
/// exactly as `PQconnectdb` reads them.
///
/// Only ``redacted`` is shown anywhere: the password is kept solely to scrub it out of messages
/// (``scrub(_:)``) and never appears in a description.
public struct PGConnectionInfo: Sendable, CustomStringConvertible {
    /// The user name, if the string gives one (else libpq uses `PGUSER` or the login name).
    public let user: String?
    /// The host (or socket directory), if given.
    public let host: String?
    /// The port, if given.
    public let port: String?
    /// The database name, if given.
    public let database: String?
    /// The password, if the string gives one: only for ``PGClientProgram`` to hand to a child
    /// in its environment (`PGPASSWORD`), never on a command line or in a message.
    let password: String?
    /// Every option the string gives except the password, in libpq's keyword order.
    private let options: [(keyword: String, value: String)]

    /// Parses `connectionString`. The corresponding C function is `PQconninfoParse`.
    ///
    /// - Throws: ``PGError/Code/invalidURI`` with libpq's message (which quotes no password).
    public init(_ connectionString: String) throws(PGError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &errorMessage) else {
            let message = errorMessage.map { String(cString: $0) } ?? "out of memory"
            if let errorMessage { PQfreemem(errorMessage) }
            throw PGError(code: .invalidURI, message: Self.oneLine(message))
        }
        defer { PQconninfoFree(options) }
        var values: [String: String] = [:]
        var given = [(keyword: String, value: String)]()
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                let name = String(cString: keyword)
                values[name] = String(cString: value)
                // Secrets stay off command lines (sslpassword has no environment variable: a
                // child program asks for it, or fails, rather than show it to every user).
                if name != "password" && name != "sslpassword" { given.append((name, String(cString: value))) }
            }
            option += 1
        }
        self.options = given
        user = values["user"]
        host = values["host"] ?? values["hostaddr"]
        port = values["port"]
        database = values["dbname"]
        password = values["password"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `postgresql://user@host:port/database`, with only the parts the string gave: what errors
    /// and logs name the server by.
    public var redacted: String {
        var text = "postgresql://"
        if let user { text += "\(user)@" }
        text += host ?? ""
        if let port { text += ":\(port)" }
        if let database { text += "/\(database)" }
        return text
    }

    public var description: String { redacted }

    /// The connection as a `key='value'` string without the password: what a client program is
    /// given with `--dbname` (command lines are visible to every user of the machine).
    var keywordsWithoutPassword: String {
        options.map { option in
            let escaped = option.value.replacing("\\", with: "\\\\").replacing("'", with: "\\'")
            return "\(option.keyword)='\(escaped)'"
        }.joined(separator: " ")
    }

    /// `message` with every occurrence of the password replaced by `***`.
    func scrub(_ message: String) -> String {
        guard let password, message.contains(password) else { return message }
        return message.replacing(password, with: "***")
    }

    /// A libpq message on one line: it ends in a newline and may add indented hint lines
    /// ("Is the server running on that host…").
    static func oneLine(_ message: String) -> String {
        message.split(separator: "\n", omittingEmptySubsequences: true)
            .map { String($0).trimmingWhitespace }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingWhitespace: String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return String(text)
    }
}
