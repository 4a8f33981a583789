import Yams

/// One node of a profile file with where it stands (file and line), so that every complaint
/// about it names the place: the reading layer over Yams' composed nodes.
struct YAMLValue {
    let node: Node
    let file: String

    /// The node's line, counting from 1.
    var line: Int { node.mark?.line ?? 0 }

    /// An error at this node: `FILE:LINE: text`.
    func error(_ text: String) -> ProfileError { ProfileError("\(file):\(line): \(text)") }

    /// Parses `text` (the contents of `file`); a syntax error names its line and column.
    static func parse(_ text: String, file: String) throws(ProfileError) -> YAMLValue? {
        do {
            return try Yams.compose(yaml: text).map { YAMLValue(node: $0, file: file) }
        } catch let error as YamlError {
            throw ProfileError(Self.describe(error, file: file))
        } catch {
            throw ProfileError("\(file): \(error)")
        }
    }

    private static func describe(_ error: YamlError, file: String) -> String {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return "\(file):\(mark.line):\(mark.column): \(problem)"
        case let .duplicatedKeysInMapping(duplicates, context):
            return "\(file):\(context.mark.line): a key is given twice in one mapping: \(duplicates.joined(separator: ", "))"
        default:
            return "\(file): \(error)"
        }
    }

    /// A scalar as text (`what` names it in the error otherwise); a null (`~`, `null`, nothing)
    /// or, unless `allowsEmpty`, an empty string is refused.
    func string(_ what: String, allowsEmpty: Bool = false) throws(ProfileError) -> String {
        guard case let .scalar(scalar) = node else { throw error("\(what) must be a single value") }
        if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) { throw error("\(what) has no value") }
        if scalar.string.isEmpty, !allowsEmpty { throw error("\(what) is empty") }
        return scalar.string
    }

    /// A scalar as a boolean: true/false, yes/no, on/off.
    func bool(_ what: String) throws(ProfileError) -> Bool {
        switch try string(what).lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("\(what) must be true or false")
        }
    }

    /// A list of scalars; a single scalar is a list of one.
    func strings(_ what: String) throws(ProfileError) -> [String] {
        if case .scalar = node { return [try string(what)] }
        var values: [String] = []
        for item in try items(what) { values.append(try item.string("each entry of \(what)")) }
        return values
    }

    /// The entries of a sequence; a single value is a sequence of one.
    func items(_ what: String) throws(ProfileError) -> [YAMLValue] {
        switch node {
        case let .sequence(sequence): return sequence.map { YAMLValue(node: $0, file: file) }
        case .scalar, .mapping: return [self]
        case .alias: throw error("\(what): aliases are not supported")
        }
    }

    /// The entries of a mapping in file order, keys as text; a key outside `allowed` (when
    /// given) is an error that lists the allowed ones. YAML merge keys (`<<: *defaults`, or a
    /// list of aliases) add the merged mappings' entries the mapping does not set itself.
    func entries(_ what: String, allowed: [String]? = nil) throws(ProfileError) -> [(key: String, value: YAMLValue)] {
        try keyedEntries(what, allowed: allowed).map { ($0.key, $0.value) }
    }

    /// ``entries(_:allowed:)`` with each key's node too (for errors at the key's line).
    func keyedEntries(_ what: String, allowed: [String]? = nil) throws(ProfileError) -> [(key: String, keyNode: YAMLValue, value: YAMLValue)] {
        guard case let .mapping(mapping) = node else { throw error("\(what) must be a mapping of names to values") }
        var result: [(key: String, keyNode: YAMLValue, value: YAMLValue)] = []
        var merged: [(key: String, keyNode: YAMLValue, value: YAMLValue)] = []
        for (key, value) in mapping {
            let keyValue = YAMLValue(node: key, file: file)
            let name = try keyValue.string("a key of \(what)")
            let entry = YAMLValue(node: value, file: file)
            if name == "<<" {
                for source in try entry.items("a merge key") { merged += try source.keyedEntries(what, allowed: allowed) }
                continue
            }
            if let allowed, !allowed.contains(name) {
                throw keyValue.error("unknown key \"\(name)\" in \(what) (known: \(allowed.joined(separator: ", ")))")
            }
            result.append((name, keyValue, entry))
        }
        for entry in merged where !result.contains(where: { $0.key == entry.key }) { result.append(entry) }
        return result
    }

    /// A mapping from names to scalars.
    func stringMap(_ what: String) throws(ProfileError) -> [String: String] {
        var map: [String: String] = [:]
        for (key, value) in try entries(what) { map[key] = try value.string("\(what).\(key)") }
        return map
    }
}
