package io.github.rediskeysmigrator.inspect;

/** What {@code inspect} found in one path it was given: an RDB file or an AOF. */
public sealed interface Description permits RdbDescription, AofDescription {}
