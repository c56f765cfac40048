# All set-up happens here: `make test` and `make demo` work on a fresh clone.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
KDIFFUSION := k-diffusion==0.1.1.post1 torchsde==0.2.6 torchdiffeq==0.2.5 trampoline==0.1.2
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: test demo export clean-nbs docs docs-check cifar10

$(VENV)/.installed: pyproject.toml settings.ini
	@test -x $(PY) || python3 -m venv $(VENV)
	@echo "installing fastddss[dev] into $(VENV) (torch comes from local wheels where present)"
	@$(PY) -m pip install -q -e ".[dev]" > $(VENV)/pip.log 2>&1 || { cat $(VENV)/pip.log; exit 1; }
	@# k-diffusion's samplers for the DPM-Solver parity test, without its training stack (wandb, kornia, clip, accelerate)
	@$(PY) -m pip install -q --no-deps $(KDIFFUSION) >> $(VENV)/pip.log 2>&1 || { cat $(VENV)/pip.log; exit 1; }
	@touch $@

## test: run every notebook (nbdev_test) and tests/ (pytest); ends with `N passed, N failed`
test: $(VENV)/.installed
	@$(PY) tests/run_all.py

## demo: the main job (writes outputs/demo/)
demo: $(VENV)/.installed
	@$(PY) -c "from fastddss.demo import main; main()"

## export: notebooks -> fastddss/ ; clean-nbs: strip notebook metadata before committing
export: $(VENV)/.installed
	@$(VENV)/bin/nbdev_export
clean-nbs: $(VENV)/.installed
	@$(VENV)/bin/nbdev_clean

## docs: _docs/ (nbconvert): README.md as index.html, the textbook notebooks in reading order, the experiment records (9x), a sidebar and previous/next links; MathJax local via npm when it can be had, else CDN
docs: $(VENV)/.installed
	@$(PY) scripts/build_docs.py
## docs-check: screenshots of the rendered pages in headless chromium (_docs/screenshots/; apt-get install -y chromium)
docs-check: docs
	@bash scripts/check_docs.sh

## cifar10: the real-data recipe (needs internet once, and a GPU to be quick): google/ddpm-cifar10-32, DDIM 10 steps, 50k samples, clean-fid Inception FID
cifar10: $(VENV)/.installed
	@$(PY) -m fastddss.cli cifar10 $(ARGS)
