# syntax=docker/dockerfile:1
# Multi-stage: build a wheel with its dependencies (and the MCP server's, for /mcp), then run
# it as a non-root user.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir --upgrade pip \
 && pip wheel --no-cache-dir --wheel-dir /wheels '.[mcp]'

FROM python:3.11-slim
RUN groupadd --system --gid 10001 registry && useradd --system --uid 10001 --gid registry --home /var/lib/registry registry \
 && mkdir -p /var/lib/registry && chown registry:registry /var/lib/registry
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER registry
WORKDIR /var/lib/registry
ENV REGISTRY_HOST=0.0.0.0 \
    REGISTRY_PORT=8081 \
    REGISTRY_GRPC_PORT=9090 \
    REGISTRY_DATABASE_URL=sqlite:////var/lib/registry/registry.db
EXPOSE 8081 9090
HEALTHCHECK --interval=10s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8081/health/live')"
ENTRYPOINT ["llm-schema", "serve"]
