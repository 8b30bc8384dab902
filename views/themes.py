"""Temaer: pick a programme theme or sub-theme and see everything linked to it, with counts."""

from __future__ import annotations

import streamlit as st

from absolutt_kb.browse import records_for_theme, theme_counts
from absolutt_kb.records import KIND_LABELS
from absolutt_kb.themes import TaxonomyError, load_taxonomy
from views.common import card, searcher

kb = searcher()
st.title("Programtemaer")
try:
    taxonomy = load_taxonomy()
except TaxonomyError as exc:
    st.error(str(exc))
    st.stop()

counts = theme_counts(kb.index.records)
st.caption("Antall poster per programtema, etter type (hver post telles under sitt beste tema).")
if not counts.empty:
    table = counts.assign(Totalt=counts.sum(axis=1)).rename_axis("Tema").reset_index()
    st.dataframe(
        table, hide_index=True,
        column_config={"Totalt": st.column_config.ProgressColumn(
            "Totalt", format="%d", min_value=0, max_value=int(table["Totalt"].max()))},
    )

by_id = {t.id: t for t in taxonomy}
theme_id = st.pills("Tema", list(by_id), format_func=lambda i: by_id[i].title, default=taxonomy[0].id)
if not theme_id:
    st.info("Velg et tema.")
    st.stop()
theme = by_id[theme_id]
st.subheader(theme.title)
st.write(theme.description)
sub = st.selectbox("Undertema", [None, *theme.subthemes], format_func=lambda s: "Hele temaet" if s is None else s)
records = records_for_theme(kb.index.records, theme.id, sub)
present = [k for k in KIND_LABELS if any(r.kind == k for r in records)]
st.write(f"{len(records)} poster: " + ", ".join(f"{sum(r.kind == k for r in records)} {KIND_LABELS[k].lower()}" for k in present))
if present:
    for tab, kind in zip(st.tabs([KIND_LABELS[k] for k in present]), present):
        with tab:
            for record in [r for r in records if r.kind == kind][:25]:
                card(record, record.themes[0].evidence and f"Tema fordi: {record.themes[0].evidence}")
