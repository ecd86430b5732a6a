#!/usr/bin/env python3
"""Checks a manifest.csv written by `create_dataset --split_rng numpy` against the original's
split, computed here with pandas the way the original's GalaxyDataset.py did it: the
class-0 ... class-4 tables (catalogue order, with their counters) concatenated, shuffled with
sample(frac=1, random_state=seed), cut at int(0.8 n) and int(0.9 n), and named
{split}_class_{label}_{counter}.jpg. The labels and counters are taken from the manifest, so
only the shuffle, the cut and the names are compared.

usage: original_split.py MANIFEST SEED"""
import sys

import numpy as np
import pandas as pd


def original_names(manifest, seed):
    counter = manifest["file"].str.rsplit("_", n=1).str[1].str.replace(".jpg", "", regex=False)
    table = pd.DataFrame({"GalaxyID": manifest["GalaxyID"], "Label": manifest["label"].astype(str),
                          "counter": counter.astype(int)})
    parts = [table[table["Label"] == str(k)].sort_values("counter") for k in range(5)]
    df = pd.concat(parts)
    train, val, test = np.split(df.sample(frac=1, random_state=seed),
                                [int(len(df) * 0.8), int(len(df) * 0.9)])
    names = {}
    for split, part in (("train", train), ("val", val), ("test", test)):
        for gid, label, n in zip(part["GalaxyID"], part["Label"], part["counter"]):
            names[int(gid)] = f"{split}_class_{label}_{n}.jpg"
    return names


def main(path, seed):
    manifest = pd.read_csv(path)
    expected = original_names(manifest, seed)
    ours = dict(zip(manifest["GalaxyID"].astype(int), manifest["file"]))
    wrong = [gid for gid in expected if ours.get(gid) != expected[gid]]
    if wrong or len(ours) != len(expected):
        print(f"FAILED: {len(wrong)} of {len(expected)} galaxies differ from pandas' split, "
              f"e.g. {wrong[:3]}")
        return 1
    print(f"{path}: {len(ours)} galaxies split as pandas splits them (seed {seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
