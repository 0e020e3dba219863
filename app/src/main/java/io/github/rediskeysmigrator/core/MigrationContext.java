package io.github.rediskeysmigrator.core;

import java.time.Clock;

/**
 * Where a migration records its outcomes, and the time it runs by: the report counts every outcome,
 * the error sink keeps the detail of each failure; the clock and the sleeper are injected so that
 * engine tests run in milliseconds.
 */
public record MigrationContext(
    MigrationReport report, ErrorSink errors, Clock clock, Sleeper sleeper) {}
