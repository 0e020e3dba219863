package io.github.rediskeysmigrator.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.event.PostRdbSyncEvent;
import com.moilioncircle.redis.replicator.rdb.datatype.ExpiredType;
import com.moilioncircle.redis.replicator.rdb.dump.datatype.DumpFunction;
import com.moilioncircle.redis.replicator.rdb.dump.datatype.DumpKeyValuePair;
import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyNames;
import io.github.rediskeysmigrator.rdb.BoundedRdbReplicator;
import io.github.rediskeysmigrator.rdb.RdbFiles;
import io.github.rediskeysmigrator.rdb.RdbHeader;
import io.github.rediskeysmigrator.rdb.RdbTypes;
import io.github.rediskeysmigrator.source.RdbFileSource;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Our own RDB key reader (what {@code rdb} reads files with since issue 26) against the Redis
 * Replicator path it replaced (which {@code sync} still uses), on every corpus file both read: the
 * same keys in the same order, each with the same db, type family, expiry and DUMP payload, byte
 * for byte, and the same function libraries. Files Replicator cannot read are left to the other
 * corpus tests, which check what reaches a destination.
 */
class RdbKeyReaderParityIT {
  private static final AtomicInteger compared = new AtomicInteger();
  private static final AtomicInteger keys = new AtomicInteger();

  @AfterAll
  static void summary() {
    System.out.println(
        "RdbKeyReaderParityIT: " + compared.get() + " files, " + keys.get() + " keys compared");
  }

  @TestFactory
  Stream<DynamicTest> ourReaderGivesReplicatorsPayloads() {
    List<DynamicTest> tests = new ArrayList<>();
    for (CorpusFile f : Corpus.all()) {
      if (FileCheck.mustRefuse(f)) {
        continue;
      }
      tests.add(DynamicTest.dynamicTest(f.id(), () -> check(f)));
    }
    return tests.stream();
  }

  private static void check(CorpusFile f) throws Exception {
    RdbHeader header;
    try {
      header = RdbHeader.read(f.file());
    } catch (io.github.rediskeysmigrator.rdb.BadRdbException e) {
      return; // refused at the header by both: RdbCorpusIT checks the message
    }
    List<String> theirs = new ArrayList<>();
    List<String> theirFunctions = new ArrayList<>();
    boolean[] ended = {false};
    try (InputStream in = RdbFiles.open(f.file())) {
      BoundedRdbReplicator r =
          new BoundedRdbReplicator(
              in,
              Configuration.defaultSetting().setUseDefaultExceptionListener(false),
              RdbFiles.dataBound(f.file()));
      List<Throwable> failures = new ArrayList<>();
      r.addExceptionListener((rep, t, e) -> failures.add(t));
      r.addEventListener(
          (rep, event) -> {
            if (event instanceof DumpKeyValuePair kv) {
              long expiry =
                  kv.getExpiredType() == ExpiredType.SECOND
                      ? kv.getExpiredValue() * 1000L
                      : kv.getExpiredType() == ExpiredType.MS
                          ? kv.getExpiredValue()
                          : KeyEvent.NO_EXPIRY;
              int db = kv.getDb() == null ? 0 : (int) kv.getDb().getDbNumber();
              theirs.add(
                  line(
                      db,
                      kv.getKey(),
                      RdbTypes.keyType(kv.getValueRdbType()).name(),
                      expiry,
                      kv.getValue()));
            } else if (event instanceof DumpFunction fn) {
              theirFunctions.add(HexFormat.of().formatHex(fn.getSerialized()));
            } else if (event instanceof PostRdbSyncEvent) {
              ended[0] = true;
            }
          });
      try {
        r.open();
      } catch (Exception | AssertionError e) {
        return; // Replicator cannot read it: nothing to compare with
      }
      if (!failures.isEmpty() || !ended[0]) {
        return;
      }
    }
    List<String> ours = new ArrayList<>();
    RdbFileSource source = new RdbFileSource(List.of(header));
    try {
      source.readInto(
          e -> {
            if (e instanceof KeyEvent k) {
              ours.add(line(k.sourceDb(), k.key(), k.type().name(), k.expireAtMs(), k.payload()));
            }
          });
    } catch (io.github.rediskeysmigrator.core.SourceException e) {
      // Replicator read it whole; a problem only we see must be one Redis refuses too (an empty
      // collection, a ziplist Redis would not load), which RdbFileSource reported the same way
      // before: those are the corpus's "must refuse" files, skipped above.
      throw new AssertionError(f.id() + ": only our reader fails: " + e.getMessage(), e);
    }
    assertEquals(theirs.size(), ours.size(), f.id() + ": key count");
    for (int i = 0; i < ours.size(); i++) {
      assertEquals(theirs.get(i), ours.get(i), f.id() + ": key #" + i);
    }
    List<String> ourFunctions =
        source.functionLibraries().stream().map(b -> HexFormat.of().formatHex(b)).toList();
    assertEquals(theirFunctions, ourFunctions, f.id() + ": function libraries");
    compared.incrementAndGet();
    keys.addAndGet(ours.size());
  }

  private static String line(int db, byte[] key, String type, long expiry, byte[] payload) {
    return db
        + " '"
        + KeyNames.printable(key)
        + "' "
        + type
        + " "
        + expiry
        + " "
        + HexFormat.of().formatHex(payload);
  }
}
