"""/v1/targets: the devices jobs can name, with their profiles and the backends that run them."""

from __future__ import annotations

import hashlib
import json
from functools import cache

from fastapi import APIRouter, Depends, Request

from navm.runtime.jobs.tenants import Principal
from navm.runtime.service.auth import require
from navm.runtime.service.problems import Problem

router = APIRouter(prefix="/v1", tags=["targets"])


@cache
def _target(name: str) -> dict:
    from navm.devices import load_profile, profile_document
    from navm.runtime.jobs.backends import registry

    profile = load_profile(name)
    doc = profile_document(name)
    version = hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()[:16]
    runs = {}
    for bname, backend in registry().items():
        if hasattr(backend, "capabilities"):
            runs[bname] = {"available": True, "version": backend.version, **backend.capabilities.to_json()}
        else:
            runs[bname] = {"available": False, "reason": backend.reason}
    return {"name": name, "version": version, "isa_version": profile.isa_version, "zoned": profile.zoned,
            "sites": len(profile.sites), "backends": runs, "profile": doc}


def _summary(t: dict) -> dict:
    return {k: v for k, v in t.items() if k != "profile"} | {"href": f"/v1/targets/{t['name']}"}


@router.get("/targets", summary="Devices and the backends that run them")
def targets(request: Request, who: Principal = Depends(require("read"))) -> dict:
    from navm.devices import builtin_profiles

    return {"targets": [_summary(_target(n)) for n in builtin_profiles()]}


@router.get("/targets/{name}", summary="A device: its profile, backends and capabilities")
def target(request: Request, name: str, who: Principal = Depends(require("read"))) -> dict:
    from navm.devices import builtin_profiles

    if name not in builtin_profiles():
        raise Problem(404, "target-not-found", f"no target {name!r}")
    return _target(name)
