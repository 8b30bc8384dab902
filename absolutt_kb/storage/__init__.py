"""Storage: where the knowledge base lives, chosen by the settings.

``open_store(settings)`` gives the folder backend for a path and the
PostgreSQL backend for a ``postgresql://`` URL; ``open_index(settings,
embedder)`` opens the newest version for reading and refuses one built with
another model or analysis. The command line and the app both open indexes
here, so both refuse alike.
"""

from __future__ import annotations

from absolutt_kb import config
from absolutt_kb.language import has_system_word_list
from absolutt_kb.manifest import IndexUnusable, Manifest
from absolutt_kb.storage.base import IndexChanged, KnowledgeIndex, Store, Written


def open_store(settings: config.Settings | None = None) -> Store:
    """The store the settings name: a folder, or a PostgreSQL database for a ``postgresql://`` URL.

    Raises:
        IndexUnusable: The database cannot be reached or its driver is missing; the message says what to do.
    """
    settings = settings or config.current()
    if settings.uses_database:
        from absolutt_kb.storage.postgres import PostgresStore

        return PostgresStore(settings.index)
    from absolutt_kb.storage.folder import FolderStore

    return FolderStore(settings.index_dir)


def open_index(settings: config.Settings | None = None, *, model: str | None = None, verify: bool = True) -> KnowledgeIndex:
    """The newest version of the knowledge base, checked against the model queries will use and this machine's analysis.

    Args:
        settings: Which store; defaults to the process's settings.
        model: The embedder's name (``Embedder.name``); None skips the model check (listing records).
        verify: Check the stored files against their checksums (folder backend).

    Raises:
        IndexUnusable: There is no index, or it cannot answer here; the message says what to do.
    """
    return open_store(settings).open(model=model, word_list=has_system_word_list(), verify=verify)


def open_searchable(settings: config.Settings | None = None):
    """The knowledge base and the embedder its queries need: the settings' model, refused unless the index was built with it.

    Raises:
        IndexUnusable: No index, or one built with another model or analysis.
        EmbedderUnavailable: The model cannot be loaded.
    """
    from absolutt_kb.embedder import make_embedder

    settings = settings or config.current()
    embedder = make_embedder(settings.model, threads=settings.threads)
    return open_index(settings, model=embedder.name), embedder


__all__ = ["IndexChanged", "IndexUnusable", "KnowledgeIndex", "Manifest", "Store", "Written", "open_index", "open_searchable",
           "open_store"]
