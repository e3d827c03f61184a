#!/usr/bin/env python3
"""Writes bench10 NDJSON rows (schemas/bench10.schema.json) of about SIZE_MB megabytes.

The rows have the shape of benches/support/rows.rs `bench10` in canonical form: the same
columns, value forms and ranges (TIMESTAMP as RFC 3339 text with microseconds and `Z`,
DATE as `YYYY-MM-DD`, NUMERIC as a decimal string, BYTES as base64 of 16 bytes, the JSON
column as a JSON string). Values come from Python's seeded `random`, so they are
deterministic but not byte-identical to the Rust generator's.

    python3 scripts/gen_rows.py SIZE_MB OUT.ndjson     # prints the row count
"""

import base64
import datetime
import random
import sys

WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]
EPOCH = datetime.datetime(1970, 1, 1)
EPOCH_DATE = datetime.date(1970, 1, 1)


def rows(rng):
    i = 0
    while True:
        us = rng.randrange(2_000_000_000_000_000)
        days = rng.randrange(30_000)
        ts = (EPOCH + datetime.timedelta(microseconds=us)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        day = (EPOCH_DATE + datetime.timedelta(days=days)).isoformat()
        name = "user_%d_%s" % (i, WORDS[rng.randrange(10)])
        amount = "%d.%02d" % (rng.randrange(10_000_000), rng.randrange(100))
        price = repr(rng.randrange(1_000_000) / 1000.0)
        active = "true" if rng.randrange(2) == 0 else "false"
        tags = ", ".join('"%s"' % WORDS[rng.randrange(10)] for _ in range(rng.randrange(4)))
        payload = base64.b64encode(rng.randbytes(16)).decode()
        meta = '{\\"k\\": %d, \\"v\\": \\"%s\\"}' % (rng.randrange(100), WORDS[rng.randrange(10)])
        yield (
            '{"id": %d, "name": "%s", "amount": "%s", "price": %s, "active": %s, '
            '"created": "%s", "day": "%s", "tags": [%s], "payload": "%s", "meta": "%s"}\n'
            % (i, name, amount, price, active, ts, day, tags, payload, meta)
        )
        i += 1


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen_rows.py SIZE_MB OUT.ndjson")
    target = int(sys.argv[1]) << 20
    rng = random.Random(42)
    written = 0
    n = 0
    block = []
    block_len = 0
    with open(sys.argv[2], "w", encoding="ascii", newline="\n") as out:
        for row in rows(rng):
            if written + block_len + len(row) > target:
                break
            block.append(row)
            block_len += len(row)
            n += 1
            if block_len >= 1 << 20:
                out.write("".join(block))
                written += block_len
                block, block_len = [], 0
        out.write("".join(block))
    print(n)


if __name__ == "__main__":
    main()
