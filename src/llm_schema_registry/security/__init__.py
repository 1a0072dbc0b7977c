"""Authentication, authorization, audit, signing, rate limits and registration policies."""
