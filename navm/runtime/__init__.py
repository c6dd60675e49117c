"""The runtime: the QBC VM, device profiles, and (later) jobs and services."""
