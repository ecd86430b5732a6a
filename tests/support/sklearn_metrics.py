#!/usr/bin/python3
"""Writes scikit-learn's classification metrics for fixed cases, for galaxyzoo's metrics test.

    sklearn_metrics.py OUT.json

Each case holds its inputs (true and predicted labels, the number of classes and, for some,
class probabilities) and what Debian's python3-sklearn computes for them with labels
range(K) and zero_division=0: accuracy, per-class precision, recall, F1 and support,
their macro and weighted averages, the confusion matrix raw and row-normalised, log loss
and top-2 accuracy. The cases include a class that is never predicted, a class with no
true samples, a class absent from both, test data of one class, ties among probabilities
and probabilities of exactly 0 and 1 (which log_loss clips).
"""
import json
import sys
import warnings

import numpy as np
import sklearn
from sklearn.metrics import (accuracy_score, confusion_matrix, log_loss, precision_recall_fscore_support,
                             top_k_accuracy_score)


def cases():
    rng = np.random.default_rng(20240601)
    out = [
        ("basic", [0, 0, 1, 1, 2, 2, 2, 0], [0, 1, 1, 1, 2, 0, 2, 0], 3, None),
        ("never_predicted", [0, 1, 2, 2, 1, 0, 2], [0, 1, 1, 0, 1, 0, 1], 3, None),
        ("no_true_samples", [0, 0, 2, 2, 0], [1, 0, 2, 1, 0], 3, None),
        ("absent_entirely", [0, 1, 1, 2, 0, 2], [0, 1, 2, 2, 1, 2], 4, None),
        ("one_class", [0, 0, 0, 0, 0], [0, 3, 0, 1, 0], 5, None),
        ("all_wrong", [0, 1, 0, 1], [1, 0, 1, 0], 2, None),
    ]
    # Random multi-class data with probabilities; predictions are the most probable class.
    for name, n, k in (("random_5", 200, 5), ("random_3", 37, 3), ("binary", 25, 2)):
        p = rng.dirichlet(np.full(k, 0.6), size=n)
        truth = rng.integers(0, k, size=n)
        out.append((name, truth.tolist(), p.argmax(axis=1).tolist(), k, p))
    # Exact zeros and ones (clipped by log_loss) and ties (top-2 order).
    p = np.array([[1.0, 0.0, 0.0, 0.0],
                  [0.0, 1.0, 0.0, 0.0],
                  [0.25, 0.25, 0.25, 0.25],
                  [0.4, 0.2, 0.2, 0.2],
                  [0.1, 0.3, 0.3, 0.3],
                  [0.5, 0.5, 0.0, 0.0],
                  [0.2, 0.2, 0.3, 0.3]])
    out.append(("clipping_and_ties", [1, 1, 0, 2, 1, 0, 0], p.argmax(axis=1).tolist(), 4, p))
    # One-class test data with probabilities.
    p = rng.dirichlet(np.ones(5), size=6)
    out.append(("one_class_probabilities", [3] * 6, p.argmax(axis=1).tolist(), 5, p))
    return out


def metrics(truth, predicted, k, p):
    labels = list(range(k))
    prec, rec, f1, support = precision_recall_fscore_support(truth, predicted, labels=labels, average=None,
                                                             zero_division=0)
    result = {
        "accuracy": accuracy_score(truth, predicted),
        "precision": prec.tolist(), "recall": rec.tolist(), "f1": f1.tolist(), "support": support.tolist(),
        "confusion": confusion_matrix(truth, predicted, labels=labels).tolist(),
        "confusion_normalized": confusion_matrix(truth, predicted, labels=labels, normalize="true").tolist(),
    }
    for average in ("macro", "weighted"):
        a = precision_recall_fscore_support(truth, predicted, labels=labels, average=average, zero_division=0)
        result[average] = {"precision": a[0], "recall": a[1], "f1": a[2]}
    if p is not None:
        result["log_loss"] = log_loss(truth, p, labels=labels)
        score = p[:, 1] if k == 2 else p
        result["top2_accuracy"] = top_k_accuracy_score(truth, score, k=2, labels=labels)
    return result


def main():
    warnings.simplefilter("ignore")  # k >= n_classes and ill-defined metrics are part of the cases
    out = {"sklearn_version": sklearn.__version__, "cases": []}
    for name, truth, predicted, k, p in cases():
        case = {"name": name, "num_classes": k, "truth": [int(v) for v in truth],
                "predicted": [int(v) for v in predicted],
                "expected": metrics(truth, predicted, k, p)}
        if p is not None:
            case["probabilities"] = p.tolist()
        out["cases"].append(case)
    with open(sys.argv[1], "w") as f:
        json.dump(out, f, indent=1)
    print("wrote scikit-learn {} metrics of {} cases to {}".format(sklearn.__version__, len(out["cases"]), sys.argv[1]))


if __name__ == "__main__":
    main()
