# syntax=docker/dockerfile:1
# The navm job service (`navm serve`, docs/service.md) as a container image.
#
#   docker build -t navm .
#   docker run -p 8000:8000 -v navm-data:/data navm
#   docker run --rm -v navm-data:/data navm navm keys create --tenant acme --data /data
#
# Build arg NAVM_EXTRAS picks optional extras from pyproject.toml, e.g. --build-arg NAVM_EXTRAS=ray,aer.
# deploy/compose.yaml runs it with PostgreSQL and Prometheus; deploy/helm/navm is a Helm chart for it.

# --- build: navm and its dependencies in a virtual environment, copied whole into the runtime image ---
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/navm
WORKDIR /src
COPY pyproject.toml README.md ./
COPY navm ./navm
ARG NAVM_EXTRAS=""
RUN /opt/navm/bin/pip install ".${NAVM_EXTRAS:+[$NAVM_EXTRAS]}"

# --- runtime ---
FROM python:3.11-slim
ENV PATH=/opt/navm/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
# A fixed numeric uid/gid, so that Kubernetes' runAsNonRoot can check it (deploy/helm/navm).
RUN groupadd --system --gid 10001 navm \
 && useradd --system --uid 10001 --gid navm --home-dir /home/navm --create-home --shell /usr/sbin/nologin navm \
 && mkdir /data \
 && chown navm:navm /data
COPY --from=build /opt/navm /opt/navm
USER 10001:10001
WORKDIR /home/navm
# The SQLite database (navm.db) when the service runs with --data /data, as below.
VOLUME /data
EXPOSE 8000
# /healthz: the process answers (/readyz also checks the database and the job manager).
# The port is the one in CMD: change both together.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["navm", "serve", "--host", "0.0.0.0", "--port", "8000", "--data", "/data"]
