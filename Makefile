# ĐHTT – make targets. `make` alone lists them.
# Settings reach the program: make report PERIOD=2025-Q2 INPUTS=inputs OUTPUTS=outputs \
#   RUN_DATE=2025-07-20 CONFIG=plans/2021-2025.toml
# Without CONFIG, each command uses the plan of plans/ whose years hold its period (or year).
PYTHON  ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV    ?= .venv
BIN     := $(VENV)/bin
INPUTS  ?= inputs
OUTPUTS ?= outputs
CONFIG  ?=
PERIOD  ?=
MONTH   ?=
YEAR    ?=
RUN_DATE ?=
FILE    ?=
SEND    ?=
MEETING_DATE ?=

OPTS = --inputs $(INPUTS) $(if $(CONFIG),--config $(CONFIG)) $(if $(RUN_DATE),--run-date $(RUN_DATE))
# A run that completed is a success for make (status 0 or 1: problems in units' files are the
# product's normal output); status 2 (the run could not be made) and 3 (a fault: disk full,
# read-only, memory, a bug) fail the target.
RUN = $(BIN)/python -m pipeline
OK12 = status=$$?; [ $$status -le 1 ] || exit $$status

.DEFAULT_GOAL := help
.PHONY: help install report ntvt annual ballots so-ket tong-ket templates check test test-fast test-stress lint golden bench \
        bench-smoke check-render samples clean mail-fetch mail-send mail-remind

help: ## Liệt kê các lệnh
	@echo "ĐHTT – các lệnh make:"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-13s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

# The package compiled to bytecode, as pip compiles what it installs: again whenever a source
# changed (Python would otherwise recompile it on every run under PYTHONDONTWRITEBYTECODE).
$(BIN)/.compiled: $(BIN)/.installed $(shell find pipeline schemas -name '*.py' 2>/dev/null)
	@$(BIN)/python -m compileall -q pipeline schemas >/dev/null
	@touch $@

install: $(BIN)/.installed $(BIN)/.compiled ## Tạo môi trường .venv và cài thư viện (tự chạy khi cần)

report: install ## Tổng hợp một quý (PERIOD=2025-Q2; mặc định: kỳ mới nhất trong inputs/)
	@$(RUN) report $(OPTS) --outputs $(OUTPUTS) $(if $(PERIOD),--period $(PERIOD)); $(OK12)

ntvt: install ## Người tốt việc tốt của một tháng (MONTH=2025-08; mặc định: tháng trước)
	@$(RUN) ntvt $(OPTS) --outputs $(OUTPUTS) $(if $(MONTH),--month $(MONTH)); $(OK12)


annual: install ## Đánh giá năm, đề nghị khen thưởng, kiểm phiếu Hội đồng nếu có (YEAR=2024)
	@$(RUN) annual $(OPTS) --outputs $(OUTPUTS) $(if $(YEAR),--year $(YEAR)) $(if $(MEETING_DATE),--meeting-date $(MEETING_DATE)); $(OK12)

ballots: install ## Tạo phiếu bầu cho thành viên Hội đồng Thi đua - Khen thưởng (YEAR=2025)
	@$(RUN) ballots $(OPTS) --outputs $(OUTPUTS) $(if $(YEAR),--year $(YEAR)) $(if $(MEETING_DATE),--meeting-date $(MEETING_DATE)); $(OK12)

so-ket: install ## Sơ kết giữa kỳ (khoảng thời gian theo cấu hình)
	@$(RUN) so-ket $(OPTS) --outputs $(OUTPUTS); $(OK12)

tong-ket: install ## Tổng kết giai đoạn (khoảng thời gian theo cấu hình)
	@$(RUN) tong-ket $(OPTS) --outputs $(OUTPUTS); $(OK12)

templates: install ## Tạo mẫu trống cho các đơn vị vào outputs/mau/ (PERIOD=…; mặc định: quý tới)
	@$(RUN) templates --inputs $(INPUTS) $(if $(CONFIG),--config $(CONFIG)) --outputs $(OUTPUTS) $(if $(PERIOD),--period $(PERIOD)); $(OK12)

check: install ## Kiểm tra một tệp vừa nhận (.xlsx, .xls, .ods, .eml, hoi-dong.xlsx): make check FILE=… [PERIOD=…]
	@test -n "$(FILE)" || { echo "Hãy chỉ tệp cần kiểm tra: make check FILE=đường/dẫn/tệp.xlsx"; exit 2; }
	@$(RUN) check "$(FILE)" $(OPTS) --outputs $(OUTPUTS) $(if $(PERIOD),--period $(PERIOD)); $(OK12)

mail-fetch: install ## Nhận thư mới của các đơn vị từ hộp thư Văn phòng vào inputs/<kỳ>/
	@$(RUN) mail fetch --inputs $(INPUTS) --outputs $(OUTPUTS) --config $(CONFIG); $(OK12)

mail-send: install ## Thư phản hồi cho các đơn vị (PERIOD=…; xem trước, SEND=1 để gửi thật)
	@$(RUN) mail send $(if $(PERIOD),--period $(PERIOD)) --inputs $(INPUTS) --outputs $(OUTPUTS) --config $(CONFIG) $(if $(SEND),--send); $(OK12)

mail-remind: install ## Nhắc đơn vị chưa nộp báo cáo (PERIOD=…; xem trước, SEND=1 để gửi thật)
	@$(RUN) mail remind $(if $(PERIOD),--period $(PERIOD)) $(OPTS) --outputs $(OUTPUTS) $(if $(SEND),--send); $(OK12)

test: install ## Chạy bộ kiểm thử
	$(BIN)/python -m pytest

test-fast: install ## Chạy nhanh bộ kiểm thử, bỏ qua các phép thử đầu-cuối chậm (dưới một phút)
	$(BIN)/python -m pytest -m "not slow"

test-stress: install ## Chạy bộ kiểm thử 3 lần khi 2 tiến trình khác chiếm CPU (bắt lỗi do thời gian)
	$(BIN)/python -m tests.stress --runs 3 --busy 2

lint: install ## Kiểm tra mã nguồn (ruff)
	$(BIN)/ruff check .

golden: install ## Tạo lại tệp mẫu đối chiếu của báo cáo (tests/golden/)
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest tests/outputs/test_documents.py -q

bench: install ## Đo hiệu năng: 500 tệp × 200 dòng so với mức sàn và cách làm đơn giản
	$(BIN)/python -m pipeline.tools.bench --out $(OUTPUTS)/bench

bench-smoke: install ## Bản đo hiệu năng thu nhỏ (CI chạy)
	$(BIN)/python -m pipeline.tools.bench --smoke --out $(OUTPUTS)/bench-smoke

check-render: install ## Chuyển bảng tính, văn bản đã tạo sang PDF bằng LibreOffice để kiểm tra
	$(BIN)/python -m pipeline.tools.render_check $(OUTPUTS)

samples: install ## Tạo lại dữ liệu mẫu trong inputs/
	$(BIN)/python -m pipeline.tools.sample --out $(INPUTS)
	$(BIN)/python -m pipeline.tools.sample --out $(INPUTS) --first 2026-Q1 --last 2026-Q3 \
		--config plans/2026-2030.toml

clean: ## Xóa kết quả (giữ nguyên inputs/)
	rm -rf $(OUTPUTS)/*/ $(OUTPUTS)/.cache .pytest_cache .ruff_cache
