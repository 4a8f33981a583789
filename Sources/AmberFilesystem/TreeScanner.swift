#if canImport(Glibc)
import Glibc
#endif

/// Counts what a backup will read, for the progress display's ETA. Runs beside the backup, with
/// the same exclusions.
public enum TreeScanner {
    public static func count(_ sources: [String], excludes: ExcludeRules = ExcludeRules()) -> (items: UInt64, bytes: UInt64) {
        var items: UInt64 = 0, bytes: UInt64 = 0
        func visit(_ path: PathBytes, _ st: FileStatus, components: [String], device: UInt64) {
            items += 1
            switch st.kind {
            case .file: bytes += st.size
            case .directory:
                guard !excludes.oneFileSystem || st.device == device,
                      let names = excludes.tagsHeld(in: path) ?? directoryNames(path) else { return }
                for name in names {
                    let child = path.appending(name)
                    guard case .success(let status) = FileStatus.lstat(child) else { continue }
                    let inner = components + [String(decoding: name, as: UTF8.self)]
                    if !excludes.isEmpty, excludes.excludes(child, components: inner, status: status) { continue }
                    visit(child, status, components: inner, device: device)
                }
            default: break
            }
        }
        for source in sources {
            let path = PathBytes(source)
            guard case .success(let st) = FileStatus.lstat(path) else { continue }
            visit(path, st, components: path.absoluteComponents, device: st.device)
        }
        return (items, bytes)
    }
}
