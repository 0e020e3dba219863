package io.github.rediskeysmigrator.conformance;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What the tool logs while a test runs it in-process. Its logback configuration sends WARN and
 * above to stderr, so a logged exception is a stack trace the user would see.
 */
final class StderrLog implements AutoCloseable {
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();

  StderrLog() {
    events.start();
    root.addAppender(events);
  }

  /** Forgets what was logged so far. */
  synchronized void clear() {
    events.list.clear();
  }

  /** The first WARN or ERROR event that carries an exception, as one line, or null. */
  synchronized String firstStackTrace() {
    for (ILoggingEvent e : List.copyOf(events.list)) {
      if (e.getLevel().isGreaterOrEqual(Level.WARN) && e.getThrowableProxy() != null) {
        return e.getLevel()
            + " "
            + e.getLoggerName()
            + " - "
            + e.getFormattedMessage()
            + ": "
            + e.getThrowableProxy().getClassName()
            + ": "
            + e.getThrowableProxy().getMessage();
      }
    }
    return null;
  }

  @Override
  public void close() {
    root.detachAppender(events);
    events.stop();
  }
}
