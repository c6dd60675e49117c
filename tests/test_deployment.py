"""The deployment files agree with the code they deploy.

Dockerfile, .dockerignore, deploy/compose.yaml, deploy/prometheus.yml and the Helm chart in
deploy/helm/navm name `navm serve` flags, a port, health-check and metrics paths, a user and a
database URL. These tests read those files (the Helm templates through a small renderer of the
Go-template subset the chart uses) and check each name against `navm serve` (navm/cli.py) and the
service's FastAPI app (navm/runtime/service), so a renamed flag, a changed default port or a moved
route breaks a test here rather than a deployment. Nothing is built and no container is started;
one test runs `navm serve` as the image's CMD does and runs the image's health checks against it.
"""

from __future__ import annotations

import inspect
import json
import re
import shlex
import socket
import subprocess
import sys
import time
import tomllib
import urllib.parse
from pathlib import Path

import pytest
import typer
import yaml

import navm.cli

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "compose.yaml"
PROMETHEUS = DEPLOY / "prometheus.yml"
CHART = DEPLOY / "helm" / "navm"

SERVE_PARAMS = inspect.signature(navm.cli.serve).parameters
DEFAULT_PORT = SERVE_PARAMS["port"].default.default
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"


# --- navm serve and the app ---------------------------------------------------------------------

def serve_option_names() -> set[str]:
    """Every flag of `navm serve`, from the Typer OptionInfo of each parameter."""
    names = set()
    for param in SERVE_PARAMS.values():
        assert isinstance(param.default, typer.models.OptionInfo), param.name
        names.update(d for decl in param.default.param_decls for d in decl.split("/") if d.startswith("-"))
    return names


def check_serve_argv(argv: list[str], where: str) -> dict:
    """`argv` is `navm serve FLAGS...` with flags `navm serve` has and values it takes: its parameters."""
    argv = [str(a) for a in argv]
    assert argv[:2] == ["navm", "serve"], f"{where}: runs {argv[:2]}, not navm serve"
    flags = {a.split("=", 1)[0] for a in argv[2:] if a.startswith("-")}
    unknown = flags - serve_option_names()
    assert not unknown, f"{where}: navm serve has no {sorted(unknown)} (it has {sorted(serve_option_names())})"
    command = typer.main.get_command(navm.cli.app).commands["serve"]
    try:
        ctx = command.make_context("serve", argv[2:])
    except Exception as err:  # click's BadParameter, NoSuchOption, ...: a value the command refuses
        pytest.fail(f"{where}: navm serve {' '.join(argv[2:])}: {err}")
    return ctx.params


@pytest.fixture(scope="module")
def routes(tmp_path_factory) -> dict[str, set[str]]:
    """The service's routes, path -> HTTP methods, from the app `navm serve` runs (built, not started):
    its OpenAPI paths (FastAPI keeps included routers unflattened in app.routes) and app.routes."""
    from navm.frontend import source_text
    from navm.runtime.service.app import create_app
    from navm.runtime.service.settings import Settings

    before = source_text._FILE_READS_FORBIDDEN  # create_app forbids includes in this process
    try:
        app = create_app(Settings(f"sqlite:///{tmp_path_factory.mktemp('db') / 'navm.db'}"))
    finally:
        source_text._FILE_READS_FORBIDDEN = before
    found = {path: {method.upper() for method in item} for path, item in app.openapi()["paths"].items()}
    for route in app.routes:
        if isinstance(getattr(route, "path", None), str) and getattr(route, "methods", None):
            found.setdefault(route.path, set()).update(route.methods)
    return found


def check_probe_path(routes: dict, path: str, where: str) -> None:
    """A probe's path is a GET route of the service (that it needs no API key, the last test shows)."""
    assert path in routes, f"{where}: the service has no route {path}"
    assert "GET" in routes[path], f"{where}: {path} does not answer GET"


def test_the_probe_paths_are_routes(routes):
    for path in (HEALTH_PATH, READY_PATH, METRICS_PATH):
        check_probe_path(routes, path, "navm/runtime/service")


def url_port_path(url: str) -> tuple[str, int, str]:
    parts = urllib.parse.urlsplit(url)
    return parts.hostname, parts.port or {"http": 80, "https": 443}[parts.scheme], parts.path or "/"


# --- Dockerfile ---------------------------------------------------------------------------------

def dockerfile_stages() -> list[list[tuple[str, str]]]:
    """The Dockerfile's instructions, (INSTRUCTION, arguments), continuation lines joined, by stage."""
    lines, current = [], ""
    for raw in DOCKERFILE.read_text().splitlines():
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):  # comments inside a continued instruction
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        lines.append(current + stripped)
        current = ""
    assert not current, "the Dockerfile ends in a continuation line"
    stages: list[list[tuple[str, str]]] = []
    for line in lines:
        word, _, rest = line.partition(" ")
        word = word.upper()
        if word == "FROM":
            stages.append([])
        elif not stages:
            assert word == "ARG", f"{word} before the first FROM"
            continue
        stages[-1].append((word, rest.strip()))
    assert stages, "no FROM in the Dockerfile"
    return stages


def instructions(name: str, stage: int = -1) -> list[str]:
    return [rest for word, rest in dockerfile_stages()[stage] if word == name]


def exec_form(args: str, what: str) -> list[str]:
    """A JSON-array (exec form) CMD or HEALTHCHECK CMD: no shell between it and the process."""
    try:
        argv = json.loads(args)
    except json.JSONDecodeError:
        pytest.fail(f"{what} is not in exec (JSON array) form: {args}")
    assert isinstance(argv, list) and all(isinstance(a, str) for a in argv), what
    return argv


def dockerfile_serve() -> dict:
    (cmd,) = instructions("CMD")
    assert not instructions("ENTRYPOINT"), "an ENTRYPOINT would go before CMD's `navm serve`"
    return check_serve_argv(exec_form(cmd, "CMD"), "Dockerfile CMD")


def dockerfile_user() -> str:
    users = instructions("USER")
    assert users, "the runtime image has no USER: it would run as root"
    return users[-1].split(":")[0]


def test_dockerfile_base_image_is_the_python_navm_needs():
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    from packaging.specifiers import SpecifierSet

    for stage in dockerfile_stages():
        word, rest = stage[0]
        image = rest.split()[0]
        m = re.fullmatch(r"python:(\d+\.\d+)-slim", image)
        assert m, f"FROM {image}: use python:X.Y-slim"
        assert f"{m.group(1)}.0" in SpecifierSet(requires), f"FROM {image}: navm needs Python {requires}"


def test_dockerfile_installs_navm_from_the_source_tree():
    build = [rest for stage in dockerfile_stages() for word, rest in stage if word == "RUN"]
    assert any(re.search(r"pip install\s+(--\S+\s+)*['\"]?\.", run) for run in build), \
        "no `pip install .` of the source tree"
    copied = {src for stage in dockerfile_stages() for word, rest in stage if word == "COPY"
              and not rest.startswith("--from") for src in rest.split()[:-1]}
    for needed in ("pyproject.toml", "navm", "README.md"):  # pyproject's readme is part of the build
        assert needed in copied, f"the Dockerfile does not COPY {needed}"
    for src in copied:
        assert (ROOT / src).exists(), f"COPY {src}: no such file in the repository"


def test_dockerfile_runs_navm_serve_on_the_default_port():
    params = dockerfile_serve()
    assert params["port"] == DEFAULT_PORT
    assert params["host"] == "0.0.0.0", "the service must listen on every interface in a container"
    assert params["data"] in instructions("VOLUME")[0].replace('"', " ").replace("[", " ").split(), \
        "--data is not a VOLUME"
    exposed = {int(p.split("/")[0]) for e in instructions("EXPOSE") for p in e.split()}
    assert exposed == {DEFAULT_PORT}


def test_dockerfile_user_is_not_root():
    user = dockerfile_user()
    assert user not in ("root", "0"), "the image runs as root"
    if user.isdigit():  # a numeric uid (what Kubernetes' runAsNonRoot can check) of a user made here
        runs = " ".join(instructions("RUN"))
        assert re.search(rf"useradd\b.*--uid {user}\b", runs), f"USER {user}: no useradd --uid {user}"


def healthcheck_argv() -> list[str]:
    (check,) = instructions("HEALTHCHECK")
    _, sep, cmd = check.partition("CMD ")
    assert sep, f"HEALTHCHECK {check}: no CMD"
    return exec_form(cmd.strip(), "HEALTHCHECK CMD")


def python_check_url(argv: list[str], where: str) -> str:
    """The URL a `python -c "...urllib...urlopen(URL...)"` health check opens."""
    assert argv[:2] in (["python", "-c"], ["python3", "-c"]), f"{where}: not python -c (slim has no curl)"
    m = re.search(r"urlopen\(\s*['\"]([^'\"]+)['\"]", argv[2])
    assert m and "urllib" in argv[2], f"{where}: no urllib.request.urlopen('URL')"
    compile(argv[2], where, "exec")
    return m.group(1)


def test_dockerfile_healthcheck_hits_healthz_on_the_served_port(routes):
    host, port, path = url_port_path(python_check_url(healthcheck_argv(), "Dockerfile HEALTHCHECK"))
    assert host in ("127.0.0.1", "localhost")
    assert port == dockerfile_serve()["port"] == DEFAULT_PORT
    assert path == HEALTH_PATH
    check_probe_path(routes, path, "Dockerfile HEALTHCHECK")


def dockerignored(path: str, patterns: list[str]) -> bool:
    """Whether Docker leaves `path` (relative, with /) out of the build context."""
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        regex = re.escape(pattern).replace(r"\*\*", ".*").replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        parts = path.split("/")
        if any(re.fullmatch(regex, "/".join(parts[:i])) for i in range(1, len(parts) + 1)):
            ignored = not negate
    return ignored


def test_dockerignore_keeps_the_source_and_leaves_out_the_rest():
    patterns = [line.strip() for line in DOCKERIGNORE.read_text().splitlines()
                if line.strip() and not line.strip().startswith("#")]
    for left_out in (".venv/bin/python", ".git/HEAD", "navm/__pycache__/cli.cpython-311.pyc",
                     "tests/__pycache__/x.pyc", "navm-data/navm.db", "benchmarks/results.json",
                     "web/node_modules/react/index.js"):
        assert dockerignored(left_out, patterns), f".dockerignore does not leave out {left_out}"
    sources = ["pyproject.toml", "README.md", "Dockerfile"] + [
        p.relative_to(ROOT).as_posix() for p in (ROOT / "navm").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts]
    kept_out = [s for s in sources if dockerignored(s, patterns)]
    assert not kept_out, f".dockerignore leaves out files the image is built from: {kept_out[:5]}"


# --- deploy/compose.yaml and deploy/prometheus.yml ----------------------------------------------

@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def compose_argv(service: dict) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else [str(a) for a in command]


def test_compose_builds_the_image_from_the_repository_dockerfile(compose):
    build = compose["services"]["navm"]["build"]
    context = (COMPOSE.parent / (build if isinstance(build, str) else build.get("context", "."))).resolve()
    dockerfile = build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile"
    assert context == ROOT and (context / dockerfile).resolve() == DOCKERFILE


def test_compose_runs_navm_serve_on_postgres(compose):
    services = compose["services"]
    params = check_serve_argv(compose_argv(services["navm"]), "compose.yaml navm command")
    assert params["port"] == DEFAULT_PORT and params["host"] == "0.0.0.0"
    published = {str(p).rsplit(":", 1)[-1].split("/")[0] for p in services["navm"]["ports"]}
    assert str(DEFAULT_PORT) in published

    url = urllib.parse.urlsplit(params["db"])
    assert url.scheme == "postgresql", f"--db {params['db']}: not a postgresql:// URL"
    from navm.runtime.jobs.database import database_url

    assert database_url(None, params["db"]).startswith("postgresql+psycopg://")  # navm takes the URL
    env = services["postgres"]["environment"]
    assert url.hostname in services, f"--db {params['db']}: no service {url.hostname}"
    assert (url.username, url.password, url.path.lstrip("/")) == \
        (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"], env["POSTGRES_DB"]) == ("navm", "navm", "navm")
    assert (url.port or 5432) == 5432
    assert services["navm"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_compose_postgres_is_checked_and_kept(compose):
    postgres = compose["services"]["postgres"]
    assert postgres["image"].startswith("postgres:15")
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    volumes = [v.split(":")[0] for v in postgres["volumes"]]
    assert any(v in (compose.get("volumes") or {}) for v in volumes), "postgres keeps its data in no named volume"


def test_compose_healthcheck_hits_a_probe_of_the_served_port(compose, routes):
    navm_service = compose["services"]["navm"]
    test = navm_service["healthcheck"]["test"]
    assert test[0] == "CMD", "the healthcheck runs without a shell"
    host, port, path = url_port_path(python_check_url(test[1:], "compose.yaml navm healthcheck"))
    assert port == check_serve_argv(compose_argv(navm_service), "compose.yaml")["port"]
    assert path in (HEALTH_PATH, READY_PATH)
    check_probe_path(routes, path, "compose.yaml navm healthcheck")


def prometheus_scrapes() -> list[tuple[str, str]]:
    """(target, metrics path) of each target deploy/prometheus.yml scrapes."""
    config = yaml.safe_load(PROMETHEUS.read_text())
    return [(target, job.get("metrics_path", "/metrics")) for job in config["scrape_configs"]
            for static in job.get("static_configs", []) for target in static["targets"]]


def test_prometheus_scrapes_navm_metrics(compose, routes):
    prometheus = compose["services"]["prometheus"]
    assert prometheus["image"].split(":")[0] == "prom/prometheus"
    mounts = {v.split(":")[1]: v.split(":")[0] for v in prometheus["volumes"]}
    config_path = next((a.split("=", 1)[1] for a in prometheus.get("command", [])
                        if a.startswith("--config.file=")), "/etc/prometheus/prometheus.yml")
    assert config_path in mounts, f"{config_path} is not mounted"
    assert (COMPOSE.parent / mounts[config_path]).resolve() == PROMETHEUS

    config = yaml.safe_load(PROMETHEUS.read_text())
    for job in config["scrape_configs"]:  # /metrics needs an admin key: Prometheus reads it from a mounted file
        auth = job.get("authorization", {})
        assert auth.get("type") == "Bearer" and auth.get("credentials_file") in mounts, job

    served = check_serve_argv(compose_argv(compose["services"]["navm"]), "compose.yaml")["port"]
    scraped = prometheus_scrapes()
    assert (f"navm:{served}", METRICS_PATH) in scraped, f"prometheus.yml scrapes {scraped}"
    for _, path in scraped:
        check_probe_path(routes, path, "prometheus.yml")


# --- the Helm chart -------------------------------------------------------------------------------

class TemplateError(Exception):
    pass


_ACTION = re.compile(r"\{\{(-\s+|\s*)(.*?)(\s+-|\s*)\}\}", re.S)
_WORD = re.compile(r'"(?:[^"\\]|\\.)*"|\||[^\s|]+')


def _tokens(src: str) -> list[list]:
    """Text and actions, with Go's {{- and -}} trimming applied to the text beside them."""
    out: list[list] = []
    pos = 0
    for m in _ACTION.finditer(src):
        text = src[pos:m.start()]
        out.append(["text", text.rstrip() if m.group(1).startswith("-") else text])
        out.append(["action", m.group(2).strip(), m.group(3).strip() == "-"])
        pos = m.end()
    out.append(["text", src[pos:]])
    for i, token in enumerate(out):
        if token[0] == "action" and token[2]:
            out[i + 1][1] = out[i + 1][1].lstrip()
    return out


def _parse(tokens: list, i: int = 0) -> tuple[list, int, str | None]:
    """Nodes up to an {{ end }} or {{ else ... }}: ("text", s), ("expr", pipeline), ("if"/"define", branches)."""
    nodes: list = []
    while i < len(tokens):
        kind, body = tokens[i][0], tokens[i][1]
        i += 1
        if kind == "text":
            nodes.append(("text", body))
            continue
        if body.startswith("/*"):
            continue
        word, _, rest = body.partition(" ")
        if word in ("end", "else"):
            return nodes, i, body
        if word in ("range", "with", "template", "block") or body.startswith("$"):
            raise TemplateError(f"{{{{ {body} }}}}: not in the subset these tests render")
        if word in ("if", "define"):
            block, i, term = _parse(tokens, i)
            branches = [(rest.strip(), block)]
            while term is not None and term.startswith("else"):
                cond = term[len("else"):].strip()
                if cond.startswith("if "):
                    cond = cond[3:].strip()
                elif cond:
                    raise TemplateError(f"{{{{ {term} }}}}")
                else:
                    cond = None
                block, i, term = _parse(tokens, i)
                branches.append((cond, block))
            if term != "end":
                raise TemplateError(f"{{{{ {word} {rest} }}}} without its end")
            nodes.append((word, branches))
        else:
            nodes.append(("expr", body))
    return nodes, i, None


def _truthy(value) -> bool:
    return value not in (None, False, 0, "") and not (isinstance(value, (dict, list)) and not value)


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


class Renderer:
    """Renders the chart's templates as `helm template` would, for the subset they use: fields of
    .Values/.Chart/.Release, if/else if/else, define/include, and the functions below. A value
    missing from values.yaml is an error (helm would render it empty)."""

    def __init__(self, chart: Path, values: dict, release: str = "demo"):
        meta = yaml.safe_load((chart / "Chart.yaml").read_text())
        self.dot = {"Values": values, "Release": {"Name": release, "Namespace": "default", "Service": "Helm"},
                    "Chart": {"Name": meta["name"], "Version": meta["version"], "AppVersion": meta["appVersion"]}}
        self.defines: dict[str, list] = {}
        self.files = {}
        for path in sorted((chart / "templates").iterdir()):
            nodes, _, term = _parse(_tokens(path.read_text()))
            assert term is None, f"{path.name}: a stray {{{{ {term} }}}}"
            for kind, branches in nodes:
                if kind == "define":
                    self.defines[json.loads(branches[0][0])] = branches[0][1]
            if not path.name.startswith("_"):
                self.files[path.name] = nodes
        self.functions = {
            "include": lambda name, data: self.render_nodes(self.defines[name], data),
            "quote": lambda v: json.dumps(_text(v)),
            "toYaml": lambda v: yaml.safe_dump(v, default_flow_style=False, sort_keys=False).rstrip("\n"),
            "nindent": lambda n, s: "\n" + "\n".join(" " * n + line if line else line for line in s.split("\n")),
            "default": lambda d, v: v if _truthy(v) else d,
            "required": self.required,
            "printf": lambda fmt, *args: fmt % tuple(_text(a) for a in args),
            "trunc": lambda n, s: s[:n],
            "trimSuffix": lambda suffix, s: s[:-len(suffix)] if suffix and s.endswith(suffix) else s,
            "contains": lambda sub, s: sub in s,
            "not": lambda v: not _truthy(v),
        }

    @staticmethod
    def required(message, value):
        if not _truthy(value):
            raise TemplateError(message)
        return value

    def value(self, word: str, dot):
        if word.startswith('"'):
            return json.loads(word)
        if re.fullmatch(r"-?\d+", word):
            return int(word)
        if word == ".":
            return dot
        if word.startswith("."):
            value = dot
            for field in word[1:].split("."):
                if not isinstance(value, dict) or field not in value:
                    raise TemplateError(f"{word}: no such value")
                value = value[field]
            return value
        raise TemplateError(f"{word}: not in the subset these tests render")

    def evaluate(self, pipeline: str, dot):
        words = _WORD.findall(pipeline)
        commands, current = [], []
        for word in words:
            if word == "|":
                commands.append(current)
                current = []
            else:
                current.append(word)
        commands.append(current)
        result, piped = None, False
        for head, *args in commands:
            if head in self.functions:
                values = [self.value(a, dot) for a in args] + ([result] if piped else [])
                result = self.functions[head](*values)
            elif not args and not piped:
                result = self.value(head, dot)
            else:
                raise TemplateError(f"{pipeline}: {head} is not a function here")
            piped = True
        return result

    def render_nodes(self, nodes: list, dot) -> str:
        out = []
        for kind, body in nodes:
            if kind == "text":
                out.append(body)
            elif kind == "expr":
                out.append(_text(self.evaluate(body, dot)))
            elif kind == "if":
                for cond, block in body:
                    if cond is None or _truthy(self.evaluate(cond, dot)):
                        out.append(self.render_nodes(block, dot))
                        break
        return "".join(out)

    def render(self) -> dict[str, list[dict]]:
        """Each template's YAML documents, by file name."""
        return {name: [d for d in yaml.safe_load_all(self.render_nodes(nodes, self.dot)) if d]
                for name, nodes in self.files.items()}


def merged(base: dict, changes: dict) -> dict:
    out = dict(base)
    for key, value in changes.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


CHART_VALUES = yaml.safe_load((CHART / "values.yaml").read_text())
TEST_DB = "postgresql://navm:secret@postgres.example:5432/navm"


def render_chart(release: str = "demo", **changes) -> dict[str, list[dict]]:
    values = merged(CHART_VALUES, merged({"database": {"url": TEST_DB}}, changes))
    return Renderer(CHART, values, release).render()


def one(docs: dict, file: str, kind: str) -> dict:
    (doc,) = docs[file]
    assert doc["kind"] == kind and doc["apiVersion"], f"{file}: {doc.get('kind')}"
    return doc


def test_chart_metadata_matches_navm():
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    assert chart["apiVersion"] == "v2" and chart["name"] == "navm"
    assert chart["appVersion"] == tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def test_chart_values_use_the_default_port_and_valid_serve_settings():
    assert CHART_VALUES["port"] == CHART_VALUES["service"]["port"] == DEFAULT_PORT
    assert isinstance(CHART_VALUES["workers"], int) and CHART_VALUES["workers"] >= 1
    assert CHART_VALUES["database"]["url"] == "", "a database password in the chart's defaults"
    assert CHART_VALUES["podSecurityContext"]["runAsNonRoot"] is True


def mebibytes(quantity) -> float:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?", str(quantity))
    assert m, f"memory {quantity}"
    factor = {None: 1, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}
    return float(m.group(1)) * factor[m.group(2)] / 2**20


def test_chart_deployment_runs_navm_serve_as_values_say(routes):
    docs = render_chart()
    deployment = one(docs, "deployment.yaml", "Deployment")
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    params = check_serve_argv(container["command"] + container["args"], "deployment.yaml")
    assert params["host"] == "0.0.0.0"
    assert params["port"] == CHART_VALUES["port"] == DEFAULT_PORT
    assert params["workers"] == CHART_VALUES["workers"]
    assert params["memory_limit"] == CHART_VALUES["memoryLimitMb"]
    assert params["time_limit"] == CHART_VALUES["timeLimitS"]
    assert container["image"] == f"{CHART_VALUES['image']['repository']}:0.1.0"

    # the server's own memory plus every worker up to navm serve --memory-limit fit in the container
    limit = mebibytes(container["resources"]["limits"]["memory"])
    assert limit >= params["workers"] * params["memory_limit"] + 512, \
        f"resources.limits.memory {limit:g} MiB < workers x memoryLimitMb + the server"

    # one server per database (a second would requeue the first one's running jobs at its start)
    assert deployment["spec"]["replicas"] == 1 and deployment["spec"]["strategy"]["type"] == "Recreate"

    (port,) = container["ports"]
    assert port["containerPort"] == params["port"]
    for probe, path in (("livenessProbe", HEALTH_PATH), ("readinessProbe", READY_PATH), ("startupProbe", HEALTH_PATH)):
        get = container[probe]["httpGet"]
        assert get["path"] == path, f"{probe} {get['path']}"
        assert get["port"] in (port["name"], port["containerPort"]), f"{probe} port {get['port']}"
        check_probe_path(routes, path, f"deployment.yaml {probe}")

    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert int(annotations["prometheus.io/port"]) == params["port"]
    check_probe_path(routes, annotations["prometheus.io/path"], "deployment.yaml prometheus.io/path")


def test_chart_passes_the_database_url_from_the_secret():
    docs = render_chart()
    (container,) = one(docs, "deployment.yaml", "Deployment")["spec"]["template"]["spec"]["containers"]
    params = check_serve_argv(container["command"] + container["args"], "deployment.yaml")
    m = re.fullmatch(r"\$\((\w+)\)", params["db"])
    assert m, f"--db {params['db']}: not the URL from the Secret ($(VAR))"
    env = {e["name"]: e for e in container["env"]}
    ref = env[m.group(1)]["valueFrom"]["secretKeyRef"]
    secret = one(docs, "secret.yaml", "Secret")
    assert ref["name"] == secret["metadata"]["name"] == "demo-navm"
    url = secret["stringData"][ref["key"]]
    assert url == TEST_DB and urllib.parse.urlsplit(url).scheme == "postgresql"
    from navm.runtime.jobs.database import database_url

    assert database_url(None, url).startswith("postgresql+psycopg://")


def test_chart_needs_a_database_url_or_an_existing_secret():
    with pytest.raises(TemplateError, match="database.url"):
        Renderer(CHART, CHART_VALUES).render()
    docs = render_chart(database={"url": "", "existingSecret": "navm-db", "secretKey": "dsn"})
    assert docs["secret.yaml"] == []
    (container,) = one(docs, "deployment.yaml", "Deployment")["spec"]["template"]["spec"]["containers"]
    (env,) = container["env"]
    assert env["valueFrom"]["secretKeyRef"] == {"name": "navm-db", "key": "dsn"}


def test_chart_runs_as_the_images_non_root_user():
    pod = one(render_chart(), "deployment.yaml", "Deployment")["spec"]["template"]["spec"]
    security = pod["securityContext"]
    assert security["runAsNonRoot"] is True
    assert security["runAsUser"] != 0 and str(security["runAsUser"]) == dockerfile_user(), \
        "runAsUser is not the Dockerfile's USER"


def test_chart_service_reaches_the_container_port():
    docs = render_chart(release="navm")
    deployment = one(docs, "deployment.yaml", "Deployment")
    service = one(docs, "service.yaml", "Service")
    assert service["metadata"]["name"] == deployment["metadata"]["name"] == "navm"
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    (port,) = service["spec"]["ports"]
    assert port["port"] == CHART_VALUES["service"]["port"] == DEFAULT_PORT
    targets = {p["name"] for p in container["ports"]} | {p["containerPort"] for p in container["ports"]}
    assert port["targetPort"] in targets


# --- the image's command and health checks against a real navm serve ------------------------------

def test_the_images_command_serves_and_passes_its_health_checks(tmp_path, compose):
    """Runs the Dockerfile's CMD (on a free port and a temporary --data), then the Dockerfile's
    HEALTHCHECK and compose's healthcheck as written but for the port, then GETs the chart's probe
    paths with no API key and Prometheus' metrics path with an admin key, as prometheus.yml sends it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    (cmd,) = instructions("CMD")
    argv = exec_form(cmd, "CMD")
    argv = [str(free) if argv[i - 1] == "--port" else str(tmp_path / "data") if argv[i - 1] == "--data" else a
            for i, a in enumerate(argv)]
    argv[argv.index("--host") + 1] = "127.0.0.1"
    checks = [healthcheck_argv(), compose["services"]["navm"]["healthcheck"]["test"][1:]]
    log = open(tmp_path / "serve.log", "w+")
    server = subprocess.Popen([sys.executable, "-m", "navm", *argv[1:]], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        for check in checks:
            code = [c.replace(f":{DEFAULT_PORT}/", f":{free}/") for c in check]
            assert code != check, f"{check}: no :{DEFAULT_PORT}/ in it"
            while True:
                done = subprocess.run([sys.executable, *code[1:]], capture_output=True, text=True, timeout=30)
                if done.returncode == 0:
                    break
                assert server.poll() is None, f"navm serve ended: {(tmp_path / 'serve.log').read_text()}"
                assert time.monotonic() < deadline, f"{check}: {done.stderr}"
                time.sleep(0.2)
        # what the chart's probes and Prometheus ask for, without an API key (they send none)
        import urllib.request

        (container,) = one(render_chart(), "deployment.yaml", "Deployment")["spec"]["template"]["spec"]["containers"]
        paths = {container[probe]["httpGet"]["path"] for probe in ("livenessProbe", "readinessProbe", "startupProbe")}
        key = json.loads(subprocess.run([sys.executable, "-m", "navm", "keys", "create", "--data", str(tmp_path / "data"),
                                         "--tenant", "ops", "--scopes", "admin", "--json"], capture_output=True,
                                        text=True, check=True).stdout)["key"]
        for path in sorted(paths | {path for _, path in prometheus_scrapes()}):
            headers = {"Authorization": f"Bearer {key}"} if path == METRICS_PATH else {}
            request = urllib.request.Request(f"http://127.0.0.1:{free}{path}", headers=headers)
            with urllib.request.urlopen(request, timeout=5) as response:
                assert response.status == 200, path
                if path == METRICS_PATH:
                    assert response.headers["Content-Type"].startswith("text/plain")
                    assert b"# TYPE navm_" in response.read()
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
