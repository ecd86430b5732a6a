#!/usr/bin/python3
"""Plain PyTorch training on images decoded once into memory: the reference that
train_model's default end-to-end rate is measured against (bench/run_train_model_bench.py).

    /usr/bin/python3 bench/bench_train_preloaded.py --data preprocessed --image_size 64 --epochs 3

What train_model does with its default flags, written the way a PyTorch user would with a
data set that fits in memory: every train_/val_class_K_N_proc.jpg image of --data is
decoded once (PIL), resized to --image_size and kept as one float tensor (not timed).
Each epoch then shuffles the training images (the last partial batch left out), applies
galaxyzoo's training transforms to each batch on the tensors (brightness factor in
[0, 1.2], contrast factor in [0.2, 1.8], random horizontal and vertical flips, then the
ImageNet normalisation) and trains the model of bench_training.py (VGG16 features frozen
before 21, the original's head, Adam with two groups at 1e-7 and 1e-4, cross-entropy),
then computes the validation loss. An epoch's images/s is its training images over the
time of its training batches (validation not included), as train_model's history CSV
counts it. Prints one JSON object.
"""

import argparse
import json
import os
import re
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from bench_training import Classifier

NAME = re.compile(r"^(train|val)_class_(\d+)_\d+_proc\.jpg$")
MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)


def load(folder, size):
    """{'train': (images, labels), 'val': ...}: every image decoded once, [0, 1] floats."""
    splits = {"train": ([], []), "val": ([], [])}
    for name in sorted(os.listdir(folder)):
        m = NAME.match(name)
        if not m:
            continue
        img = Image.open(os.path.join(folder, name)).convert("RGB")
        if img.size != (size, size):
            img = img.resize((size, size), Image.BILINEAR)
        splits[m.group(1)][0].append(np.asarray(img))
        splits[m.group(1)][1].append(int(m.group(2)))
    out = {}
    for split, (images, labels) in splits.items():
        x = torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).float().div_(255)
        out[split] = (x, torch.tensor(labels, dtype=torch.int64))
    return out


def transform(x, generator):
    """galaxyzoo's training transforms, one random draw per image."""
    n = x.size(0)
    brightness = torch.rand(n, 1, 1, 1, generator=generator) * 1.2
    contrast = 0.2 + torch.rand(n, 1, 1, 1, generator=generator) * 1.6
    x = (x * brightness).clamp_(0, 1)
    grey = (0.299 * x[:, 0] + 0.587 * x[:, 1] + 0.114 * x[:, 2]).mean(dim=(1, 2)).view(n, 1, 1, 1)
    x = ((x - grey) * contrast + grey).clamp_(0, 1)
    flip_x = torch.rand(n, generator=generator) < 0.5
    flip_y = torch.rand(n, generator=generator) < 0.5
    x = torch.where(flip_x.view(n, 1, 1, 1), x.flip(3), x)
    x = torch.where(flip_y.view(n, 1, 1, 1), x.flip(2), x)
    return (x - MEAN) / STD


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder of train_/val_class_K_N_proc.jpg images")
    parser.add_argument("--image_size", type=int, default=64)
    parser.add_argument("--batch_size", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="intra-op threads (0: PyTorch's default)")
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    start = time.perf_counter()
    data = load(args.data, args.image_size)
    decode_seconds = time.perf_counter() - start
    train_x, train_y = data["train"]
    val_x, val_y = data["val"]
    classes = int(max(train_y.max().item(), 1)) + 1
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    model = Classifier(args.image_size, classes, 21)
    optimizer = torch.optim.Adam([
        {"params": model.body_parameters(), "lr": 1e-7},
        {"params": list(model.head.parameters()), "lr": 1e-4},
    ], lr=1e-4)
    epochs = []
    batches = train_x.size(0) // args.batch_size
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(train_x.size(0), generator=generator)
        began = time.perf_counter()
        loss_sum = 0.0
        for b in range(batches):
            idx = order[b * args.batch_size:(b + 1) * args.batch_size]
            x, y = transform(train_x[idx], generator), train_y[idx]
            optimizer.zero_grad()
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * y.size(0)
        seconds = time.perf_counter() - began
        model.eval()
        with torch.no_grad():
            val_loss = F.cross_entropy(model((val_x - MEAN) / STD), val_y).item()
        epochs.append({"epoch": epoch + 1, "seconds": seconds,
                       "images_per_second": batches * args.batch_size / seconds,
                       "train_loss": loss_sum / (batches * args.batch_size), "val_loss": val_loss})
        print("bench_train_preloaded.py: epoch {} {:.1f} images/s".format(
            epoch + 1, epochs[-1]["images_per_second"]), file=sys.stderr, flush=True)
    print(json.dumps({"implementation": "pytorch preloaded", "torch": torch.__version__,
                      "threads": torch.get_num_threads(), "train_images": train_x.size(0),
                      "val_images": val_x.size(0), "decode_seconds": decode_seconds, "epochs": epochs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
