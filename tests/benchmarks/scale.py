"""Scale: idle CPU and RSS of the app (with its warm workers), 10 concurrent headless labs, and a pack
of 10,000 lesson files (first frame and first key while they load)."""

from __future__ import annotations

import importlib
import tempfile
from pathlib import Path

from .common import Row, judge
from .ptyapp import PtyApp
from .startup import FIRST_FRAME, WORKER_WARM

IDLE_SECONDS = 10
BIG_PACK = 10_000
HELP_OPEN = r"numba-lab keys"  # the F1 help screen's heading: the app answered a key


def app_idle() -> list[Row]:
    app = PtyApp(Path(tempfile.mkdtemp(prefix="bench-home-"))).start()
    try:
        if app.wait_for(FIRST_FRAME, 30) is None:
            raise RuntimeError(f"app never drew its first frame:\n{app.text()[-2000:]}")
        app.wait_for(WORKER_WARM, 60)
        app.tree_rss_cpu(2.0)  # let start-up settle
        rss, cpu = app.tree_rss_cpu(IDLE_SECONDS)
        import psutil

        own = psutil.Process(app.proc.pid).memory_info().rss / 2**20
    finally:
        app.close()
    return [
        Row("scale", "idle app CPU (app + workers)", cpu, "% of a core", "~0%", judge(cpu, 1.0),
            f"over {IDLE_SECONDS} s, lesson list open, workers warm"),
        Row("scale", "idle app RSS (the Textual process)", own, "MiB", "< 150 MB", judge(own, 150)),
        Row("scale", "idle app RSS incl. warm workers", rss, "MiB", "", "",
            "workers hold numba + LLVM; one per target in use plus a spare"),
    ]


def concurrent_labs(n: int = 10) -> list[Row]:
    try:
        mod = importlib.import_module("tests.benchmarks.concurrent_labs")
    except ImportError as exc:
        return [Row("scale", f"{n} concurrent headless labs", None, "", "", "", f"not measured: {exc}")]
    res = mod.measure(n=n, seconds=IDLE_SECONDS)
    rows = []
    for key, unit in (("rss_mib", "MiB"), ("cpu_percent", "% of a core")):
        if key in res:
            rows.append(Row("scale", f"{n} concurrent idle labs: total {key.split('_')[0].upper()}", res[key], unit,
                            "", "", res.get("note", "")))
    if not rows:
        rows.append(Row("scale", f"{n} concurrent headless labs", None, "", "", "", repr(res)[:200]))
    return rows


def write_pack(folder: Path, n: int = BIG_PACK) -> Path:
    """n lesson files (copies of the small valid test lesson, each with its own id and title)."""
    seed = (Path(__file__).parents[1] / "lessons" / "valid" / "good.yaml").read_text()
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        text = seed.replace("id: corpus-good", f"id: pack-{i:05d}").replace("title: A valid lesson",
                                                                            f"title: Pack lesson {i:05d}")
        (folder / f"pack-{i:05d}.yaml").write_text(text.replace("order: 99", f"order: {1000 + i}"))
    return folder


def _first_frame_and_key(home: Path, args: list[str], cols: int, rows: int, wait_all: str | None = None):
    """(start -> list drawn, start -> first lesson row, F1 -> help, start -> `wait_all` seen) in seconds."""
    app = PtyApp(home, cols=cols, rows=rows, args=args).start()
    try:
        drawn = app.wait_for(r"pick a lesson", 60)
        frame = app.wait_for(FIRST_FRAME, 60)
        if frame is None:
            raise RuntimeError(f"no first frame:\n{app.text()[-2000:]}")
        if args:
            app.wait_for(r"loading lessons: \d+ of", 10)  # the key goes in while files are still loading
        sent = app.seconds()
        app.send(b"\x1bOP")  # F1
        key = app.wait_for(HELP_OPEN, 60)
        app.send(b"\x1b")  # close the help
        last = None
        while wait_all and last is None and app.seconds() < sent + 600:
            app.send(b"\x1b[F")  # End: the last row; the last pack lesson once every file is in
            last = app.wait_for(wait_all, 2)
    finally:
        app.close()
    return drawn, frame, None if key is None else key - sent, last


def big_pack(n: int = BIG_PACK, cols: int = 120, rows: int = 36, wait_all: bool = True) -> list[Row]:
    """`numba-lab --lessons PACK` with n lesson files, beside the same start without the pack (on a
    busy machine both move together): process start -> lesson list drawn, -> the first built-in
    lesson's row, F1 -> the help shown (the first key, sent while the pack loads), and start -> every
    file loaded (End shows the last pack lesson)."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-pack-"))
    pack = write_pack(tmp / "pack", n)
    base = _first_frame_and_key(tmp / "home0", [], cols, rows)
    drawn, frame, key, last = _first_frame_and_key(tmp / "home", ["--lessons", str(pack)], cols, rows,
                                                   f"Pack lesson {n - 1:05d}" if wait_all else None)
    ms = (lambda v: None if v is None else v * 1000)
    note = f"without the pack: {ms(base[0]):.0f} ms drawn, {ms(base[1]):.0f} ms first row, {ms(base[2]):.0f} ms F1"
    return [
        Row("scale", f"{n} lesson files: start -> lesson list drawn", ms(drawn), "ms", "< 1000 ms",
            judge(ms(drawn), 1000), note),
        Row("scale", f"{n} lesson files: start -> first lesson row", ms(frame), "ms", "", "",
            "lessons load in a worker thread; rows appear as they arrive"),
        Row("scale", f"{n} lesson files: F1 sent -> help shown", ms(key), "ms", "< 1000 ms", judge(ms(key), 1000),
            "sent while the pack is still loading"),
        Row("scale", f"{n} lesson files: start -> all loaded", last, "s", "", "",
            "not measured" if not wait_all else ("not seen within 10 min" if last is None else "End shows the last")),
    ]
