"""Gridlease seeded throughput check (protocol gridlease/throughput/v1), run on the leased machine.

The buyer's `gridlease lease verify --throughput` sends this program over SSH (`python3 - '<request JSON>'`);
the SDK's sdk/src/hardware/throughput.ts is the other half and the specification. For each GPU it builds two
n x n matrices with entries -1, 0 or 1 drawn from the buyer's seed, multiplies them `iterations` times, and
prints one JSON line: per GPU the seconds taken and the SHA-256 of every row of the product (int32, little
endian). Every partial sum is an integer far below 2048, so FP16 on a GPU and integers on a CPU give the same
exact product.

Implementations, best first: "torch-cuda" (PyTorch, FP16 on every visible CUDA GPU; UNTESTED until it has run
on a GPU machine), "numpy-cpu", "python-cpu" (pure Python, small n only). `"device": "cpu"` forces a CPU one.
"""
import hashlib
import json
import struct
import sys
import time

PROTOCOL = "gridlease/throughput/v1"
MASK = 0xFFFFFFFF


def seed_word(seed_hex, gpu):
    digest = hashlib.sha256(bytes.fromhex(seed_hex[2:]) + struct.pack(">I", gpu)).digest()
    return struct.unpack(">I", digest[:4])[0]


def lowbias32(x):
    x ^= x >> 16
    x = (x * 0x7FEB352D) & MASK
    x ^= x >> 15
    x = (x * 0x846CA68B) & MASK
    return x ^ (x >> 16)


def row_hashes(rows):
    return [hashlib.sha256(struct.pack("<%di" % len(r), *r)).hexdigest() for r in rows]


def run_python(word, n, iterations):
    a = [[lowbias32((i * n + j) ^ word) % 3 - 1 for j in range(n)] for i in range(n)]
    b = [[lowbias32((n * n + i * n + j) ^ word) % 3 - 1 for j in range(n)] for i in range(n)]
    bt = list(zip(*b))
    start = time.perf_counter()
    for _ in range(iterations):
        c = [[sum(x * y for x, y in zip(row, col)) for col in bt] for row in a]
    return time.perf_counter() - start, row_hashes(c)


def hashed_entries(xp, word, n, which, to_int):
    idx = xp.arange(n * n, dtype=to_int) + which * n * n
    x = idx ^ word
    x ^= x >> 16
    x = (x * 0x7FEB352D) & MASK
    x ^= x >> 15
    x = (x * 0x846CA68B) & MASK
    x ^= x >> 16
    return (x % 3 - 1).reshape(n, n)


def run_numpy(np, word, n, iterations):
    a = hashed_entries(np, word, n, 0, np.uint64).astype(np.int64)
    b = hashed_entries(np, word, n, 1, np.uint64).astype(np.int64)
    start = time.perf_counter()
    for _ in range(iterations):
        c = a @ b
    seconds = time.perf_counter() - start
    return seconds, row_hashes(c.astype(np.int32).tolist())


def run_torch(torch, gpu, word, n, iterations):
    device = torch.device("cuda", gpu)
    # int64 products wrap modulo 2**64; masking keeps the low 32 bits, which is all lowbias32 needs.
    a = hashed_entries(torch, word, n, 0, torch.int64).to(device).to(torch.float16)
    b = hashed_entries(torch, word, n, 1, torch.int64).to(device).to(torch.float16)
    torch.cuda.synchronize(device)
    start = time.perf_counter()
    for _ in range(iterations):
        c = a @ b
    torch.cuda.synchronize(device)
    seconds = time.perf_counter() - start
    rows = c.to(torch.float32).round().to(torch.int32).cpu().tolist()
    return seconds, row_hashes(rows)


def main():
    request = json.loads(sys.argv[1])
    if request.get("protocol") != PROTOCOL:
        sys.exit("unsupported protocol %r" % request.get("protocol"))
    n, iterations, gpus = int(request["n"]), int(request["iterations"]), int(request["gpus"])
    seed = request["seed"]
    results, implementation, device = [], None, "cpu"
    torch = None
    if request.get("device") != "cpu":
        try:
            import torch as _torch

            if _torch.cuda.is_available():
                torch = _torch
        except ImportError:
            pass
    if torch is not None:
        implementation, device = "torch-cuda", "cuda"
        for gpu in range(torch.cuda.device_count()):
            seconds, hashes = run_torch(torch, gpu, seed_word(seed, gpu), n, iterations)
            results.append({"gpu": gpu, "seconds": seconds, "rowHashes": hashes})
    else:
        try:
            import numpy as np
        except ImportError:
            np = None
        implementation = "numpy-cpu" if np is not None else "python-cpu"
        for gpu in range(gpus):
            word = seed_word(seed, gpu)
            seconds, hashes = run_numpy(np, word, n, iterations) if np is not None else run_python(word, n, iterations)
            results.append({"gpu": gpu, "seconds": seconds, "rowHashes": hashes})
    print(json.dumps({
        "protocol": PROTOCOL,
        "implementation": implementation,
        "device": device,
        "n": n,
        "iterations": iterations,
        "gpus": results,
    }))


if __name__ == "__main__":
    main()
