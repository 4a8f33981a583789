#!/usr/bin/env python3
"""Deterministic JSON documents for the retention benchmark's table (run B, --json-table).

Create the table's rows, as CSV for `COPY documents (id, doc) FROM STDIN (FORMAT csv)`:

    make-documents.py rows [--count N] [--seed S]

N documents (default 60,000), ids 1..N, each an order-like JSON object of about 1 KB (600 B to
1.6 KB, as jsonb text): a customer with an address, 1 to 6 line items, payment and shipping
details, tags, a free-text note and an event history. Strings come from word and name lists (so
they compress like real text), with md5-derived references (payment authorisations, tracking
numbers) that do not. The same N and seed always give the same rows.

One day's changes, as one SQL UPDATE statement:

    make-documents.py update --day D [--count N] [--seed S] [--fraction 0.002]

round(N * fraction) documents (at least 1), ids drawn without replacement by a generator seeded
with (seed, day), get a new status, updated_at and version, and one event appended to their
`events` array (so a changed document grows by about 80 bytes). The same arguments always give
the same statement; it expects the table made by `rows` with the same N (and the updates of the
earlier days, although it does not depend on them).
"""
import argparse
import csv
import datetime
import hashlib
import json
import random
import sys

WORDS = (
    "please leave the parcel with the neighbour if nobody answers ring twice the side door is "
    "open on weekdays call before delivery fragile glass handle with care gift wrap requested "
    "no invoice in the box customer asked for an earlier slot address changed after order "
    "second floor behind the pharmacy back entrance near the loading dock office hours only "
    "keep cold on arrival replace damaged item previous order was late confirm by email"
).split()
FIRST = ("Anna Ben Clara David Emma Felix Greta Hugo Ida Jonas Katrin Lukas Mia Noah Olga Paul "
         "Rosa Samuel Tara Uwe Vera Walter Yara Zoe Maria Jan Lea Tom Sofia Max").split()
LAST = ("Keller Schmidt Novak Rossi Dubois Jensen Larsen Moreau Costa Silva Horvat Nagy Weber "
        "Fischer Meyer Wagner Becker Hoffmann Kovac Lindgren Berg Bauer Richter Wolf Krause").split()
STREETS = ("Lindenstrasse|Hauptstrasse|Bahnhofstrasse|Gartenweg|Rue de la Paix|Via Roma|Kings Road|"
           "Market Street|Church Lane|Mill Road|Station Road|Park Avenue|Harbour Street").split("|")
CITIES = [("Berlin", "DE", "10115"), ("Hamburg", "DE", "20095"), ("Munich", "DE", "80331"),
          ("Vienna", "AT", "1010"), ("Zurich", "CH", "8001"), ("Paris", "FR", "75001"),
          ("Lyon", "FR", "69001"), ("Milan", "IT", "20121"), ("Madrid", "ES", "28001"),
          ("Lisbon", "PT", "1100"), ("Amsterdam", "NL", "1012"), ("Copenhagen", "DK", "1050"),
          ("Stockholm", "SE", "111 20"), ("Prague", "CZ", "110 00"), ("Warsaw", "PL", "00-001")]
PRODUCTS = [("Steel water bottle 750 ml", 19.9), ("Merino wool socks, 3 pairs", 24.5),
            ("Ceramic pour-over coffee dripper", 32.0), ("Organic cotton T-shirt", 18.0),
            ("LED desk lamp with USB-C", 49.99), ("Notebook A5 dotted, 120 pages", 9.5),
            ("Noise-cancelling earbuds", 129.0), ("Cast iron skillet 28 cm", 44.9),
            ("Bamboo cutting board", 21.0), ("Running shoes, trail", 119.95),
            ("Rain jacket, packable", 89.0), ("Fountain pen, medium nib", 36.0),
            ("Wireless charger 15 W", 29.99), ("Yoga mat 6 mm", 34.5),
            ("French press 1 l", 27.9), ("Backpack 24 l, recycled", 74.0)]
TAGS = "gift priority repeat-customer b2b marketplace promo newsletter wholesale subscription".split()
STATUSES = ["pending", "paid", "packed", "shipped", "delivered", "returned", "refunded", "cancelled"]
EVENTS = ["status_change", "address_update", "note_added", "payment_captured", "carrier_scan", "customer_contact"]
CARRIERS = ["DHL", "DPD", "UPS", "GLS", "PostNL", "La Poste"]
BASE = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


def ts(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def md5(*parts):
    return hashlib.md5(":".join(map(str, parts)).encode()).hexdigest()


def document(i, seed):
    r = random.Random(f"{seed}:doc:{i}")
    first, last = r.choice(FIRST), r.choice(LAST)
    city, country, postcode = r.choice(CITIES)
    created = BASE + datetime.timedelta(seconds=r.randrange(0, 330 * 86400))
    items = []
    for n in range(r.randint(1, 6)):
        name, price = r.choice(PRODUCTS)
        items.append({"line": n + 1, "sku": f"SKU-{r.randrange(10000, 99999)}", "name": name,
                      "qty": r.choice([1, 1, 1, 2, 2, 3, 5]), "unit_price": price})
    total = round(sum(it["qty"] * it["unit_price"] for it in items), 2)
    status = r.choice(STATUSES[:5])
    note = " ".join(r.choice(WORDS) for _ in range(r.randint(0, 24)))
    return {
        "id": i,
        "number": f"ORD-2026-{i:07d}",
        "created_at": ts(created),
        "updated_at": ts(created),
        "version": 1,
        "status": status,
        "currency": "EUR" if country not in ("CH", "SE", "DK", "CZ", "PL") else {"CH": "CHF", "SE": "SEK", "DK": "DKK", "CZ": "CZK", "PL": "PLN"}[country],
        "customer": {
            "id": f"C{r.randrange(1, 40000):06d}",
            "name": f"{first} {last}",
            "email": f"{first.lower()}.{last.lower()}{r.randrange(1, 99)}@example.{country.lower()}",
            "phone": f"+{r.randrange(30, 49)} {r.randrange(100, 999)} {r.randrange(1000000, 9999999)}",
            "tier": r.choice(["standard", "standard", "standard", "silver", "gold"]),
            "address": {"street": f"{r.choice(STREETS)} {r.randrange(1, 180)}", "city": city,
                        "postcode": postcode, "country": country},
        },
        "items": items,
        "total": total,
        "payment": {"method": r.choice(["card", "card", "paypal", "invoice", "sepa"]),
                    "auth": md5(seed, "auth", i)[:20], "captured": status != "pending"},
        "shipping": {"carrier": r.choice(CARRIERS), "tracking": md5(seed, "track", i)[:14].upper(),
                     "eta": (created + datetime.timedelta(days=r.randint(2, 9))).strftime("%Y-%m-%d")},
        "tags": sorted(r.sample(TAGS, r.randint(0, 3))),
        "note": note,
        "events": [{"at": ts(created), "type": "created", "by": "web"}],
        "gift": r.random() < 0.1,
        "coupon": None if r.random() < 0.8 else f"SAVE{r.choice([5, 10, 15, 20])}",
    }


def rows(args):
    w = csv.writer(sys.stdout, lineterminator="\n")
    total = 0
    for i in range(1, args.count + 1):
        doc = json.dumps(document(i, args.seed), ensure_ascii=False)
        total += len(doc)
        w.writerow([i, doc])
    print(f"make-documents: {args.count} documents, seed {args.seed}, {total} bytes of JSON "
          f"(mean {total / max(args.count, 1):.0f} B)", file=sys.stderr)


def sql_text(s):
    return "'" + s.replace("'", "''") + "'"


def update(args):
    r = random.Random(f"{args.seed}:update:{args.day}")
    k = max(1, round(args.count * args.fraction))
    ids = sorted(r.sample(range(1, args.count + 1), k))
    at = BASE + datetime.timedelta(days=330 + args.day)
    values = []
    for i in ids:
        t = ts(at + datetime.timedelta(seconds=r.randrange(0, 86400)))
        values.append(f"({i}, {sql_text(r.choice(STATUSES))}, {sql_text(t)}, {sql_text(r.choice(EVENTS))}, "
                      f"{sql_text('ops-' + str(r.randrange(1, 12)))})")
    print("UPDATE documents AS d SET doc = d.doc || jsonb_build_object("
          "'status', u.status, 'updated_at', u.at, 'version', (d.doc->>'version')::int + 1, "
          "'events', (d.doc->'events') || jsonb_build_array(jsonb_build_object('at', u.at, 'type', u.event, 'by', u.by)))")
    print("FROM (VALUES")
    print(",\n".join(values))
    print(") AS u(id, status, at, event, by) WHERE d.id = u.id;")
    print(f"make-documents: day {args.day}: {k} of {args.count} documents updated (seed {args.seed})", file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["rows", "update"])
    p.add_argument("--count", type=int, default=60000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--day", type=int)
    p.add_argument("--fraction", type=float, default=0.002)
    args = p.parse_args()
    if args.mode == "rows":
        rows(args)
    else:
        if args.day is None:
            p.error("update needs --day")
        update(args)


if __name__ == "__main__":
    main()
