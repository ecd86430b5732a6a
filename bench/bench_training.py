#!/usr/bin/python3
"""The PyTorch twin of bench_training --mode train: the same training step, timed.

    /usr/bin/python3 bench/bench_training.py --image_size 256 --batch_size 16 --threads 2

Builds the model the original workflow trained, as galaxyzoo::VGG16Classifier has it:
torchvision's vgg16().features (random weights) and the head Flatten, Linear(in, 512),
BatchNorm1d, ReLU, Dropout(0.5), Linear(512, 64), BatchNorm1d, ReLU, Dropout(0.3),
Linear(64, classes); every features child before --freeze_before (21) frozen; Adam with
two parameter groups (trainable features at lr 1e-7, head at 1e-4). Each step is what
galaxyzoo::Trainer::fit does: train mode, zero_grad, forward, cross-entropy, backward,
step, then loss.item() and the number of correct predictions. All steps train on one
synthetic batch (normal random images, random labels): no data loading. --warmup steps
are not timed; each of the --repeats timed steps is timed on its own (perf_counter).
Prints one JSON object. bench/run_training_bench.py runs this under Debian's
python3-torch and under PyPI's torch, next to bench_training (C++).

--threads sets torch.set_num_threads; 0 keeps PyTorch's default (reported as
default_threads). Without torchvision the same layers are built by hand (torchvision's
configuration "D"), and the JSON says so.
"""

import argparse
import json
import platform
import resource
import statistics
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F


def vgg16_features():
    """torchvision's vgg16().features, or the same 31 layers built by hand."""
    try:
        import torchvision
        try:
            model = torchvision.models.vgg16(weights=None)
        except TypeError:  # torchvision before 0.13
            model = torchvision.models.vgg16(pretrained=False)
        return model.features, "torchvision " + torchvision.__version__
    except ImportError:
        layers, channels = [], 3
        for v in [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]:
            if v == "M":
                layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            else:
                layers += [nn.Conv2d(channels, v, kernel_size=3, padding=1), nn.ReLU(inplace=True)]
                channels = v
        return nn.Sequential(*layers), "by hand (no torchvision)"


class Classifier(nn.Module):
    def __init__(self, image_size, classes, freeze_before):
        super().__init__()
        self.features, self.features_from = vgg16_features()
        side = image_size // 32
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Linear(512 * side * side, 512), nn.BatchNorm1d(512), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(512, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.3),
            nn.Linear(64, classes))
        for i in range(freeze_before):
            for p in self.features[i].parameters():
                p.requires_grad = False

    def forward(self, x):
        return self.head(self.features(x))

    def body_parameters(self):
        return [p for p in self.features.parameters() if p.requires_grad]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image_size", type=int, default=256)
    parser.add_argument("--batch_size", type=int, default=16)
    parser.add_argument("--threads", type=int, default=0, help="intra-op threads (0: PyTorch's default)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--freeze_before", type=int, default=21)
    parser.add_argument("--classes", type=int, default=5)
    parser.add_argument("--lr_body", type=float, default=1e-7)
    parser.add_argument("--lr_head", type=float, default=1e-4)
    parser.add_argument("--seed", type=int, default=123)
    args = parser.parse_args()
    if args.repeats < 1 or args.warmup < 0:
        parser.error("--repeats must be >= 1 and --warmup >= 0")

    default_threads = torch.get_num_threads()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = Classifier(args.image_size, args.classes, args.freeze_before)
    model.train()
    optimizer = torch.optim.Adam([
        {"params": model.body_parameters(), "lr": args.lr_body},
        {"params": list(model.head.parameters()), "lr": args.lr_head},
    ], lr=args.lr_head)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    frozen = sum(p.numel() for p in model.parameters() if not p.requires_grad)

    x = torch.randn(args.batch_size, 3, args.image_size, args.image_size)
    y = torch.randint(args.classes, (args.batch_size,), dtype=torch.int64)
    samples, loss_sum, correct = [], 0.0, 0
    for step in range(args.warmup + args.repeats):
        start = time.perf_counter()
        optimizer.zero_grad()
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        optimizer.step()
        loss_sum += loss.item()
        correct += int(logits.argmax(1).eq(y).sum().item())
        s = time.perf_counter() - start
        if step >= args.warmup:
            samples.append(s)
        print("bench_training.py: step {}/{} {:.3f} s{}".format(
            step + 1, args.warmup + args.repeats, s, " (warm-up)" if step < args.warmup else ""),
            file=sys.stderr, flush=True)

    print(json.dumps({
        "implementation": "pytorch",
        "torch": torch.__version__,
        "features_from": model.features_from,
        "python": platform.python_version(),
        "mode": "train",
        "image_size": args.image_size,
        "batch_size": args.batch_size,
        "default_threads": default_threads,
        "threads": torch.get_num_threads(),
        "trainable_parameters": trainable,
        "frozen_parameters": frozen,
        "fed_by": "synthetic",
        "warmup_steps": args.warmup,
        "samples_s": samples,
        "images_per_second": args.batch_size / statistics.median(samples),
        "mean_loss": loss_sum / (args.warmup + args.repeats),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "mkldnn": torch.backends.mkldnn.is_available(),
        "config": torch.__config__.show().strip().splitlines()[1:6],
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
