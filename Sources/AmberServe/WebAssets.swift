import Hummingbird

/// The page of the web UI, its script and its style, embedded in the binary (no CDN, nothing
/// fetched from elsewhere). The script builds every element with `textContent`, never HTML
/// from data, so a file name or document cannot inject markup.
enum WebAssets {
    static func response(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The page of a server whose token is `token` (the script sends it as `X-Amber-Token`; the
    /// page itself is served only to a request that carried it).
    static func page(token: AccessToken) -> String { page.replacingOccurrences(of: "{{amber-token}}", with: token.value) }

    private static let page = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="amber-token" content="{{amber-token}}">
        <title>Amber</title>
        <link rel="stylesheet" href="/app.css">
        <script src="/app.js" defer></script>
        </head>
        <body>
        <header>
          <h1>Amber</h1>
          <nav><a href="#/snapshots" id="nav-snapshots">Snapshots</a> <a href="#/diff" id="nav-diff">Compare</a> <a href="/stats" id="nav-stats">Statistics</a></nav>
        </header>
        <p id="status" role="status"></p>
        <main id="view"></main>
        </body>
        </html>
        """

    static let style = """
        body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2327; background: #fbfaf7; }
        header { display: flex; align-items: baseline; gap: 2em; padding: .6em 1.5em; background: #e8a33d; }
        header h1 { margin: 0; font-size: 1.3em; }
        nav a { margin-right: 1.2em; color: #1d2327; font-weight: 600; }
        main { padding: 1em 1.5em; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: .3em .6em; border-bottom: 1px solid #e4e0d8; vertical-align: top; }
        td.number { text-align: right; font-variant-numeric: tabular-nums; }
        tr:hover { background: #f3efe6; }
        code, pre { font-family: ui-monospace, monospace; }
        pre { background: #f1eee7; padding: .8em; overflow: auto; max-height: 30em; }
        #status { margin: .5em 1.5em; color: #a12622; min-height: 1.2em; }
        .crumbs a { margin-right: .3em; }
        .panel { margin-top: 1.2em; padding: .8em; border: 1px solid #e4e0d8; background: #fff; }
        input[type=text] { width: 24em; }
        ul.changes { font-family: ui-monospace, monospace; }
        .schema { font-family: ui-monospace, monospace; font-size: .9em; }
        .split { display: grid; grid-template-columns: minmax(12em, 20em) 1fr; gap: 1.5em; align-items: start; }
        .split .list { max-height: 32em; overflow: auto; border: 1px solid #e4e0d8; background: #fff; }
        .split pre { margin: 0; min-height: 4em; }
        """

    static let script = #"""
        "use strict";
        const token = document.querySelector('meta[name="amber-token"]')?.content ?? "";
        const view = document.getElementById("view");
        const status = document.getElementById("status");

        async function api(path, options = {}) {
          const response = await fetch(path, { ...options, headers: { ...(options.headers || {}), "X-Amber-Token": token } });
          const body = await response.json();
          if (!response.ok) throw new Error(body.error || response.statusText);
          return body;
        }

        function el(tag, attributes = {}, ...children) {
          const node = document.createElement(tag);
          for (const [name, value] of Object.entries(attributes)) {
            if (name === "onclick") node.addEventListener("click", value); else node.setAttribute(name, value);
          }
          for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
          return node;
        }

        function bytes(n) {
          const units = ["B", "KiB", "MiB", "GiB", "TiB"];
          let i = 0;
          while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
          return (i ? n.toFixed(1) : n) + " " + units[i];
        }

        function link(text, hash, className) { return el("a", { href: "#" + hash, class: className || "open" }, text); }
        const enc = encodeURIComponent;

        async function showSnapshots() {
          const snapshots = await api("/api/snapshots");
          const filter = el("input", { type: "text", id: "filter", placeholder: "filter by host, tag, source or time" });
          const body = el("tbody");
          const fill = () => {
            const needle = filter.value.toLowerCase();
            body.replaceChildren(...snapshots.slice().reverse().filter(s =>
              [s.host, s.time, s.short_id, ...s.tags, ...s.sources].join(" ").toLowerCase().includes(needle)).map(s =>
              el("tr", { "data-id": s.short_id },
                el("td", {}, link(s.short_id, "/snapshot/" + s.short_id + "/")),
                el("td", {}, s.time.replace("T", " ").slice(0, 19)),
                el("td", {}, s.host), el("td", {}, s.tags.join(", ")), el("td", {}, s.sources.join(" ")),
                el("td", { class: "number" }, s.stats.documents), el("td", { class: "number" }, bytes(s.stats.bytes)),
                el("td", { class: "number" }, bytes(s.stats.added_bytes)))));
          };
          filter.addEventListener("input", fill);
          fill();
          view.replaceChildren(el("h2", {}, "Snapshots (" + snapshots.length + ")"), filter,
            el("table", { id: "snapshots" }, el("thead", {}, el("tr", {}, ...["ID", "Time", "Host", "Tags", "Sources", "Files", "Size", "Added"].map(h => el("th", {}, h)))), body));
        }

        function crumbs(id, path) {
          const parts = path.split("/").filter(Boolean);
          const out = el("p", { class: "crumbs" }, link("snapshot " + id, "/snapshot/" + id + "/", "crumb"), " / ");
          parts.forEach((part, i) => out.append(link(part, "/snapshot/" + id + "/" + parts.slice(0, i + 1).map(enc).join("/"), "crumb"), " / "));
          return out;
        }

        function restorePanel(id, path, collections) {
          const target = el("input", { type: "text", id: "restore-target",
            placeholder: collections ? "ndjson:/directory, sqlite:/file.db or postgresql://user@host/db" : "/absolute/target/directory" });
          const chosen = el("input", { type: "text", id: "restore-path", value: path, readonly: "readonly" });
          const result = el("p", { id: "restore-result" });
          const go = el("button", { id: "restore-go", onclick: async () => {
            result.textContent = "restoring…";
            try {
              const done = await api("/api/restore", { method: "POST", headers: { "Content-Type": "application/json" },
                body: JSON.stringify({ snapshot: id, path: chosen.value, target: target.value }) });
              result.textContent = done.collections
                ? "restored " + done.documents + " documents of " + done.collections + " collections into " + done.target
                  + (done.mismatches.length ? "; differences: " + done.mismatches.join("; ") : "; checked: the target equals the snapshot")
                : "restored " + done.files + " files (" + bytes(done.bytes) + ") below " + done.target;
              if (done.warnings.length) result.textContent += " (warnings: " + done.warnings.join("; ") + ")";
            } catch (error) { result.textContent = "failed: " + error.message; }
          } }, "Restore");
          return collections
            ? el("div", { class: "panel", id: "restore" }, el("h3", {}, "Restore the snapshot's collections"), "into ", target, " ", go, result)
            : el("div", { class: "panel", id: "restore" }, el("h3", {}, "Restore"), chosen, " below ", target, " ", go, result);
        }

        async function showTree(id, path) {
          const listing = await api("/api/snapshots/" + enc(id) + "/tree?path=" + enc(path || "/"));
          const panel = restorePanel(id, listing.path, listing.collections.length > 0);
          const choose = p => () => { const chosen = document.getElementById("restore-path"); if (chosen) chosen.value = p; };
          const rows = listing.entries.map(e => el("tr", { "data-path": e.path, "data-type": e.type },
            el("td", {}, e.type === "dir" || e.type === "database" ? link(e.path.split("/").pop(), "/snapshot/" + id + e.path.split("/").map(enc).join("/")) : e.path.split("/").pop()),
            el("td", {}, e.type), el("td", { class: "number" }, e.type === "file" ? bytes(e.size) : ""), el("td", {}, e.mtime.replace("T", " ").slice(0, 19)),
            el("td", {}, e.type === "file" ? el("a", { class: "download", href: "/api/snapshots/" + enc(id) + "/file?path=" + enc(e.path) }, "download") : "",
              " ", e.type === "database" ? "" : el("button", { class: "restore", onclick: choose(e.path) }, "restore…"))));
          const collections = listing.collections.map(c => el("tr", { "data-path": c.path, "data-type": "collection" },
            el("td", {}, link(c.name, "/documents/" + id + c.path.split("/").map(enc).join("/"))),
            el("td", {}, c.columns.length ? el("span", { class: "schema" }, c.columns.join(", "),
              c.primary_key.length ? el("br") : "", c.primary_key.length ? "primary key (" + c.primary_key.join(", ") + ")" : "",
              ...c.indexes.flatMap(i => [el("br"), i])) : "collection"),
            el("td", { class: "number" }, c.documents + " documents, " + bytes(c.bytes)), el("td", {}),
            el("td", {}, el("a", { class: "download", href: "/api/snapshots/" + enc(id) + "/collection?collection=" + enc(c.path.slice(1)) }, "download NDJSON"))));
          const objects = listing.objects.length ? el("div", { class: "panel", id: "objects" }, el("h3", {}, "Other objects"),
            el("ul", {}, ...listing.objects.map(o => el("li", {}, o)))) : "";
          view.replaceChildren(crumbs(id, listing.path),
            el("table", { id: "entries" }, el("thead", {}, el("tr", {}, ...["Name", listing.collections.length ? "Columns, key, indexes" : "Type",
              "Size", listing.collections.length ? "" : "Modified", ""].map(h => el("th", {}, h)))), el("tbody", {}, ...rows, ...collections)),
            objects, panel);
        }

        async function showDocuments(id, collection) {
          const list = el("ul", { id: "documents" });
          const shown = el("pre", { id: "document" });
          const more = el("button", { id: "more" }, "more");
          const search = el("input", { type: "text", id: "key-search", placeholder: "document key" });
          const show = d => { shown.textContent = JSON.stringify(JSON.parse(d.json), null, 2); shown.setAttribute("data-key", d.key); };
          const add = page => {
            for (const d of page.documents) list.append(el("li", { "data-key": d.key }, el("a", { href: "javascript:void 0", class: "document", onclick: () => show(d) }, d.key)));
            more.hidden = !page.next;
            more.onclick = async () => add(await api(base + "&from=" + enc(page.next)));
          };
          const base = "/api/snapshots/" + enc(id) + "/documents?collection=" + enc(collection) + "&limit=50";
          const go = el("button", { id: "key-search-go", onclick: async () => {
            const page = await api(base + "&key=" + enc(search.value));
            if (page.documents.length) show(page.documents[0]); else { shown.textContent = "no document with key " + search.value; shown.removeAttribute("data-key"); }
          } }, "Find");
          view.replaceChildren(crumbs(id, collection), el("h2", {}, collection), el("p", {}, search, " ", go),
            el("div", { class: "split" }, el("div", { class: "list" }, list, more), shown));
          add(await api(base));
        }

        async function showDiff() {
          const snapshots = await api("/api/snapshots");
          const choose = (name, index) => {
            const select = el("select", { id: name }, ...snapshots.map(s => el("option", { value: s.short_id }, s.short_id + " " + s.time.slice(0, 19) + " " + s.sources.join(" "))));
            select.selectedIndex = Math.max(0, snapshots.length + index);
            return select;
          };
          const from = choose("diff-from", -2), to = choose("diff-to", -1);
          const out = el("div", { id: "diff-result" });
          const go = el("button", { id: "diff-go", onclick: async () => {
            const diff = await api("/api/diff?from=" + enc(from.value) + "&to=" + enc(to.value));
            out.replaceChildren(el("h3", {}, "Files (" + diff.files.length + ")"),
              el("ul", { id: "diff-files", class: "changes" }, ...diff.files.map(f => el("li", {}, f.modifier + "  " + f.path))),
              el("h3", {}, "Documents"),
              el("ul", { id: "diff-collections", class: "changes" }, ...diff.collections.flatMap(c => [
                ...c.added.map(k => el("li", {}, c.name + "  +  " + k)), ...c.changed.map(k => el("li", {}, c.name + "  M  " + k)),
                ...c.removed.map(k => el("li", {}, c.name + "  -  " + k))])));
          } }, "Compare");
          view.replaceChildren(el("h2", {}, "Compare two snapshots"), el("p", {}, from, " → ", to, " ", go), out);
        }

        async function route() {
          status.textContent = "";
          const hash = decodeURIComponent(location.hash.slice(1) || "/snapshots");
          try {
            let m;
            if ((m = hash.match(/^\/snapshot\/([^/]+)(\/.*)?$/))) await showTree(m[1], m[2] || "/");
            else if ((m = hash.match(/^\/documents\/([^/]+)(\/.*)$/))) await showDocuments(m[1], m[2].slice(1));
            else if (hash === "/diff") await showDiff();
            else await showSnapshots();
          } catch (error) { status.textContent = error.message; }
        }

        window.addEventListener("hashchange", route);
        route();
        """#
}
