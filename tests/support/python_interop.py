#!/usr/bin/python3
"""Models between PyTorch and galaxyzoo, for tests/examples/python_interop_cli.sh.

  python_interop.py make DIR     the original's model (torchvision VGG16 features + the
                                 original's head, 32 x 32 input, random weights), saved as
                                 the original saves it; test images; PyTorch's probabilities
  python_interop.py check DIR CSV KIND
                                 compares classify's CSV with PyTorch's probabilities, or
                                 with those of a galaxyzoo file read from Python: KIND is
                                 state_dict (docs/python.md's example on DIR/galaxyzoo.pt) or
                                 torchscript (torch.jit.load of DIR/galaxyzoo.ts.pt)

Needs Debian's python3-torch and python3-torchvision (/usr/bin/python3).
"""
import collections
import csv
import json
import os
import re
import sys

import numpy as np
import torch
import torchvision
from PIL import Image

SIZE = 32
TOLERANCE = 1e-4
MEAN = torch.tensor([0.485, 0.456, 0.406]).view(3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1)


class VGG16Model(torch.nn.Module):
    """The original's model (model_selection.py): `body` and `head`."""

    def __init__(self):
        super().__init__()
        self.body = torchvision.models.vgg16().features
        self.head = torch.nn.Sequential(
            torch.nn.Flatten(), torch.nn.Linear(512 * (SIZE // 32) ** 2, 512),
            torch.nn.BatchNorm1d(512), torch.nn.ReLU(), torch.nn.Dropout(0.5),
            torch.nn.Linear(512, 64), torch.nn.BatchNorm1d(64), torch.nn.ReLU(),
            torch.nn.Dropout(0.3), torch.nn.Linear(64, 5))

    def forward(self, x):
        return self.head(self.body(x))


def pixels(path):
    """An image file as galaxyzoo's input before normalisation: RGB / 255, [3, S, S]."""
    return torch.tensor(np.asarray(Image.open(path).convert("RGB")), dtype=torch.float32).permute(2, 0, 1) / 255


def make(folder):
    torch.manual_seed(11)
    model = VGG16Model()
    with torch.no_grad():
        for name, buffer in model.named_buffers():
            if "running" in name:
                buffer.uniform_(0.5, 1.5)
            if "num_batches_tracked" in name:
                buffer.fill_(12)
    optimizer = torch.optim.Adam(model.head.parameters(), lr=1e-4)  # the trained layers
    model.train()
    model(torch.rand(2, 3, SIZE, SIZE)).sum().backward()
    optimizer.step()
    model.eval()
    # As the original writes them: its final model and checkpoints are this dict.
    torch.save(model.state_dict(), os.path.join(folder, "original_state_dict.pth"))
    torch.save({"epoch": 3, "layer": "24", "model_state_dict": model.state_dict(),
                "optimizer_state_dict": optimizer.state_dict()},
               os.path.join(folder, "original_checkpoint.pth"))
    torch.save(model, os.path.join(folder, "whole_model.pth"))  # not readable: a clear error
    head = {k: v for k, v in model.state_dict().items() if k.startswith("head.")}
    torch.save(dict(head, extra=torch.zeros(2)), os.path.join(folder, "extra_key.pth"))
    torch.jit.save(torch.jit.script(model.head), os.path.join(folder, "scripted.pth"))

    rng = np.random.default_rng(3)
    expected = {}
    for i in range(4):
        path = os.path.join(folder, "images", f"{100 + i}.png")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        Image.fromarray(rng.integers(0, 256, (SIZE, SIZE, 3), dtype=np.uint8)).save(path)
        with torch.no_grad():
            p = torch.softmax(model(((pixels(path) - MEAN) / STD)[None]), 1)[0]
        expected[os.path.basename(path)] = p.tolist()
    with open(os.path.join(folder, "expected.json"), "w") as out:
        json.dump(expected, out)


def read_classify_csv(path):
    """{image file name: probabilities} from classify's CSV (the p_<class name> columns)."""
    with open(path) as f:
        rows = list(csv.DictReader(f))
    names = [c for c in rows[0].keys() if c.startswith("p_")]
    return {os.path.basename(r["file"]): [float(r[c]) for c in names] for r in rows}


def docs_example():
    """The Python code block of docs/python.md that defines load_galaxyzoo_model."""
    docs = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "python.md")
    with open(docs) as f:
        blocks = re.findall(r"```python\n(.*?)```", f.read(), re.S)
    code = next(b for b in blocks if "def load_galaxyzoo_model" in b)
    scope = {}
    exec(compile(code, docs, "exec"), scope)  # the documented code, as a user runs it
    return scope


def check(folder, csv_path, kind):
    ours = read_classify_csv(csv_path)
    if kind == "original":
        reference = json.load(open(os.path.join(folder, "expected.json")))
    elif kind == "state_dict":
        scope = docs_example()
        model, meta = scope["load_galaxyzoo_model"](os.path.join(folder, "galaxyzoo.pt"))
        assert meta["image_size"] == SIZE and len(meta["class_names"]) == 5, meta
        reference = {name: scope["classify_image"](model, meta, os.path.join(folder, "images", name)).tolist()
                     for name in ours}
    else:
        module = torch.jit.load(os.path.join(folder, "galaxyzoo.ts.pt"))
        assert module.image_size == SIZE and len(module.class_names) == 5
        with torch.no_grad():
            reference = {name: module(pixels(os.path.join(folder, "images", name))[None])[0].tolist()
                         for name in ours}
    assert sorted(ours) == sorted(reference), (sorted(ours), sorted(reference))
    worst = max(abs(a - b) for name in ours for a, b in zip(ours[name], reference[name]))
    print(f"{kind}: {len(ours)} images, largest difference {worst:.2e}")
    if not worst < TOLERANCE:
        sys.exit(f"FAILED: {kind}: classify differs from PyTorch by {worst}")


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        check(sys.argv[2], sys.argv[3], sys.argv[4])
