#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The time of a signed request in SigV4's basic ISO 8601 format, `20150830T123600Z` (UTC).
public struct AmzDate: Sendable, Equatable, CustomStringConvertible {
    /// `YYYYMMDD'T'HHMMSS'Z'`: the `x-amz-date` header.
    public let stamp: String

    /// A date from its stamp, e.g. `AmzDate(stamp: "20150830T123600Z")` for test vectors.
    /// Returns nil unless `stamp` has the form `YYYYMMDDTHHMMSSZ`.
    public init?(stamp: String) {
        let bytes = Array(stamp.utf8)
        let digits = bytes.indices.filter { $0 != 8 && $0 != 15 }
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z"),
              digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[$0]) })
        else { return nil }
        self.stamp = stamp
    }

    /// The date `secondsSince1970` seconds after the Unix epoch. The corresponding C function is `gmtime_r`.
    public init(secondsSince1970: Int) {
        var time = time_t(secondsSince1970)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        stamp = pad(parts.tm_year + 1900, 4) + pad(parts.tm_mon + 1, 2) + pad(parts.tm_mday, 2) + "T"
            + pad(parts.tm_hour, 2) + pad(parts.tm_min, 2) + pad(parts.tm_sec, 2) + "Z"
    }

    /// The current time.
    public static func now() -> AmzDate {
        AmzDate(secondsSince1970: Int(time(nil)))
    }

    /// `YYYYMMDD`: the date in the credential scope.
    public var day: String { String(stamp.prefix(8)) }

    public var description: String { stamp }
}
