package io.github.rediskeysmigrator.rdb;

import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.Replicator;
import com.moilioncircle.redis.replicator.event.PreRdbSyncEvent;
import com.moilioncircle.redis.replicator.rdb.datatype.AuxField;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the AUX fields of an RDB file ({@code redis-ver}, {@code ctime}, {@code used-mem}, ...):
 * Redis writes them all right after the magic, so reading stops at the first event that is not an
 * AUX field instead of parsing the whole file a second time.
 */
public final class AuxFields {
  private AuxFields() {}

  /**
   * Thrown (wrapped in an UncheckedIOException) from the listener to end the parse early;
   * Replicator unwraps it and open() throws it.
   */
  private static final class Done extends IOException {
    private static final long serialVersionUID = 1L;

    Done() {
      super("AUX fields read");
    }
  }

  /**
   * The AUX fields of {@code header}'s file, in file order (a repeated name keeps its last value).
   *
   * @throws BadRdbException when the start of the file cannot be parsed
   */
  public static Map<String, String> read(RdbHeader header) throws BadRdbException {
    Map<String, String> fields = new LinkedHashMap<>();
    Throwable[] failure = new Throwable[1];
    try (InputStream in = RdbFiles.open(header.file())) {
      Configuration conf = Configuration.defaultSetting().setUseDefaultExceptionListener(false);
      Replicator replicator = new BoundedRdbReplicator(in, conf, RdbFiles.dataBound(header.file()));
      replicator.addEventListener(
          (r, event) -> {
            if (event instanceof AuxField aux) {
              fields.put(aux.getAuxKey(), aux.getAuxValue());
            } else if (!(event instanceof PreRdbSyncEvent)) {
              throw new UncheckedIOException(new Done());
            }
          });
      replicator.addExceptionListener(
          (r, t, e) -> {
            if (failure[0] == null) {
              failure[0] = t;
            }
          });
      replicator.open();
    } catch (Done e) {
      return fields;
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof Done) {
        return fields;
      }
      throw new BadRdbException(header.file(), "cannot be parsed: " + describe(e.getCause()), e);
    } catch (IOException | RuntimeException | AssertionError e) {
      // Replicator reports corrupt structures as AssertionError, IOException or runtime errors.
      throw new BadRdbException(header.file(), "cannot be parsed: " + describe(e), e);
    }
    if (failure[0] != null
        && !(failure[0] instanceof Done)
        && !(failure[0].getCause() instanceof Done)) {
      throw new BadRdbException(
          header.file(), "cannot be parsed: " + describe(failure[0]), failure[0]);
    }
    return fields;
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}
