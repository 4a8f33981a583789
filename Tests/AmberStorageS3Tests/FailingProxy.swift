import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP proxy on 127.0.0.1 for fault injection: it answers the first requests with the
/// given error statuses (S3-style XML, `Connection: close`) and relays every later request to the
/// upstream server unchanged, one request per connection. The `Host` header passes through as the
/// client signed it, so SigV4 signatures stay valid.
final class FailingProxy: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let upstreamPort: Int
    private struct State {
        /// Statuses for the next requests, in order.
        var statuses: [Int]
        /// Statuses for requests by number (the first request is 1).
        var scheduled: [Int: Int] = [:]
        var failed = 0
        var relayed = 0
        var total: Int { failed + relayed }
    }
    private let state: Mutex<State>

    init(upstreamPort: Int, failing statuses: [Int]) throws {
        self.upstreamPort = upstreamPort
        state = Mutex(State(statuses: statuses))
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        listener = fd
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard fd >= 0, bound else { throw POSIXError(.EADDRNOTAVAIL) }
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    deinit { stop() }

    /// `http://127.0.0.1:PORT`.
    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Requests answered with an injected failure, and requests relayed.
    var counts: (failed: Int, relayed: Int, total: Int) { state.withLock { ($0.failed, $0.relayed, $0.total) } }

    /// Fails the next requests with `statuses`.
    func fail(_ statuses: [Int]) { state.withLock { $0.statuses = statuses } }

    /// Fails the `offset`-th request from now (1: the next one) with `status`.
    func fail(requestAfterNext offset: Int, with status: Int) {
        state.withLock { $0.scheduled[$0.total + offset] = status }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                close(listener)
                return
            }
            Thread.detachNewThread { [self] in handle(client) }
        }
    }

    private func handle(_ client: Int32) {
        defer { close(client) }
        guard let request = Self.readRequest(client) else { return }
        let status: Int? = state.withLock { state in
            let number = state.total + 1
            let status = state.scheduled.removeValue(forKey: number)
                ?? (state.statuses.isEmpty ? nil : state.statuses.removeFirst())
            if status == nil { state.relayed += 1 } else { state.failed += 1 }
            return status
        }
        if let status {
            let body = "<Error><Code>InternalError</Code><Message>injected \(status)</Message></Error>"
            Self.send(client, Array(("HTTP/1.1 \(status) Injected\r\nContent-Type: application/xml\r\n"
                + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body).utf8))
            return
        }
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(upstream) }
        var address = Self.loopback(port: upstreamPort)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { return }
        Self.send(upstream, request)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {  // moto closes the connection after each response
            let count = recv(upstream, &buffer, buffer.count, 0)
            if count <= 0 { break }
            Self.send(client, Array(buffer[..<count]))
        }
    }

    /// The request head and its `Content-Length` body.
    private static func readRequest(_ fd: Int32) -> [UInt8]? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var expected: Int?
        while expected.map({ data.count < $0 }) ?? true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { return nil }
            data += buffer[..<count]
            if expected == nil, let end = data.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: data[..<end.lowerBound], as: UTF8.self).lowercased()
                let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                expected = end.upperBound + length
            }
        }
        return data
    }

    private static func send(_ fd: Int32, _ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { return }
            sent += count
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
