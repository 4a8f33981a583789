/// Percent-encoding as AWS Signature Version 4 requires it (RFC 3986): every byte except the
/// unreserved characters `A-Z a-z 0-9 - . _ ~` becomes `%XY` with uppercase hex digits.
///
/// The same encoding is used for the URL that is sent and for the canonical request that is
/// signed, so the two can never disagree.
enum URIEncoding {
    /// Encodes `text` completely: `/` too. For query names and values.
    static func encode(_ text: some StringProtocol) -> String {
        encode(text, keepingSlashes: false)
    }

    /// Encodes an object path: each segment is encoded, the `/` between them are kept.
    static func encodePath(_ path: some StringProtocol) -> String {
        encode(path, keepingSlashes: true)
    }

    /// The canonical query string: names and values encoded, sorted by name and then value,
    /// joined with `&`; a parameter without a value is written `name=`.
    static func canonicalQuery(_ parameters: [(name: String, value: String)]) -> String {
        parameters
            .map { (name: encode($0.name), value: encode($0.value)) }
            .sorted { $0.name != $1.name ? $0.name < $1.name : $0.value < $1.value }
            .map { "\($0.name)=\($0.value)" }
            .joined(separator: "&")
    }

    private static func encode(_ text: some StringProtocol, keepingSlashes: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) || (keepingSlashes && byte == UInt8(ascii: "/")) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(Hex.upperDigits[Int(byte >> 4)])
                out.append(Hex.upperDigits[Int(byte & 0xf)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}

/// Hexadecimal digits for encodings and digests.
enum Hex {
    static let lowerDigits = Array("0123456789abcdef".utf8)
    static let upperDigits = Array("0123456789ABCDEF".utf8)

    /// `bytes` as lowercase hex, as SigV4 writes digests and signatures.
    static func lower(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(lowerDigits[Int(byte >> 4)])
            out.append(lowerDigits[Int(byte & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
