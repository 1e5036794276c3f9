"""Wall time of `issuemine --help` in a fresh process (target: well under a second). Prints the median."""

import statistics
import subprocess
import sys
import time

RUNS = 7


def main() -> None:
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "issuemine", "--help"], check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    print(f"issuemine --help: median {statistics.median(times) * 1000:.0f} ms over {RUNS} runs "
          f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})")


if __name__ == "__main__":
    main()
