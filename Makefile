# Callboard: the commands a developer, CI and an installer need.
#   make test   install what the tests need, then run every test (offscreen)
#   make demo   run the demo (for now: the softphone self-test)
#   make bench  run the benchmarks in tests/bench and print their figures
#   make lint   ruff and mypy

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

# Debian packages the test rig uses: a real registrar, a real SIP tester,
# real audio devices through PulseAudio, and the shared libraries Qt's
# offscreen platform loads.
DEB_PACKAGES := kamailio kamailio-tls-modules sip-tester libportaudio2 \
	pulseaudio pulseaudio-utils libasound2-plugins openssl \
	libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 \
	fonts-dejavu-core fonts-noto-cjk

# The first Python from 3.10 to 3.12 on PATH: pjsua2 wheels stop at 3.12.
PYTHON ?= $(shell for p in python3.12 python3.11 python3.10 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 12)))' 2>/dev/null \
	&& { echo $$p; break; }; done)

.PHONY: test demo bench lint system-deps venv clean

test: system-deps venv
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

demo: venv
	@echo "The lab and the windows are not built yet: running the softphone self-test."
	$(VENV)/bin/softphone --self-test

bench: system-deps venv
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest tests/bench -s -o python_files='bench_*.py' $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check softphone supervisor tests
	$(VENV)/bin/ruff format --check softphone supervisor tests
	$(VENV)/bin/mypy

system-deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
		echo "Missing Debian packages:$$missing"; \
		echo "Install them (sudo apt-get install$$missing) or run make test as root."; \
		exit 1; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "No Python from 3.10 to 3.12 found on PATH (pjsua2 wheels need one)." >&2; exit 1; fi
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,lint]'
	@touch $@

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
