"""A tokenizing worker process: ``python -m issuemine.text.worker`` (started by ``issuemine.text.parallel``).

Protocol over stdin/stdout, each message a pickle preceded by its length (8 bytes, little-endian):
the parent sends the tokenizer's parameters, then ``(kind, texts, want_texts)`` chunks; the worker answers
each chunk with ``("ok", chunk result)`` or ``("error", exception type name)`` — never a message that
could quote a note. End of input ends the worker. Only the parent (same user, same package) talks to
it, so unpickling its messages is as safe as the parent's own state.
"""

from __future__ import annotations

import os
import pickle
import struct
import subprocess
import sys
from pathlib import Path

_HEADER = struct.Struct("<Q")


def send(proc_or_stream, obj) -> None:
    stream = getattr(proc_or_stream, "stdin", proc_or_stream)
    data = obj if isinstance(obj, bytes) else pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def _read_exact(stream, size: int) -> bytes:
    parts, left = [], size
    while left:
        got = stream.read(left)
        if not got:
            raise EOFError("worker pipe closed")
        parts.append(got)
        left -= len(got)
    return b"".join(parts)


def receive(proc_or_stream):
    stream = getattr(proc_or_stream, "stdout", proc_or_stream)
    (size,) = _HEADER.unpack(_read_exact(stream, _HEADER.size))
    return pickle.loads(_read_exact(stream, size))


def start() -> subprocess.Popen:
    """A worker process; the folder holding the ``issuemine`` package goes first on its path, so it
    runs the same code as this process even when that was imported from a checkout."""
    if not sys.executable:
        raise OSError("no Python executable")
    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH", "")]))
    return subprocess.Popen([sys.executable, "-m", "issuemine.text.worker"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env=env, close_fds=True)


def stop(proc: subprocess.Popen) -> None:
    """Close the worker's input (it exits at once) and reap it; kill it if it does not."""
    try:
        proc.stdin.close()
    except OSError:
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


def main() -> None:
    import gc

    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the protocol
    try:
        params = receive(inp)
    except EOFError:
        return
    from issuemine.text.tokenizer import JapaneseTokenizer

    tok = JapaneseTokenizer(**pickle.loads(params) if isinstance(params, bytes) else params).fit()
    gc.collect()
    gc.freeze()  # the tagger, rules and caches: never scanned again
    gc.disable()  # chunk results are arrays; the lists built meanwhile are freed by reference counting
    while True:
        try:
            kind, texts, want_texts = receive(inp)
        except EOFError:
            return
        try:
            reply = ("ok", tok._chunk(kind, texts, want_texts))
        except Exception as exc:  # the type only: a message might quote a note
            reply = ("error", type(exc).__name__)
        del texts
        send(out, reply)


if __name__ == "__main__":
    main()
