import AmberCrypto
import Foundation
import Testing

struct ScryptTests {
    /// RFC 7914 section 12, the first three vectors (the fourth needs 1 GiB).
    static let vectors: [(password: String, salt: String, parameters: ScryptParameters, key: String)] = [
        ("", "", ScryptParameters(n: 16, r: 1, p: 1),
         "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"),
        ("password", "NaCl", ScryptParameters(n: 1024, r: 8, p: 16),
         "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"),
        ("pleaseletmein", "SodiumChloride", ScryptParameters(n: 16384, r: 8, p: 1),
         "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"),
    ]

    @Test(arguments: vectors)
    func rfc7914(password: String, salt: String, parameters: ScryptParameters, key: String) throws {
        let derived = try Scrypt.derive(password: Array(password.utf8), salt: Array(salt.utf8),
                                        parameters: parameters, count: 64)
        #expect(derived == hex(key))
    }

    /// The RFC's vectors again, their lanes computed several at a time by amber's own ROMix.
    @Test(arguments: vectors)
    func rfc7914InLanes(password: String, salt: String, parameters: ScryptParameters, key: String) throws {
        for lanes in [2, 3, Int(parameters.p)] {
            let derived = try Scrypt.derive(password: Array(password.utf8), salt: Array(salt.utf8),
                                            parameters: parameters, count: 64, lanesAtOnce: lanes)
            #expect(derived == hex(key), "\(lanes) lanes at once")
        }
    }

    /// Lanes computed at once give libsodium's bytes (computed one after another, nobody here
    /// wrote it): over block sizes, costs, lane counts, output lengths, and passwords and salts
    /// empty, short and longer than an HMAC block (a key HMAC hashes first).
    @Test(arguments: [
        ScryptParameters(n: 2, r: 1, p: 2), ScryptParameters(n: 16, r: 1, p: 3), ScryptParameters(n: 64, r: 3, p: 5),
        ScryptParameters(n: 1024, r: 8, p: 4), ScryptParameters(n: 4096, r: 2, p: 7), ScryptParameters(n: 256, r: 16, p: 2),
    ])
    func lanesAtOnceGiveLibsodiumsBytes(parameters: ScryptParameters) throws {
        let passwords: [[UInt8]] = [[], Array("correct horse".utf8), (0..<100).map { UInt8($0 * 7 & 0xff) }]
        let salts: [[UInt8]] = [[], [9], (0..<77).map { UInt8($0) }]
        for (i, password) in passwords.enumerated() {
            let salt = salts[(i + Int(parameters.p)) % salts.count]
            for count in [1, 32, 33, 64] {
                let sequential = try Scrypt.derive(password: password, salt: salt, parameters: parameters, count: count, lanesAtOnce: 1)
                for lanes in 2...Int(parameters.p) {
                    let parallel = try Scrypt.derive(password: password, salt: salt, parameters: parameters, count: count, lanesAtOnce: lanes)
                    #expect(parallel == sequential, "\(parameters) password \(i) count \(count), \(lanes) lanes at once")
                }
            }
        }
    }

    @Test func lanesAtOnceStayWithinTheCoresAndTheMemoryLimit() {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        // The calibrated 64 MiB lanes: two at most fit in 128 MiB.
        #expect(Scrypt.lanesAtOnce(for: ScryptParameters(n: 1 << 16, r: 8, p: 4)) == min(cores, 2))
        #expect(Scrypt.lanesAtOnce(for: ScryptParameters(n: 1 << 16, r: 8, p: 1)) == 1)
        // A lane larger than the limit still runs, alone.
        #expect(Scrypt.lanesAtOnce(for: ScryptParameters(n: 1 << 20, r: 8, p: 4)) == 1)
        #expect(Scrypt.lanesAtOnce(for: ScryptParameters(n: 1024, r: 8, p: 16)) == min(cores, 16))
    }

    @Test(arguments: [
        ScryptParameters(n: 1000, r: 8, p: 1),
        ScryptParameters(n: 1, r: 8, p: 1),
        ScryptParameters(n: 0, r: 8, p: 1),
        ScryptParameters(n: 1024, r: 0, p: 1),
        ScryptParameters(n: 1024, r: 8, p: 0),
        ScryptParameters(n: 1 << 40, r: 8, p: 1),
        ScryptParameters(n: 1 << 62, r: 1 << 20, p: 1),
    ])
    func badParametersAreInvalidInput(parameters: ScryptParameters) {
        let error = #expect(throws: CryptoError.self) {
            try Scrypt.derive(password: [1], salt: [2], parameters: parameters, count: 32)
        }
        #expect(error?.code == .invalidInput)
    }

    @Test func testingParametersAreCheapAndDeterministic() throws {
        #expect(ScryptParameters.testing == ScryptParameters(n: 1024, r: 8, p: 1))
        let a = try Scrypt.derive(password: Array("pw".utf8), salt: [1, 2], parameters: .testing, count: 32)
        let b = try Scrypt.derive(password: Array("pw".utf8), salt: [1, 2], parameters: .testing, count: 32)
        let c = try Scrypt.derive(password: Array("pw".utf8), salt: [1, 3], parameters: .testing, count: 32)
        #expect(a.count == 32 && a == b && a != c)
    }

    @Test func calibrationStartsAt16KiB() {
        // A zero target stops at once: the first N is already slower than that.
        #expect(ScryptParameters.calibrated(seconds: 0) == ScryptParameters(n: 1 << 14, r: 8, p: 1))
    }

    @Test func calibrationGrowsLanesPastSixtyFourMiB() {
        // About a second: past N = 2^16 on a fast machine, short of it on a slow one. Either way
        // the memory stays within the limit (restic's: about 60 MiB) and p grows only once N is at it.
        let parameters = ScryptParameters.calibrated(seconds: 1)
        #expect(ScryptParameters.calibrationMemoryLimit == 64 << 20)
        #expect(128 * UInt64(parameters.r) * parameters.n <= ScryptParameters.calibrationMemoryLimit)
        #expect(parameters.p == 1 || parameters.n == 1 << 16)
    }

    @Test func memoryCountMatchesOpenSSLAccounting() {
        #expect(ScryptParameters(n: 1024, r: 8, p: 16).memoryCount == 128 * 8 * (1024 + 16 + 2))
        #expect(ScryptParameters(n: .max, r: 8, p: 1).memoryCount == nil)
    }

    @Test func codableRoundTrip() throws {
        let parameters = ScryptParameters(n: 1 << 17, r: 8, p: 2)
        let data = try JSONEncoder().encode(parameters)
        #expect(try JSONDecoder().decode(ScryptParameters.self, from: data) == parameters)
    }
}
