package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class LineLayoutTest {
  private static String layout(Level level, String message, Throwable thrown, Object... args) {
    LoggerContext context = new LoggerContext();
    LineLayout layout = new LineLayout();
    layout.setContext(context);
    layout.start();
    LoggingEvent event =
        new LoggingEvent(
            "fqcn",
            context.getLogger("io.github.rediskeysmigrator.sink.PipelinedWriter"),
            level,
            message,
            thrown,
            args);
    return layout.doLayout(event);
  }

  @Test
  void oneLineWithTimeLevelLoggerAndMessage() {
    String line = layout(Level.WARN, "reconnecting to {}", null, "127.0.0.1:6379");
    assertTrue(
        line.matches(
            "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  PipelinedWriter - reconnecting to 127.0.0.1:6379"
                + System.lineSeparator()),
        line);
  }

  @Test
  void aThrowableFollowsWithItsStackTrace() {
    String text = layout(Level.ERROR, "unexpected failure", new IOException("broken pipe"));
    assertTrue(text.contains(" ERROR PipelinedWriter - unexpected failure"), text);
    assertTrue(text.contains("java.io.IOException: broken pipe"), text);
    assertTrue(text.contains("at io.github.rediskeysmigrator.cli.LineLayoutTest"), text);
  }
}
