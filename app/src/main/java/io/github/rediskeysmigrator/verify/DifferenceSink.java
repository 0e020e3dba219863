package io.github.rediskeysmigrator.verify;

/** Receives every key that differs, once, in the order they were found. */
@FunctionalInterface
public interface DifferenceSink {
  void difference(Difference d);
}
