package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.sink.Throttle;
import java.time.Clock;

/**
 * Where a verification records what it finds, and the pace and time it runs by: the report counts
 * every outcome, the difference sink keeps each difference; the throttle paces the keys compared
 * (--max-rate; a live source paces its own reading instead) and the clock is injected for tests.
 */
public record VerifyContext(
    VerifyReport report, DifferenceSink differences, Throttle throttle, Clock clock) {}
