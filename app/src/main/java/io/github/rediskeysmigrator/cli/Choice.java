package io.github.rediskeysmigrator.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads an option whose value is one of an enum's constants, written in any case, and refuses any
 * other value with the option's own words ({@code "--progress must be auto, always or never, got
 * 'x'"}), whether it came from the command line or from an environment variable.
 */
abstract class Choice<E extends Enum<E>> implements ITypeConverter<E> {
  private final Class<E> type;
  private final String rule;

  /**
   * @param rule what the option takes, e.g. {@code "--progress must be auto, always or never"}
   */
  Choice(Class<E> type, String rule) {
    this.type = type;
    this.rule = rule;
  }

  @Override
  public E convert(String value) {
    try {
      return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(rule + ", got '" + value + "'");
    }
  }
}
