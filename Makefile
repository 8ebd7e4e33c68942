# The two commands a new user runs: `make demo` and `make test`.
PYTHON ?= python3
DEMO_CONFIG ?= configs/segfanet/segfanet-s_1xb4-400i_demo-128x128.py
DEMO_WORK_DIR ?= work_dirs/$(basename $(notdir $(DEMO_CONFIG)))

.PHONY: install lint demo test test-quick results results-msrs results-msrs-rgb results-msrs-mb results-downstream

# pip runs only when a requirement is missing or too old, or segfanet_mm is
# not installed from this checkout (tools/misc/install_is_current.py).
REQUIREMENTS = requirements.txt requirements/tests.txt
install:
	@$(PYTHON) -c "import importlib.util as u, sys; sys.exit(not u.find_spec('torch'))" || $(PYTHON) -m pip install torch==2.13.0
	@$(PYTHON) tools/misc/install_is_current.py $(REQUIREMENTS) || { \
	  $(PYTHON) -m pip install -q --disable-pip-version-check $(addprefix -r ,$(REQUIREMENTS)) && \
	  $(PYTHON) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e . ; }

demo: install
	$(PYTHON) tools/run_demo.py $(DEMO_CONFIG) --work-dir $(DEMO_WORK_DIR)

# The code-style checks of .pre-commit-config.yaml (flake8, isort, yapf, ...)
# on every tracked file; CI runs them before the tests.
lint:
	@$(PYTHON) -m pip install -q --disable-pip-version-check -r requirements/lint.txt
	$(PYTHON) -m pre_commit run --all-files --show-diff-on-failure

# Two pytest workers (pytest-xdist), each test file on one worker so that its
# trained fixtures are built once; each worker and the tools it starts use one
# thread (tests/conftest.py), so the two share the cores instead of fighting.
TEST_WORKERS ?= 2
test: install
	$(PYTHON) -m pytest tests -q -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

# The edit loop: every test not marked slow (no training, no subprocess;
# under a minute on 2 cores). CI runs `make test`, which includes these.
test-quick: install
	$(PYTHON) -m pytest tests -q -m "not slow"

# Train SegFANet-S and its ablations on the real pairs in ../shared/data and
# score them on VIFB against the mean/max rules (docs/results.md; ~1 h CPU).
results: install
	bash tools/reproduce_real_results.sh

# Train SegFANet-S on MSRS's 9-class labels (three seeds), its ablations and
# the segmentation baselines, and score them on msrs_seg/val (docs/results.md,
# "MSRS"; about 2 h on 2 CPU cores, JOBS=2 trainings side by side).
results-msrs: install
	bash tools/reproduce_msrs_results.sh

# The same table for SegFANet-S-RGB (RGB visible stream, deeper encoder,
# class-weighted cross-entropy; docs/results.md, "SegFANet-S-RGB"; the
# segmentation branches with two seeds, two early-fusion baselines of its
# size with three: twenty-four trainings, about 3.5 h).
results-msrs-rgb: install
	RECIPE=rgb bash tools/reproduce_msrs_results.sh

# The same table for SegFANet-S-MB (SegFANet-S-RGB with MobileNetV2 blocks in
# the streams; docs/results.md, "SegFANet-S-MB"; the early-fusion baselines
# are shared with results-msrs-rgb's work_dirs/msrs: about 4 h alone).
results-msrs-mb: install
	RECIPE=mb bash tools/reproduce_msrs_results.sh

# Does fusion help a downstream segmenter? BiSeNetV2 trained on six fusion
# methods' images of msrs_seg (two seeds each; docs/results.md, "Downstream
# segmentation"; about 2.5 h on 2 CPU cores; needs make results-msrs first).
results-downstream: install
	bash tools/reproduce_downstream_results.sh
