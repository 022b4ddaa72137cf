#!/usr/bin/env bash
# Parser benchmark (BenchmarkDotNet) on the libvirt corpus, next to Python's ElementTree on the same files.
set -euo pipefail
cd "$(dirname "$0")/.."
export LIBVIRT_CORPUS_DIR="${LIBVIRT_CORPUS_DIR:-$(cd .. && pwd)/shared/libvirt-corpus}"
python3 tests/Libvirt.Capabilities.Benchmarks/elementtree.py "$LIBVIRT_CORPUS_DIR"
dotnet run -c Release --project tests/Libvirt.Capabilities.Benchmarks -- --filter '*' "$@"
