"""Litteratur: the works, filterable, each with its full citation and APA to copy; the list exported."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from absolutt_kb.bibliography import apa, export_stem, to_bibtex, to_csv, to_ris
from absolutt_kb.browse import primary_theme
from absolutt_kb.markdown import escape
from views.common import badges, region_label, search, searcher

kb = searcher()
st.title("Litteratur")
st.caption("Litteratur fra programmets lister og dokumenter. Kopier en referanse, eller last ned lista.")
works = sorted(kb.index.of_kind("literature"), key=lambda w: (w.lead, w.year or 0))
themes = {r.themes[0].id: r.themes[0].label for r in works if r.themes}

col1, col2 = st.columns([2, 1])
words = col1.text_input("Søk i litteraturen", placeholder="For eksempel: skoleeier, ledelse, Fullan")
theme = col2.selectbox("Programtema", [None, *sorted(themes)], format_func=lambda t: "Alle temaer" if t is None else themes[t])
if words.strip():
    found = {h.record.id for h in search(words, k=len(works) or 1, kind="literature", mode="bm25")} if any(c.isalnum() for c in words) else set()
    works = [w for w in works if w.id in found]
if theme:
    works = [w for w in works if primary_theme(w) == theme]

st.write(f"{len(works)} verk")
stem = export_stem(words if any(c.isalnum() for c in words) else "", themes[theme] if theme else "")
with st.container(horizontal=True, gap="small"):
    st.download_button("Last ned RIS", to_ris(works), f"{stem}.ris", "application/x-research-info-systems",
                       icon=":material/download:", disabled=not works)
    st.download_button("Last ned BibTeX", to_bibtex(works), f"{stem}.bib", "application/x-bibtex",
                       icon=":material/download:", disabled=not works)
    st.download_button("Last ned CSV", to_csv(works), f"{stem}.csv", "text/csv",
                       icon=":material/download:", disabled=not works)

view = st.segmented_control("Visning", ["Kort", "Tabell"], default="Kort")
if view == "Tabell":
    st.dataframe(
        pd.DataFrame({"Forfattere": ["; ".join(w.authors) or w.report_number for w in works], "År": [w.year for w in works],
                      "Tittel": [w.title for w in works], "Tema": [w.themes[0].label if w.themes else "" for w in works]}),
        hide_index=True,
    )
else:
    for work in works:
        with st.container(border=True):
            st.markdown(f"**{escape(work.title)}**")
            badges(work)
            st.caption(f"Full referanse fra kilden: {escape(work.citation)}")
            st.code(apa(work), language=None, wrap_lines=True)
            region = f" · Region: {escape(', '.join(region_label(r) for r in work.regions))}" if work.regions else ""
            st.caption(f"Kilde: {escape(work.source.document)}, {escape(work.source.locator)}{region} · "
                       "APA 7: kopier med knappen i feltet")
