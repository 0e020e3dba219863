package io.github.rediskeysmigrator.rdb;

import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.RedisRdbReplicator;
import java.io.InputStream;

/**
 * Redis Replicator's RDB file reader over a {@link BoundedRdbInput}, with {@link PayloadRdbVisitor}
 * as its visitor: lengths read from the file are checked against what the file can hold before
 * anything is allocated for them.
 */
public final class BoundedRdbReplicator extends RedisRdbReplicator {
  private final PayloadRdbVisitor visitor;

  /**
   * @param in the RDB bytes (decompressed)
   * @param bound the most bytes {@code in} can hold: see {@link RdbFiles#dataBound}
   */
  public BoundedRdbReplicator(InputStream in, Configuration conf, long bound) {
    this(in, conf, bound, Long.MAX_VALUE);
  }

  /**
   * @param bigKeyThreshold payload bytes above which a value is spilled to a temporary file (see
   *     {@link PayloadRdbVisitor#PayloadRdbVisitor(com.moilioncircle.redis.replicator.Replicator,
   *     long)})
   */
  public BoundedRdbReplicator(
      InputStream in, Configuration conf, long bound, long bigKeyThreshold) {
    super(in, conf);
    // The stream the superclass made has not read anything yet; ours replaces it.
    this.inputStream = new BoundedRdbInput(in, conf.getBufferSize(), bound);
    this.inputStream.setRawByteListeners(this.rawByteListeners);
    this.visitor = new PayloadRdbVisitor(this, bigKeyThreshold);
    setRdbVisitor(visitor);
  }

  /** The visitor that turns each key into a DUMP payload. */
  public PayloadRdbVisitor visitor() {
    return visitor;
  }
}
