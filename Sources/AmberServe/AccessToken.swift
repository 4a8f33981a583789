import AmberCore
import AmberCrypto

/// The secret every request to `amber serve` carries (as Jupyter's token): 32 random bytes in
/// hex, drawn at start, printed once in the URL to open, never stored.
///
/// A request carries it in the `X-Amber-Token` header (what the page's script sends), in the
/// `amber_token` cookie (set when the URL with `?token=` is opened, HttpOnly and SameSite=Strict),
/// or, for a `GET`, in the `token` query parameter. A `POST` must carry the header: a cookie
/// alone never authorizes a change, so another site cannot forge one (CSRF).
public struct AccessToken: Sendable {
    /// The token as printed: 64 lowercase hex digits.
    public let value: String

    public init() {
        value = Hex.encode(SecureRandom.bytes(32))
    }

    /// A token with a known value (tests).
    public init(value: String) {
        self.value = value
    }

    /// Whether `candidate` is this token, in time independent of where they differ.
    public func matches(_ candidate: some StringProtocol) -> Bool {
        let a = Array(value.utf8), b = Array(candidate.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<a.count { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
