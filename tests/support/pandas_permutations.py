#!/usr/bin/env python3
"""Writes the orders in which pandas' DataFrame.sample(frac=1, random_state=seed) puts the
rows of frames of several sizes (the original's shuffle), as JSON, for test_numpy_random."""
import json
import sys

import pandas as pd

CASES = [(10, 1), (10, 2), (10, 100), (0, 1000), (1, 4097), (123, 5000), (10, 28793),
         (4294967295, 777)]


def main(path):
    out = []
    for seed, n in CASES:
        order = pd.DataFrame({"row": range(n)}).sample(frac=1, random_state=seed).index
        out.append({"seed": seed, "order": [int(i) for i in order]})
    with open(path, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main(sys.argv[1])
