"""The trained extraction models, loaded once per process from ``absolutt_kb/models/extraction/``.

``scripts/train_extraction.py`` writes them from ``real-train``; each is a
``LinearModel`` in its own ``.npz``. Without them (a checkout before training)
the person component falls back to the layout rules' verdict.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from ingest.linear import LinearModel

MODEL_DIR = Path(__file__).resolve().parent.parent / "absolutt_kb" / "models" / "extraction"
NAMES = ("person", "person_context", "role", "affiliation", "topic", "date", "place", "practice")


@dataclass(frozen=True)
class ExtractionModels:
    """The trained decisions of extraction (None where a model file is missing).

    Attributes:
        person: Whether a name's mention belongs to a person the document gives a part ("person" vs "none").
        person_context: The same decision again, from the person model's score of the mention and of the other
            names around it (``ingest.person_context``); where set, it decides.
        role: Which part, for a person (presenter, organiser, contact, resource_person).
        affiliation: Whether a phrase near a mention is the person's affiliation ("y" vs "n").
        topic: Whether a phrase near a mention is the person's talk or topic ("y" vs "n").
        date: Whether a date is the first day of a gathering the document announces or reports ("y" vs "n").
        place: Whether a place or organisation the document names is where a gathering is held ("y" vs "n").
        practice: Whether an organisation or place is the owner of a practice example the document presents.
    """

    person: LinearModel | None = None
    person_context: LinearModel | None = None
    role: LinearModel | None = None
    affiliation: LinearModel | None = None
    topic: LinearModel | None = None
    date: LinearModel | None = None
    place: LinearModel | None = None
    practice: LinearModel | None = None

    @classmethod
    def load(cls, folder: Path = MODEL_DIR) -> ExtractionModels:
        """Every model the folder holds."""
        return cls(
            **{
                name: LinearModel.load(folder / f"{name}.npz")
                for name in NAMES
                if (Path(folder) / f"{name}.npz").exists()
            }
        )

    def save(self, folder: Path) -> None:
        """Write each model that is set as ``<name>.npz``."""
        Path(folder).mkdir(parents=True, exist_ok=True)
        for name in NAMES:
            model = getattr(self, name)
            if model is not None:
                model.save(Path(folder) / f"{name}.npz")


@functools.cache
def shared_models() -> ExtractionModels:
    """The process's models, read on first use."""
    return ExtractionModels.load()


def models_digest(folder: Path = MODEL_DIR) -> str:
    """A hash of the model files, for the index's settings (a retrained model re-reads the corpus)."""
    import hashlib

    h = hashlib.sha256()
    for name in NAMES:
        path = Path(folder) / f"{name}.npz"
        if path.exists():
            h.update(name.encode() + path.read_bytes())
    return h.hexdigest()[:16]
