#!/usr/bin/python3
"""Exports a randomly initialised torchvision VGG16 for galaxyzoo's weight-mapping test.

    export_vgg16.py OUT_DIR

writes OUT_DIR/vgg16_features.pth (a plain dict of the features.* tensors, plus one
classifier.* key that the loader must ignore) and OUT_DIR/vgg16_reference.pt (a fixed
input and torchvision's features output for it), using Debian's python3-torch and
python3-torchvision.
"""
import os
import sys

import torch
import torchvision


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    model = torchvision.models.vgg16().eval()
    state = {k: v for k, v in model.state_dict().items() if k.startswith("features.")}
    state["classifier.6.bias"] = model.state_dict()["classifier.6.bias"]
    torch.save(state, os.path.join(out, "vgg16_features.pth"))
    x = torch.rand(2, 3, 64, 64)
    with torch.no_grad():
        y = model.features(x)
    torch.save({"input": x, "output": y}, os.path.join(out, "vgg16_reference.pt"))
    print("exported VGG16 features ({} tensors) and a reference output {}".format(len(state) - 1, tuple(y.shape)))


if __name__ == "__main__":
    main()
