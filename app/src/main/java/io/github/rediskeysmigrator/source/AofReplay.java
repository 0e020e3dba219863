package io.github.rediskeysmigrator.source;

import io.github.rediskeysmigrator.aof.AofLayout;
import io.github.rediskeysmigrator.aof.BadAofException;
import io.github.rediskeysmigrator.core.KeySource;
import io.github.rediskeysmigrator.core.LiveOptions;
import io.github.rediskeysmigrator.core.MergedSource;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.RedisConnector;
import io.github.rediskeysmigrator.redis.Tls;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Consumer;
import redis.clients.jedis.Connection;

/**
 * Opens what {@code aof} replays: every PATH's files found ({@link AofLayout}) and scanned ({@link
 * AofScan}) before anything is written, and the command table that tells where each command's keys
 * are. With no source server to ask, the table is the destination's {@code COMMAND}: the commands
 * of an AOF are writes the destination's version must know to apply them anyway.
 */
public final class AofReplay {
  private AofReplay() {}

  /**
   * What to replay, as the command line planned it.
   *
   * @param paths each an appendonlydir, a manifest or a single AOF file
   * @param stop where to stop each
   * @param untilTime whether the stop is a time ({@code --until}), which needs annotations
   * @param to the destination, whose command table is read
   * @param bigKeyThreshold serialized size above which a value is spilled to a file
   */
  public record Plan(
      List<Path> paths,
      AofSource.Stop stop,
      boolean untilTime,
      RedisUri to,
      long bigKeyThreshold) {}

  /**
   * The opened replay.
   *
   * @param sources one per PATH
   * @param keys what the pipeline reads
   * @param newestRdbVersion the newest payload version of the RDB parts, 0 without one
   * @param live how the commands are applied
   */
  public record Opened(
      List<AofSource> sources, KeySource keys, int newestRdbVersion, LiveOptions live) {

    /** The report's fields on the replay, over every PATH. */
    public Map<String, Object> reportFields() {
      long commands = 0;
      long truncated = 0;
      Long last = null;
      StringJoiner stopped = new StringJoiner("; ");
      for (AofSource s : sources) {
        Map<String, Object> f = s.reportFields();
        commands += (Long) f.get("aof_commands");
        truncated += (Long) f.get("aof_truncated_commands");
        if (f.get("aof_last_timestamp") instanceof Long t) {
          last = last == null ? t : Math.max(last, t);
        }
        if (f.get("aof_stopped_by") instanceof String why) {
          stopped.add(why);
        }
      }
      Map<String, Object> all = new LinkedHashMap<>();
      all.put("aof_commands", commands);
      all.put("aof_last_timestamp", last);
      all.put("aof_stopped_by", stopped.length() == 0 ? null : stopped.toString());
      all.put("aof_truncated_commands", truncated);
      return all;
    }

    /** The summary's line on the replay. */
    public String describe() {
      StringJoiner j = new StringJoiner("\n  ");
      sources.forEach(s -> j.add(s.describe()));
      return j.toString();
    }
  }

  /**
   * Finds the files, reads the destination's command table, then scans the files.
   *
   * @throws BadAofException when a PATH is no AOF, names a missing file, or is malformed (exit 5)
   * @throws IllegalArgumentException when --until is asked of files without annotations (exit 2)
   * @throws ConnectException when the destination cannot be reached (exit 3)
   */
  public static Opened open(Plan plan, Tls tls, Consumer<String> notes)
      throws BadAofException, IOException, InterruptedException, ConnectException {
    List<AofLayout> layouts = new ArrayList<>();
    for (Path p : plan.paths()) {
      layouts.add(AofLayout.of(p));
    }
    // Before the files are read through, which may take long: an unreachable destination fails
    // fast.
    CommandTable commands;
    try (Connection conn = RedisConnector.connect(plan.to(), 0, "destination", tls)) {
      commands = CommandTable.query(conn);
    }
    List<AofScan> scans = new ArrayList<>();
    for (AofLayout layout : layouts) {
      AofScan scan = AofScan.of(layout, plan.bigKeyThreshold());
      if (plan.untilTime() && scan.annotations() == 0) {
        throw new IllegalArgumentException(
            "--until needs the #TS: annotations Redis 7+ writes with aof-timestamp-enabled yes, and "
                + layout.origin()
                + " has none; stop after a number of commands with --until-offset N instead");
      }
      scans.add(scan);
    }
    List<AofSource> sources = new ArrayList<>();
    int newest = 0;
    for (AofScan scan : scans) {
      if (scan.cut() != null) {
        notes.accept(scan.cut().note());
      }
      if (plan.untilTime() && plan.stop().untilEpochSecond() < scan.firstTimestamp()) {
        notes.accept(
            "note: --until is before the first annotated command of "
                + scan.layout().origin()
                + " ("
                + java.time.Instant.ofEpochSecond(scan.firstTimestamp())
                + "): only what comes before it (the base) is replayed");
      }
      for (AofScan.Scanned s : scan.parts()) {
        if (s.header() != null) {
          newest = Math.max(newest, s.header().payloadVersion());
        }
      }
      String stream = scans.size() == 1 ? "" : scan.layout().origin().toString();
      sources.add(new AofSource(scan, stream, plan.stop(), plan.bigKeyThreshold(), notes));
    }
    KeySource keys =
        sources.size() == 1 ? sources.get(0) : new MergedSource(sources, sources.size(), "rkm-aof");
    LiveOptions live = new LiveOptions(commands, null, 0, null, sources.size());
    return new Opened(List.copyOf(sources), keys, newest, live);
  }
}
