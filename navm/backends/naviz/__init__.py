""".naviz programs (MQT NAViz's format, as MQT QMAP 3.11 writes it): a writer for navm's zoned
programs (`navm compile --emit naviz`) and a reader of other compilers' output
(`navm evaluate`). docs/backends/naviz.md describes both."""

from navm.backends.naviz.reader import read_naviz, read_naviz_file
from navm.backends.naviz.writer import module_to_naviz, write_naviz

__all__ = ["module_to_naviz", "read_naviz", "read_naviz_file", "write_naviz"]
