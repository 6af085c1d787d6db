#!/usr/bin/env python3
"""The asyncio peer of bench/Coop.Bench.Sync: the same workloads, one JSON line on stdout.

  lock   --handoffs N                                        two tasks hand an asyncio.Lock to each other
  queue  --producers P --consumers C --items N --capacity K  items through an asyncio.Queue
"""
import asyncio
import json
import sys
import time


def arg(name, default):
    if "--" + name in sys.argv:
        return int(sys.argv[sys.argv.index("--" + name) + 1])
    return default


async def lock_handoffs(handoffs):
    lk = asyncio.Lock()
    turns = []

    async def player(pid, rounds):
        for _ in range(rounds):
            async with lk:
                turns.append(pid)
                await asyncio.sleep(0)  # hold across a yield so the other waits

    t0 = time.perf_counter()
    await asyncio.gather(player(0, handoffs // 2), player(1, handoffs // 2))
    rate = handoffs / (time.perf_counter() - t0)
    ok = all(turns[i] != turns[i - 1] for i in range(1, len(turns)))
    return rate, ok


async def queue_run(producers, consumers, items, capacity):
    q = asyncio.Queue(capacity)
    total = 0

    async def produce(start):
        for i in range(start, items, producers):
            await q.put(i)

    async def consume(count):
        nonlocal total
        for _ in range(count):
            x = await q.get()  # not `total += await ...`: that reads total before the await
            total += x

    t0 = time.perf_counter()
    await asyncio.gather(*[produce(p) for p in range(producers)],
                         *[consume(items // consumers + (1 if c < items % consumers else 0)) for c in range(consumers)])
    return items / (time.perf_counter() - t0), total


def main():
    workload = sys.argv[1] if len(sys.argv) > 1 else "queue"
    repeats = arg("repeats", 3)
    if workload == "lock":
        handoffs = arg("handoffs", 200_000)
        best, check = 0.0, "ok"
        for _ in range(repeats):
            rate, ok = asyncio.run(lock_handoffs(handoffs))
            best = max(best, rate)
            check = check if ok else "lock order broken"
        out = {"workload": "lock", "impl": "python-asyncio", "params": {"handoffs": handoffs},
               "figures": {"handoffs_per_s": round(best, 1)}, "check": check}
    elif workload == "queue":
        p, c, items, cap = arg("producers", 1), arg("consumers", 1), arg("items", 200_000), arg("capacity", 100)
        best, check = 0.0, "ok"
        for _ in range(repeats):
            rate, total = asyncio.run(queue_run(p, c, items, cap))
            best = max(best, rate)
            expected = items * (items - 1) // 2
            check = check if total == expected else f"sum {total} != {expected}"
        out = {"workload": "queue", "impl": "python-asyncio",
               "params": {"producers": p, "consumers": c, "items": items, "capacity": cap},
               "figures": {"items_per_s": round(best, 1)}, "check": check}
    else:
        print(f"unknown workload {workload}: lock, queue", file=sys.stderr)
        return 2
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
