#!/usr/bin/env python3
"""Time libargon2 (the C reference, through argon2-cffi) at twsec's default parameters.

Compare with `cargo bench --bench password -- hash` run back to back on the same machine:

    cargo bench --bench password -- hash
    python3 benches/libargon2_reference.py            # 30 timed hashes after 5 warm-up
    python3 benches/libargon2_reference.py -n 60 -w 10

Parameters are those of `HashParams::default()`: argon2id v1.3, m = 19456 KiB, t = 2, p = 1,
32-byte output, 16-byte salt. The issue's target is a `hash/default` median within 1.2x of the
median printed here.
"""

import argparse
import importlib.metadata
import os
import platform
import statistics
import time

from argon2.low_level import Type, hash_secret_raw

M_COST_KIB = 19456
T_COST = 2
P_COST = 1
HASH_LEN = 32
PASSWORD = b"Harbor7-Lantern-Kite"  # the same input as benches/password.rs
SALT = bytes([0x5A]) * 16


def one_hash() -> float:
    """One hash; returns its wall-clock time in milliseconds."""
    start = time.perf_counter_ns()
    hash_secret_raw(
        PASSWORD,
        SALT,
        time_cost=T_COST,
        memory_cost=M_COST_KIB,
        parallelism=P_COST,
        hash_len=HASH_LEN,
        type=Type.ID,
    )
    return (time.perf_counter_ns() - start) / 1e6


def version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--iterations", type=int, default=30, help="timed hashes")
    parser.add_argument("-w", "--warmup", type=int, default=5, help="untimed hashes first")
    args = parser.parse_args()
    if args.iterations < 1 or args.warmup < 0:
        parser.error("need at least one timed hash and a non-negative warm-up")

    for _ in range(args.warmup):
        one_hash()
    times = [one_hash() for _ in range(args.iterations)]

    print(
        f"libargon2 via argon2-cffi {version('argon2-cffi')} "
        f"(argon2-cffi-bindings {version('argon2-cffi-bindings')}), "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    print(
        f"argon2id v=19 m={M_COST_KIB} t={T_COST} p={P_COST} len={HASH_LEN}: "
        f"{args.iterations} hashes after {args.warmup} warm-up"
    )
    print(f"median {statistics.median(times):.3f} ms")
    print(f"mean   {statistics.fmean(times):.3f} ms")
    print(f"min    {min(times):.3f} ms")
    print(f"max    {max(times):.3f} ms")
    if len(times) > 1:
        print(f"stdev  {statistics.stdev(times):.3f} ms")


if __name__ == "__main__":
    main()
