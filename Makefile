# gg: everything installs itself into .venv from pinned versions (constraints.txt).
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: install test demo lint clean sysdeps

install: $(STAMP)

# mxnet's wheel needs libgomp1 and libquadmath0 from the system.
sysdeps:
	@ldconfig -p | grep -q libgomp.so.1 && ldconfig -p | grep -q libquadmath.so.0 || \
	  { apt-get update -qq && apt-get install -y -qq libgomp1 libquadmath0; }

$(STAMP): pyproject.toml constraints.txt
	@$(MAKE) --no-print-directory sysdeps
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q -c constraints.txt -e '.[sandbox,ml,dev]'
	$(BIN)/python -m gg_manager.setup_runtime
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/vermin -t=3.7- --no-tips --violations lambdas

demo: $(STAMP)
	$(BIN)/python -m gg_manager.demo

clean:
	rm -rf $(VENV) .gg .pytest_cache
