#!/usr/bin/env bash
# Regenerates docs/reference/ (the option reference, one page per command) from the picocli model.
# ReferencePagesTest fails when the committed pages differ from what this writes.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q ${MAVEN_OFFLINE:--o} -pl app -DskipTests -Dspotless.check.skip=true package
java -cp app/target/redis-keys-migrator.jar \
  io.github.rediskeysmigrator.cli.ReferencePages docs/reference
