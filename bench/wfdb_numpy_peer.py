"""Peer for bench/wfdb-read.ts: decode every mitdb format-212 record with vectorized numpy (the approach
wfdb-python takes), reading the .dat bytes from disk each time. Prints one JSON line: median ms per record."""
import json, os, statistics, sys, time
import numpy as np

def read212(path, nsig):
    b = np.fromfile(path, dtype=np.uint8).astype(np.int32)
    n = (len(b) // 3) * 2
    s = np.empty(n, dtype=np.int32)
    s[0::2] = b[0::3] | ((b[1::3] & 0x0F) << 8)
    s[1::2] = b[2::3] | ((b[1::3] & 0xF0) << 4)
    s[s > 2047] -= 4096
    return s[: (n // nsig) * nsig].reshape(-1, nsig)

mitdb, rounds = sys.argv[1], int(sys.argv[2])
records = open(os.path.join(mitdb, "RECORDS")).read().split()
times = []
for _ in range(rounds):
    t0 = time.perf_counter()
    for r in records:
        read212(os.path.join(mitdb, r + ".dat"), 2)
    times.append((time.perf_counter() - t0) * 1000 / len(records))
print(json.dumps({"msPerRecord": statistics.median(times), "numpy": np.__version__}))
