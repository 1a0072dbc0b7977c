"""The SDK's public names are pinned: adding or removing one is a deliberate change."""

from __future__ import annotations

import llm_schema_registry.client as sdk


def test_public_names() -> None:
    assert sdk.__all__ == [
        "AsyncRegistryClient",
        "AuthenticationError",
        "BundleError",
        "CacheStats",
        "ChangeEvent",
        "CompatibilityResult",
        "EventPage",
        "ExportResult",
        "IncompatibleSchemaError",
        "InvalidRequestError",
        "NotFoundError",
        "Problem",
        "Reference",
        "RegisteredSchema",
        "Registry",
        "RegistryClient",
        "RegistryUnavailableError",
        "RenderedPrompt",
        "RuleWarning",
        "SchemaRegistryError",
        "ValidationOutcome",
        "WebhookVerificationError",
        "export_bundle",
        "extract_json",
        "model_from_schema",
        "repair_prompt",
        "verify_webhook",
    ]
    for name in sdk.__all__:
        assert getattr(sdk, name) is not None


def test_errors_share_one_base() -> None:
    for name in sdk.__all__:
        member = getattr(sdk, name)
        if isinstance(member, type) and name.endswith("Error"):
            assert issubclass(member, sdk.SchemaRegistryError)


def test_client_imports_no_server_code() -> None:
    import subprocess
    import sys

    code = (
        "import sys, llm_schema_registry.client;"
        "bad=[m for m in sys.modules if m.split('.')[1:2] in (['api'],['registry'],['storage'])"
        " and m.startswith('llm_schema_registry.')];print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
