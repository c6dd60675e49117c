"""Request bodies of the API (pydantic): what a job may say, checked field by field, so that a bad
field is a 422 that names it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_SEED = 2**63 - 1


class JobOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    observables: list[str] = Field(default_factory=list, max_length=64,
                                   description="Pauli strings (statevector), qubit 0 leftmost")
    detectors: bool = Field(False, description="detector statistics (stim)")
    dem: bool = Field(False, description="the detector error model (stim)")
    records: bool = Field(False, description="keep every shot's records as the `records.txt` artifact")
    state: bool = Field(False, description="keep the final state as the `state.npy` artifact (statevector)")
    compile_seed: int | None = Field(None, ge=0, le=MAX_SEED, description="seed of placement and routing")
    pass_options: list[str] = Field(default_factory=list, max_length=32,
                                    description="options of the compile pipeline's passes, `place{override=true}`")
    checkpoint_shots: int | None = Field(None, ge=1, description="shots per checkpointed segment")
    time_limit_s: float | None = Field(None, gt=0, description="the job's time limit (at most the server's)")


class JobRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["qbc", "sigma", "qasm2"] = Field(description="the program's language")
    source: str = Field(description="the program's text")
    filename: str | None = Field(None, max_length=255, description="its name in diagnostics")
    target: str = Field("zoned", max_length=64, description="a device (GET /v1/targets)")
    backend: str = Field("statevector", max_length=64, description="a backend the target lists")
    shots: int = Field(1024, ge=0, le=10**12)
    seed: int = Field(0, ge=0, le=MAX_SEED)
    noise: Literal["program", "device", "none"] = "program"
    options: JobOptions = Field(default_factory=JobOptions)
    tags: list[str] = Field(default_factory=list, max_length=32)


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    jobs: list[JobRequest] = Field(default_factory=list)
    open: bool = Field(False, description="keep the batch open: jobs join it until it is closed")
    tags: list[str] = Field(default_factory=list, max_length=32)
