import AmberTesting

/// The deterministic generator every run measures the same collection with.
typealias BenchRandom = SplitMix64

extension SplitMix64 {
    /// A value in `0..<n`.
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// JSON-like documents of about 500 bytes: field names repeat, content varies, as in a real table.
enum DocumentGenerator {
    static let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
                        "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
                        "uniform", "victor", "whiskey", "xray", "yankee", "zulu", "amber", "backup", "manifest",
                        "prolly", "tree", "node", "leaf", "value", "key", "delta", "merkle", "store", "pack", "blob"]
    static let cities = ["Lisbon", "Oslo", "Kyoto", "Quito", "Accra", "Perth", "Lima", "Tallinn", "Hanoi", "Cusco"]

    /// `count` entries with distinct 20-byte keys, sorted.
    static func collection(count: Int, rng: inout BenchRandom) -> [(key: [UInt8], value: [UInt8])] {
        var keys = Set<UInt64>()
        while keys.count < count { keys.insert(rng.next()) }
        return keys.sorted().map { k in
            let key = Array("doc:".utf8) + hex16(k)
            return (key, document(id: key, rng: &rng))
        }
    }

    static func hex16(_ v: UInt64) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        return (0..<16).map { digits[Int((v >> UInt64(60 - 4 * $0)) & 0xf)] }
    }

    static func sentence(_ n: Int, rng: inout BenchRandom) -> String {
        (0..<n).map { _ in words[rng.below(words.count)] }.joined(separator: " ")
    }

    static func document(id: [UInt8], rng: inout BenchRandom) -> [UInt8] {
        let name = sentence(2, rng: &rng)
        let doc = "{\"_id\":\"\(String(decoding: id, as: UTF8.self))\",\"name\":\"\(name)\","
            + "\"email\":\"\(words[rng.below(words.count)])\(rng.below(10000))@example.org\","
            + "\"age\":\(18 + rng.below(80)),\"score\":\(rng.below(1_000_000)).\(rng.below(100)),"
            + "\"active\":\(rng.below(2) == 0),\"city\":\"\(cities[rng.below(cities.count)])\","
            + "\"tags\":[\"\(words[rng.below(words.count)])\",\"\(words[rng.below(words.count)])\"],"
            + "\"created\":\"2026-\(10 + rng.below(3))-\(10 + rng.below(18))T\(10 + rng.below(14)):\(10 + rng.below(50)):00Z\","
            + "\"token\":\"\(String(decoding: hex16(rng.next()) + hex16(rng.next()), as: UTF8.self))\","
            + "\"bio\":\"\(sentence(36, rng: &rng))\"}"
        return Array(doc.utf8)
    }

    /// The document with three words inserted at the start of its bio.
    static func edit(_ value: [UInt8], rng: inout BenchRandom) -> [UInt8] {
        let marker = Array("\"bio\":\"".utf8)
        var at = value.count - 2
        for i in 0...(value.count - marker.count) where Array(value[i..<i + marker.count]) == marker {
            at = i + marker.count
            break
        }
        return Array(value[..<at]) + Array((sentence(3, rng: &rng) + " ").utf8) + Array(value[at...])
    }
}

/// `value` with `digits` decimals, without Foundation.
func fixed(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int((value * scale).rounded())
    let whole = scaled / Int(scale), part = String(scaled % Int(scale))
    return digits == 0 ? String(whole) : "\(whole)." + String(repeating: "0", count: digits - part.count) + part
}
