package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.SourceException;
import io.github.rediskeysmigrator.source.RdbFileSource;

/** The keys of RDB files, read by the migration's own {@link RdbFileSource}, as source keys. */
public final class RdbFileReader implements SourceReader {
  private final RdbFileSource files;

  public RdbFileReader(RdbFileSource files) {
    this.files = files;
  }

  @Override
  public void readInto(BatchQueue queue) throws SourceException, InterruptedException {
    files.readInto(
        event -> {
          if (event instanceof KeyEvent key) {
            queue.add(SourceKey.of(key));
          } else {
            // Files hold keys only; live commands and resume points come from sync.
            throw new IllegalStateException("an RDB file source produced " + event);
          }
        });
  }

  @Override
  public long bytesRead() {
    return files.bytesRead();
  }

  @Override
  public long bytesTotal() {
    return files.bytesTotal();
  }
}
