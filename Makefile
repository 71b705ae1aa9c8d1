# ĐHTT – make targets. `make` alone lists them.
# Settings reach the program: make report PERIOD=2025-Q2 INPUTS=inputs OUTPUTS=outputs \
#   RUN_DATE=2025-07-20 CONFIG=plans/2021-2025.toml
PYTHON  ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV    ?= .venv
BIN     := $(VENV)/bin
INPUTS  ?= inputs
OUTPUTS ?= outputs
CONFIG  ?= plans/2021-2025.toml
PERIOD  ?=
YEAR    ?=
RUN_DATE ?=
FILE    ?=

OPTS = --inputs $(INPUTS) --config $(CONFIG) $(if $(RUN_DATE),--run-date $(RUN_DATE))
# A run that completed is a success for make (status 0 or 1: problems in units' files are the
# product's normal output); status 2 (the run could not be made) and 3 (a fault: disk full,
# read-only, memory, a bug) fail the target.
RUN = $(BIN)/python -m pipeline
OK12 = status=$$?; [ $$status -le 1 ] || exit $$status

.DEFAULT_GOAL := help
.PHONY: help install report annual so-ket tong-ket templates check test test-stress lint golden bench \
        bench-smoke check-render samples clean

help: ## Liệt kê các lệnh
	@echo "ĐHTT – các lệnh make:"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-13s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/.installed ## Tạo môi trường .venv và cài thư viện (tự chạy khi cần)

report: install ## Tổng hợp một quý (PERIOD=2025-Q2; mặc định: kỳ mới nhất trong inputs/)
	@$(RUN) report $(OPTS) --outputs $(OUTPUTS) $(if $(PERIOD),--period $(PERIOD)); $(OK12)

annual: install ## Đánh giá năm, đề nghị khen thưởng (YEAR=2024; mặc định: năm mới nhất)
	@$(RUN) annual $(OPTS) --outputs $(OUTPUTS) $(if $(YEAR),--year $(YEAR)); $(OK12)

so-ket: install ## Sơ kết giữa kỳ (khoảng thời gian theo cấu hình)
	@$(RUN) so-ket $(OPTS) --outputs $(OUTPUTS); $(OK12)

tong-ket: install ## Tổng kết giai đoạn (khoảng thời gian theo cấu hình)
	@$(RUN) tong-ket $(OPTS) --outputs $(OUTPUTS); $(OK12)

templates: install ## Tạo mẫu trống cho các đơn vị vào outputs/mau/ (PERIOD=…; mặc định: quý tới)
	@$(RUN) templates --inputs $(INPUTS) --config $(CONFIG) --outputs $(OUTPUTS) $(if $(PERIOD),--period $(PERIOD)); $(OK12)

check: install ## Kiểm tra một tệp vừa nhận (.xlsx, .xls, .ods, .eml, hoi-dong.xlsx): make check FILE=… [PERIOD=…]
	@test -n "$(FILE)" || { echo "Hãy chỉ tệp cần kiểm tra: make check FILE=đường/dẫn/tệp.xlsx"; exit 2; }
	@$(RUN) check "$(FILE)" $(OPTS) --outputs $(OUTPUTS) $(if $(PERIOD),--period $(PERIOD)); $(OK12)

test: install ## Chạy bộ kiểm thử
	$(BIN)/python -m pytest

test-stress: install ## Chạy bộ kiểm thử 3 lần khi 2 tiến trình khác chiếm CPU (bắt lỗi do thời gian)
	$(BIN)/python -m tests.stress --runs 3 --busy 2

lint: install ## Kiểm tra mã nguồn (ruff)
	$(BIN)/ruff check .

golden: install ## Tạo lại tệp mẫu đối chiếu của báo cáo (tests/golden/)
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest tests/test_documents.py -q

bench: install ## Đo hiệu năng: 500 tệp × 200 dòng so với mức sàn và cách làm đơn giản
	$(BIN)/python -m pipeline.bench --out $(OUTPUTS)/bench

bench-smoke: install ## Bản đo hiệu năng thu nhỏ (CI chạy)
	$(BIN)/python -m pipeline.bench --smoke --out $(OUTPUTS)/bench-smoke

check-render: install ## Chuyển bảng tính, văn bản đã tạo sang PDF bằng LibreOffice để kiểm tra
	$(BIN)/python -m pipeline.render_check $(OUTPUTS)

samples: install ## Tạo lại dữ liệu mẫu trong inputs/
	$(BIN)/python -m pipeline.sample --out $(INPUTS)

clean: ## Xóa kết quả (giữ nguyên inputs/)
	rm -rf $(OUTPUTS)/*/ $(OUTPUTS)/.cache .pytest_cache .ruff_cache
