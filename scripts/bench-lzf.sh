#!/usr/bin/env bash
# JMH micro-benchmark of the LZF decompressors (app/src/test/.../rdb/LzfBenchmark.java): ours
# (rdb.Lzf) against Redis Replicator's Lzf.decode, on JSON-like strings of 256 B, 4 KiB and 64 KiB.
# Usage: BENCH_MODE=lzf scripts/bench.sh  (or scripts/bench-lzf.sh directly)
# Extra JMH options go through BENCH_JMH_ARGS, e.g. BENCH_JMH_ARGS='-f 2 -i 10'.
# Needs: a JDK 17 and Maven with the project's dependencies (jmh-core 1.37) in the local repository.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "${SCRIPT_DIR}/.." && pwd -P)
cd "${ROOT}"
# test-compile runs JMH's annotation processor, which writes the benchmark list.
mvn -B -q -o test-compile -pl app -am -Dspotless.check.skip=true
CP_FILE=$(mktemp)
trap 'rm -f "${CP_FILE}"' EXIT
mvn -B -q -o dependency:build-classpath -pl app -Dmdep.includeScope=test \
  -Dmdep.outputFile="${CP_FILE}"
# shellcheck disable=SC2086 # BENCH_JMH_ARGS is a list of options
exec java -cp "app/target/test-classes:app/target/classes:$(cat "${CP_FILE}")" \
  org.openjdk.jmh.Main -foe true 'io.github.rediskeysmigrator.rdb.LzfBenchmark' ${BENCH_JMH_ARGS:-}
