"""Routing tables: one 128-byte record per lattice node, in a versioned binary format with a JSON mirror.

    from navm.backends.routing_table import from_device, load, save
    table = from_device("square-16x16")            # or from_program("lattice.qbc", base, count)
    save(table, "routes.bin"); table = load("routes.bin")
    table.find_node(3); table.nearest_sigma(2.5); table.nearest_j(0, 1728); table.triangle(0)
    table.route(0, 255)

docs/routing-table.md describes the format byte by byte, the producers and the queries.
"""

from navm.backends.routing_table.binary import decode, encode
from navm.backends.routing_table.files import load, save
from navm.backends.routing_table.from_device import from_device
from navm.backends.routing_table.from_vm import VM_FIELDS, from_program, from_vm_result
from navm.backends.routing_table.json_mirror import from_text as from_json_text
from navm.backends.routing_table.json_mirror import to_text as to_json_text
from navm.backends.routing_table.layout import FIELDS, FORMAT_VERSION, MAGIC, RECORD_DTYPE, RECORD_SIZE
from navm.backends.routing_table.route import Route, shortest_route
from navm.backends.routing_table.table import RoutingTable

__all__ = [
    "FIELDS", "FORMAT_VERSION", "MAGIC", "RECORD_DTYPE", "RECORD_SIZE", "Route", "RoutingTable", "VM_FIELDS",
    "decode", "encode", "from_device", "from_json_text", "from_program", "from_vm_result", "load", "save",
    "shortest_route", "to_json_text",
]
