"""The backup file: JSON lines (one record a line, orjson) in a zstd stream, written and read
record by record, so neither side holds more than one batch of rows.

Written to `FILE.partial` and renamed when complete, so a backup that failed half-way never
sits under the name a restore would be given.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import orjson
import zstandard

ZSTD_LEVEL = 3  # the fast end: a 1,000,000-version backup is CPU-bound on compression above it


class ArchiveWriter:
    """`with ArchiveWriter(path) as out: out.write(record)`; kept only if the block ends
    without an exception."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._partial = path.with_name(path.name + ".partial")
        self._file: IO[bytes] = self._partial.open("wb")
        compressor = zstandard.ZstdCompressor(level=ZSTD_LEVEL, write_checksum=True)
        self._stream = compressor.stream_writer(self._file, closefd=False)

    def write(self, record: Any) -> None:
        self._stream.write(orjson.dumps(record) + b"\n")

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stream.flush(zstandard.FLUSH_FRAME)  # the frame's end (the file stays ours)
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        if kind is None:
            self._partial.replace(self.path)
        else:
            self._partial.unlink(missing_ok=True)


def read_archive(path: Path) -> Iterator[Any]:
    """The records of a backup file, in order."""
    with path.open("rb") as raw:
        stream = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)
        for line in io.BufferedReader(stream, buffer_size=1 << 20):
            if line.strip():
                yield orjson.loads(line)
