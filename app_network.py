"""The network view: firms as nodes by kind and state, their links, and the platforms.

The model's network (supply chain, sector, cluster: ``model.network.adjacency``) has up to
~10,000 nodes; a drawing stays legible and fast with a few hundred. The view draws a sample
grown neighbour by neighbour from a few random firms (breadth first), so that the links of the
sampled firms are mostly kept, laid out once per run (spring layout) and recoloured every
quarter. Platforms sit in a column on the right, each linked to the sampled firms it serves.

Which firm a platform serves: the model keeps, per firm, the platforms' share of its service
market (``firms.platform_share``) and, per platform, its share of the platforms' sales. The
view draws firm ``i`` as a platform customer when a uniform number fixed for the run is below
its platform share, and picks its platform by the platforms' shares with a second fixed
number, so the expected number of customers per platform is the model's and the drawing does
not flicker from one quarter to the next.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from app_figures import LiveFigure, ink, style
from app_text import KINDS, ft, labels_for, quarter_text
from model.state import CLIENTS_PER_SUPPLIER

#: Firms drawn at most (legible and ~50 ms a frame on the project's machines).
SAMPLE = 300
#: Node colours by state, and the state's figure word.
STATES = (("goods_only", "#bdbdbd"), ("digital_state", "#1f77b4"), ("climbing", "#f39c12"),
          ("servitized_state", "#27ae60"), ("service_firm_state", "#17becf"),
          ("exited_state", "#6d6d6d"))
MARKERS = ("o", "s", "^")  # SME, upstream supplier, large firm
LINKS = {"supply_link": "#ff7f0e", "cluster_link": "#2ca02c", "sector_link": "#9e9e9e",
         "platform_link": "#9467bd"}
PLATFORM_COLOUR = "#9467bd"


def sample_firms(model, size: int = SAMPLE, seed: int = 0) -> np.ndarray:
    """Rows of up to ``size`` firms of the 2020 population, grown breadth first from random ones.

    The sample is drawn with its own generator, so drawing never changes the model's random
    stream (the same seed gives the same run with or without the view).
    """
    rng = np.random.default_rng(seed)
    n0 = model.initial_firms
    adjacency = model.network.adjacency
    chosen: list[int] = []
    seen = np.zeros(adjacency.shape[0], dtype=bool)
    for start in rng.permutation(n0):
        if len(chosen) >= size:
            break
        if seen[start]:
            continue
        queue = [int(start)]
        seen[start] = True
        while queue and len(chosen) < size:
            row = queue.pop(0)
            chosen.append(row)
            neighbours = adjacency.indices[adjacency.indptr[row]:adjacency.indptr[row + 1]]
            for other in rng.permutation(neighbours[neighbours < n0]):
                if not seen[other]:
                    seen[other] = True
                    queue.append(int(other))
    return np.sort(np.asarray(chosen, dtype=np.int64))


def sample_links(model, rows: np.ndarray) -> dict[str, np.ndarray]:
    """The links among sampled firms, as (k, 2) arrays of sample positions, by kind of link."""
    f = model.firms
    where = {int(r): i for i, r in enumerate(rows)}
    sub = model.network.adjacency[rows][:, rows].tocoo()
    pairs = np.column_stack([sub.row, sub.col])
    pairs = pairs[pairs[:, 0] < pairs[:, 1]]
    supply = set()
    for i, r in enumerate(rows):
        for c in f.clients[r, :CLIENTS_PER_SUPPLIER]:
            if c >= 0 and int(c) in where:
                supply.add(tuple(sorted((i, where[int(c)]))))
    kinds = {"supply_link": [], "cluster_link": [], "sector_link": []}
    for a, b in pairs:
        if (a, b) in supply:
            kinds["supply_link"].append((a, b))
        elif f.cluster[rows[a]] and f.cluster[rows[b]]:
            kinds["cluster_link"].append((a, b))
        else:
            kinds["sector_link"].append((a, b))
    return {k: np.asarray(v, dtype=np.int64).reshape(-1, 2) for k, v in kinds.items()}


def firm_states(model, rows: np.ndarray) -> np.ndarray:
    """Index into :data:`STATES` of each sampled firm now."""
    f = model.firms
    state = np.where(f.adopted[rows], 1, 0)
    state = np.where(f.servitizing[rows], 2, state)
    state = np.where(f.servitized[rows], 3, state)
    # repair and installation firms sold services from the start: not a move into services
    state = np.where(f.servitized[rows] & f.service_intensive[rows], 4, state)
    return np.where(f.alive[rows], state, 5)


def platform_customers(model, rows: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """Per sampled firm, the platform row that serves it, or -1 (see the module's note)."""
    f, pl = model.firms, model.platforms
    live = np.flatnonzero(pl.alive[: pl.n])
    out = np.full(len(rows), -1, dtype=np.int64)
    shares = pl.market_share[live]
    if len(live) == 0 or shares.sum() <= 0:
        return out
    served = f.alive[rows] & (draws[:, 0] < f.platform_share[rows])
    cumulative = np.cumsum(shares) / shares.sum()
    pick = np.minimum(np.searchsorted(cumulative, draws[:, 1]), len(live) - 1)
    out[served] = live[pick[served]]
    return out


class NetworkFigure(LiveFigure):
    """The sampled firms and their links, the platforms and their customers.

    Args:
        model: the running model.
        lang: ``fr`` or ``en``.
        dark: the dark theme's colours.

    """

    def __init__(self, model, lang: str = "fr", dark: bool = False) -> None:
        with style(dark):
            super().__init__(1, 1, figsize=(9.0, 6.2))
            self._build(model, lang, dark)

    def _build(self, model, lang: str, dark: bool) -> None:
        self.lang, self.dark = lang, dark
        self.rows = sample_firms(model)
        self.links = sample_links(model, self.rows)
        graph = nx.Graph()
        graph.add_nodes_from(range(len(self.rows)))
        for pairs in self.links.values():
            graph.add_edges_from(map(tuple, pairs))
        layout = nx.spring_layout(graph, seed=1, k=1.6 / np.sqrt(max(len(self.rows), 1)))
        xy = np.array([layout[i] for i in range(len(self.rows))])
        span = np.ptp(xy, axis=0)
        self.xy = (xy - xy.min(axis=0)) / np.where(span > 0, span, 1.0)
        self.draws = np.random.default_rng(2).random((len(self.rows), 2))
        ax = self.axes[0]
        ax.set_axis_off()
        ax.set(xlim=(-0.05, 1.2), ylim=(-0.05, 1.05))
        for key in ("sector_link", "cluster_link", "supply_link"):
            segments = self.xy[self.links[key]]
            ax.add_collection(LineCollection(segments, colors=LINKS[key],
                                             lw=0.5 if key == "sector_link" else 1.2,
                                             alpha=0.5 if key == "sector_link" else 0.8))
        self.customer_lines = self.animate(ax.add_collection(
            LineCollection([], colors=LINKS["platform_link"], lw=0.8, alpha=0.6)))
        kind = model.firms.kind[self.rows]
        self.nodes = [self.animate(ax.scatter(self.xy[kind == k, 0], self.xy[kind == k, 1],
                                              s=36 if k < 2 else 70, marker=MARKERS[k],
                                              edgecolors=ink(dark), linewidths=0.4, zorder=3))
                      for k in range(3)]
        self.kind = kind
        self.platform_dots = self.animate(ax.scatter([], [], s=160, marker="D", zorder=4,
                                                     color=PLATFORM_COLOUR,
                                                     edgecolors=ink(dark)))
        self.title = self.animate(ax.text(0.0, 1.03, "", transform=ax.transAxes,
                                          fontsize=12, va="bottom"))
        kinds = KINDS[lang]
        handles = [Line2D([], [], ls="", marker=MARKERS[k], color="#bdbdbd",
                          markeredgecolor=ink(dark), label=kinds[k]) for k in range(3)]
        handles.append(Line2D([], [], ls="", marker="D", color=PLATFORM_COLOUR,
                              label=kinds[3]))
        handles += [Line2D([], [], ls="", marker="o", color=c, label=ft(k, lang))
                    for k, c in STATES]
        handles += [Line2D([], [], color=c, label=ft(k, lang)) for k, c in LINKS.items()]
        # kinds are told by marker shape, states by colour; the legend sits outside the nodes
        ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=10)
        # said under the drawing: it is a sample, not the region's firms
        lab = labels_for(lang)
        self.caption = ft("network_note", lang, n=lab.integer(len(self.rows)),
                          total=lab.integer(model.initial_firms))

    def frame(self, model) -> bytes:
        """Recolour firms by state, place the live platforms, link them to their customers."""
        colours = np.array([c for _, c in STATES])[firm_states(model, self.rows)]
        for k, nodes in enumerate(self.nodes):
            nodes.set_facecolor(colours[self.kind == k])
        pl = model.platforms
        live = np.flatnonzero(pl.alive[: pl.n])
        ys = np.linspace(0.9, 0.1, len(live)) if len(live) > 1 else np.full(len(live), 0.5)
        place = {int(r): (1.14, y) for r, y in zip(live, ys, strict=True)}
        self.platform_dots.set_offsets(np.array(list(place.values())).reshape(-1, 2))
        served = platform_customers(model, self.rows, self.draws)
        segments = [(self.xy[i], place[int(p)]) for i, p in enumerate(served) if p >= 0]
        self.customer_lines.set_segments(segments)
        self.title.set_text(ft("network_title", self.lang,
                               quarter=quarter_text(model, self.lang), p=len(live)))
        return self.image()
