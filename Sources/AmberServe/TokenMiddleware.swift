import HTTPTypes
import Hummingbird

/// Refuses every request that does not carry the ``AccessToken`` (401) or that names another host
/// than the server's (403: a page of another site that made its name resolve to 127.0.0.1 —
/// DNS rebinding — still sends its own name), and gives every response the headers that keep
/// data out of caches, frames and other origins.
///
/// Opening `/?token=…` sets the token as a cookie and redirects to `/`, so the token leaves the
/// address bar and the history.
struct TokenMiddleware<Context: RequestContext>: RouterMiddleware {
    static var cookieName: String { "amber_token" }

    let token: AccessToken
    /// The host names a request may give in `Host` (without the port); nil: any (a server
    /// listening on every address cannot know the names it is reached by).
    let hostNames: Set<String>?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let hostNames, !hostNames.contains(Self.hostName(request.head.authority ?? "")) {
            return Self.secured(APIError.response(.forbidden, "this server answers to \(hostNames.sorted().joined(separator: ", ")) only"))
        }
        let isRead = request.method == .get || request.method == .head
        let header = request.headers[HTTPField.Name("X-Amber-Token")!]
        let query = isRead ? request.uri.queryParameters["token"].map(String.init) : nil
        let cookie = isRead ? request.cookies[Self.cookieName]?.value : nil
        guard let candidate = header ?? query ?? cookie, token.matches(candidate) else {
            let reason = isRead ? "a valid access token is required (open the URL amber serve printed)"
                : "a change needs the X-Amber-Token header"
            return Self.secured(APIError.response(.unauthorized, reason))
        }
        if header == nil, query != nil, request.uri.path == "/" {
            var response = Response(status: .seeOther, headers: [.location: "/"])
            response.headers[values: .setCookie].append("\(Self.cookieName)=\(token.value); Path=/; HttpOnly; SameSite=Strict")
            return Self.secured(response)
        }
        return Self.secured(try await next(request, context))
    }

    /// `host` without its port (`[::1]:8080` → `[::1]`).
    static func hostName(_ host: String) -> String {
        if host.hasPrefix("["), let end = host.firstIndex(of: "]") { return String(host[...end]) }
        return String(host.split(separator: ":", maxSplits: 1).first ?? "")
    }

    /// `response` with no caching, no sniffing, no framing, no referrer, and (unless the route
    /// chose its own policy) scripts, styles and requests from this origin only.
    static func secured(_ response: Response) -> Response {
        var response = response
        response.headers[.cacheControl] = "no-store"
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        // A route that set its own policy keeps it (the stats page: inline styles, nothing else).
        let policy = HTTPField.Name("Content-Security-Policy")!
        if response.headers[policy] == nil {
            response.headers[policy] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
                + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
        }
        return response
    }
}
