"""The HTTP service (`navm serve`): FastAPI on uvicorn over the job store and manager
(navm.runtime.jobs). docs/service.md describes the API; `create_app` builds it."""
