#!/usr/bin/env python3
"""Build the balanced three-class task of real SDSS galaxies (Galaxy Zoo 1 classes).

Reads a folder holding labels.csv (objid, gz1_class, gz1_name, galaxyzoo_class) and
images/<objid>.jpg (the gz1-real folder, see its README), picks the same number of galaxies
of each chosen class (by default elliptical -> 0, edge-on -> 3, spiral -> 4, the workflow's
five-class numbering; 240 train, 30 val and 30 test each) and writes them as create_dataset
does: OUTPUT/{train,val,test}_class_K_N.jpg (hard links, or copies where linking fails or
with --copy) and OUTPUT/manifest.csv (create_dataset's columns, the objid as GalaxyID, and
gz1_name). Then preprocess_resize makes the *_proc.jpg files that
train_model and eval_model read:

    scripts/make-gz1-task.py --input_dir /work/shared/data/gz1-real --output_dir gz1/task
    build/examples/preprocess_resize --input_dir gz1/task --output_dir gz1/preprocessed \
        --crop_size 256

The choice is deterministic: within each class the galaxies are ordered by the SHA-256 of
"SEED:objid", so it depends only on the seed and the galaxies present, not on the order of
labels.csv, the platform or the Python version. The output folder is written under a
temporary name and renamed when complete. Standard library only.
"""

import argparse
import csv
import hashlib
import os
import shutil
import sys
import tempfile

SPLITS = ("train", "val", "test")


def fail(message):
    sys.exit(f"make-gz1-task: error: {message}")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--input_dir", required=True, help="folder with labels.csv and images/")
    p.add_argument("--output_dir", required=True, help="folder to create")
    p.add_argument("--seed", type=int, default=10, help="seed of the choice (default 10)")
    p.add_argument("--classes", type=int, nargs="+", default=[0, 3, 4],
                   help="galaxyzoo_class values to use (default 0 3 4)")
    p.add_argument("--per_class", type=int, nargs=3, default=[240, 30, 30],
                   metavar=("TRAIN", "VAL", "TEST"),
                   help="galaxies per class in each split (default 240 30 30)")
    p.add_argument("--copy", action="store_true", help="copy images instead of hard-linking")
    p.add_argument("--replace", action="store_true", help="replace an existing output folder")
    args = p.parse_args(argv)
    if any(n < 0 for n in args.per_class) or sum(args.per_class) == 0:
        p.error("--per_class: expected three counts >= 0, not all 0")
    if len(set(args.classes)) != len(args.classes) or any(k < 0 for k in args.classes):
        p.error("--classes: expected distinct class numbers >= 0")
    return args


def read_labels(input_dir, classes):
    """Galaxies (objid, label, gz1_name, image path) of the chosen classes, by class."""
    path = os.path.join(input_dir, "labels.csv")
    by_class = {k: [] for k in classes}
    try:
        with open(path, newline="") as f:
            reader = csv.DictReader(f)
            missing = {"objid", "galaxyzoo_class"} - set(reader.fieldnames or [])
            if missing:
                fail(f"{path}: no column {', '.join(sorted(missing))}")
            for row in reader:
                text = row["galaxyzoo_class"].strip()
                if not text:
                    continue  # don't know, merger: no workflow class
                try:
                    label = int(float(text))
                except ValueError:
                    fail(f"{path}, line {reader.line_num}: galaxyzoo_class '{text}' is no number")
                if label not in by_class:
                    continue
                objid = row["objid"].strip()
                if not objid.isdigit():
                    fail(f"{path}, line {reader.line_num}: objid '{objid}' is no whole number")
                image = os.path.join(input_dir, "images", objid + ".jpg")
                if not os.path.isfile(image):
                    fail(f"{path}, line {reader.line_num}: no image {image}")
                by_class[label].append((objid, label, row.get("gz1_name", ""), image))
    except OSError as e:
        fail(f"cannot read {path}: {e.strerror}")
    return by_class


def choose(by_class, seed, per_class):
    """(split, label, counter, objid, gz1_name, image) rows: the first of each class's order."""
    need = sum(per_class)
    rows = []
    for label, galaxies in by_class.items():
        if len(galaxies) < need:
            fail(f"class {label} has {len(galaxies)} galaxies, {need} needed")
        order = sorted(galaxies,
                       key=lambda g: hashlib.sha256(f"{seed}:{g[0]}".encode()).hexdigest())
        start = 0
        for split, count in zip(SPLITS, per_class):
            for counter in range(start, start + count):
                objid, _, name, image = order[counter]
                rows.append((split, label, counter, objid, name, image))
            start += count
    return rows


def place(image, target, copy):
    if not copy:
        try:
            os.link(image, target)
            return
        except OSError:
            pass  # another file system, or no links: copy
    shutil.copyfile(image, target)


def write_task(rows, output_dir, copy, replace):
    output_dir = os.path.abspath(output_dir)
    if os.path.exists(output_dir) and not replace and os.listdir(output_dir):
        fail(f"{output_dir} exists and is not empty (--replace to replace it)")
    parent = os.path.dirname(output_dir)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".gz1-task-", dir=parent)
    try:
        with open(os.path.join(staging, "manifest.csv"), "w", newline="") as f:
            out = csv.writer(f, lineterminator="\n")
            # create_dataset's columns (the SDSS objid as GalaxyID, which eval_model
            # reads into predictions.csv), and the Galaxy Zoo 1 class name
            out.writerow(["GalaxyID", "original_file", "file", "split", "label", "gz1_name"])
            for split, label, counter, objid, name, image in rows:
                file = f"{split}_class_{label}_{counter}.jpg"
                place(image, os.path.join(staging, file), copy)
                out.writerow([objid, image, file, split, label, name])
        os.chmod(staging, 0o755)
        if os.path.exists(output_dir):
            shutil.rmtree(output_dir)
        os.rename(staging, output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def main(argv):
    args = parse_args(argv)
    rows = choose(read_labels(args.input_dir, args.classes), args.seed, args.per_class)
    write_task(rows, args.output_dir, args.copy, args.replace)
    print(f"Wrote {len(rows)} images ({len(args.classes)} classes x "
          f"{'/'.join(map(str, args.per_class))} train/val/test) and manifest.csv to "
          f"{args.output_dir}")


if __name__ == "__main__":
    main(sys.argv[1:])
