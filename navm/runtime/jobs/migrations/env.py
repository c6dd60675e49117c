"""Alembic's environment for navm's schema: always run in process by navm.runtime.jobs.database.migrate,
which hands over the connection."""

from alembic import context

from navm.runtime.jobs.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
