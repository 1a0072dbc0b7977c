# Two commands do all the set-up: `make run` serves the registry, `make test` runs every test.
# Both create ./.venv and install the project into it on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

NODE_CLIENT := tests/clients/node
NODE_STAMP := $(NODE_CLIENT)/node_modules/.installed-stamp

TS_SDK := sdks/typescript
TS_STAMP := $(TS_SDK)/node_modules/.installed-stamp
# Without npm the TypeScript SDK is skipped, except under CI=true, where that is a failure.
NO_NPM = if [ "$$CI" = "true" ]; then echo "npm not found (CI=true): the TypeScript SDK cannot be tested"; exit 1; \
	else echo "npm not found: the TypeScript SDK is skipped"; fi

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The Node client test (@kafkajs/confluent-schema-registry) needs its package installed.
$(NODE_STAMP): $(NODE_CLIENT)/package.json $(NODE_CLIENT)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd $(NODE_CLIENT) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed-stamp; \
	else echo "npm not found: the Node client test will be skipped"; fi

# The TypeScript SDK's dev dependencies (typescript, ajv, prettier), exactly as locked.
$(TS_STAMP): $(TS_SDK)/package.json $(TS_SDK)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd $(TS_SDK) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed-stamp; \
	else $(NO_NPM); fi

run: $(STAMP)
	$(BIN)/llm-schema serve

# Test files run in TEST_WORKERS processes (pytest-xdist), a file's tests in one process, so
# module-level servers are started once: most tests wait on real servers, so three workers
# take the suite from ~28 to ~12 minutes on this 2-core machine. TEST_WORKERS=0: one process.
TEST_WORKERS ?= 3

test: $(STAMP) $(NODE_STAMP) $(TS_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile
	@# The TypeScript SDK: build, tsc --noEmit (strict), node --test against a real registry.
	@if command -v npm >/dev/null 2>&1; then \
		cd $(TS_SDK) && REGISTRY_SERVE_CMD=$(abspath $(BIN))/llm-schema npm test; \
	else $(NO_NPM); fi

lint: $(STAMP) $(TS_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	cd $(TS_SDK) && npm run lint

bench: $(STAMP)
	$(BIN)/python bench/hot_path.py
	$(BIN)/python bench/registrations.py

clean:
	rm -rf $(VENV) $(NODE_CLIENT)/node_modules $(TS_SDK)/node_modules $(TS_SDK)/dist $(TS_SDK)/build build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
