internal import CCurl
internal import CLibPQ
internal import COpenSSL
internal import CSQLite
internal import CSodium
internal import CZstd

/// The versions of the C libraries Amber is linked with, as `amber version` prints them.
public enum LibraryVersions {
    public static var all: [(name: String, version: String)] {
        [
            ("zstd", String(cString: ZSTD_versionString())),
            ("OpenSSL", String(cString: OpenSSL_version(Int32(OPENSSL_VERSION)))),
            ("libsodium", String(cString: sodium_version_string())),
            ("libcurl", String(cString: curl_version())),
            ("SQLite", String(cString: sqlite3_libversion())),
            ("libpq", String(PQlibVersion())),
        ]
    }
}
