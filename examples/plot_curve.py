#!/usr/bin/env python3
"""Learning curves of examples/train on Fashion-MNIST -> docs/learning_curve.png.

Runs examples/train twice with its defaults (--loss softmax, then --loss svm)
on an MNIST-format directory, or reads the saved output of such runs, parses
the per-epoch progress lines and the final test_accuracy line, and draws

  left:  the training loss per epoch (the mean over the epoch's minibatches;
         cross-entropy for softmax, multiclass hinge for the SVM: two
         different losses, each on its own axis),
  right: the training and validation accuracy per epoch, with the final test
         accuracy of each model marked at its last epoch.

Reproduce docs/learning_curve.png from the repository root (Debian: apt-get
install meson ninja-build zlib1g-dev dataset-fashion-mnist python3-matplotlib):

  meson setup build -Dbuildtype=release -Dtests=disabled -Dbenchmarks=disabled
  ninja -C build examples/train
  python3 examples/plot_curve.py
      [--train build/examples/train] [--data /usr/share/datasets/fashion-mnist]
      [--out docs/learning_curve.png] [--save-logs DIR]

or, from saved output (e.g. `build/examples/train --data DIR > softmax.txt`):

  python3 examples/plot_curve.py --from-logs softmax.txt svm.txt

Arguments after `--` go to both training runs (e.g. -- --epochs 10); the
committed plot is the default run that the README quotes.
"""

import argparse
import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# scripts/train.sh builds into $LINLOSS_BUILD_DIR, default build/.
DEFAULT_TRAIN = os.path.join(REPO, os.environ.get("LINLOSS_BUILD_DIR", "build"),
                             "examples", "train")
DEFAULT_DATA = "/usr/share/datasets/fashion-mnist"
DEFAULT_OUT = os.path.join(REPO, "docs", "learning_curve.png")
LOSSES = ("softmax", "svm")

# The lines train.c prints, e.g.
#   model: softmax, W 784 x 10 + bias; batch 200, epochs 5, ..., threads 1, backend avx512
#   epoch   1/5  loss 0.5057  train_acc 0.8560  val_acc 0.8474  lr 0.0453  time   0.08s    695636 samples/s
#   test_accuracy=0.8486 train_seconds=0.283
RE_MODEL = re.compile(r"^model: (\w+),.*\bthreads (\d+), backend (\S+)\s*$")
RE_EPOCH = re.compile(
    r"^epoch\s+(\d+)/(\d+)\s+loss\s+(\S+)\s+train_acc\s+(\S+)\s+val_acc\s+(\S+)"
    r"\s+lr\s+(\S+)\s+time\s+(\S+)s\s+(\S+)\s+samples/s\s*$")
RE_FINAL = re.compile(r"^test_accuracy=(\S+)\s+train_seconds=(\S+)\s*$")


def parse(text, name):
    """The run in train's output `text`: a dict of lists per epoch and the
    final figures. Raises ValueError when the output is not a complete run."""
    run = {"loss_name": None, "threads": None, "backend": None, "epoch": [],
           "loss": [], "train_acc": [], "val_acc": [], "time": [],
           "test_accuracy": None, "train_seconds": None}
    for line in text.splitlines():
        m = RE_MODEL.match(line)
        if m:
            run["loss_name"], run["backend"] = m.group(1), m.group(3)
            run["threads"] = int(m.group(2))
            continue
        m = RE_EPOCH.match(line)
        if m:
            run["epoch"].append(int(m.group(1)))
            run["loss"].append(float(m.group(3)))
            run["train_acc"].append(float(m.group(4)))
            val = m.group(5)
            run["val_acc"].append(float("nan") if val == "-" else float(val))
            run["time"].append(float(m.group(7)))
            continue
        m = RE_FINAL.match(line)
        if m:
            run["test_accuracy"] = float(m.group(1))
            run["train_seconds"] = float(m.group(2))
    if not run["epoch"] or run["test_accuracy"] is None:
        raise ValueError("%s: no epoch lines or no test_accuracy line: not the "
                         "output of a complete examples/train run" % name)
    return run


def run_train(train, data, loss, extra, save_dir):
    cmd = [train, "--data", data, "--loss", loss] + extra
    print("running:", " ".join(cmd), file=sys.stderr)
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, check=False)
    except OSError as e:
        sys.exit("plot_curve: cannot run %s: %s\n(build it: meson setup build "
                 "-Dbuildtype=release && ninja -C build examples/train, or "
                 "pass --train PATH)" % (train, e.strerror))
    if p.returncode != 0:
        sys.exit("plot_curve: %s exited with status %d:\n%s"
                 % (" ".join(cmd), p.returncode, p.stderr.strip()))
    sys.stderr.write(p.stdout)
    if save_dir:
        os.makedirs(save_dir, exist_ok=True)
        with open(os.path.join(save_dir, loss + ".txt"), "w") as f:
            f.write(p.stdout)
    return p.stdout


def import_pyplot():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        sys.exit("plot_curve: %s: this script needs matplotlib (Debian: apt-get "
                 "install python3-matplotlib)" % e)
    return plt


def plot(runs, out, title):
    plt = import_pyplot()
    from matplotlib.ticker import MaxNLocator

    colors = {"softmax": "#1f77b4", "svm": "#d62728"}
    labels = {"softmax": "softmax (cross-entropy)", "svm": "SVM (multiclass hinge)"}
    fig, (ax_l, ax_a) = plt.subplots(1, 2, figsize=(10, 4.2), dpi=100)

    # Left: the two losses are different functions, so each gets its own y axis.
    ax_r = ax_l.twinx()
    handles = []
    for loss, ax in (("softmax", ax_l), ("svm", ax_r)):
        r = runs[loss]
        h, = ax.plot(r["epoch"], r["loss"], "o-", color=colors[loss],
                     label=labels[loss])
        handles.append(h)
        ax.set_ylabel("%s training loss" % loss, color=colors[loss])
        ax.tick_params(axis="y", colors=colors[loss])
    ax_l.set_xlabel("epoch")
    ax_l.set_title("training loss (mean over the epoch's minibatches)",
                   fontsize=10)
    ax_l.legend(handles=handles, loc="upper right", fontsize=9)
    ax_l.grid(alpha=0.3)

    # Right: accuracies, test accuracy marked at the last epoch.
    for loss in LOSSES:
        r = runs[loss]
        c = colors[loss]
        ax_a.plot(r["epoch"], r["train_acc"], "o--", color=c, alpha=0.6,
                  label="%s train" % loss)
        ax_a.plot(r["epoch"], r["val_acc"], "s-", color=c,
                  label="%s validation" % loss)
        x, y = r["epoch"][-1], r["test_accuracy"]
        ax_a.plot([x], [y], "*", color=c, markersize=15, markeredgecolor="black",
                  label="%s test %.4f" % (loss, y))
        ax_a.annotate("test %.4f\ntrained in %.2f s" % (y, r["train_seconds"]), (x, y),
                      xytext=(10, -4 if loss == "softmax" else -22),
                      textcoords="offset points", fontsize=9, color=c,
                      va="center")
    ax_a.set_xlabel("epoch")
    ax_a.set_ylabel("accuracy")
    ax_a.set_title("accuracy (train: on 5000 training images)", fontsize=10)
    ax_a.grid(alpha=0.3)
    ax_a.legend(fontsize=8, loc="lower right", ncol=2)
    last = max(max(runs[l]["epoch"]) for l in LOSSES)
    ax_a.set_xlim(0.7, last + 1.8)
    lo = min(min(min(runs[l]["val_acc"]), min(runs[l]["train_acc"]),
                 runs[l]["test_accuracy"]) for l in LOSSES)
    hi = max(max(max(runs[l]["val_acc"]), max(runs[l]["train_acc"]),
                 runs[l]["test_accuracy"]) for l in LOSSES)
    ax_a.set_ylim(lo - 0.02, hi + 0.005)
    for ax in (ax_l, ax_a):
        if last <= 12:
            ax.set_xticks(range(1, last + 1))
        else:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_l.set_xlim(0.7, last + 0.3)

    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    d = os.path.dirname(os.path.abspath(out))
    os.makedirs(d, exist_ok=True)
    # No Software/date metadata: the file depends only on the runs.
    fig.savefig(out, dpi=100, metadata={"Software": None})
    plt.close(fig)


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        k = argv.index("--")
        argv, extra = argv[:k], argv[k + 1:]
    ap = argparse.ArgumentParser(
        description="Plot the learning curves of examples/train (softmax and "
        "SVM) on Fashion-MNIST. Arguments after -- go to both training runs.")
    ap.add_argument("--train", default=DEFAULT_TRAIN,
                    help="the examples/train binary (default: build/examples/train "
                    "in the repository, or $LINLOSS_BUILD_DIR/examples/train)")
    ap.add_argument("--data", default=DEFAULT_DATA,
                    help="the MNIST-format directory (default: %(default)s, "
                    "Debian's dataset-fashion-mnist)")
    ap.add_argument("--out", default=DEFAULT_OUT,
                    help="the PNG to write (default: docs/learning_curve.png in "
                    "the repository)")
    ap.add_argument("--from-logs", nargs=2, metavar=("SOFTMAX_LOG", "SVM_LOG"),
                    help="read the saved output of the two runs instead of "
                    "running train")
    ap.add_argument("--save-logs", metavar="DIR",
                    help="also write each run's output to DIR/softmax.txt and "
                    "DIR/svm.txt")
    ap.add_argument("--title", default=None, help="the figure title")
    a = ap.parse_args(argv)
    import_pyplot()  # fail before the trainings, not after

    runs = {}
    for i, loss in enumerate(LOSSES):
        if a.from_logs:
            name = a.from_logs[i]
            try:
                with open(name) as f:
                    text = f.read()
            except OSError as e:
                sys.exit("plot_curve: cannot read %s: %s" % (name, e.strerror))
        else:
            name = "%s --loss %s" % (a.train, loss)
            text = run_train(a.train, a.data, loss, extra, a.save_logs)
        try:
            runs[loss] = parse(text, name)
        except ValueError as e:
            sys.exit("plot_curve: %s" % e)
        if runs[loss]["loss_name"] not in (None, loss):
            sys.exit("plot_curve: %s is a %s run, expected %s"
                     % (name, runs[loss]["loss_name"], loss))

    backend = runs["softmax"]["backend"] or "?"
    threads = runs["softmax"]["threads"]
    settings = " ".join(extra) if extra else "default settings"
    title = a.title or ("linloss examples/train on Fashion-MNIST (%s, "
                        "%s thread%s, %s backend)"
                        % (settings, threads if threads else "?",
                           "" if threads == 1 else "s", backend))
    plot(runs, a.out, title)
    for loss in LOSSES:
        r = runs[loss]
        print("%-7s epochs %d  test_accuracy=%.4f train_seconds=%.3f"
              % (loss, r["epoch"][-1], r["test_accuracy"], r["train_seconds"]))
    print("wrote %s (%d bytes)" % (a.out, os.path.getsize(a.out)))


if __name__ == "__main__":
    main()
