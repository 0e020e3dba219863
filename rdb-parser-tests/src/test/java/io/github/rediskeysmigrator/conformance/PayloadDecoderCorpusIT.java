package io.github.rediskeysmigrator.conformance;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyNames;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.ValueDigest;
import io.github.rediskeysmigrator.rdb.PayloadDecoder;
import io.github.rediskeysmigrator.rdb.PayloadDigests;
import io.github.rediskeysmigrator.rdb.RdbHeader;
import io.github.rediskeysmigrator.source.RdbFileSource;
import io.github.rediskeysmigrator.testing.SharedDir;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Our DUMP payload decoder (used to rewrite keys for older destinations) against Redis Replicator's
 * parser, on every key of every corpus file we migrate: both must describe the same value (same
 * {@link ValueDigest}). Where Replicator cannot parse a payload (its known bugs: inf scores in
 * ziplists and listpacks, some Valkey streams), our decoder must still read it. This is what covers
 * the encodings no available destination needs rewritten (zipmap, ziplist, the first quicklist,
 * stream listpacks v1): they come from old public files. For stream entries that name a field twice
 * (XADD allows it) Redis keeps both, as we do (checked by loading such a file into redis-server),
 * and Replicator one.
 */
class PayloadDecoderCorpusIT {
  /** RDB value types of DUMP payloads, all but modules'. */
  private static final java.util.Set<Integer> ALL_TYPES =
      java.util.Set.of(
          0, 1, 2, 3, 4, 5, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26);

  private static final java.util.Set<Integer> seen =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final java.util.concurrent.atomic.AtomicInteger onlyOurs =
      new java.util.concurrent.atomic.AtomicInteger();

  @org.junit.jupiter.api.AfterAll
  static void everyEncodingWasDecoded() {
    System.out.println(
        "PayloadDecoderCorpusIT: RDB types decoded "
            + new TreeSet<>(seen)
            + "; payloads only our decoder reads: "
            + onlyOurs.get());
    // Without the corpus everyPayloadDecodes was skipped (or failed, with CI=true) and said why.
    if (System.getProperty("rkm.conformance.only") == null && SharedDir.hasCorpus()) {
      java.util.Set<Integer> missing = new TreeSet<>(ALL_TYPES);
      missing.removeAll(seen);
      assertEquals(java.util.Set.of(), missing, "RDB value types no corpus file exercised");
    }
  }

  @TestFactory
  Stream<DynamicTest> everyPayloadDecodes() {
    List<DynamicTest> tests = new ArrayList<>();
    for (CorpusFile f : Corpus.all()) {
      if (FileCheck.mustRefuse(f) || f.rdbVersion() < 1 || f.rdbVersion() > 13) {
        continue;
      }
      tests.add(DynamicTest.dynamicTest(f.id(), () -> check(f)));
    }
    return tests.stream();
  }

  private static void check(CorpusFile f) throws Exception {
    PayloadDigests replicator = new PayloadDigests();
    List<String> problems = new ArrayList<>();
    int[] keys = new int[1];
    java.util.Map<String, java.util.Map<String, Long>> expectedFieldTtls = fieldTtls(f);
    int[] fieldTtlKeys = new int[1];
    RdbFileSource source = new RdbFileSource(List.of(RdbHeader.read(f.file())));
    try {
      source.readInto(
          event -> {
            if (!(event instanceof KeyEvent k) || k.type() == KeyType.MODULE) {
              return;
            }
            keys[0]++;
            String id = "db " + k.db() + " key " + KeyNames.printable(k.key());
            ValueDigest.Result ours;
            boolean[] duplicateFields = new boolean[1];
            java.util.Map<String, Long> fieldTtls = new java.util.TreeMap<>();
            try {
              ours = decode(k.payload(), duplicateFields, fieldTtls);
            } catch (PayloadDecoder.DecodeException e) {
              problems.add(id + ": " + e.getMessage());
              return;
            }
            seen.add(k.payload()[0] & 0xff);
            java.util.Map<String, Long> want =
                expectedFieldTtls.get(k.db() + " " + new String(k.key(), UTF_8));
            if (want != null && !want.equals(fieldTtls)) {
              problems.add(id + ": field TTLs " + fieldTtls + ", expected " + want);
            }
            if (want != null) {
              fieldTtlKeys[0]++;
            }
            try {
              ValueDigest.Result theirs = replicator.digest(k.payload());
              // Replicator keeps a stream entry's fields in a map: a field named twice in one
              // entry (XADD allows it) is kept once there, twice by Redis and by us.
              if (!theirs.equals(ours) && !duplicateFields[0]) {
                problems.add(id + ": digest " + ours + ", Replicator's " + theirs);
              }
            } catch (PayloadDigests.UnreadablePayloadException e) {
              onlyOurs.incrementAndGet(); // Replicator cannot; ours did
            }
          });
    } catch (Exception e) {
      // Files with module data or duplicate keys may stop the source; what was read counts.
      if (!f.isPublic()) {
        throw e;
      }
    }
    assertEquals(List.of(), problems.subList(0, Math.min(problems.size(), 10)), f.id());
    assertTrue(f.isPublic() || keys[0] > 1000, f.id() + ": " + keys[0] + " keys");
    assertEquals(expectedFieldTtls.size(), fieldTtlKeys[0], f.id() + ": keys with field TTLs");
  }

  /**
   * What a fixture's expected.json says of its hash field TTLs, per "db key" (the fixtures name
   * these keys in UTF-8): field to absolute expiry.
   */
  @SuppressWarnings("unchecked")
  private static java.util.Map<String, java.util.Map<String, Long>> fieldTtls(CorpusFile f)
      throws java.io.IOException {
    java.util.Map<String, java.util.Map<String, Long>> out = new java.util.HashMap<>();
    if (f.isPublic() || f.expected() == null) {
      return out;
    }
    for (Object o : (List<Object>) ExpectedContent.read(f.expected()).get("keys")) {
      java.util.Map<String, Object> e = (java.util.Map<String, Object>) o;
      List<List<Object>> ttl = (List<List<Object>>) e.get("field_expire_at_ms");
      if (ttl == null || ttl.isEmpty()) {
        continue;
      }
      java.util.Map<String, Long> fields = new java.util.TreeMap<>();
      for (List<Object> ft : ttl) {
        fields.put((String) ft.get(0), ((java.math.BigDecimal) ft.get(1)).longValueExact());
      }
      out.put(e.get("db") + " " + e.get("key"), fields);
    }
    return out;
  }

  /** Our decoder's view of a payload, fed to a digest in the order PayloadDigests uses. */
  private static ValueDigest.Result decode(
      byte[] payload, boolean[] duplicateFields, java.util.Map<String, Long> fieldTtls)
      throws PayloadDecoder.DecodeException {
    ValueDigest d = new ValueDigest(PayloadDecoder.type(payload));
    PayloadDecoder.decode(
        payload,
        new PayloadDecoder.Handler() {
          @Override
          public void string(byte[] value) {
            d.stringBytes(value, 0, value.length);
          }

          @Override
          public void listElement(byte[] element) {
            d.listElement(element);
          }

          @Override
          public void setMember(byte[] member) {
            d.setMember(member);
          }

          @Override
          public void zsetMember(byte[] member, double score) {
            d.zsetMember(member, score);
          }

          @Override
          public void hashField(byte[] field, byte[] value, long expireAtMs) {
            d.hashField(field, value);
            if (expireAtMs >= 0) {
              fieldTtls.put(new String(field, java.nio.charset.StandardCharsets.UTF_8), expireAtMs);
            }
          }

          @Override
          public void stream(PayloadDecoder.StreamValue s) {
            for (PayloadDecoder.StreamEntry e : s.entries()) {
              java.util.Set<String> names = new java.util.HashSet<>();
              for (int i = 0; i < e.fieldsAndValues().size(); i += 2) {
                String name =
                    new String(
                        e.fieldsAndValues().get(i), java.nio.charset.StandardCharsets.ISO_8859_1);
                duplicateFields[0] |= !names.add(name);
              }
              d.streamEntry(e.id().ms(), e.id().seq(), e.fieldsAndValues());
            }
            d.streamLastId(s.lastId().ms(), s.lastId().seq());
            List<PayloadDecoder.Group> groups = new ArrayList<>(s.groups());
            groups.sort(Comparator.comparing(PayloadDecoder.Group::name, Arrays::compareUnsigned));
            for (PayloadDecoder.Group g : groups) {
              d.streamGroup(g.name(), g.lastDelivered().ms(), g.lastDelivered().seq());
              for (PayloadDecoder.PendingEntry p : g.pending()) {
                d.streamPending(p.id().ms(), p.id().seq(), p.consumer(), p.deliveryCount());
              }
              List<byte[]> consumers = new ArrayList<>(g.consumers());
              consumers.sort(Arrays::compareUnsigned);
              consumers.forEach(d::streamConsumer);
            }
          }
        });
    return d.finish();
  }
}
