/// The cost parameters of scrypt (RFC 7914): CPU/memory cost `n`, block size `r`, parallelism `p`.
///
/// One derivation needs about 128 · r · n bytes of memory.
public struct ScryptParameters: Sendable, Equatable, Codable {
    public var n: UInt64
    public var r: UInt32
    public var p: UInt32

    public init(n: UInt64, r: UInt32, p: UInt32) {
        self.n = n
        self.r = r
        self.p = p
    }

    /// n = 1024, r = 8, p = 1: cheap, for tests only.
    public static let testing = ScryptParameters(n: 1024, r: 8, p: 1)

    /// The most memory ``calibrated(seconds:)`` lets one lane use: 64 MiB (N = 2^16 with
    /// r = 8), about restic's cap (60 MiB). Beyond it the cost grows by p, whose lanes run at
    /// most two at once (``Scrypt/parallelMemoryLimit``), so that every command's peak memory
    /// stays bounded: the derivation's memory is most of a short command's and a large part of a
    /// backup's.
    public static let calibrationMemoryLimit: UInt64 = 64 << 20

    /// The most lanes ``calibrated(seconds:)`` sets: 16, the most a reader accepts
    /// (`docs/format.md` §5.2), so that a very fast machine cannot write a key file nobody opens.
    public static let calibrationLaneLimit: UInt32 = 16

    /// The memory one derivation needs, as OpenSSL counts it: 128 · r · (n + p + 2) bytes;
    /// nil if that overflows.
    public var memoryCount: UInt64? {
        let (np, o1) = n.addingReportingOverflow(UInt64(p) + 2)
        let (bytes, o2) = (128 * UInt64(r)).multipliedReportingOverflow(by: np)
        return o1 || o2 ? nil : bytes
    }

    /// Doubles N from 2^14 with r = 8, p = 1 until one derivation takes about `seconds` (default
    /// 0.5) on this machine; once N reaches ``calibrationMemoryLimit`` (N = 2^16), doubles p
    /// instead, up to 16.
    ///
    /// Each step measures one derivation, its lanes one after another (the work of one guess,
    /// whatever this machine's cores), and doubles while that brings the time closer to the
    /// target, so the result takes between about 0.67 and 1.33 times `seconds` of one core; an
    /// unlock on several cores takes less (``Scrypt/lanesAtOnce(for:)``).
    public static func calibrated(seconds: Double = 0.5) -> ScryptParameters {
        var parameters = ScryptParameters(n: 1 << 14, r: 8, p: 1)
        let clock = ContinuousClock()
        let target = Duration.seconds(seconds)
        while true {
            let next = 128 * UInt64(parameters.r) * parameters.n * 2 <= calibrationMemoryLimit
                ? ScryptParameters(n: parameters.n * 2, r: parameters.r, p: parameters.p)
                : ScryptParameters(n: parameters.n, r: parameters.r, p: parameters.p * 2)
            guard next.p <= calibrationLaneLimit else { return parameters }
            let elapsed = clock.measure {
                _ = try? Scrypt.derive(password: Array("calibration".utf8), salt: Array(repeating: 0, count: 32),
                                       parameters: parameters, count: 32, lanesAtOnce: 1)
            }
            // Doubling the time is closer to the target than keeping it when elapsed < 2/3 target.
            guard elapsed * 3 < target * 2 else { return parameters }
            parameters = next
        }
    }
}
