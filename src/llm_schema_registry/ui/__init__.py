"""The governance dashboard at `/ui/`: server-rendered pages (Jinja2, autoescaped), a small
script and style sheet served by the registry itself (no CDN, no build step).

An edge like the API: pages translate requests into calls on the services (registry,
governance, validation, LLM export, audit) and declare their permissions on the route
(`requires(..., session=True)`); the security layer authenticates them by the session cookie
and checks CSRF on every form post (`security/pages.py`). See docs/ui.md.
"""

from llm_schema_registry.ui.refusals import refuse_page
from llm_schema_registry.ui.routes import PREFIX, router

__all__ = ["PREFIX", "refuse_page", "router"]
