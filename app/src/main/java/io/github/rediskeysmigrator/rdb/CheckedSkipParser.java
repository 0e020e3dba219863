package io.github.rediskeysmigrator.rdb;

import static com.moilioncircle.redis.replicator.Constants.RDB_ENC_INT16;
import static com.moilioncircle.redis.replicator.Constants.RDB_ENC_INT32;
import static com.moilioncircle.redis.replicator.Constants.RDB_ENC_INT8;
import static com.moilioncircle.redis.replicator.Constants.RDB_ENC_LZF;

import com.moilioncircle.redis.replicator.io.RedisInputStream;
import com.moilioncircle.redis.replicator.rdb.BaseRdbParser;
import com.moilioncircle.redis.replicator.rdb.skip.SkipRdbParser;
import java.io.IOException;

/**
 * Replicator's skipping parser, through which {@link PayloadValueVisitor} passes over a value in an
 * RDB file while its bytes are captured: it reads Replicator's own stream, whose raw-byte listeners
 * do the capture, so it stays Replicator's parser rather than our {@link RdbReader}. It is
 * Replicator's skipping parser with its lengths taken whole and checked: Replicator casts a
 * string's length to int (so 2^40 bytes read as 0 and the rest of the value as the next key), and a
 * length or element count beyond what the file has left is corrupt, found before the capture buffer
 * grows towards it.
 */
final class CheckedSkipParser extends SkipRdbParser {
  CheckedSkipParser(RedisInputStream in) {
    super(in);
  }

  private void check(long length, String what) throws IOException {
    if (in instanceof BoundedRdbInput bounded) {
      bounded.check(length, what);
    } else if (length < 0) {
      throw new BoundedRdbInput.BadLengthException(
          "a length field says " + Long.toUnsignedString(length) + " bytes (" + what + ")");
    }
  }

  /** An element count; every element takes at least one byte of the file. */
  long count(String what) throws IOException {
    long n = rdbLoadLen().len;
    check(n, what);
    return n;
  }

  @Override
  public void rdbGenericLoadStringObject() throws IOException {
    BaseRdbParser.Len len = rdbLoadLen();
    if (len.encoded) {
      switch ((int) len.len) {
        case RDB_ENC_INT8, RDB_ENC_INT16, RDB_ENC_INT32 -> rdbLoadIntegerObject((int) len.len);
        case RDB_ENC_LZF -> rdbLoadLzfStringObject();
        default -> throw new AssertionError("unknown RdbParser encoding type:" + len.len);
      }
      return;
    }
    check(len.len, "a string");
    in.skip(len.len);
  }

  /** Skips {@code n} bytes of fixed-size fields (raw stream ids, millisecond times). */
  void skipRaw(int n) throws IOException {
    in.skip(n);
  }

  @Override
  public void rdbLoadLzfStringObject() throws IOException {
    long compressed = rdbLoadLen().len;
    rdbLoadLen(); // decompressed length: the payload keeps the compressed bytes
    check(compressed, "a compressed string");
    in.skip(compressed);
  }
}
