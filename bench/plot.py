#!/usr/bin/python3
"""Render a linloss_bench run (Google Benchmark JSON) into a plot and Markdown tables.

    /usr/bin/python3 bench/plot.py docs/bench.json [-o docs/bench.png] [--md FILE]

Reads the JSON that `linloss_bench --benchmark_out=FILE --benchmark_out_format=json`
(or `--benchmark_format=json` on stdout) writes. For every benchmark it takes the
median aggregate when the run has repetitions, else the median of the runs it
finds. Writes the plot (GFLOP/s of every implementation on the key shapes, the
C and D sweeps, ns per score at score level) and prints Markdown tables of the
ratios linloss.h / OpenBLAS two-pass, with the targets of issue 4.

Needs numpy and matplotlib: Debian's python3-numpy and python3-matplotlib, hence
/usr/bin/python3 rather than whatever `python3` is first on PATH.
"""
import argparse
import json
import os
import re
import statistics
import sys

NAME_RE = re.compile(
    r"^(?P<loss>svm|softmax|exp)(?P<scores>_scores)?/(?P<impl>[a-z0-9]+)/N:(?P<n>\d+)"
    r"(?:/D:(?P<d>\d+))?/C:(?P<c>\d+)(?P<cd>/W:CD)?(?P<f64>/f64)?(?:/repeats:\d+)?$")

THREADS_RE = re.compile(
    r"^threads/(?P<loss>svm|softmax)/(?P<impl>[a-z0-9]+)/N:(?P<n>\d+)/D:(?P<d>\d+)/C:(?P<c>\d+)"
    r"/T:(?P<t>\d+)(?:/repeats:\d+)?(?:/real_time)?$")

PAIR_RE = re.compile(
    r"^(?P<kind>pair|layouts)/(?P<loss>svm|softmax)/(?P<impl>[a-z0-9]+)/N:(?P<n>\d+)/D:(?P<d>\d+)/C:(?P<c>\d+)"
    r"(?P<cd>/W:CD)?(?:/repeats:\d+)?$")

O2_RE = re.compile(
    r"^O2/(?P<loss>svm|softmax)(?P<scores>_scores)?/(?P<impl>[a-z0-9]+)/N:(?P<n>\d+)(?:/D:(?P<d>\d+))?"
    r"/C:(?P<c>\d+)(?:/repeats:\d+)?$")

BACKENDS = ["scalar", "simde", "neon", "avx2", "avx512"]  # linloss.h, slowest first
BLAS = ["openblas", "cblas"]
ORDER = ["naive", "twopass"] + BLAS + BACKENDS
COLORS = {
    "naive": "#b0b0b0", "twopass": "#e69f00", "openblas": "#d62728", "cblas": "#d62728",
    "scalar": "#8c564b", "simde": "#bcbd22", "neon": "#2ca02c", "avx2": "#1f77b4",
    "avx512": "#9467bd",
}
LABELS = {"openblas": "OpenBLAS two-pass", "cblas": "CBLAS two-pass", "naive": "naive loops",
          "twopass": "two-pass loss pass (C loops)"}

KEY_SHAPES = [(500, 3073, 10), (256, 785, 10), (4096, 3073, 10), (256, 2048, 1000),
              (64, 65, 10), (2048, 512, 2)]
SHAPE_NOTE = {(500, 3073, 10): "CIFAR-10 dev", (256, 785, 10): "MNIST",
              (4096, 3073, 10): "X > caches", (256, 2048, 1000): "ImageNet head",
              (64, 65, 10): "tiny", (2048, 512, 2): "C = 2"}
# Issue 4's targets, OpenBLAS two-pass = 1 (f32, one thread).
FUSED_TARGETS = {
    (500, 3073, 10): {"avx2": 1.7, "avx512": 2.8}, (256, 785, 10): {"avx2": 1.7},
    (4096, 3073, 10): {"avx2": 1.7}, (256, 2048, 1000): {"avx2": 1.0},
    (64, 65, 10): {"avx2": 2.0}, (2048, 512, 2): {"avx2": 2.0},
}
# Score level, best backend, ns per element: {loss: {C: target}}.
SCORE_TARGETS = {"softmax": {10: 1.0, 100: 0.3, 1000: 0.3, 32000: 0.5},
                 "svm": {10: 0.6, 100: 0.2, 1000: 0.2, 32000: 0.5}}


def load(paths):
    """{key: record} with key = (kind, loss, impl, n, d, c, layout, dtype)."""
    runs, aggregates, context = {}, {}, {}
    for path in paths:
        with open(path) as f:
            doc = json.load(f)
        context.update(doc.get("context", {}))
        for b in doc.get("benchmarks", []):
            if b.get("error_occurred"):
                continue
            m = NAME_RE.match(b.get("run_name", b["name"]))
            if not m:
                continue
            g = m.groupdict()
            key = ("scores" if g["scores"] else "fused", g["loss"], g["impl"], int(g["n"]),
                   int(g["d"]) if g["d"] else 0, int(g["c"]), "CD" if g["cd"] else "DC",
                   "f64" if g["f64"] else "f32")
            if b.get("run_type") == "aggregate":
                if b.get("aggregate_name") == "median":
                    aggregates[key] = b
            else:
                runs.setdefault(key, []).append(b)
    fields = ("flops", "peak_frac", "max_rel_err", "ns_per_elem", "real_time", "cpu_time")
    out = {}
    for key in set(runs) | set(aggregates):
        if key in aggregates:
            b = aggregates[key]
            rec = {k: b[k] for k in fields if k in b}
            rec["time_unit"] = b.get("time_unit", "ns")
            rec["reps"] = b.get("repetitions", 1)
        else:
            rs = runs[key]
            rec = {k: statistics.median(r[k] for r in rs) for k in fields if k in rs[0]}
            rec["time_unit"] = rs[0].get("time_unit", "ns")
            rec["reps"] = len(rs)
        out[key] = rec
    return out, context


def impls_of(data, kind):
    present = {k[2] for k in data if k[0] == kind}
    return [i for i in ORDER if i in present] + sorted(present - set(ORDER))


def gflops(rec):
    return rec["flops"] * 1e-9 if rec and "flops" in rec else None


def cpu_us(rec):
    scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}[rec.get("time_unit", "ns")]
    return rec["cpu_time"] * scale


def is_right(key, rec):
    """max_rel_err within float rounding (1e-4 f32, 1e-10 f64), or not measured."""
    return rec.get("max_rel_err", 0) <= (1e-10 if key[7] == "f64" else 1e-4)


def name_of(k):
    return (f"{k[1]}{'_scores' if k[0] == 'scores' else ''}/{k[2]}/N:{k[3]}"
            + (f"/D:{k[4]}" if k[4] else "") + f"/C:{k[5]}"
            + ("/W:CD" if k[6] == "CD" else "") + ("/f64" if k[7] == "f64" else ""))


def fmt_time(us):
    return f"{us:.1f} µs" if us < 1000 else f"{us / 1000:.2f} ms"


def shape_label(n, d, c):
    return f"{n}×{d}×{c}"


def peaks(context):
    """{isa: (f32 GFLOP/s, f64 GFLOP/s)} from the run's context."""
    out = {}
    for k, v in context.items():
        if k.startswith("peak_gflops_"):
            m = re.match(r"\s*([\d.]+) f32, ([\d.]+) f64", v)
            if m:
                out[k[len("peak_gflops_"):]] = (float(m.group(1)), float(m.group(2)))
    return out


def blas_name(data):
    for b in BLAS:
        if any(k[2] == b for k in data):
            return b
    return None


# ------------------------------------------------------------------ tables

def fused_rows(data):
    """The shapes of the fused tables: key shapes DC, their C = 10 CD twins, f64."""
    rows = []
    for layout, dtype in (("DC", "f32"), ("CD", "f32"), ("DC", "f64")):
        for (n, d, c) in KEY_SHAPES:
            if any(k[:1] == ("fused",) and k[3:] == (n, d, c, layout, dtype) for k in data):
                rows.append((n, d, c, layout, dtype))
    return rows


def markdown(data, context):
    lines = []
    blas = blas_name(data)
    impls = [i for i in impls_of(data, "fused") if i not in BLAS]
    backends = [i for i in impls if i in BACKENDS]
    pk = peaks(context)
    lines.append("Machine: " + ", ".join(
        x for x in [context.get("host_name", "?"),
                    f"{context.get('num_cpus', '?')} CPUs at {context.get('mhz_per_cpu', '?')} MHz",
                    "measured FMA peak per core: " + ", ".join(
                        f"{isa} {v[0]:.0f} GFLOP/s f32" for isa, v in sorted(pk.items())),
                    context.get("blas", "")] if x))
    lines.append("")
    lines.append("Fused loss + dW + db (λ = 1e-3), GFLOP/s = 4·N·D·C / CPU time, one thread, "
                 "median of the repetitions; (×) = ratio to the "
                 f"{LABELS.get(blas, 'BLAS two-pass') if blas else 'BLAS two-pass'}.")
    lines.append("")
    head = ["shape (N, D, C)", "W", "type", "loss", LABELS.get(blas, "two-pass") if blas else None]
    head = [h for h in head if h] + impls + ["best / two-pass", "target (issue 4)"]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "|".join("---" for _ in head) + "|")
    for (n, d, c, layout, dtype) in fused_rows(data):
        for loss in ("svm", "softmax"):
            def rec(impl):
                return data.get(("fused", loss, impl, n, d, c, layout, dtype))
            base = gflops(rec(blas)) if blas else None
            note = SHAPE_NOTE.get((n, d, c), "")
            cells = [f"{n}, {d}, {c}" + (f" ({note})" if note else ""), layout, dtype, loss]
            if blas:
                r = rec(blas)
                cells.append(f"{base:.1f} ({fmt_time(cpu_us(r))})" if base else "–")
            best = None
            for impl in impls:
                g = gflops(rec(impl))
                if g is None:
                    cells.append("–")
                    continue
                cells.append(f"{g:.1f}" + (f" ({g / base:.2f}×)" if base else "")
                             + ("" if is_right(("fused", loss, impl, n, d, c, layout, dtype),
                                               rec(impl)) else " ⚠"))
                if impl in backends and (best is None or g > best[1]):
                    best = (impl, g)
            if best and base:
                cells.append(f"**{best[1] / base:.2f}×** ({best[0]})")
            else:
                cells.append("–")
            tgt = []
            if dtype == "f32" and base:
                for impl, t in FUSED_TARGETS.get((n, d, c), {}).items():
                    g = gflops(rec(impl))
                    if g is not None:
                        tgt.append(f"{impl} ≥ {t:g}× {'✓' if g / base >= t else '✗'}")
            cells.append(", ".join(tgt) if tgt else "")
            lines.append("| " + " | ".join(cells) + " |")

    # W layouts side by side, vector backends
    vec = [b for b in backends if b not in ("scalar", "simde")]
    lay = []
    for (n, d, c) in KEY_SHAPES:
        for loss in ("svm", "softmax"):
            cells = []
            for impl in vec:
                a = gflops(data.get(("fused", loss, impl, n, d, c, "DC", "f32")))
                b = gflops(data.get(("fused", loss, impl, n, d, c, "CD", "f32")))
                if a and b:
                    cells.append(f"{a:.1f} / {b:.1f} = {b / a:.2f}")
                else:
                    cells.append("–")
            if any(x != "–" for x in cells):
                lay.append(f"| {n}, {d}, {c} | {loss} | " + " | ".join(cells) + " |")
    if lay:
        lines += ["", "W layouts, from the runs above (not paired; the target is checked on the paired "
                  "ratios below): GFLOP/s with W as D×C / as C×D = ratio.",
                  "", "| shape (N, D, C) | loss | " + " | ".join(vec) + " |",
                  "|---|---|" + "|".join("---" for _ in vec) + "|"] + lay

    # score level
    simpls = impls_of(data, "scores")
    sbackends = [i for i in simpls if i in BACKENDS]
    shapes = sorted({(k[3], k[5]) for k in data if k[0] == "scores"}, key=lambda s: s[1])
    if shapes:
        lines += ["", "Score level (loss + dS from an N×C score matrix, dS a separate array), "
                  "CPU ns per score, median; exp: the softmax's vector exp alone over the same "
                  "scores (dS = e^S), one pass the softmax makes at least:", ""]
        head = ["C", "N", "loss"] + simpls + ["best", "target (issue 4)"]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "|".join("---" for _ in head) + "|")
        for (n, c) in shapes:
            for loss in ("svm", "softmax", "exp"):
                if not any(("scores", loss, i, n, 0, c, "DC", "f32") in data for i in simpls):
                    continue
                cells = [str(c), str(n), loss]
                best = None
                for impl in simpls:
                    r = data.get(("scores", loss, impl, n, 0, c, "DC", "f32"))
                    if not r or "ns_per_elem" not in r:
                        cells.append("–")
                        continue
                    v = r["ns_per_elem"]
                    cells.append(f"{v:.2f}" + ("" if is_right(("scores", loss, impl, n, 0, c, "DC", "f32"), r)
                                               else " ⚠"))
                    if impl in sbackends and (best is None or v < best[1]):
                        best = (impl, v)
                cells.append(f"**{best[1]:.2f}** ({best[0]})" if best else "–")
                t = SCORE_TARGETS.get(loss, {}).get(c)
                cells.append(f"≤ {t:g} {'✓' if best and best[1] <= t else '✗'}" if t else "")
                lines.append("| " + " | ".join(cells) + " |")

    # accuracy
    errs = {}
    for k, r in data.items():
        if "max_rel_err" in r and k[2] in BACKENDS:
            kk = (k[0], k[7])
            errs[kk] = max(errs.get(kk, 0.0), r["max_rel_err"])
    if errs:
        lines += ["", "Largest max_rel_err of any linloss.h backend against the float64 "
                  "reference: " + ", ".join(f"{kind} {dt} {v:.1e}"
                                            for (kind, dt), v in sorted(errs.items())) + "."]
    wrong = {}
    for k, r in data.items():
        if not is_right(k, r):
            g = (k[0], k[1], k[2])
            wrong.setdefault(g, []).append((r["max_rel_err"], name_of(k)))
    if wrong:
        lines += ["", "**WRONG RESULTS** (⚠: max_rel_err above 1e-4 in f32, 1e-10 in f64):"]
        for g, v in sorted(wrong.items()):
            worst = max(v)
            lines.append(f"- {g[1]}{'_scores' if g[0] == 'scores' else ''}/{g[2]}: {len(v)} "
                         f"benchmark(s), worst {worst[1]} ({worst[0]:.2g})")
    return "\n".join(lines)


def load_medians(paths, pattern, key_of, value_of):
    """{key_of(match): median of value_of(benchmark)} of the benchmarks whose
    name matches pattern: the median aggregate when the run has one, else the
    median of the runs."""
    runs, med = {}, {}
    for path in paths:
        with open(path) as f:
            doc = json.load(f)
        for b in doc.get("benchmarks", []):
            m = pattern.match(b.get("run_name", b["name"]))
            if not m or b.get("error_occurred"):
                continue
            v = value_of(b)
            if v is None:
                continue
            key = key_of(m.groupdict())
            if b.get("run_type") == "aggregate":
                if b.get("aggregate_name") == "median":
                    med[key] = v
            else:
                runs.setdefault(key, []).append(v)
    for key, v in runs.items():
        med.setdefault(key, statistics.median(v))
    return med


def load_threads(paths):
    """{(loss, impl, n, d, c, threads): (µs on one thread, µs on threads, speedup)}
    of the threads/ benchmarks (medians), the two calls made in turn in one loop,
    wall time."""
    def med(field):
        return load_medians(
            paths, THREADS_RE,
            lambda g: (g["loss"], g["impl"], int(g["n"]), int(g["d"]), int(g["c"]), int(g["t"])),
            lambda b: b.get(field))
    one, many, ratio = med("other_us"), med("us"), med("ratio")
    return {k: (one[k], many[k], ratio[k]) for k in ratio if k in one and k in many}


def threads_markdown(th):
    """The speedup of T threads over one (issue 8: >= 1.7x with 2 threads at
    4096 x 3073 x 10, no slowdown at 64 x 65 x 10)."""
    if not th:
        return ""
    ts = sorted({k[5] for k in th})
    lines = ["", "", "Threads (OpenMP, `options.threads`), paired: the call on T threads and on one made in "
             "turn in one loop, wall time, median; speedup = the median of the ratios:", "",
             "| shape (N, D, C) | loss | backend | 1 thread | " +
             " | ".join(f"{t} threads" for t in ts) + " | target (issue 8) |",
             "|---|---|---|---|" + "|".join("---" for _ in ts) + "|---|"]
    for (n, d, c) in sorted({k[2:5] for k in th}, reverse=True):
        for loss in ("svm", "softmax"):
            for impl in [i for i in BACKENDS if any(k[:5] == (loss, i, n, d, c) for k in th)]:
                cells, one, sp2 = [], None, None
                for t in ts:
                    v = th.get((loss, impl, n, d, c, t))
                    cells.append(f"{fmt_time(v[1])} ({v[2]:.2f}×)" if v else "–")
                    if v:
                        one = one or v[0]
                        sp2 = v[2] if t == 2 else sp2
                if (n, d, c) == (4096, 3073, 10):
                    tgt = f"≥ 1.7× {'✓' if sp2 and sp2 >= 1.7 else '✗'}"
                elif n <= 64:
                    tgt = f"no slowdown {'✓' if sp2 and sp2 >= 0.95 else '✗'}"
                else:
                    tgt = ""
                lines.append(f"| {n}, {d}, {c} | {loss} | {impl} | {fmt_time(one)} | " + " | ".join(cells)
                             + f" | {tgt} |")
    return "\n".join(lines)


def load_pairs(paths):
    """{(kind, loss, impl, n, d, c, layout): ratio} of the paired benchmarks
    (medians), the two calls made in turn in one loop: kind "pair", BLAS time /
    backend time with W in layout; kind "layouts", time with W as D×C / time
    with W as C×D."""
    return load_medians(
        paths, PAIR_RE,
        lambda g: (g["kind"], g["loss"], g["impl"], int(g["n"]), int(g["d"]), int(g["c"]),
                   "CD" if g["cd"] or g["kind"] == "layouts" else "DC"),
        lambda b: b.get("ratio"))


def paired_table(pr, kind, intro, verdict):
    """The rows of one kind of pr, a column per backend, verdict(ratio, impl,
    shape) giving each cell's mark and the targets' column."""
    pr = {k[1:]: v for k, v in pr.items() if k[0] == kind}
    if not pr:
        return ""
    impls = [i for i in BACKENDS if any(k[1] == i for k in pr)]
    lines = ["", "", intro, "",
             "| shape (N, D, C) | W | loss | " + " | ".join(impls) + " | target (issue 4) |",
             "|---|---|---|" + "|".join("---" for _ in impls) + "|---|"]
    for (n, d, c) in KEY_SHAPES:
        for lay in ("DC", "CD"):
            for loss in ("svm", "softmax"):
                if not any((loss, i, n, d, c, lay) in pr for i in impls):
                    continue
                cells, tg = [], []
                for i in impls:
                    v = pr.get((loss, i, n, d, c, lay))
                    mark, target = verdict(v, i, (n, d, c)) if v else ("", "")
                    cells.append(f"{v:.2f}{mark}" if v else "–")
                    if target:
                        tg.append(target)
                lines.append(f"| {n}, {d}, {c} ({SHAPE_NOTE[(n, d, c)]}) | {lay} | {loss} | " + " | ".join(cells)
                             + f" | {', '.join(tg)} |")
    return "\n".join(lines)


def pairs_markdown(pr):
    """The paired ratios against issue 4's fused targets, and the two W
    layouts against its 10 %."""
    def fused(v, i, shape):
        t = FUSED_TARGETS.get(shape, {}).get(i)
        return "×", f"{i} ≥ {t:g}× {'✓' if v >= t else '✗'}" if t else ""

    def layouts(v, i, shape):
        ok = "✓" if abs(v - 1) <= 0.10 else "✗"
        return " " + ok, f"{i} {ok}"

    return (paired_table(pr, "pair", "Paired ratios: BLAS two-pass time / linloss.h time, the two calls made "
                         "in turn in one loop (so both meet the same load of a shared machine), median of the "
                         "repetitions:", fused)
            + paired_table(pr, "layouts", "W layouts, paired (target: within 10 %): speed with W as C×D / "
                           "speed with W as D×C, the two calls made in turn in one loop, median of the "
                           "repetitions:", layouts))


def o2_markdown(paths):
    """linloss.h built at -O2 against the same backend at the build's level
    (-O3 for release), paired: speed at -O2 / speed at -O3 (our bar: 0.9)."""
    pr = load_medians(paths, O2_RE,
                      lambda g: (g["loss"], g["impl"], int(g["n"]), int(g["d"] or 0), int(g["c"])),
                      lambda b: b.get("ratio"))
    if not pr:
        return ""
    impls = [i for i in BACKENDS if any(k[1] == i for k in pr)]
    lines = ["", "", "The header built at -O2 (as many projects build) against the same backend built at "
             "-O3 (this build's), paired: speed at -O2 / speed at -O3, median of the repetitions "
             "(✓: 0.9 or more):", "",
             "| shape (N, D, C) | loss | " + " | ".join(impls) + " |",
             "|---|---|" + "|".join("---" for _ in impls) + "|"]
    order = KEY_SHAPES + [(n, 0, c) for (n, c) in sorted({(k[2], k[4]) for k in pr if not k[3]}, key=lambda t: t[1])]
    for (n, d, c) in [t for t in order if any(k[2:] == t for k in pr)]:
        for loss in ("svm", "softmax"):
            cells = [pr.get((loss, i, n, d, c)) for i in impls]
            if not any(cells):
                continue
            shape = f"{n}, {d}, {c} ({SHAPE_NOTE[(n, d, c)]})" if d else f"{n}, –, {c} (scores)"
            lines.append(f"| {shape} | {loss} | " + " | ".join(
                f"{v:.2f} {'✓' if round(v, 2) >= 0.9 else '✗'}" if v else "–" for v in cells) + " |")
    return "\n".join(lines)


# -------------------------------------------------------------------- plot

def plot(data, context, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fused_impls = impls_of(data, "fused")
    score_impls = impls_of(data, "scores")
    pk = peaks(context)
    fig, axes = plt.subplots(4, 2, figsize=(15, 19))
    blas = blas_name(data)

    def peak_lines(ax):
        isas = [isa for isa in ("avx2", "avx512") if isa in pk]
        for isa, style in zip(isas, (":", "--")):
            ax.axhline(pk[isa][0], color="k", ls=style, lw=0.8)
        # one label per distinct peak (AVX2 and AVX-512 may measure the same)
        for v in sorted({round(pk[isa][0]) for isa in isas}):
            names = " = ".join(isa for isa in isas if round(pk[isa][0]) == v)
            ax.text(ax.get_xlim()[0], v * 1.04, f" {names} FMA peak {v:.0f}", fontsize=8, va="bottom")

    # row 0: key shapes, bars
    for col, loss in enumerate(("svm", "softmax")):
        ax = axes[0][col]
        shapes = [s for s in KEY_SHAPES
                  if any(k[:2] == ("fused", loss) and k[3:6] == s and k[6:] == ("DC", "f32")
                         for k in data)]
        w = 0.8 / max(1, len(fused_impls))
        x = np.arange(len(shapes))
        for i, impl in enumerate(fused_impls):
            vals = [gflops(data.get(("fused", loss, impl) + s + ("DC", "f32"))) or 0 for s in shapes]
            ax.bar(x + (i - (len(fused_impls) - 1) / 2) * w, vals, w, color=COLORS.get(impl),
                   label=LABELS.get(impl, impl), edgecolor="white", linewidth=0.3)
        if blas:  # ratio of the best backend above each group
            for j, s in enumerate(shapes):
                base = gflops(data.get(("fused", loss, blas) + s + ("DC", "f32")))
                best = max([gflops(data.get(("fused", loss, b) + s + ("DC", "f32"))) or 0
                            for b in BACKENDS] + [0])
                if base and best:
                    ax.text(j, best * 1.15, f"{best / base:.2f}×", ha="center", fontsize=9,
                            fontweight="bold")
        ax.set_yscale("log")
        ax.set_xticks(x)
        ax.set_xticklabels([f"{shape_label(*s)}\n{SHAPE_NOTE.get(s, '')}" for s in shapes],
                           fontsize=8)
        ax.set_ylabel("GFLOP/s (4·N·D·C / CPU time)")
        ax.set_title(f"{loss}: loss + dW + db, f32, W D×C (ratio: best linloss / "
                     f"{LABELS.get(blas, 'two-pass')})", fontsize=10)
        ax.set_ylim(bottom=1, top=max(v[0] for v in pk.values()) * 1.6 if pk else None)
        peak_lines(ax)
        ax.grid(axis="y", which="both", alpha=0.3)
        if col == 0 and ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8, loc="lower left", ncol=2)

    # rows 1-2: sweeps
    def sweep(ax, loss, pick, xname, title):
        xs = set()
        for impl in fused_impls:
            for layout, ls in (("DC", "-"), ("CD", "--")):
                pts = sorted((pick(k), gflops(r)) for k, r in data.items()
                             if k[:3] == ("fused", loss, impl) and k[6:] == (layout, "f32")
                             and pick(k) is not None)
                if len(pts) < 2:
                    continue
                ax.plot([p[0] for p in pts], [p[1] for p in pts], ls, marker="o", ms=3,
                        color=COLORS.get(impl),
                        label=LABELS.get(impl, impl) if layout == "DC" else None)
                xs.update(p[0] for p in pts)
        if any(k[:2] == ("fused", loss) and k[6] == "CD" and pick(k) is not None for k in data):
            ax.plot([], [], "k--", label="W C×D (solid: D×C)")
        ax.set_xscale("log")
        ax.set_xticks(sorted(xs))
        ax.set_xticklabels([str(x) for x in sorted(xs)])
        ax.minorticks_off()
        ax.set_yscale("log")
        ax.set_xlabel(xname)
        ax.set_ylabel("GFLOP/s")
        ax.set_title(title, fontsize=10)
        peak_lines(ax)
        ax.grid(which="both", alpha=0.3)

    for col, loss in enumerate(("svm", "softmax")):
        sweep(axes[1][col], loss,
              lambda k: k[5] if k[3] == 256 and k[4] == 1024 else None, "C (classes)",
              f"{loss}: sweep over C at N = 256, D = 1024")
        sweep(axes[2][col], loss,
              lambda k: k[4] if k[3] == 256 and k[5] == 10 and k[4] & (k[4] - 1) == 0 else None,
              "D (features)",
              f"{loss}: sweep over D at N = 256, C = 10 (dashed: W C×D)")
    for ax in (axes[1][0], axes[2][0]):
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8, ncol=2)

    # row 3: score level
    for col, loss in enumerate(("svm", "softmax")):
        ax = axes[3][col]
        # under the softmax, the vector exp alone over the same scores: its floor
        for what in (loss, "exp") if loss == "softmax" else (loss,):
            for impl in score_impls:
                pts = sorted((k[5], r["ns_per_elem"]) for k, r in data.items()
                             if k[:3] == ("scores", what, impl) and "ns_per_elem" in r)
                if pts:
                    style = (dict(marker="o", label=LABELS.get(impl, impl)) if what == loss
                             else dict(ls="--", marker=".", alpha=0.7, label=f"{impl}: exp alone"))
                    ax.plot([p[0] for p in pts], [p[1] for p in pts], ms=4, color=COLORS.get(impl), **style)
        tg = sorted(SCORE_TARGETS.get(loss, {}).items())
        if tg:
            ax.plot([t[0] for t in tg], [t[1] for t in tg], "k:", marker="_", ms=12,
                    label="target (issue 4)")
        cs = sorted({k[5] for k in data if k[:2] == ("scores", loss)})
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(cs)
        ax.set_xticklabels([str(c) for c in cs])
        ax.set_xlabel("C (N·C ≈ 2M scores)")
        ax.set_ylabel("CPU ns per score (lower is better)")
        ax.set_title(f"{loss} loss layer: loss + dS from scores, f32", fontsize=10)
        ax.grid(which="both", alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)

    fig.suptitle("linloss.h benchmark, one core: "
                 + ", ".join(x for x in [context.get("host_name"), context.get("date"),
                                         context.get("blas")] if x), fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    fig.savefig(out, dpi=80)
    print(f"wrote {out}", file=sys.stderr)


def wrong_pairs_markdown(paths):
    """The paired benchmarks (pair/, layouts/, threads/, O2/) whose results,
    either side's, were off the float64 reference (label WRONG)."""
    wrong = set()
    for path in paths:
        with open(path) as f:
            doc = json.load(f)
        for b in doc.get("benchmarks", []):
            name = b.get("run_name", b["name"])
            if any(r.match(name) for r in (PAIR_RE, O2_RE, THREADS_RE)) and \
                    b.get("label", "").startswith("WRONG"):
                wrong.add(re.sub(r"/repeats:\d+", "", name))
    if not wrong:
        return ""
    return "\n".join(["", "", "**WRONG RESULTS** in paired benchmarks (⚠: max_rel_err above 1e-4 "
                       "in f32, 1e-10 in f64, on either side):"] + [f"- {n}" for n in sorted(wrong)])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("json", nargs="+", help="Google Benchmark JSON output(s)")
    ap.add_argument("-o", "--output", default=os.path.join(here, "..", "docs", "bench.png"))
    ap.add_argument("--md", help="also write the Markdown tables to this file")
    ap.add_argument("--no-plot", action="store_true", help="tables only")
    args = ap.parse_args()
    data, context = load(args.json)
    paired = (pairs_markdown(load_pairs(args.json)) + threads_markdown(load_threads(args.json))
              + o2_markdown(args.json) + wrong_pairs_markdown(args.json))
    if not data and not paired:
        sys.exit("no linloss benchmarks in " + ", ".join(args.json))
    md = (markdown(data, context) if data else "") + paired
    print(md)
    if args.md:
        with open(args.md, "w") as f:
            f.write(md + "\n")
    if data and not args.no_plot:
        plot(data, context, args.output)


if __name__ == "__main__":
    main()
