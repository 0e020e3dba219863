package io.github.rediskeysmigrator.rdb;

import io.github.rediskeysmigrator.rdb.PayloadDecoder.DecodeException;
import io.github.rediskeysmigrator.rdb.PayloadDecoder.Group;
import io.github.rediskeysmigrator.rdb.PayloadDecoder.PendingEntry;
import io.github.rediskeysmigrator.rdb.PayloadDecoder.StreamEntry;
import io.github.rediskeysmigrator.rdb.PayloadDecoder.StreamId;
import io.github.rediskeysmigrator.rdb.PayloadDecoder.StreamValue;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes streams, as rdb.c and t_stream.c write them: types 15, 19 and 21 (each adding fields to
 * the one before) and Redis 8.6's 26, type 21 followed by the idempotent-producer state. A stream
 * is decoded whole into a {@link StreamValue}.
 */
final class StreamDecoder {
  /** An entry flag: deleted, kept in the listpack until the node is compacted. */
  private static final int FLAG_DELETED = 1;

  /** An entry flag: the entry has the master entry's fields and lists only its values. */
  private static final int FLAG_SAMEFIELDS = 2;

  private StreamDecoder() {}

  static StreamValue stream(int type, RdbReader in) throws DecodeException {
    List<StreamEntry> entries = new ArrayList<>();
    long nodes = in.length();
    for (long i = 0; i < nodes; i++) {
      byte[] nodeKey = in.string();
      if (nodeKey.length != 16) {
        throw new DecodeException("corrupt stream: node key of " + nodeKey.length + " bytes");
      }
      RdbReader k = RdbReader.of(nodeKey, 0, 16);
      StreamId master = new StreamId(k.be(8), k.be(8));
      streamNode(master, PackedEntries.listpack(in.string()), entries);
    }
    in.length(); // length: the number of live entries, which we count ourselves
    StreamId lastId = new StreamId(in.length(), in.length());
    StreamId maxDeleted = StreamId.ZERO;
    long entriesAdded = -1;
    if (type >= RdbTypes.STREAM_LISTPACKS_2) {
      in.length(); // first entry id, recomputed by the destination
      in.length();
      maxDeleted = new StreamId(in.length(), in.length());
      entriesAdded = in.length();
    }
    List<Group> groups = new ArrayList<>();
    long ngroups = in.length();
    for (long g = 0; g < ngroups; g++) {
      byte[] name = in.string();
      StreamId lastDelivered = new StreamId(in.length(), in.length());
      long entriesRead = type >= RdbTypes.STREAM_LISTPACKS_2 ? in.length() : -1;
      long npel = in.length();
      List<StreamId> pelIds = new ArrayList<>();
      List<long[]> pelMeta = new ArrayList<>();
      for (long i = 0; i < npel; i++) {
        RdbReader raw = RdbReader.of(in.bytes(16), 0, 16);
        pelIds.add(new StreamId(raw.be(8), raw.be(8)));
        long deliveryTime = in.le(8);
        long deliveryCount = in.length();
        pelMeta.add(new long[] {deliveryTime, deliveryCount});
      }
      byte[][] owners = new byte[pelIds.size()][];
      List<byte[]> consumers = new ArrayList<>();
      long nconsumers = in.length();
      for (long c = 0; c < nconsumers; c++) {
        byte[] consumer = in.string();
        in.le(8); // seen time
        if (type >= RdbTypes.STREAM_LISTPACKS_3) {
          in.le(8); // active time
        }
        consumers.add(consumer);
        long owned = in.length();
        for (long i = 0; i < owned; i++) {
          RdbReader raw = RdbReader.of(in.bytes(16), 0, 16);
          StreamId id = new StreamId(raw.be(8), raw.be(8));
          int at = pelIds.indexOf(id);
          if (at < 0) {
            throw new DecodeException("corrupt stream: consumer owns " + id + ", not pending");
          }
          owners[at] = consumer;
        }
      }
      List<PendingEntry> pending = new ArrayList<>();
      for (int i = 0; i < pelIds.size(); i++) {
        if (owners[i] == null) {
          throw new DecodeException("corrupt stream: pending " + pelIds.get(i) + " has no owner");
        }
        pending.add(
            new PendingEntry(pelIds.get(i), owners[i], pelMeta.get(i)[0], pelMeta.get(i)[1]));
      }
      groups.add(new Group(name, lastDelivered, entriesRead, pending, consumers));
    }
    StreamIdmp idmp = type == RdbTypes.STREAM_LISTPACKS_4 ? idmp(in) : null;
    return new StreamValue(entries, lastId, maxDeleted, entriesAdded, groups, idmp);
  }

  /** Type 26's tail, laid out as {@link StreamListPacks4} documents it. */
  static StreamIdmp idmp(RdbReader in) throws DecodeException {
    long duration = in.length();
    long maxEntries = in.length();
    long nproducers = in.length();
    List<StreamIdmp.Producer> producers = new ArrayList<>();
    for (long p = 0; p < nproducers; p++) {
      StreamIdmp.Id pid = new StreamIdmp.Id(in.string());
      long nentries = in.length();
      List<StreamIdmp.Entry> ids = new ArrayList<>();
      for (long e = 0; e < nentries; e++) {
        StreamIdmp.Id iid = new StreamIdmp.Id(in.string());
        ids.add(new StreamIdmp.Entry(iid, new StreamId(in.length(), in.length())));
      }
      producers.add(new StreamIdmp.Producer(pid, ids));
    }
    return new StreamIdmp(duration, maxEntries, producers, in.length(), in.length());
  }

  /**
   * One radix-tree node of a stream: a master entry (counts and master fields), then entries whose
   * ids are deltas from the node key. An entry flagged SAMEFIELDS has the master fields and only
   * its values; any other entry lists its own fields.
   */
  private static void streamNode(StreamId master, PackedEntries p, List<StreamEntry> out)
      throws DecodeException {
    long count = p.nextLong() + p.nextLong(); // valid + deleted
    int masterFields = (int) p.nextLong();
    byte[][] fields = new byte[masterFields][];
    for (int i = 0; i < masterFields; i++) {
      p.expect();
      fields[i] = p.bytes();
    }
    p.nextLong(); // the master entry's terminator
    for (long e = 0; e < count; e++) {
      int flags = (int) p.nextLong();
      StreamId id = new StreamId(master.ms() + p.nextLong(), master.seq() + p.nextLong());
      boolean same = (flags & FLAG_SAMEFIELDS) != 0;
      int n = same ? masterFields : (int) p.nextLong();
      List<byte[]> fv = new ArrayList<>(n * 2);
      for (int i = 0; i < n; i++) {
        if (same) {
          fv.add(fields[i]);
        } else {
          p.expect();
          fv.add(p.bytes());
        }
        p.expect();
        fv.add(p.bytes());
      }
      p.nextLong(); // lp-count, for walking backwards
      if ((flags & FLAG_DELETED) == 0) {
        out.add(new StreamEntry(id, fv));
      }
    }
  }
}
