#if canImport(Glibc)
import Glibc
#endif
import AmberSnapshot
internal import CXattr

/// Reading and writing a path's extended attributes (`llistxattr`, `lgetxattr`, `lsetxattr`), and
/// with them POSIX ACLs (`system.posix_acl_access`, `system.posix_acl_default`).
enum ExtendedAttributes {
    /// The attributes of `path` (not following a final symlink), sorted by name; empty when it has
    /// none or the file system has none. Nil, with errno set, when they cannot be read.
    static func read(_ path: PathBytes) -> [Node.ExtendedAttribute]? {
        var size = path.withCString { llistxattr($0, nil, 0) }
        if size < 0 { return errno == ENOTSUP ? [] : nil }
        guard size > 0 else { return [] }
        var list = [CChar](repeating: 0, count: size)
        size = path.withCString { llistxattr($0, &list, list.count) }
        guard size >= 0 else { return nil }
        var attributes = [Node.ExtendedAttribute]()
        for rawName in list[0..<size].split(separator: 0) {
            let name = rawName.map { UInt8(bitPattern: $0) }
            let nameText = String(decoding: name, as: UTF8.self)
            let length = path.withCString { lgetxattr($0, nameText, nil, 0) }
            guard length >= 0 else { continue }  // removed meanwhile
            var value = [UInt8](repeating: 0, count: length)
            let read = path.withCString { p in value.withUnsafeMutableBytes { lgetxattr(p, nameText, $0.baseAddress, length) } }
            guard read >= 0 else { continue }
            attributes.append(Node.ExtendedAttribute(name: name, value: Array(value[0..<read])))
        }
        return attributes.sorted { $0.name.lexicographicallyPrecedes($1.name) }
    }

    /// Sets `attributes` on `path` (not following a final symlink); the names that could not be
    /// set, with why.
    static func write(_ attributes: [Node.ExtendedAttribute], to path: PathBytes) -> [String] {
        var failures = [String]()
        for attribute in attributes {
            let name = String(decoding: attribute.name, as: UTF8.self)
            let rc = path.withCString { p in attribute.value.withUnsafeBytes { lsetxattr(p, name, $0.baseAddress, attribute.value.count, 0) } }
            if rc != 0 { failures.append("cannot set attribute \(name): \(errnoText())") }
        }
        return failures
    }
}
