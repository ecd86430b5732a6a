"""Helpers shared by the benchmark runners in bench/ (standard library only)."""

import json
import platform


def cpu_model():
    """The processor's model name, for the report's machine line."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def write_json(path, data):
    """Writes a runner's results to path (its --json), indented."""
    with open(path, "w") as f:
        json.dump(data, f, indent=2)
