package io.github.rediskeysmigrator.sink;

import static io.github.rediskeysmigrator.sink.RewriteCommands.ascii;

import io.github.rediskeysmigrator.rdb.PayloadDecoder;
import io.github.rediskeysmigrator.rdb.PayloadDecoder.DecodeException;
import io.github.rediskeysmigrator.rdb.PayloadDecoder.StreamId;
import io.github.rediskeysmigrator.redis.ServerInfo;
import io.github.rediskeysmigrator.sink.RewriteCommands.Command;
import io.github.rediskeysmigrator.sink.RewriteCommands.Expect;
import io.github.rediskeysmigrator.sink.RewriteCommands.Sink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The plain commands that rebuild a stream for {@link RewriteCommands}: XADD per entry (with
 * placeholders for pending entries whose message is gone), XGROUP CREATE / CREATECONSUMER and
 * XCLAIM per consumer group, XDEL of the placeholders, then XSETID.
 */
final class StreamRewrite {
  private static final byte[] PLACEHOLDER_FIELD = ascii("rkm-placeholder");

  private StreamRewrite() {}

  /**
   * Hands {@code s}'s commands to {@code out}: its entries, its consumer groups with their
   * consumers and pending entries, and its last id.
   *
   * @return whether the stream's non-empty IDMP state (Redis 8.6) was left out
   */
  static boolean write(
      PayloadDecoder.StreamValue s, byte[] tmp, ServerInfo server, int maxElements, Sink out)
      throws DecodeException {
    if (!server.supportsStreams()) {
      throw new DecodeException("the destination (" + server + ") has no streams");
    }
    boolean idmpLeftOut = s.idmp() != null && !s.idmp().producers().isEmpty();
    // Pending entries whose message was deleted still need the message while XCLAIM recreates
    // them: such ids get a placeholder entry, deleted again once claimed.
    TreeMap<StreamId, List<byte[]>> all = new TreeMap<>();
    s.entries().forEach(e -> all.put(e.id(), e.fieldsAndValues()));
    List<StreamId> placeholders = new ArrayList<>();
    for (PayloadDecoder.Group g : s.groups()) {
      for (PayloadDecoder.PendingEntry p : g.pending()) {
        if (!all.containsKey(p.id())) {
          all.put(p.id(), List.of(PLACEHOLDER_FIELD, new byte[0]));
          placeholders.add(p.id());
        }
      }
    }
    for (var e : all.entrySet()) {
      List<byte[]> fv = e.getValue();
      byte[][] argv = new byte[3 + fv.size()][];
      argv[0] = ascii("XADD");
      argv[1] = tmp;
      argv[2] = ascii(e.getKey().toString());
      for (int i = 0; i < fv.size(); i++) {
        argv[3 + i] = fv.get(i);
      }
      add(out, Expect.ANY, argv);
    }
    if (all.isEmpty()) {
      // An empty stream is made by adding an entry and trimming it away at once; XSETID below
      // then sets the last id the source had.
      StreamId first = s.lastId().compareTo(StreamId.ZERO) > 0 ? s.lastId() : new StreamId(0, 1);
      add(
          out,
          Expect.ANY,
          ascii("XADD"),
          tmp,
          ascii("MAXLEN"),
          ascii("0"),
          ascii(first.toString()),
          PLACEHOLDER_FIELD,
          new byte[0]);
    }
    boolean counters = server.supportsStreamCounters();
    for (PayloadDecoder.Group g : s.groups()) {
      List<byte[]> create =
          new ArrayList<>(
              List.of(
                  ascii("XGROUP"),
                  ascii("CREATE"),
                  tmp,
                  g.name(),
                  ascii(g.lastDelivered().toString())));
      if (counters && g.entriesRead() >= 0) {
        create.add(ascii("ENTRIESREAD"));
        create.add(ascii(g.entriesRead()));
      }
      add(out, Expect.OK, create.toArray(new byte[0][]));
      Set<String> withPending = new HashSet<>();
      g.pending()
          .forEach(p -> withPending.add(new String(p.consumer(), StandardCharsets.ISO_8859_1)));
      for (byte[] c : g.consumers()) {
        if (server.supportsCreateConsumer()) {
          add(out, Expect.ANY, ascii("XGROUP"), ascii("CREATECONSUMER"), tmp, g.name(), c);
        } else if (!withPending.contains(new String(c, StandardCharsets.ISO_8859_1))) {
          throw new DecodeException(
              "a consumer without pending entries needs XGROUP CREATECONSUMER (Redis 6.2+),"
                  + " which the destination ("
                  + server
                  + ") lacks; the key was not written");
        }
      }
      for (PayloadDecoder.PendingEntry p : g.pending()) {
        add(
            out,
            Expect.NON_EMPTY,
            ascii("XCLAIM"),
            tmp,
            g.name(),
            p.consumer(),
            ascii("0"),
            ascii(p.id().toString()),
            ascii("TIME"),
            ascii(p.deliveryTimeMs()),
            ascii("RETRYCOUNT"),
            ascii(p.deliveryCount()),
            ascii("FORCE"),
            ascii("JUSTID"));
      }
    }
    for (int from = 0; from < placeholders.size(); from += maxElements) {
      List<StreamId> part =
          placeholders.subList(from, Math.min(placeholders.size(), from + maxElements));
      byte[][] argv = new byte[2 + part.size()][];
      argv[0] = ascii("XDEL");
      argv[1] = tmp;
      for (int i = 0; i < part.size(); i++) {
        argv[2 + i] = ascii(part.get(i).toString());
      }
      add(out, Expect.ANY, argv);
    }
    if (counters && s.entriesAdded() >= 0) {
      add(
          out,
          Expect.OK,
          ascii("XSETID"),
          tmp,
          ascii(s.lastId().toString()),
          ascii("ENTRIESADDED"),
          ascii(s.entriesAdded()),
          ascii("MAXDELETEDID"),
          ascii(s.maxDeletedId().toString()));
    } else {
      add(out, Expect.OK, ascii("XSETID"), tmp, ascii(s.lastId().toString()));
    }
    return idmpLeftOut;
  }

  private static void add(Sink out, Expect expect, byte[]... argv) {
    out.accept(new Command(argv, expect));
  }
}
