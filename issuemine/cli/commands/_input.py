"""What every command that reads workshop files shares: the --max-mb option and showing what reading found.

Light on purpose (no pandas at import): ``issuemine --help`` imports every command module.
"""

from __future__ import annotations

import sys

from issuemine.ingest.source import DEFAULT_MAX_BYTES


def _megabytes(value: str) -> float:
    import argparse

    try:
        mb = float(value)
    except ValueError:
        mb = 0.0
    if not mb > 0 or mb != mb or mb == float("inf"):
        raise argparse.ArgumentTypeError(f"0 より大きい数(MB)を指定してください: {value}")
    return mb


def add_max_mb(parser) -> None:
    parser.add_argument("--max-mb", metavar="MB", type=_megabytes, default=DEFAULT_MAX_BYTES / 2**20,
                        help=f"読み込むファイルの大きさの上限(MB、既定 {DEFAULT_MAX_BYTES // 2**20})。"
                             "大きなファイルを読むときに上げます")


def max_bytes(args) -> int:
    """The byte limit the user asked for with --max-mb."""
    return int(args.max_mb * 2**20)


def read_warnings(notes) -> list[str]:
    """The Japanese warnings reading a notes file gave (``read_notes``' report); never note text."""
    report = notes.attrs.get("report")
    return list(getattr(report, "warnings", []) or [])


def print_warnings(warnings, *, stream=None, prefix: str = "注意: ") -> None:
    """One line per warning, on stdout unless ``stream`` says otherwise (stderr when stdout is a table)."""
    for w in warnings:
        print(f"{prefix}{w}", file=stream or sys.stdout)
