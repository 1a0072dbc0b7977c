"""Deployment files: parse, reference only what exists, and query only exported metrics.

Docker and Helm cannot run on the test machine (no container engine, no helm binary), so
these checks cover what can be checked without them.
"""

from __future__ import annotations

import json
import re

import httpx
import yaml

from support import REPO

CHART = REPO / "deploy" / "helm" / "llm-schema-registry"
METRIC = re.compile(r"\bschema_registry_[a-z_]+")


def _metric_names(text: str) -> set[str]:
    # Histograms expose _bucket/_count/_sum series under the declared name.
    return {re.sub(r"_(bucket|count|sum)$", "", name) for name in METRIC.findall(text)}


def test_compose_prometheus_and_grafana_files_parse() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    assert set(compose["services"]) >= {"registry", "postgres", "redis", "prometheus", "grafana"}
    for name in ("prometheus.yml", "alerts.yml"):
        yaml.safe_load((REPO / "deploy" / "prometheus" / name).read_text())
    for name in ("datasource.yml", "provisioning.yml"):
        yaml.safe_load((REPO / "deploy" / "grafana" / name).read_text())
    dashboard = json.loads((REPO / "deploy" / "grafana" / "dashboard.json").read_text())
    assert dashboard["panels"]


def test_alert_rules_cover_the_operations_spec() -> None:
    rules = yaml.safe_load((REPO / "deploy" / "prometheus" / "alerts.yml").read_text())
    names = {rule["alert"] for group in rules["groups"] for rule in group["rules"]}
    assert names == {
        "SchemaRegistryHighErrorRate",
        "SchemaRegistryHighLatency",
        "SchemaRegistryStorageDown",
        "SchemaRegistryLowCacheHitRate",
        "SchemaRegistryCompatibilityFailures",
        "SchemaRegistryOutboxLag",
        "SchemaRegistryEventDeadLetters",
        "SchemaRegistryEventSinkDown",
    }


async def test_alerts_and_dashboard_query_only_exported_metrics(
    sqlite_client: httpx.AsyncClient,
) -> None:
    exported = _metric_names((await sqlite_client.get("/metrics")).text)
    queried = _metric_names((REPO / "deploy" / "prometheus" / "alerts.yml").read_text())
    queried |= _metric_names((REPO / "deploy" / "grafana" / "dashboard.json").read_text())
    assert queried and queried <= exported, queried - exported


def test_helm_chart_values_exist_and_objects_are_complete() -> None:
    yaml.safe_load((CHART / "Chart.yaml").read_text())
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    templates = {p.name: p.read_text() for p in (CHART / "templates").glob("*.yaml")}
    for name, text in templates.items():
        for path in re.findall(r"\.Values\.([A-Za-z0-9_.]+)", text):
            node = values
            for key in path.split("."):
                assert isinstance(node, dict) and key in node, f"{name}: .Values.{path}"
                node = node[key]
    kinds = {m for text in templates.values() for m in re.findall(r"^kind: (\w+)", text, re.M)}
    assert kinds == {"Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"}
    deployment = templates["deployment.yaml"]
    assert "path: /health/live" in deployment and "path: /health/ready" in deployment
    assert "resources:" in deployment and "runAsNonRoot: true" in deployment
    # The relay (events.relay: external) runs `llm-schema relay`; the Service and the PDB
    # select the serving pods only, never the relay's.
    relay = templates["relay.yaml"]
    assert 'command: ["llm-schema", "relay"]' in relay and "component: relay" in relay
    for name in ("service.yaml", "pdb.yaml", "deployment.yaml"):
        assert 'include "registry.serverLabels"' in templates[name], name
    assert "REGISTRY_EVENTS_RELAY" in deployment


def test_dockerfile_is_multi_stage_and_non_root() -> None:
    text = (REPO / "Dockerfile").read_text()
    assert text.count("\nFROM ") + text.startswith("FROM ") >= 2
    assert re.search(r"^USER registry$", text, re.M)
    assert "--uid 10001" in text  # matches the chart's runAsUser
