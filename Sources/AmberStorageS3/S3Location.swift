import AmberStorage

/// Where an S3 repository lives: endpoint, bucket and key prefix, parsed from restic-style syntax
///
///     s3:http(s)://HOST[:PORT]/BUCKET[/PREFIX]
///
/// (`s3:HOST/BUCKET` without a scheme means https). Requests use path-style addressing
/// (`http://HOST:PORT/BUCKET/KEY`), which every S3-compatible server understands.
/// Credentials never appear in a location.
public struct S3Location: Sendable, Equatable, CustomStringConvertible {
    /// `http` or `https`.
    public let scheme: String
    /// A host name or address (an IPv6 address in brackets).
    public let host: String
    /// The port, if the location names one.
    public let port: Int?
    public let bucket: String
    /// The key prefix without leading or trailing `/`; empty for the bucket's root.
    public let prefix: String

    public init(scheme: String = "https", host: String, port: Int? = nil, bucket: String, prefix: String = "") {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.bucket = bucket
        self.prefix = prefix.split(separator: "/").joined(separator: "/")
    }

    /// Parses `s3:…`; throws ``BackendError/Code/permanent`` explaining what is malformed.
    public init(parsing text: String) throws(BackendError) {
        func malformed(_ why: String) -> BackendError {
            BackendError(.permanent, path: text,
                         message: "malformed S3 location (\(why)); expected s3:http(s)://HOST[:PORT]/BUCKET[/PREFIX]")
        }
        guard text.hasPrefix("s3:") else { throw malformed("no s3: prefix") }
        var rest = Substring(text.dropFirst(3))
        var scheme = "https"
        if let separator = rest.firstRange(of: "://") {
            scheme = rest[..<separator.lowerBound].lowercased()
            rest = rest[separator.upperBound...]
        }
        guard scheme == "http" || scheme == "https" else { throw malformed("scheme \(scheme) is not http or https") }
        let parts = rest.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        let authority = parts[0]
        guard !authority.contains("@") else {
            throw malformed("credentials do not belong in the location; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        }
        var host = authority
        var port: Int?
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            host = authority[..<colon]
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else {
                throw malformed("invalid port")
            }
            port = number
        }
        guard !host.isEmpty else { throw malformed("no host") }
        guard parts.count > 1, !parts[1].isEmpty else { throw malformed("no bucket") }
        let bucket = String(parts[1])
        guard Self.isValidBucket(bucket) else {
            throw malformed("bucket \"\(bucket)\" is not 3 to 63 characters of a-z, 0-9, '.' and '-'")
        }
        self.init(scheme: scheme, host: String(host), port: port, bucket: bucket,
                  prefix: parts.count > 2 ? String(parts[2]) : "")
    }

    /// `s3:http://HOST:PORT/BUCKET/PREFIX`.
    public var description: String {
        "s3:\(scheme)://\(hostHeader)/\(bucket)" + (prefix.isEmpty ? "" : "/" + prefix)
    }

    /// The `Host` header: the host, and the port unless it is the scheme's default.
    public var hostHeader: String {
        guard let port, port != (scheme == "https" ? 443 : 80) else { return host }
        return "\(host):\(port)"
    }

    /// `http(s)://HOST[:PORT]`, without a path.
    var endpoint: String { "\(scheme)://\(hostHeader)" }

    /// The object key of a repository file: `PREFIX/` + the file's path in the layout.
    func key(_ handle: FileHandle) -> String {
        prefix.isEmpty ? handle.path : prefix + "/" + handle.path
    }

    /// The key prefix under which the files of `kind` live: `PREFIX/keys/`, `PREFIX/data/`, …
    func directory(_ kind: FileKind) -> String {
        (prefix.isEmpty ? "" : prefix + "/") + kind.rawValue + "/"
    }

    private static func isValidBucket(_ bucket: String) -> Bool {
        (3...63).contains(bucket.utf8.count) && bucket.utf8.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        }
    }
}
