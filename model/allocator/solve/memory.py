"""Hand memory that Python and the solver have freed back to the operating system.

glibc's ``malloc`` keeps freed memory for reuse instead of returning it, and what
a large run frees comes in scattered pieces: parsing a 100,000-candidate scenario
(pydantic's JSON tree) and HiGHS's working arrays each leave 250-400 MiB that the
process still holds, on top of which the next step allocates anew. ``malloc_trim``
returns those pages; on a 100,000 x 5 run it kept the peak resident memory under
1 GiB (bench/README.md, issue 16). Elsewhere (no glibc) it does nothing.
"""

from __future__ import annotations

from functools import cache
from typing import Any

# Runs smaller than this (candidates) skip the trim: they free little, and an
# interactive re-solve should not pay a pass over the heap.
TRIM_MIN_CANDIDATES = 20_000


@cache
def _libc() -> Any:
    import ctypes  # here: small runs never trim and need not import it

    try:
        # The name directly: ctypes.util.find_library runs ldconfig (40 ms).
        lib = ctypes.CDLL("libc.so.6")
        lib.malloc_trim  # noqa: B018  # glibc only
    except (OSError, AttributeError):
        return None
    return lib


# glibc's mallopt parameter for the size from which an allocation gets pages of its own.
_M_MMAP_THRESHOLD = -3
# From this size (bytes) a block gets its own pages, returned to the system when freed.
LARGE_BLOCK = 1 << 20


def return_large_blocks() -> bool:
    """Make every allocation of ``LARGE_BLOCK`` bytes or more (numpy arrays, HiGHS's vectors)
    take pages of its own that go back to the system when it is freed (glibc ``mallopt``);
    whether it could. By default glibc raises that size up to 32 MiB as large blocks are
    freed, and from then on keeps them: at 100,000 x 5 the solve step's peak was ~90 MiB
    higher that way (bench/README.md). For large one-shot runs (the command line)."""
    lib = _libc()
    if lib is None:
        return False
    return bool(lib.mallopt(_M_MMAP_THRESHOLD, LARGE_BLOCK))


def release_freed_memory() -> bool:
    """Return the heap's free pages to the operating system (glibc ``malloc_trim``);
    whether it could."""
    lib = _libc()
    if lib is None:
        return False
    lib.malloc_trim(0)
    return True
