"""PNG plots of a bench/run result (bench/report.py draws them with Debian's matplotlib).

- A line plot per group of figures measured at several connection counts (throughput or
  latency against connections) or core counts (the scaling suite): the system, its peer and
  its ceiling (dashed), error bars from min to max.
- A bar chart per suite and unit for the figures measured at one point: the system, its
  peer and the ceiling side by side, error bars from min to max.
"""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLORS = {"system": "#1f77b4", "peer": "#ff7f0e", "ceiling": "#7f7f7f"}
OTHER_COLORS = ("#ffbb78", "#2ca02c", "#9467bd")


def _errors(stats_list):
    lows = [s["median"] - s["min"] if s else 0 for s in stats_list]
    highs = [s["max"] - s["median"] if s else 0 for s in stats_list]
    return [lows, highs]


def _sweep(figures, path, key):
    figures = sorted(figures, key=lambda f: f["x"][key])
    xs = [f["x"][key] for f in figures]
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for role, color in (("value", "system"), ("peer", "peer"), ("ceiling", "ceiling")):
        series = [f[role] for f in figures]
        if not any(series):
            continue
        named = next(f for f in figures if f[role])
        name = named["system"] if role == "value" else named[role]["name"]
        ys = [s["median"] if s else float("nan") for s in series]
        ax.errorbar(xs, ys, yerr=_errors(series), marker="o", capsize=3, label=name,
                    color=COLORS[color], linestyle="--" if role == "ceiling" else "-")
    first = figures[0]
    if key == "connections":
        ax.set_xscale("log")
    else:
        ax.set_xticks(xs)
    ax.set_xlabel("reactor cores" if key == "cores" else key)
    ax.set_ylabel(first["unit"])
    ax.set_title(first["title"], fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _bars(figures, path):
    # (label, stats per figure, color): the system, its peer, the other peers, the ceiling.
    label = lambda role: " / ".join(sorted({f["system"] if role == "value" else f[role]["name"]
                                            for f in figures if f[role]}))
    bars = [(label(role), [f[role] for f in figures], COLORS[color])
            for role, color in (("value", "system"), ("peer", "peer"))]
    others = sorted({name for f in figures for name, s in f["others"].items() if s})
    bars += [(name, [f["others"].get(name) for f in figures], OTHER_COLORS[i % 3])
             for i, name in enumerate(others)]
    bars.append((label("ceiling"), [f["ceiling"] for f in figures], COLORS["ceiling"]))
    bars = [b for b in bars if any(b[1])]
    width = 0.8 / len(bars)
    fig, ax = plt.subplots(figsize=(max(5, 1.2 * len(figures) + 2), 3.8))
    for i, (name, series, color) in enumerate(bars):
        xs = [j + (i - (len(bars) - 1) / 2) * width for j in range(len(figures))]
        ys = [s["median"] if s else 0 for s in series]
        ax.bar(xs, ys, width, yerr=_errors(series), capsize=3, color=color, label=name)
    ax.set_xticks(range(len(figures)))
    ax.set_xticklabels([f["name"].split(".", 1)[1] for f in figures], rotation=30, ha="right",
                       fontsize=7)
    ax.set_ylabel(figures[0]["unit"] + (" (lower is better)" if figures[0]["better"] == "lower"
                                        else " (higher is better)"))
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def draw(result, directory):
    """Draws every plot of RESULT into DIRECTORY; returns [(suite, title, file name)]."""
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        if name.endswith(".png"):
            os.remove(os.path.join(directory, name))
    drawn = []
    groups, single = {}, {}
    for f in result["figures"]:
        f.setdefault("chart", f"{f['suite']}_{f['unit'].replace('/', '_per_')}")
        if not (f["value"] or f["peer"]):
            continue
        if f["x"]:
            groups.setdefault(f["group"], []).append(f)
        else:
            single.setdefault((f["suite"], f["chart"]), []).append(f)
    for group, figures in groups.items():
        key = next(iter(figures[0]["x"]))  # connections, or cores in the scaling suite
        if len({f["x"].get(key) for f in figures}) < 2:
            single.setdefault((figures[0]["suite"], figures[0]["chart"]), []).extend(figures)
            continue
        file = group.replace("+", "p").replace(".", "_") + ".png"
        _sweep(figures, os.path.join(directory, file), key)
        against = "reactor cores" if key == "cores" else key
        drawn.append((figures[0]["suite"], f"{figures[0]['title']} against {against}", file))
    for (suite, chart), figures in single.items():
        _bars(figures, os.path.join(directory, chart + ".png"))
        drawn.append((suite, f"{chart}: {figures[0]['unit']}", chart + ".png"))
    return drawn
