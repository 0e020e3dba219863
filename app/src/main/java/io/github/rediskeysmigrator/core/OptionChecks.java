package io.github.rediskeysmigrator.core;

/**
 * The checks of option values that the plans of several commands share, each failing with one
 * {@link IllegalArgumentException} whose message names the option.
 */
public final class OptionChecks {
  private OptionChecks() {}

  /** Fails with "OPTION must be at least 1, got VALUE" when {@code value} is below 1. */
  public static void atLeastOne(String option, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(option + " must be at least 1, got " + value);
    }
  }

  /** Fails with "OPTION must not be negative" when {@code value} is below 0. */
  public static void notNegative(String option, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(option + " must not be negative");
    }
  }

  /** Fails unless {@code value} is a finite number of 0 or more (a rate; 0 means no limit). */
  public static void rate(String option, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(option + " must be a number of 0 or more");
    }
  }
}
