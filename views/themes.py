"""Temaer: pick a programme theme or sub-theme and see everything linked to it, with counts."""

from __future__ import annotations

import altair as alt
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

counts = theme_counts(kb.index, {t.id: t.title for t in taxonomy})
if not counts.empty:
    st.caption("Hvor mange personer, verk, praksiseksempler og andre poster hvert programtema har "
               "(hver post telles under sitt beste tema; utdrag fra dokumenter er ikke med i figuren).")
    picture = counts.drop(columns=[KIND_LABELS["passage"]], errors="ignore")
    picture.index = [label.split(" – ")[0] for label in picture.index]
    data = picture.rename_axis("Tema").reset_index().melt(id_vars="Tema", var_name="Type", value_name="Antall")
    data["Rekkefølge"] = data["Type"].map({kind: n for n, kind in enumerate(picture.columns)})
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("sum(Antall):Q", title="Antall poster"),
        y=alt.Y("Tema:N", title=None, sort=None, axis=alt.Axis(labelLimit=360)),
        color=alt.Color("Type:N", title=None, sort=list(picture.columns),
                        legend=alt.Legend(orient="bottom", columns=2)),
        order=alt.Order("Rekkefølge:Q"),
        tooltip=["Tema", "Type", "Antall"],
    ).properties(height=260)
    with st.container(key="theme-picture"):
        st.altair_chart(chart)
    with st.expander("Vis tallene som tabell", icon=":material/table:"):
        table = counts.assign(Totalt=counts.sum(axis=1)).rename_axis("Tema").reset_index()
        st.dataframe(table, hide_index=True)

by_id = {t.id: t for t in taxonomy}
wanted = st.query_params.get("tema")
theme_id = st.pills("Tema", list(by_id), format_func=lambda i: by_id[i].title,
                    default=wanted if wanted in by_id else taxonomy[0].id)
if not theme_id:
    st.info("Velg et tema.")
    st.stop()
theme = by_id[theme_id]
st.subheader(theme.title)
st.write(theme.description)
sub = st.selectbox("Undertema", [None, *theme.subthemes], format_func=lambda s: "Hele temaet" if s is None else s)
records = records_for_theme(kb.index, theme.id, sub)
present = [k for k in KIND_LABELS if any(r.kind == k for r in records)]
st.write(f"{len(records)} poster: " + ", ".join(f"{sum(r.kind == k for r in records)} {KIND_LABELS[k].lower()}" for k in present))
if present:
    for tab, kind in zip(st.tabs([KIND_LABELS[k] for k in present]), present):
        with tab:
            for record in [r for r in records if r.kind == kind][:25]:
                card(record, record.themes[0].evidence and f"Tema fordi: {record.themes[0].evidence}")
