import AmberCore
import AmberDocuments

/// The body of a document-column leaf (`docs/manifest-format.md` §N.9, node version 3): the JSON
/// documents of a packed leaf split into *templates* (a document's text with each scalar value
/// replaced by the byte 0x01; object keys stay) and *columns* (the scalar values of one template
/// slot, over every document with that template). Documents of one collection mostly share a
/// handful of templates, so zstd sees each field's values side by side; at a fast level it then
/// stores less than the documents one after another at a slow one.
///
/// The split is lexical and exactly reversible for any bytes it accepts: a string token is `"` to
/// the next unescaped `"`, kept in the template when a `:` follows (a key), else a value; a run
/// of `-+.0-9A-Za-z` is a value; every other byte is template. It accepts a leaf whose values are
/// all inline and start with `{`, where no template holds 0x01 and no value holds 0x0A (canonical
/// JSON has neither: it escapes every control character).
enum DocumentColumns {
    static let slot: UInt8 = 0x01
    static let separator: UInt8 = 0x0A

    /// The body of a version 3 leaf of `entries`, or `nil` when they do not fit the form.
    static func encode(_ entries: [ManifestEntry]) -> [UInt8]? {
        var templates = [[UInt8]]()
        var templateIndex = [Template: Int]()
        var kinds = [Int]()  // per entry: 0 tombstone, t + 1 template t
        var members = [[Int]]()  // per template: its entries, in order
        var flat = [UInt8]()  // every value, entry after entry
        var values = [Range<Int>]()  // where each value is in `flat`
        var firstValue = [Int]()  // per entry: where its values start in `values`
        kinds.reserveCapacity(entries.count)
        firstValue.reserveCapacity(entries.count)
        flat.reserveCapacity(entries.reduce(0) { if case .inline(let bytes) = $1.value { $0 + bytes.count } else { $0 } })
        var template = [UInt8]()
        for (e, entry) in entries.enumerated() {
            firstValue.append(values.count)
            switch entry.value {
            case .tombstone:
                kinds.append(0)
            case .chunked:
                return nil
            case .inline(let bytes):
                guard bytes.first == UInt8(ascii: "{"), split(bytes, template: &template, flat: &flat, values: &values) else { return nil }
                let key = Template(bytes: template)
                let t: Int
                if let known = templateIndex[key] {
                    t = known
                } else {
                    t = templates.count
                    templateIndex[key] = t
                    templates.append(template)
                    members.append([])
                }
                members[t].append(e)
                kinds.append(t + 1)
            }
        }
        var head = [UInt8]()
        Varint.append(UInt64(templates.count), to: &head)
        for template in templates {
            Varint.append(UInt64(template.count), to: &head)
            head.append(contentsOf: template)
        }
        var previous: [UInt8]? = nil
        for (entry, kind) in zip(entries, kinds) {
            ManifestNode.encodeKey(entry.key, previous: previous, into: &head)
            Varint.append(UInt64(kind), to: &head)
            previous = entry.key
        }
        // The columns: every value once, each followed by its separator.
        let total = head.count + flat.count + values.count
        return [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
            var n = head.count
            head.withUnsafeBufferPointer { (out.baseAddress!).update(from: $0.baseAddress!, count: $0.count) }
            flat.withUnsafeBufferPointer { flat in
                for (t, entriesOfTemplate) in members.enumerated() {
                    let slots = templates[t].reduce(0) { $0 + ($1 == slot ? 1 : 0) }
                    for s in 0..<slots {
                        for e in entriesOfTemplate {
                            let range = values[firstValue[e] + s]
                            (out.baseAddress! + n).update(from: flat.baseAddress! + range.lowerBound, count: range.count)
                            n += range.count
                            out[n] = separator
                            n += 1
                        }
                    }
                }
            }
            initialized = n
        }
    }

    /// A template as a dictionary key, hashed in one pass over its bytes (an array of bytes
    /// would be hashed a byte at a time).
    private struct Template: Hashable {
        let bytes: [UInt8]

        func hash(into hasher: inout Hasher) {
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        }

        static func == (a: Template, b: Template) -> Bool { a.bytes.hasSameBytes(as: b.bytes) }
    }

    /// What a byte is to ``split(_:template:flat:values:)``: inside a string, 1 ends it or
    /// escapes (`"` `\\`) and 2 is refused (0x01, 0x0A); outside, 3 starts a value token.
    private static let classes: [UInt8] = (0...255).map { b -> UInt8 in
        switch UInt8(b) {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): 1
        case slot, separator: 2
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."): 3
        default: 0
        }
    }

    /// Splits a value into its template (into `template`) and its scalar values (appended to
    /// `flat`, their ranges there to `values`); `false` if it does not fit the form.
    private static func split(_ bytes: [UInt8], template: inout [UInt8], flat: inout [UInt8], values: inout [Range<Int>]) -> Bool {
        template.removeAll(keepingCapacity: true)
        return bytes.withUnsafeBufferPointer { v in
            classes.withUnsafeBufferPointer { classes in
                var i = 0
                var run = 0  // start of the template bytes not yet copied
                func value(_ start: Int, _ end: Int) {
                    template.append(contentsOf: UnsafeBufferPointer(rebasing: v[run..<start]))
                    template.append(slot)
                    let at = flat.count
                    flat.append(contentsOf: UnsafeBufferPointer(rebasing: v[start..<end]))
                    values.append(at..<flat.count)
                    run = end
                }
                while i < v.count {
                    let b = v[i]
                    if b == UInt8(ascii: "\"") {
                        var j = i + 1
                        while true {
                            while j < v.count, classes[Int(v[j])] != 1 {
                                if classes[Int(v[j])] == 2 { return false }
                                j += 1
                            }
                            guard j < v.count else { return false }
                            if v[j] == UInt8(ascii: "\"") { break }
                            j += 1  // a backslash: the next byte is escaped
                            guard j < v.count, classes[Int(v[j])] != 2 else { return false }
                            j += 1
                        }
                        let end = j + 1
                        if end >= v.count || v[end] != UInt8(ascii: ":") { value(i, end) }
                        i = end
                    } else if classes[Int(b)] == 3 {
                        var j = i + 1
                        while j < v.count, classes[Int(v[j])] == 3 { j += 1 }
                        value(i, j)
                        i = j
                    } else {
                        guard b != slot else { return false }
                        i += 1
                    }
                }
                template.append(contentsOf: UnsafeBufferPointer(rebasing: v[run...]))
                return true
            }
        }
    }
}

extension DocumentColumns {
    /// Reads `count` entries of a version 3 leaf body, within `budget` bytes of keys and values
    /// built. Checks keys as a version 1 leaf's are (by `decodeKey`), template numbers, that every
    /// column holds exactly its values, and values at most ``ManifestFormat/inlineLimit`` bytes.
    static func decode(_ count: Int, from r: inout ByteReader, budget: inout ExpansionBudget,
                       decodeKey: (inout ByteReader, [UInt8]?) throws(FormatError) -> [UInt8]) throws(FormatError) -> [ManifestEntry] {
        let templateCount = try r.length(limit: r.remaining, what: "template count")
        var templates = [[UInt8]]()
        templates.reserveCapacity(templateCount)
        for _ in 0..<templateCount {
            let template = try r.raw(try r.length(limit: r.remaining, what: "template length"))
            try budget.spend(64 + template.count * 16, r)  // the template and its literals' ranges
            templates.append(template)
        }
        var keys = [[UInt8]](), kinds = [Int]()
        keys.reserveCapacity(count)
        kinds.reserveCapacity(count)
        var uses = [Int](repeating: 0, count: templateCount)
        var ordinal = [Int]()  // per entry: its position among the entries of its template
        ordinal.reserveCapacity(count)
        for _ in 0..<count {
            let key = try decodeKey(&r, keys.last)
            try budget.spend(key.count + 64, r)
            let kind = try r.length(limit: templateCount, what: "template number")
            keys.append(key)
            kinds.append(kind)
            if kind > 0 {
                ordinal.append(uses[kind - 1])
                uses[kind - 1] += 1
            } else {
                ordinal.append(0)
            }
        }
        guard !uses.contains(0) else { throw FormatError(context: r.context, reason: "a template no document uses") }
        // The value ranges of every column, template by template, slot by slot.
        let literals = templates.map(Self.literals)  // per template: the bytes between its slots
        var columnStart = [Int](repeating: 0, count: templateCount)  // index of its first column in `ranges`
        var ranges = [Range<Int>]()
        let bytes = r.bytes
        var offset = r.offset
        for t in 0..<templateCount {
            columnStart[t] = ranges.count
            let values = (literals[t].count - 1) * uses[t]
            try budget.spend(values * 16 + templates[t].count * uses[t], r)
            ranges.reserveCapacity(ranges.count + values)
            for _ in 0..<values {
                guard let end = bytes[offset...].firstIndex(of: separator) else {
                    throw FormatError(context: r.context, reason: "a document column ends early")
                }
                ranges.append(offset..<end)
                offset = end + 1
            }
        }
        _ = try r.slice(offset - r.offset)
        var entries = [ManifestEntry]()
        entries.reserveCapacity(count)
        try bytes.withUnsafeBufferPointer { (buffer: UnsafeBufferPointer<UInt8>) throws(FormatError) in
            for e in 0..<count {
                let kind = kinds[e]
                guard kind > 0 else {
                    entries.append(ManifestEntry(key: keys[e], value: .tombstone))
                    continue
                }
                let t = kind - 1, slots = literals[t].count - 1
                let first = columnStart[t] + ordinal[e]
                var length = templates[t].count - slots
                for s in 0..<slots { length += ranges[first + s * uses[t]].count }
                guard length <= ManifestFormat.inlineLimit else {
                    throw FormatError(context: r.context, reason: "a document of \(length) bytes exceeds the inline limit")
                }
                let value = [UInt8](unsafeUninitializedCapacity: length) { out, initialized in
                    var n = 0
                    func copy(_ source: UnsafeBufferPointer<UInt8>) {
                        (out.baseAddress! + n).update(from: source.baseAddress!, count: source.count)
                        n += source.count
                    }
                    templates[t].withUnsafeBufferPointer { template in
                        for (s, literal) in literals[t].enumerated() {
                            if !literal.isEmpty { copy(UnsafeBufferPointer(rebasing: template[literal])) }
                            if s < slots {
                                let range = ranges[first + s * uses[t]]
                                if !range.isEmpty { copy(UnsafeBufferPointer(rebasing: buffer[range])) }
                            }
                        }
                    }
                    initialized = n
                }
                entries.append(ManifestEntry(key: keys[e], value: .inline(value)))
            }
        }
        return entries
    }

    /// The ranges of a template's bytes before, between and after its slots (one more than slots).
    private static func literals(_ template: [UInt8]) -> [Range<Int>] {
        var ranges = [Range<Int>](), start = 0
        for (i, b) in template.enumerated() where b == slot {
            ranges.append(start..<i)
            start = i + 1
        }
        ranges.append(start..<template.count)
        return ranges
    }
}
