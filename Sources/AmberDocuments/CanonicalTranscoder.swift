import Foundation

/// The fast path to a document's stored bytes: its canonical text with numbers as written
/// (``CanonicalJSON/NumberForm/asWritten``) straight from the source text in one pass, with no
/// ``JSONValue`` in between.
///
/// It handles what documents are usually made of and gives up, returning `nil`, on anything
/// else; the caller then takes the general path (``JSONParser`` then ``CanonicalJSON``), which
/// also produces the error message for bad input. Whatever it returns is byte for byte what the
/// general path gives. It gives up on:
/// - a top-level value that is not an object, or nesting deeper than ``JSONParser/maximumDepth``;
/// - a number with an exponent or an integer part of more than 300 digits (which may be beyond
///   the double range);
/// - a string escape other than `\"` `\\` `\b` `\f` `\n` `\r` `\t` (those are canonical as
///   written), and any escape in an object key;
/// - a duplicate key, invalid UTF-8, a raw control character, or any syntax error.
public struct CanonicalTranscoder {
    /// The canonical bytes of a document and where in them the value of its id field is.
    public struct Output {
        public var bytes: [UInt8]
        /// The canonical text of the top-level member `idField`'s value; `nil` if there is none.
        public var id: Range<Int>?
    }

    /// The canonical form of the JSON object in `text`, or `nil` if this fast path does not
    /// handle it (see the type's description). `idField` names the top-level member to locate.
    public static func transcode(_ text: UnsafeBufferPointer<UInt8>, idField: String) -> Output? {
        var idField = idField  // its UTF-8 in place (a native string's), not copied per document
        var id: Range<Int>?
        // Every token is copied as written and whitespace dropped: the output is never longer.
        let bytes = [UInt8](unsafeUninitializedCapacity: text.count) { buffer, count in
            idField.withUTF8 { idField in
                var transcoder = CanonicalTranscoder(input: text, output: buffer.baseAddress!, idField: idField)
                if transcoder.document() {
                    count = transcoder.count
                    id = transcoder.idRange ?? 0..<0
                }
            }
        }
        guard let id else { return nil }
        return Output(bytes: bytes, id: id.isEmpty ? nil : id)
    }

    /// One member of an object being written: its key in the input (without quotes) and the
    /// member's `"key":value` text in the output.
    private struct Member {
        var keyStart: Int
        var keyEnd: Int
        var outStart: Int
        var outEnd: Int
    }

    private let input: UnsafeBufferPointer<UInt8>
    private let idField: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var depth = 0
    /// The output, `count` bytes written so far; room for `input.count`.
    private let out: UnsafeMutablePointer<UInt8>
    private var count = 0
    /// The members of every object still open, innermost last.
    private var members: [Member] = []
    private var scratch: [UInt8] = []
    /// The id member's key offset in the input and its value's offset within the member.
    private var idMember: (keyStart: Int, valueOffset: Int, length: Int)?
    private var idRange: Range<Int>?

    private init(input: UnsafeBufferPointer<UInt8>, output: UnsafeMutablePointer<UInt8>, idField: UnsafeBufferPointer<UInt8>) {
        self.input = input
        self.idField = idField
        out = output
        members.reserveCapacity(32)
    }

    @inline(__always)
    private mutating func emit(_ byte: UInt8) {
        out[count] = byte
        count += 1
    }

    /// Copies `input[start..<end]` to the output.
    @inline(__always)
    private mutating func emit(from start: Int, to end: Int) {
        (out + count).update(from: input.baseAddress! + start, count: end - start)
        count += end - start
    }

    private mutating func document() -> Bool {
        skipWhitespace()
        guard i < input.count, input[i] == UInt8(ascii: "{"), object() else { return false }
        skipWhitespace()
        return i == input.count
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while i < input.count {
            switch input[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    private mutating func value() -> Bool {
        guard i < input.count else { return false }
        switch input[i] {
        case UInt8(ascii: "\""): return string(isKey: false)
        case UInt8(ascii: "{"): return object()
        case UInt8(ascii: "["): return array()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return false
        }
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard i + count <= input.count else { return false }
        for k in 0..<count where input[i + k] != word.utf8Start[k] { return false }
        emit(from: i, to: i + count)
        i += count
        return true
    }
}

extension CanonicalTranscoder {
    private mutating func array() -> Bool {
        depth += 1
        guard depth <= JSONParser.maximumDepth else { return false }
        i += 1
        emit(UInt8(ascii: "["))
        skipWhitespace()
        if i < input.count, input[i] == UInt8(ascii: "]") {
            i += 1
        } else {
            while true {
                skipWhitespace()
                guard value() else { return false }
                skipWhitespace()
                guard i < input.count else { return false }
                let b = input[i]
                i += 1
                if b == UInt8(ascii: "]") { break }
                guard b == UInt8(ascii: ",") else { return false }
                emit(b)
            }
        }
        emit(UInt8(ascii: "]"))
        depth -= 1
        return true
    }

    private mutating func object() -> Bool {
        depth += 1
        guard depth <= JSONParser.maximumDepth else { return false }
        i += 1
        emit(UInt8(ascii: "{"))
        let base = members.count
        skipWhitespace()
        if i < input.count, input[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipWhitespace()
                guard i < input.count, input[i] == UInt8(ascii: "\"") else { return false }
                let outStart = count
                let keyStart = i + 1
                guard string(isKey: true) else { return false }
                let keyEnd = i - 1
                skipWhitespace()
                guard i < input.count, input[i] == UInt8(ascii: ":") else { return false }
                i += 1
                emit(UInt8(ascii: ":"))
                skipWhitespace()
                let valueStart = count
                guard value() else { return false }
                if depth == 1, keyEnd - keyStart == idField.count,
                   memcmp(idField.baseAddress!, input.baseAddress! + keyStart, idField.count) == 0 {
                    idMember = (keyStart, valueStart - outStart, count - valueStart)
                }
                members.append(Member(keyStart: keyStart, keyEnd: keyEnd, outStart: outStart, outEnd: count))
                skipWhitespace()
                guard i < input.count else { return false }
                let b = input[i]
                i += 1
                if b == UInt8(ascii: "}") { break }
                guard b == UInt8(ascii: ",") else { return false }
                emit(b)
            }
            guard sortMembers(from: base) else { return false }
        }
        emit(UInt8(ascii: "}"))
        members.removeSubrange(base...)
        depth -= 1
        return true
    }

    /// Puts the members from `base` on in canonical order in the output; `false` on a duplicate key.
    private mutating func sortMembers(from base: Int) -> Bool {
        if !isSorted(from: base) {
            let regionStart = members[base].outStart
            sortByKey(from: base)
            guard isSorted(from: base) else { return false }  // equal neighbours: a duplicate key
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: UnsafeBufferPointer(start: out + regionStart, count: count - regionStart))
            count = regionStart
            scratch.withUnsafeBufferPointer { scratch in
                for k in base..<members.count {
                    if k > base { emit(UInt8(ascii: ",")) }
                    let start = count, length = members[k].outEnd - members[k].outStart
                    (out + count).update(from: scratch.baseAddress! + (members[k].outStart - regionStart), count: length)
                    count += length
                    members[k].outStart = start
                    members[k].outEnd = count
                }
            }
        }
        if depth == 1, let id = idMember, let member = members[base...].first(where: { $0.keyStart == id.keyStart }) {
            idRange = (member.outStart + id.valueOffset)..<(member.outStart + id.valueOffset + id.length)
        }
        return true
    }

    /// Insertion sort of the members from `base` on by key: objects have few members.
    private mutating func sortByKey(from base: Int) {
        let input = self.input
        members.withUnsafeMutableBufferPointer { members in
            for k in (base + 1)..<members.count {
                let member = members[k]
                let key = UnsafeBufferPointer(rebasing: input[member.keyStart..<member.keyEnd])
                var j = k
                while j > base, UTF16Order.precedes(key, UnsafeBufferPointer(rebasing: input[members[j - 1].keyStart..<members[j - 1].keyEnd])) {
                    members[j] = members[j - 1]
                    j -= 1
                }
                members[j] = member
            }
        }
    }

    private func isSorted(from base: Int) -> Bool {
        var k = base + 1
        while k < members.count {
            guard UTF16Order.precedes(key(members[k - 1]), key(members[k])) else { return false }
            k += 1
        }
        return true
    }

    private func key(_ member: Member) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: input[member.keyStart..<member.keyEnd])
    }
}

extension CanonicalTranscoder {
    /// Copies a string whose spelling is canonical; `i` is at the opening quote and ends past the
    /// closing one. A key may hold no escape at all (keys are compared as written).
    private mutating func string(isKey: Bool) -> Bool {
        let start = i
        i += 1
        while i < input.count {
            let b = input[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                emit(from: start, to: i)
                return true
            }
            if b == UInt8(ascii: "\\") {
                guard !isKey, i + 1 < input.count else { return false }
                switch input[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 2
                default:
                    return false
                }
            } else if b < 0x20 {
                return false
            } else if b < 0x80 {
                i += 1
            } else {
                guard let length = UTF8Sequence.length(in: input, at: i) else { return false }
                i += length
            }
        }
        return false
    }

    /// Copies a number as written (``CanonicalJSON/NumberForm/asWritten``), after checking its
    /// grammar; gives up on an exponent or an integer part of over 300 digits, where only the
    /// general path can tell whether the value is in the double range.
    private mutating func number() -> Bool {
        let start = i
        if input[i] == UInt8(ascii: "-") { i += 1 }
        let integerStart = i
        while i < input.count, isDigit(input[i]) { i += 1 }
        let integerDigits = i - integerStart
        guard integerDigits > 0, integerDigits <= 300 else { return false }
        guard input[integerStart] != UInt8(ascii: "0") || integerDigits == 1 else { return false }  // leading zero: an error
        if i < input.count, input[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < input.count, isDigit(input[i]) { i += 1 }
            guard i > fractionStart else { return false }
        }
        if i < input.count, input[i] == UInt8(ascii: "e") || input[i] == UInt8(ascii: "E") { return false }
        emit(from: start, to: i)
        return true
    }

    @inline(__always)
    private func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }
}
