# The two commands a fresh machine needs: `make run` and `make test`.
BUILD_DIR ?= build/release
BUILD_TYPE ?= Release
DATA_DIR ?= data
JOBS ?= $(shell nproc)

.PHONY: all bootstrap build run test debug asan bench clean

all: build

bootstrap:
	@bash scripts/bootstrap.sh

build: bootstrap
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@bash scripts/run.sh $(BUILD_DIR) $(DATA_DIR)

# Every test: unit, integration (the real binary on a real socket) and the store suite on
# SQLite and on a throwaway PostgreSQL that the script starts and stops.
test: build
	@PARLEY_REQUIRE_PG=1 bash scripts/with-postgres.sh \
		ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) --timeout 300

debug:
	@$(MAKE) build BUILD_DIR=build/debug BUILD_TYPE=Debug

# ASan + UBSan build and test run.
asan:
	@$(MAKE) test BUILD_DIR=build/asan BUILD_TYPE=Asan

bench: build
	@echo "Benchmarks are run by hand; see docs/PERFORMANCE.md for each command."

clean:
	rm -rf build
