"""The PyTorch reference of the GPU check (scripts/gpu-check.sh): trains the model galaxyzoo
trains (torchvision's VGG16 features, the galaxyzoo head of
include/galaxyzoo/model/vgg16_classifier.hpp) with the same optimiser, learning rates, batch
and image size, on images decoded once into pinned memory and copied to the device without
blocking, and prints one JSON object: images/s over the timed steps and the peak GPU memory.

    python3 scripts/gpu-reference.py DEVICE SIZE BATCH FREEZE BF16 WARMUP_STEPS STEPS

bfloat16 autocast (BF16 = 1) applies on CUDA only, as in galaxyzoo's Trainer. Needs only
torch (no torchvision): the layers are written out here.
"""
import contextlib
import json
import sys
import time

import torch
from torch import nn

# torchvision's VGG16 configuration "D": channel counts, "M" for a max pool.
VGG16 = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]


def make_model(size, freeze_before, classes=5):
    layers, channels = [], 3
    for v in VGG16:
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers += [nn.Conv2d(channels, v, 3, padding=1), nn.ReLU(inplace=True)]
            channels = v
    features = nn.Sequential(*layers)
    for child in list(features.children())[:freeze_before]:
        for p in child.parameters():
            p.requires_grad_(False)
    side = size // 32
    head = nn.Sequential(
        nn.Flatten(), nn.Linear(512 * side * side, 512), nn.BatchNorm1d(512), nn.ReLU(),
        nn.Dropout(0.5), nn.Linear(512, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.3),
        nn.Linear(64, classes))
    return features, head


def main():
    device_name, size, batch, freeze, bf16, warmup, steps = sys.argv[1:8]
    size, batch, freeze, warmup, steps = int(size), int(batch), int(freeze), int(warmup), int(steps)
    device = torch.device(device_name)
    cuda = device.type == "cuda"
    torch.manual_seed(1)
    features, head = make_model(size, freeze)
    features.to(device)
    head.to(device)
    body = [p for p in features.parameters() if p.requires_grad]
    groups = [{"params": head.parameters(), "lr": 1e-4}]
    if body:
        groups.insert(0, {"params": body, "lr": 1e-7})
    optimiser = torch.optim.Adam(groups)
    loss_fn = nn.CrossEntropyLoss()
    images = torch.randn(batch, 3, size, size)
    labels = torch.randint(0, 5, (batch,))
    if cuda:
        images, labels = images.pin_memory(), labels.pin_memory()
    # Only on CUDA, as galaxyzoo's Trainer (a CPU-only torch cannot even build the context).
    if bf16 == "1" and cuda:
        autocast = lambda: torch.autocast(device_type="cuda", dtype=torch.bfloat16)
    else:
        autocast = contextlib.nullcontext

    def step():
        x = images.to(device, non_blocking=True)
        y = labels.to(device, non_blocking=True)
        with autocast():
            loss = loss_fn(head(features(x)).float(), y)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        return loss

    features.train()
    head.train()
    for _ in range(warmup):
        step()
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    for _ in range(steps):
        loss = step()
    loss = float(loss)
    if cuda:
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    result = {"images_per_second": round(batch * steps / seconds, 2), "batch": batch,
              "steps": steps, "train_loss": round(loss, 5), "torch": torch.__version__}
    if cuda:
        result["peak_memory_mib"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
