"""Baseline: Python's ElementTree parsing the same corpus files as ParseBenchmarks.ParseCorpus."""
import glob
import os
import sys
import timeit
import xml.etree.ElementTree as ET

corpus = sys.argv[1]
docs = [open(f, encoding="utf-8").read() for sub in ("domaincaps", "hostcaps")
        for f in sorted(glob.glob(os.path.join(corpus, sub, "*.xml")))]
runs = 20
seconds = min(timeit.repeat(lambda: [ET.fromstring(d) for d in docs], number=1, repeat=runs))
print(f"ElementTree: {len(docs)} documents, {sum(map(len, docs)) / 1e6:.2f} M characters, best of {runs}: {seconds * 1000:.2f} ms")
