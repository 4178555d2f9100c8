# Thin wrapper around CMake: every target installs what is missing first.
BUILD ?= build
ASAN_BUILD ?= build-asan
VALGRIND_BUILD ?= build-valgrind
FUZZ_BUILD ?= build-fuzz
PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all deps demo test asan valgrind fuzz install clean bench

all: $(BUILD)/lotk

deps:
	@scripts/install-deps

$(BUILD)/Makefile: CMakeLists.txt | deps
	cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS)

$(BUILD)/lotk: deps $(BUILD)/Makefile FORCE
	cmake --build $(BUILD) -j $(JOBS)

# The table on stdout (with the rejected rows in a file), then the HTML report of the same
# result (scripts/report-screenshot takes the README's picture from it).
demo: $(BUILD)/lotk
	$(BUILD)/lotk score standards/enterprise.yaml surveys/enterprise.csv \
		--evidence surveys/enterprise-evidence.csv --evidence surveys/enterprise-self-evidence.csv \
		--rejects $(BUILD)/enterprise-rejects.csv
	@$(BUILD)/lotk score standards/enterprise.yaml surveys/enterprise.csv \
		--evidence surveys/enterprise-evidence.csv --evidence surveys/enterprise-self-evidence.csv \
		-q -f html -o $(BUILD)/enterprise-report.html
	@echo "demo: wrote $(BUILD)/enterprise-report.html, the HTML report of these results (open it in a browser)"

test: $(BUILD)/lotk
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

asan: deps
	cmake -S . -B $(ASAN_BUILD) -DLOTK_SANITIZE=ON -DLOTK_WERROR=ON -DCMAKE_BUILD_TYPE=Debug
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -j $(JOBS)

# The golden CLI cases with lotk under valgrind: no memory error, no definite leak. Cases
# labelled slow (a plugin looping until its CPU budget, every format in every locale) take
# minutes there and test nothing the others do not; ASan runs them.
valgrind: deps
	cmake -S . -B $(VALGRIND_BUILD) -DLOTK_VALGRIND=ON -DLOTK_WERROR=ON -DCMAKE_BUILD_TYPE=Debug
	cmake --build $(VALGRIND_BUILD) -j $(JOBS) --target lotk
	cd $(VALGRIND_BUILD) && ctest --output-on-failure -j $(JOBS) -L cli -LE slow

# libFuzzer: every fuzz target built with clang -fsanitize=fuzzer,address,undefined on a core
# instrumented for it, then run one after another for SECONDS each (tests/fuzz/README.md).
# FUZZ_TARGETS picks some; exits non-zero when any found something.
SECONDS ?= 60
FUZZ_TARGETS ?= header decoder csvread survey standard plugin evidence partial results members score
fuzz:
	@scripts/install-deps --fuzz
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DLOTK_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	tests/fuzz/run.sh $(FUZZ_BUILD) $(SECONDS) $(FUZZ_TARGETS)

install: $(BUILD)/lotk
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(VALGRIND_BUILD) $(FUZZ_BUILD)

FORCE:
