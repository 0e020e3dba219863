package io.github.rediskeysmigrator.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logging set up in code rather than logback.xml, with a hand-made layout rather than a pattern:
 * parsing the XML, and a PatternLayout's table of converters, took a noticeable part of the tool's
 * start-up. Diagnostics only, on stderr: results go to stdout and the report, key errors to the
 * error log. {@code RKM_LOG_LEVEL} (default warn) sets our level and {@code
 * RKM_REPLICATOR_LOG_LEVEL} (default off) Redis Replicator's, which logs every socket error with a
 * stack trace, including the one our own stop causes.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {
  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (LogConfigurator.class.getClassLoader().getResource("logback-test.xml") != null) {
      // Tests bring their own configuration; let logback's usual lookup find it.
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setTarget("System.err");
    LineLayout layout = new LineLayout();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    stderr.setEncoder(encoder);
    stderr.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(stderr);
    root.setLevel(level("RKM_LOG_LEVEL", Level.WARN));
    context.getLogger("com.moilioncircle").setLevel(level("RKM_REPLICATOR_LOG_LEVEL", Level.OFF));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** The level variables and the values they take. */
  private static final java.util.List<String> VARIABLES =
      java.util.List.of("RKM_LOG_LEVEL", "RKM_REPLICATOR_LOG_LEVEL");

  private static final java.util.List<String> LEVELS =
      java.util.List.of("trace", "debug", "info", "warn", "error", "off");

  /**
   * The message for a level variable set to something that is not a level, or null when both are
   * unset or valid: a run refuses it at start (exit 2) rather than log at a level nobody chose.
   */
  static String badLevel(java.util.Map<String, String> env) {
    for (String variable : VARIABLES) {
      String value = env.get(variable);
      if (value != null
          && !value.isBlank()
          && !LEVELS.contains(value.trim().toLowerCase(java.util.Locale.ROOT))
          && !value.trim().equalsIgnoreCase("all")) {
        return "Invalid value for "
            + variable
            + ": '"
            + value
            + "' (expected one of "
            + String.join(", ", LEVELS)
            + ")";
      }
    }
    return null;
  }

  private static Level level(String variable, Level fallback) {
    String value = System.getenv(variable);
    return value == null || value.isBlank() ? fallback : Level.toLevel(value.trim(), fallback);
  }
}
