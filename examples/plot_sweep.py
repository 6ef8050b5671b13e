#!/usr/bin/python3
"""Plots a dbsprog sweep: steady benefit and side-effect grade against amplitude, one line per
contact configuration, for one case, pulse width and frequency.

    python3 examples/plot_sweep.py results.csv [--case ID] [--pulse-width US] [--frequency HZ] [--out plot.png]

Uses Debian's python3-matplotlib (apt-get install python3-matplotlib); only the standard library
otherwise. Refused settings (status other than "ok") are left out of the plot.
"""
import argparse
import csv
import sys

# Side-effect grades run 0-4 (a programmer's clinical-effects map).
TOP_GRADE = 4
FIGURE_SIZE_IN = (8, 7)
DPI = 120


def read_sweep(path):
    """Rows of a sweep CSV as dicts; the '# dbsprog-sweep' first line is a comment."""
    with open(path, newline="", encoding="utf-8") as f:
        lines = (line for line in f if not line.startswith("#"))
        return list(csv.DictReader(lines))


def first(rows, key):
    return rows[0][key] if rows else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", help="CSV written by 'dbsprog sweep' or 'dbsprog merge'")
    parser.add_argument("--case", help="case id (default: the first in the file)")
    parser.add_argument("--pulse-width", type=float, help="pulse width, us (default: the first in the file)")
    parser.add_argument("--frequency", type=float, help="frequency, Hz (default: the first in the file)")
    parser.add_argument("--out", help="image to write (default: the CSV's name with .png)")
    args = parser.parse_args()

    try:
        import matplotlib

        matplotlib.use("Agg")  # files only: works on a headless node
        import matplotlib.pyplot as plt
    except ImportError:
        print("plot_sweep.py needs matplotlib: on Debian, apt-get install python3-matplotlib "
              "(then run it with /usr/bin/python3)", file=sys.stderr)
        return 1

    try:
        rows = [r for r in read_sweep(args.csv) if r["status"] == "ok"]
    except (OSError, KeyError) as e:
        print(f"{args.csv}: cannot read a sweep CSV ({e})", file=sys.stderr)
        return 1
    case = args.case or first(rows, "case")
    rows = [r for r in rows if r["case"] == case]
    pulse_width = args.pulse_width if args.pulse_width is not None else float(first(rows, "pulse_width_us") or 0)
    frequency = args.frequency if args.frequency is not None else float(first(rows, "frequency_hz") or 0)
    rows = [r for r in rows if float(r["pulse_width_us"]) == pulse_width and float(r["frequency_hz"]) == frequency]
    if not rows:
        print(f"{args.csv}: no accepted settings for case {case}, {pulse_width:g} us, {frequency:g} Hz", file=sys.stderr)
        return 1

    grade_columns = [c for c in rows[0] if c.startswith("grade_")]
    by_configuration = {}
    for r in rows:
        by_configuration.setdefault(r["configuration"], []).append(r)

    fig, (benefit_ax, grade_ax) = plt.subplots(2, 1, sharex=True, figsize=FIGURE_SIZE_IN)
    for configuration, points in by_configuration.items():
        points.sort(key=lambda r: float(r["amplitude"]))
        amplitude = [float(r["amplitude"]) for r in points]
        benefit = [float(r["steady_relief_percent"]) for r in points]
        # The worst side effect at each amplitude (empty cells: not in this case's anatomy).
        grade = [max(int(r[c]) for c in grade_columns if r[c] != "") for r in points]
        line, = benefit_ax.plot(amplitude, benefit, label=configuration)
        grade_ax.step(amplitude, grade, where="post", color=line.get_color(), label=configuration)

    unit = rows[0]["unit"]
    benefit_ax.set_ylabel("steady benefit (relief, %)")
    benefit_ax.set_ylim(0, 100)
    benefit_ax.legend(title="configuration")
    benefit_ax.set_title(f"{case}: {pulse_width:g} us, {frequency:g} Hz")
    grade_ax.set_ylabel("worst side-effect grade")
    grade_ax.set_ylim(-0.2, TOP_GRADE + 0.2)
    grade_ax.set_yticks(range(TOP_GRADE + 1))
    grade_ax.set_xlabel(f"amplitude ({unit})")
    for ax in (benefit_ax, grade_ax):
        ax.grid(alpha=0.3)
    fig.tight_layout()

    out = args.out or (args.csv[:-4] if args.csv.endswith(".csv") else args.csv) + ".png"
    fig.savefig(out, dpi=DPI)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
