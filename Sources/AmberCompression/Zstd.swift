internal import CZstd

/// Facts about the zstd library Amber is linked against.
public enum Zstd {
    /// The library version, such as "1.5.4". The corresponding C function is `ZSTD_versionString`.
    public static var versionString: String { String(cString: ZSTD_versionString()) }
}
