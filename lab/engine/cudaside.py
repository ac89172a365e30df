"""Worker side, CUDA worker only: device name, kernel views (PTX on a real device)."""

from __future__ import annotations

import os


def device_name(simulator: bool) -> str:
    if simulator:
        return "CUDA simulator"
    try:
        from numba import cuda

        dev = cuda.get_current_device()
        name = dev.name
        return name.decode() if isinstance(name, bytes) else str(name)
    except Exception as exc:  # noqa: BLE001
        return f"CUDA device (unnamed: {exc})"


# The simulator runs every GPU thread of a block as a Python thread, all alive at once. With the
# default 8 MiB stack, 1024 threads reserve 8 GiB of address space: far over the worker's memory cap
# (RLIMIT_AS), so "can't start new thread". A simulated thread runs Python frames, which in 3.11 do
# not grow the C stack per Python call; 512 KiB is 4x what a block of the docs' kernels was measured
# to need (128 KiB ran them, exceptions included), and 1024 threads then reserve 512 MiB.
SIM_THREAD_STACK = int(os.environ.get("NUMBA_LAB_SIM_STACK_KB", "512")) * 1024


def set_simulator_thread_stack() -> None:
    """Threads started from now on get SIM_THREAD_STACK bytes of stack (simulator workers only)."""
    import threading

    threading.stack_size(SIM_THREAD_STACK)


def install_simulator_hook() -> None:
    """Make every exception raised in a simulated CUDA thread reach the launch as ONE exception.

    The simulator rebuilds a thread's exception as ``type(e)(message)`` to name the thread. For
    exceptions whose constructor wants other arguments (NumPy's ufunc errors: ``x[i] + "a"``)
    that raises inside its handler: each thread prints its own traceback, the launch returns as if
    all went well and the run says ok. Here the original exception is kept when it cannot be
    rebuilt (the thread is named in a note), so the launch raises it with the learner's line."""
    import sys
    import threading

    from numba.cuda.simulator import kernel as simkernel

    cls = simkernel.BlockThread
    if getattr(cls.run, "_lab_hook", False):
        return

    def run(self) -> None:
        try:
            threading.Thread.run(self)
        except BaseException as e:  # noqa: BLE001 - the launch re-raises it
            where = f"tid={list(self.threadIdx)} ctaid={list(self.blockIdx)}"
            try:
                exc = type(e)(f"{where}: {e}" if str(e) else where)
            except Exception:  # noqa: BLE001 - a constructor with other arguments
                exc = e
                exc.add_note(f"raised in the CUDA simulator's thread {where}")
            self.exception = (exc, sys.exc_info()[2])

    run._lab_hook = True
    cls.run = run


def compiled_signatures(kernel) -> list[str]:
    for attr in ("overloads", "_overloads"):
        table = getattr(kernel, attr, None)
        if isinstance(table, dict) and table:
            return [str(k) for k in table]
    sigs = getattr(kernel, "signatures", None)
    return [str(s) for s in sigs] if sigs else []


def views(kernel, wanted: list[str], simulator: bool):
    """Yield (event type, fields) for the CUDA kernel's views."""
    sigs = compiled_signatures(kernel)
    if simulator:
        yield "types", {"text": "# CUDA simulator: kernels run as Python, so there is no LLVM IR, assembly "
                                "or PTX to show. On a machine with an NVIDIA GPU these views show real code.\n"
                                + "".join(f"# launched with {s}\n" for s in sigs)}
        return
    if "ptx" in wanted:
        try:
            asm = kernel.inspect_asm()
            text = "\n".join(asm.values()) if isinstance(asm, dict) else str(asm)
            from lab.engine import irtext

            text = irtext.demangle_text(text)
        except Exception as exc:  # noqa: BLE001
            text = f"// no PTX: {type(exc).__name__}: {exc}"
        yield "ptx", {"text": text}
    if "llvm" in wanted:
        try:
            ir = kernel.inspect_llvm()
            full = "\n".join(ir.values()) if isinstance(ir, dict) else str(ir)
            from lab.engine import irtext

            text, names = irtext.filter_llvm(full, None)
            yield "llvm", {"text": text or full, "full": full, "functions": names,
                           "vectorized": False, "vector_types": []}
        except Exception:  # noqa: BLE001
            pass
    if "types" in wanted:
        import io

        buf = io.StringIO()
        try:
            kernel.inspect_types(file=buf)
        except Exception as exc:  # noqa: BLE001
            buf.write(f"# no types: {exc}")
        from lab.engine import irtext

        yield "types", {"text": irtext.demangle_text(buf.getvalue(), quote=False)}
