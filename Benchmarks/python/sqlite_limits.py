"""The limits the core benchmark holds Leadlight against: the same work done straight through Python's sqlite3
on a database Leadlight made (same schema, same pragmas: WAL, synchronous=NORMAL), no HTTP, no JSON, no checks.

    python3 sqlite_limits.py list   DATABASE WORKSPACE_ID SECONDS   -> page of 50 and its total, per second
    python3 sqlite_limits.py board  DATABASE WORKSPACE_ID SECONDS   -> the pipeline board's cards and counts, per second
    python3 sqlite_limits.py create DATABASE WORKSPACE_ID SECONDS   -> a lead and its event row, per second
    python3 sqlite_limits.py bulk   DATABASE WORKSPACE_ID BATCHES   -> each 1,000-row upsert's seconds

Prints one JSON object on standard output.
"""
import itertools
import json
import sqlite3
import sys
import time

ROWS_PER_BATCH = 1000
CREATES_PER_TRANSACTION = 64


def connect(path):
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA busy_timeout = 10000")
    connection.execute("PRAGMA mmap_size = 268435456")
    return connection


def per_second(seconds, once):
    """Runs `once` (which says how many it did) again and again for `seconds`: how many a second."""
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        done += once()
    return {"perSecond": done / (time.perf_counter() - started)}


def list_pages(connection, workspace, seconds):
    """The API's first page and its total, as `GET /api/v1/leads?limit=50` reads them (the total from the
    counts `record_counts` keeps)."""
    page = (
        "SELECT * FROM leads WHERE workspace_id = ? AND archived_at IS NULL "
        "ORDER BY created_at DESC, id DESC LIMIT 50 OFFSET 0"
    )
    count = (
        "SELECT CAST(SUM(n) AS BIGINT) FROM record_counts WHERE workspace_id = ? AND record = 'leads' "
        "AND archived = 0"
    )

    def once():
        rows = connection.execute(page, (workspace,)).fetchall()
        total = connection.execute(count, (workspace,)).fetchone()[0]
        assert len(rows) == 50 and total >= 50
        return 1

    return per_second(seconds, once)


STAGES = ["New", "Searching", "Touring", "Offer", "Under Contract", "Closed", "Lost"]
CARDS_PER_STAGE = 30


def board_pages(connection, workspace, seconds):
    """The dashboard's pipeline board as it reads its clients: the count of each stage (from `record_counts`) and
    the 30 clients most recently moved into each, in one statement."""
    counts = (
        "SELECT state, CAST(SUM(n) AS BIGINT) FROM record_counts WHERE workspace_id = ? AND record = 'clients' "
        "AND archived = 0 GROUP BY state"
    )
    stage = (
        "SELECT * FROM (SELECT * FROM clients WHERE workspace_id = ? AND archived_at IS NULL AND buying_stage = ? "
        "ORDER BY stage_changed_at DESC, id DESC LIMIT ?)"
    )
    cards = " UNION ALL ".join([stage] * len(STAGES))
    binds = [value for name in STAGES for value in (workspace, name, CARDS_PER_STAGE)]

    def once():
        per_stage = dict(connection.execute(counts, (workspace,)).fetchall())
        rows = connection.execute(cards, binds).fetchall()
        assert sum(per_stage.values()) >= len(rows) > 0
        return 1

    return per_second(seconds, once)


def create_leads(connection, workspace, seconds):
    """A lead and its `lead.created` event per create, 64 creates a transaction (the server's group commit)."""
    lead = (
        "INSERT INTO leads (id, workspace_id, name, email, phone, phone_digits, source, property_address, notes, "
        "status, created_at, updated_at) VALUES (?, ?, 'Benchmark Lead', 'bench@example.com', '555-0100', "
        "'5550100', 'wrk', NULL, NULL, 'new', ?, ?)"
    )
    event = "INSERT INTO events (id, workspace_id, type, data, occurred_at) VALUES (?, ?, 'lead.created', ?, ?)"
    data = json.dumps({"object": {"name": "Benchmark Lead", "email": "bench@example.com", "status": "new"}})
    numbers = itertools.count()

    def once():
        connection.execute("BEGIN IMMEDIATE")
        for _ in range(CREATES_PER_TRANSACTION):
            number = next(numbers)
            now = int(time.time() * 1000)
            connection.execute(lead, (f"lead_limit{number}", workspace, now, now))
            connection.execute(event, (f"evt_limit{number}", workspace, data, now))
        connection.execute("COMMIT")
        return CREATES_PER_TRANSACTION

    return per_second(seconds, once)


def bulk_upserts(connection, workspace, batches):
    """The products benchmark's rows, 1,000 a transaction, with `executemany` and the upsert on (workspace, sku)."""
    upsert = (
        "INSERT INTO offerings (id, workspace_id, type, name, description, price_units, currency, active, sku, "
        "stock_qty, reorder_level, unit, billing_period, term_months, external_id, created_at, updated_at) "
        "VALUES (?, ?, 'PRODUCT', ?, ?, ?, 'USD', 1, ?, ?, NULL, 'piece', NULL, NULL, ?, ?, ?) "
        "ON CONFLICT (workspace_id, sku) DO UPDATE SET name = excluded.name, description = excluded.description, "
        "price_units = excluded.price_units, stock_qty = excluded.stock_qty, unit = excluded.unit, "
        "updated_at = excluded.updated_at"
    )
    description = "A benchmark product with a description of ordinary length."
    seconds = []
    for batch in range(batches):
        now = int(time.time() * 1000)
        rows = []
        for offset in range(ROWS_PER_BATCH):
            index = batch * ROWS_PER_BATCH + offset
            sku = f"LIMIT-{index}"
            rows.append(
                (f"off_{sku}", workspace, f"Product {index}", description, (index % 1000) * 10000 + 1000, sku,
                 index % 500, sku, now, now)
            )
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(upsert, rows)
        connection.execute("COMMIT")
        seconds.append(time.perf_counter() - started)
    return {"batchSeconds": seconds}


def main():
    mode, path, workspace, amount = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    connection = connect(path)
    if mode == "list":
        result = list_pages(connection, workspace, float(amount))
    elif mode == "board":
        result = board_pages(connection, workspace, float(amount))
    elif mode == "create":
        result = create_leads(connection, workspace, float(amount))
    elif mode == "bulk":
        result = bulk_upserts(connection, workspace, int(amount))
    else:
        sys.exit(f"unknown mode {mode}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
