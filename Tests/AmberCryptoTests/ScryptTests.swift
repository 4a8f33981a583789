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
