# Callboard: the commands a developer, CI and an installer need.
#   make test   install what the tests need, then run every test (offscreen)
#   make demo   run the demo: a simulated call center, its wallboard and a softphone
#   make package        a packaged build for this system (PyInstaller), in dist/
#   make package-test   build it and smoke-test the bundle headless
#   make bench  run the benchmarks in tests/bench and print their figures
#   make lint   ruff and mypy

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

# Debian packages the test rig uses: a real registrar, a real SIP tester,
# real audio devices through PulseAudio, the shared libraries Qt's offscreen
# platform loads, and a virtual X server (Xvfb) with the xcb libraries Qt's
# X11 platform needs, for the demo test on a real display.
DEB_PACKAGES := kamailio kamailio-tls-modules sip-tester libportaudio2 \
	pulseaudio pulseaudio-utils libasound2-plugins openssl \
	libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 \
	fonts-dejavu-core fonts-noto-cjk \
	xvfb libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 \
	libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0

# The first Python from 3.10 to 3.12 on PATH: pjsua2 wheels stop at 3.12.
PYTHON ?= $(shell for p in python3.12 python3.11 python3.10 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 12)))' 2>/dev/null \
	&& { echo $$p; break; }; done)

PACKAGE_VENV := .venv-package
PACKAGE_PY := $(PACKAGE_VENV)/bin/python
DEMO_SPEED ?= 10
DEMO_ARGS ?=

.PHONY: test demo bench lint system-deps venv clean package package-test

test: system-deps venv
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

# Not system-deps: a user who is not root gets the lab's own message when
# Kamailio is missing, instead of a refusal to install packages.
demo: venv
	$(PY) -m softphone.lab.demo --speed $(DEMO_SPEED) $(DEMO_ARGS)

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

# Packaged build for this system: PyInstaller in a venv of its own, see
# packaging/build.py. The project is reinstalled each time so the bundle's
# metadata matches the checkout.
package: $(PACKAGE_VENV)/.installed
	$(PACKAGE_PY) -m pip install --quiet --no-deps --force-reinstall .
	QT_QPA_PLATFORM=offscreen $(PACKAGE_PY) packaging/build.py

package-test: system-deps package
	$(PACKAGE_PY) packaging/smoke_test.py

$(PACKAGE_VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "No Python from 3.10 to 3.12 found on PATH (pjsua2 wheels need one)." >&2; exit 1; fi
	@test -x $(PACKAGE_PY) || $(PYTHON) -m venv $(PACKAGE_VENV)
	$(PACKAGE_PY) -m pip install --quiet --upgrade pip
	$(PACKAGE_PY) -m pip install --quiet . 'pyinstaller>=6.10,<7'
	@touch $@

clean:
	rm -rf $(VENV) $(PACKAGE_VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
