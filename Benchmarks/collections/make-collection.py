#!/usr/bin/env python3
"""Generate, or mutate, a deterministic NDJSON collection for the collections benchmark.

Generate N documents (default 1,000,000) of about 500 bytes each, one JSON object a line:

    make-collection.py OUT.ndjson [--count N] [--seed S]

Each document has an `_id` ("d0000001", ... in file order, which is id order: zero-padded
to the width of N, at least 7 digits), nested objects, an array of
objects, strings drawn from word lists (so they compress like real text, about 2-3x with
zstd), integers, floats, booleans and null. The same N and seed always give the same bytes.

Mutate: change a fraction of the documents in place and write a new file:

    make-collection.py --mutate IN.ndjson OUT.ndjson [--fraction 0.001] [--seed S]
                       [--changed-ids IDS.txt]

round(lines * fraction) documents (at least 1), at positions drawn uniformly at random, get
exactly one leaf field changed to a different value (a number, a string or a boolean, in a
nested object or at the top); ids, key order and all other lines are kept byte for byte, so
each change is local. --changed-ids writes the changed ids, sorted, one a line. The same
input and seed always give the same output.

A summary goes to standard error.
"""
import argparse
import json
import random
import sys

WORDS = (
    "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november "
    "oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu amber river "
    "stone cloud forest harbor meadow canyon glacier island valley summit prairie desert "
    "orchard lantern compass anchor beacon bridge castle garden market temple tower village "
    "backup restore snapshot archive ledger invoice order account customer product shipment "
    "warehouse supplier payment refund discount catalog inventory report session device"
).split()
FIRST = ("Ada Alan Barbara Claude Donald Edsger Frances Grace Hedy Ivan John Katherine Leslie "
         "Margaret Niklaus Ole Peter Radia Shafi Tim Ursula Vint Whitfield Xavier Yukihiro Zoe").split()
LAST = ("Lovelace Turing Liskov Shannon Knuth Dijkstra Allen Hopper Lamarr Sutherland Backus "
        "Johnson Lamport Hamilton Wirth Dahl Naur Perlman Goldwasser Berners-Lee Franklin Cerf "
        "Diffie Leroy Matsumoto Ritchie").split()
CITIES = ("Lisbon Oslo Kyoto Quito Nairobi Perth Tromso Zurich Austin Bergen Cork Dakar Essen "
          "Fukuoka Ghent Hanoi Izmir Jaipur Krakow Leeds Malmo Nantes Oaxaca Porto Recife Seville").split()
COUNTRIES = "PT NO JP EC KE AU CH US IE SN DE BE VN TR IN PL GB SE FR MX BR ES".split()
STATUS = "active pending suspended closed trial".split()
PLANS = "free basic pro team enterprise".split()
EVENTS = "login logout purchase refund upgrade downgrade export import share comment".split()


def sentence(rng, lo, hi):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi)))


def make_document(rng, i, width=7):
    first, last = rng.choice(FIRST), rng.choice(LAST)
    created = 1_500_000_000 + rng.randrange(250_000_000)
    return {
        "_id": f"d{i:0{width}d}",
        "name": f"{first} {last}",
        "email": f"{first.lower()}.{last.lower()}{rng.randrange(1000)}@example.{rng.choice(['com', 'org', 'net'])}",
        "status": rng.choice(STATUS),
        "age": rng.randint(18, 90),
        "score": round(rng.uniform(0, 1000), 3),
        "verified": rng.random() < 0.7,
        "referrer": None if rng.random() < 0.5 else f"d{rng.randrange(1, 10_000_000):07d}",
        "created": created,
        "address": {
            "street": f"{rng.randint(1, 999)} {rng.choice(WORDS).title()} {rng.choice(['Street', 'Road', 'Lane', 'Avenue'])}",
            "city": rng.choice(CITIES),
            "zip": f"{rng.randrange(100000):05d}",
            "country": rng.choice(COUNTRIES),
            "geo": {"lat": round(rng.uniform(-90, 90), 5), "lon": round(rng.uniform(-180, 180), 5)},
        },
        "account": {
            "plan": rng.choice(PLANS),
            "balance": round(rng.uniform(-500, 20000), 2),
            "limits": {"daily": rng.choice([100, 500, 1000, 5000]), "monthly": rng.choice([1000, 10000, 50000])},
        },
        "tags": [rng.choice(WORDS) for _ in range(rng.randint(1, 3))],
        "events": [
            {"type": rng.choice(EVENTS), "at": created + rng.randrange(50_000_000), "n": rng.randint(1, 50)}
            for _ in range(rng.randint(1, 2))
        ],
        "bio": sentence(rng, 3, 9),
    }


def dumps(doc):
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


# Leaf fields a mutation may change: (path, kind).
MUTABLE = [
    (("score",), "float"), (("age",), "int"), (("verified",), "bool"), (("status",), "choice:status"),
    (("address", "city"), "choice:city"), (("address", "zip"), "zip"), (("address", "geo", "lat"), "lat"),
    (("account", "balance"), "money"), (("account", "plan"), "choice:plan"),
    (("account", "limits", "daily"), "int"), (("bio",), "text"), (("email",), "email"),
]


def new_value(rng, kind, old):
    for _ in range(100):
        if kind == "float":
            v = round(rng.uniform(0, 1000), 3)
        elif kind == "int":
            v = old + rng.choice([-3, -2, -1, 1, 2, 3]) * (1 if abs(old) < 1000 else 100)
        elif kind == "bool":
            v = not old
        elif kind == "choice:status":
            v = rng.choice(STATUS)
        elif kind == "choice:city":
            v = rng.choice(CITIES)
        elif kind == "choice:plan":
            v = rng.choice(PLANS)
        elif kind == "zip":
            v = f"{rng.randrange(100000):05d}"
        elif kind == "lat":
            v = round(rng.uniform(-90, 90), 5)
        elif kind == "money":
            v = round(rng.uniform(-500, 20000), 2)
        elif kind == "text":
            v = sentence(rng, 3, 9)
        elif kind == "email":
            v = "changed." + old
        else:
            raise AssertionError(kind)
        if v != old:
            return v
    raise AssertionError(f"no new value for {kind} {old!r}")


def mutate_document(rng, doc):
    path, kind = rng.choice(MUTABLE)
    parent = doc
    for k in path[:-1]:
        parent = parent[k]
    parent[path[-1]] = new_value(rng, kind, parent[path[-1]])
    return ".".join(path)


def generate(args):
    rng = random.Random(f"amber-collection:{args.seed}")
    total = 0
    with open(args.output, "w", encoding="utf-8", newline="\n") as out:
        buf = []
        # Ids as wide as the largest, so that file order is id order at any count
        # ("d10000000" after "d9999999" would not be; up to 9,999,999 documents: 7 digits, as before).
        width = max(7, len(str(args.count)))
        for i in range(1, args.count + 1):
            line = dumps(make_document(rng, i, width))
            total += len(line) + 1
            buf.append(line)
            if len(buf) == 10_000:
                out.write("\n".join(buf) + "\n")
                buf.clear()
        if buf:
            out.write("\n".join(buf) + "\n")
    print(f"make-collection: {args.count} documents, {total} bytes, {total / max(args.count, 1):.0f} B/doc avg, "
          f"seed {args.seed}", file=sys.stderr)


def mutate(args):
    with open(args.mutate, "rb") as f:
        lines = sum(1 for _ in f)
    k = max(1, round(lines * args.fraction))
    if k > lines:
        sys.exit(f"make-collection: --fraction {args.fraction} asks for {k} of {lines} documents")
    rng = random.Random(f"amber-mutate:{args.seed}:{args.fraction}")
    chosen = set(rng.sample(range(lines), k))
    changed, fields = [], {}
    with open(args.mutate, "r", encoding="utf-8") as src, \
            open(args.output, "w", encoding="utf-8", newline="\n") as out:
        for n, line in enumerate(src):
            if n in chosen:
                doc = json.loads(line)
                field = mutate_document(rng, doc)
                fields[field] = fields.get(field, 0) + 1
                changed.append(doc["_id"])
                line = dumps(doc) + "\n"
            out.write(line)
    changed.sort()
    if args.changed_ids:
        with open(args.changed_ids, "w") as f:
            f.write("".join(i + "\n" for i in changed))
    summary = ", ".join(f"{v} {k}" for k, v in sorted(fields.items()))
    print(f"make-collection: changed {k} of {lines} documents ({args.fraction:g}), one field each "
          f"({summary}), seed {args.seed}", file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="OUT.ndjson (generate) or, with --mutate, the output file")
    p.add_argument("--count", "-n", type=int, default=1_000_000, help="documents to generate (default 1000000)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--mutate", metavar="IN", help="mutate IN and write the result to PATH")
    p.add_argument("--fraction", type=float, default=0.001, help="fraction of documents to change (default 0.001)")
    p.add_argument("--changed-ids", metavar="FILE", help="with --mutate: write the changed ids here, sorted")
    args = p.parse_args()
    if len(args.paths) != 1:
        p.error("give exactly one output PATH")
    args.output = args.paths[0]
    if args.mutate:
        if args.mutate == args.output:
            p.error("--mutate writes a new file: IN and PATH must differ")
        mutate(args)
    else:
        if args.count < 1:
            p.error("--count must be at least 1")
        generate(args)


if __name__ == "__main__":
    main()
