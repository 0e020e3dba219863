package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.Sleeper;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * What a command may touch of the outside world, injected so tests run commands in-process.
 *
 * @param env environment variables
 * @param out results
 * @param err progress and error messages
 * @param clock wall clock
 * @param sleeper pauses
 * @param terminal whether stderr is a terminal (for --progress auto)
 */
record Context(
    Map<String, String> env,
    PrintStream out,
    PrintStream err,
    Clock clock,
    Sleeper sleeper,
    boolean terminal) {}
