# gg: everything installs itself into .venv from pinned versions (constraints.txt).
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
SHELL   := /bin/bash
.SHELLFLAGS := -o pipefail -c

.PHONY: install test demo lint clean sysdeps

install: $(STAMP)

# mxnet's wheel needs libgomp and libquadmath from the system: checked, installed when root,
# otherwise the command to install them is printed.
sysdeps:
	@sh scripts/sysdeps.sh

# pip's full output goes to .venv/pip-install.log; one line per package is shown as it goes.
$(STAMP): pyproject.toml constraints.txt
	@sh scripts/sysdeps.sh
	@echo "== gg: setting up $(VENV) with pinned packages (constraints.txt); the first time takes 2-3 minutes"
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/pip install --disable-pip-version-check -c constraints.txt -e '.[sandbox,ml,dev]' 2>&1 \
	  | tee $(VENV)/pip-install.log \
	  | awk '/^(Collecting|Installing collected|Successfully installed)|ERROR|rror:/ {print "   " $$0; fflush()}' \
	  || { echo "== gg: pip failed; full log: $(VENV)/pip-install.log" >&2; exit 1; }
	@$(BIN)/python -m gg_manager.setup_runtime
	@touch $(STAMP)
	@echo "== gg: installed into $(VENV)"

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/vermin -t=3.7- --no-tips --violations lambdas

# make demo: on Greengrass V2 (a local V2 core device); make demo TARGET=v1: on Greengrass V1
demo: $(STAMP)
	$(BIN)/python -m gg_manager.demo $(if $(TARGET),--target $(TARGET))

clean:
	rm -rf $(VENV) .gg .pytest_cache
