"""The work behind each `navm` command, kept out of cli.py so each reads on its own."""
