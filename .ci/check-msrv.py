#!/usr/bin/env python3
"""MSRV check for twsec without a second toolchain.

CI machines carry a single (stable) Rust toolchain, so we cannot build with the
MSRV compiler itself. Instead MSRV is guarded two ways:
  * clippy.toml `msrv = "..."` makes clippy flag std APIs/syntax newer than the
    MSRV in our own code;
  * this script checks the *dependencies*: every package in the resolved graph
    of a normal build with all features (normal + build dependencies, all
    target platforms; dev-dependencies excluded) must not declare a
    `rust-version` newer than the root package's `rust-version`. A package
    without `rust-version` is judged by the minimum its edition implies.

Usage:
    cargo metadata --format-version 1 --all-features --locked > meta.json
    python3 .ci/check-msrv.py meta.json        # or pipe the JSON on stdin
    python3 .ci/check-msrv.py                  # runs cargo metadata itself

Exit status: 0 ok, 1 offenders found or root has no rust-version, 2 bad input.
"""

from __future__ import annotations

import json
import subprocess
import sys

# Minimum compiler each edition needs (a floor for crates without rust-version).
EDITION_FLOOR = {"2015": "1.0", "2018": "1.31", "2021": "1.56", "2024": "1.85"}


def parse_version(text: str) -> tuple[int, int, int]:
    parts = text.strip().split(".")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"not a rust-version: {text!r}")
    nums = [int(p) for p in parts] + [0] * (3 - len(parts))
    return (nums[0], nums[1], nums[2])


def load_metadata(argv: list[str]) -> dict:
    if len(argv) > 1 and argv[1] != "-":
        with open(argv[1], encoding="utf-8") as fh:
            return json.load(fh)
    if len(argv) > 1 or not sys.stdin.isatty():
        data = sys.stdin.read()
        if data.strip():
            return json.loads(data)
    out = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--all-features"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


def effective_rust_version(pkg: dict) -> tuple[str, str]:
    """(version, source) where source is 'rust-version' or 'edition'."""
    if pkg.get("rust_version"):
        return pkg["rust_version"], "rust-version"
    return EDITION_FLOOR.get(str(pkg.get("edition")), "1.0"), "edition " + str(pkg.get("edition"))


def reachable(resolve: dict, root: str, kinds: set[str | None]) -> set[str]:
    nodes = {n["id"]: n for n in resolve["nodes"]}
    seen = {root}
    stack = [root]
    while stack:
        node = nodes[stack.pop()]
        for dep in node.get("deps", []):
            dep_kinds = {k.get("kind") for k in dep.get("dep_kinds", [])}
            if dep_kinds & kinds and dep["pkg"] not in seen:
                seen.add(dep["pkg"])
                stack.append(dep["pkg"])
    return seen


def main(argv: list[str]) -> int:
    try:
        meta = load_metadata(argv)
        packages = {p["id"]: p for p in meta["packages"]}
        resolve = meta["resolve"]
        if resolve is None:
            raise KeyError("resolve (was --no-deps used?)")
    except (OSError, ValueError, KeyError, subprocess.CalledProcessError) as exc:
        print(f"msrv: cannot read cargo metadata: {exc}", file=sys.stderr)
        return 2

    root_id = resolve.get("root")
    if root_id is None and len(meta.get("workspace_members", [])) == 1:
        root_id = meta["workspace_members"][0]
    if root_id is None:
        print("msrv: FAIL: no root package in cargo metadata", file=sys.stderr)
        return 1
    root = packages[root_id]
    if not root.get("rust_version"):
        print(f"msrv: FAIL: root package {root['name']} declares no rust-version", file=sys.stderr)
        return 1
    msrv_text = root["rust_version"]
    msrv = parse_version(msrv_text)

    # kind None = normal dependency; "build" = build-dependency (compiled by the
    # same compiler, so it is bound by the MSRV too).
    normal = reachable(resolve, root_id, {None, "build"})
    everything = reachable(resolve, root_id, {None, "build", "dev"})

    def offenders(ids: set[str]) -> list[tuple[str, str, str, str]]:
        found = []
        for pid in ids:
            if pid == root_id:
                continue
            pkg = packages[pid]
            ver, source = effective_rust_version(pkg)
            try:
                too_new = parse_version(ver) > msrv
            except ValueError:
                too_new, source = True, f"unparsable {source}"
            if too_new:
                found.append((pkg["name"], pkg["version"], ver, source))
        return sorted(found)

    bad = offenders(normal)
    dev_only = offenders(everything - normal)

    print(f"msrv: root {root['name']} {root['version']} rust-version = {msrv_text}")
    print(f"msrv: {len(normal) - 1} packages in the normal all-features graph, "
          f"{len(everything - normal)} more only via dev-dependencies")
    for name, version, ver, source in dev_only:
        print(f"msrv: note (dev-only, not a failure): {name} {version} needs {ver} ({source})")
    if bad:
        for name, version, ver, source in bad:
            print(f"msrv: OFFENDER {name} {version} needs Rust {ver} ({source}) > {msrv_text}",
                  file=sys.stderr)
        print(f"msrv: FAIL: {len(bad)} package(s) need a newer Rust than {msrv_text}", file=sys.stderr)
        return 1
    print(f"msrv: OK: no dependency needs a Rust newer than {msrv_text}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
