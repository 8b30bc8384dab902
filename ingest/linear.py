"""A small trained decision: multinomial logistic regression over hashed string features.

Each instance is a dict of feature names ("l1=v/", "head=program") to values.
Names are hashed (CRC-32) into a fixed number of columns, so the model needs
no vocabulary and reads features it never saw in training as nothing. Weights
are stored in one ``.npz`` (float16) beside the class names; loading needs
only NumPy, and scoring an instance costs a few hundred additions.

``scripts/train_extraction.py`` fits these models on ``real-train``.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DIMENSION = 2**16

Features = Mapping[str, float]


def column(feature: str, dimension: int = DIMENSION) -> int:
    """The column a feature name hashes to."""
    return zlib.crc32(feature.encode("utf-8")) % dimension


def hashed_rows(instances: Iterable[Features], dimension: int = DIMENSION):
    """Instances as a sparse matrix (SciPy CSR) of hashed features, for training."""
    from scipy.sparse import csr_matrix

    data: list[float] = []
    indices: list[int] = []
    indptr = [0]
    for features in instances:
        merged: dict[int, float] = {}
        for name, value in features.items():
            col = column(name, dimension)
            merged[col] = merged.get(col, 0.0) + float(value)
        indices.extend(merged)
        data.extend(merged.values())
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, dimension), dtype=np.float32)


@dataclass(frozen=True)
class LinearModel:
    """A trained multinomial (or binary) logistic regression over hashed features.

    Attributes:
        classes: Class names, in the order of the weight rows.
        weights: (classes, dimension) weights; one row for a binary model (the positive class's logit).
        bias: One intercept per row.
        threshold: The decision threshold chosen in training (the meaning is the caller's).
        floor: A lower threshold for the single best candidate of a document, where the caller uses one.
    """

    classes: tuple[str, ...]
    weights: np.ndarray
    bias: np.ndarray
    threshold: float = 0.5
    floor: float = 0.5

    @property
    def dimension(self) -> int:
        return self.weights.shape[1]

    def probabilities(self, features: Features) -> dict[str, float]:
        """Each class's probability for one instance."""
        logits = self.bias.astype(np.float64).copy()
        for name, value in features.items():
            logits += self.weights[:, column(name, self.dimension)] * value
        if len(self.classes) == 2 and len(logits) == 1:
            p = 1.0 / (1.0 + np.exp(-logits[0]))
            return {self.classes[0]: 1.0 - p, self.classes[1]: float(p)}
        logits -= logits.max()
        e = np.exp(logits)
        return dict(zip(self.classes, (e / e.sum()).tolist()))

    def save(self, path: Path) -> None:
        """Write the model as one ``.npz`` (weights in float16)."""
        meta = json.dumps({"classes": list(self.classes), "threshold": self.threshold, "floor": self.floor})
        np.savez_compressed(
            path,
            weights=self.weights.astype(np.float16),
            bias=self.bias.astype(np.float32),
            meta=np.frombuffer(meta.encode("utf-8"), dtype=np.uint8),
        )

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        """Read a model written by ``save``."""
        with np.load(path) as data:
            meta = json.loads(data["meta"].tobytes().decode("utf-8"))
            return cls(
                tuple(meta["classes"]),
                data["weights"].astype(np.float32),
                data["bias"].astype(np.float32),
                float(meta["threshold"]),
                float(meta.get("floor", meta["threshold"])),
            )

    @classmethod
    def fit(
        cls,
        instances: list[Features],
        labels: list[str],
        *,
        c: float = 0.3,
        threshold: float = 0.5,
        floor: float | None = None,
        weights: list[float] | None = None,
    ) -> LinearModel:
        """Fit on labelled instances (scikit-learn, training only).

        Args:
            instances: Feature dicts.
            labels: One class name per instance.
            c: Inverse regularisation strength.
            threshold: Stored with the model for the caller's decision.
            floor: Stored likewise (defaults to ``threshold``).
            weights: Optional weight per instance.

        Returns:
            The model.
        """
        from sklearn.linear_model import LogisticRegression

        floor = threshold if floor is None else floor
        x = hashed_rows(instances)
        classes = sorted(set(labels))
        if len(classes) == 1:  # nothing to tell apart: a constant model
            return cls((classes[0],), np.zeros((1, DIMENSION), np.float32), np.zeros(1, np.float32), threshold, floor)
        clf = LogisticRegression(C=c, max_iter=5000)
        clf.fit(x, labels, sample_weight=weights)
        return cls(
            tuple(str(k) for k in clf.classes_),
            clf.coef_.astype(np.float32),
            clf.intercept_.astype(np.float32),
            threshold,
            floor,
        )
