package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.aof.AofLayout;
import io.github.rediskeysmigrator.inspect.AofDescription;
import io.github.rediskeysmigrator.source.AofScan;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders what {@code inspect} found in an AOF, as text or as a JSON object. */
final class InspectAofOutput {
  private InspectAofOutput() {}

  static void text(StringBuilder sb, long nowMs, AofDescription a) {
    AofLayout layout = a.layout();
    sb.append(layout.origin())
        .append(
            layout.manifest() == null
                ? " (AOF, a single file)\n"
                : " (AOF, manifest " + layout.manifest().getFileName() + ")\n");
    String label = "files";
    AofScan scan = a.scan();
    for (int i = 0; i < scan.parts().size(); i++) {
      AofScan.Scanned p = scan.parts().get(i);
      InspectOutput.line(
          sb,
          label,
          String.format(
              Locale.ROOT,
              "%-4s  %-5s %10d bytes  %s%s, %d commands",
              p.part().base() ? "base" : "incr",
              format(p.part().format()),
              a.sizes().get(i),
              p.part().file().getFileName(),
              p.part().gzip() ? " (gzip)" : "",
              p.commands()));
      label = "";
    }
    InspectOutput.line(sb, "base type", a.baseType());
    InspectOutput.line(sb, "commands", scan.commands() + " in all (SELECT not counted)");
    scan.byName()
        .forEach(
            (name, n) ->
                InspectOutput.line(sb, "", String.format(Locale.ROOT, "%10d  %s", n, name)));
    if (scan.firstTimestamp() < 0) {
      InspectOutput.line(
          sb, "timestamps", "none (Redis writes #TS: lines only with aof-timestamp-enabled yes)");
    } else {
      InspectOutput.line(sb, "first #TS", timestampText(scan.firstTimestamp()));
      InspectOutput.line(sb, "last #TS", timestampText(scan.lastTimestamp()));
    }
    String flushLabel = "flushes";
    for (AofScan.Flush f : scan.flushes()) {
      InspectOutput.line(
          sb,
          flushLabel,
          String.format(
              Locale.ROOT,
              "%s at byte %d of %s, %s; --until-offset %d replays what came before it",
              f.name(),
              f.offset(),
              f.part().file().getFileName(),
              f.timestamp() < 0 ? "no #TS: before it" : "after #TS " + timestampText(f.timestamp()),
              f.commandsBefore()));
      flushLabel = "";
    }
    AofScan.Cut cut = scan.cut();
    InspectOutput.line(
        sb,
        "cut tail",
        cut == null
            ? "none"
            : String.format(
                Locale.ROOT,
                "%s from byte %d: %d %s left out, as Redis does with aof-load-truncated yes (a"
                    + " command cut short, or a MULTI block without its EXEC)",
                cut.part().file().getFileName(),
                cut.offset(),
                cut.commands(),
                cut.commands() == 1 ? "command" : "commands"));
    a.baseRdb()
        .ifPresent(
            rdb -> {
              InspectOutput.line(
                  sb,
                  "base RDB",
                  rdb.header().file().getFileName()
                      + " ("
                      + rdb.rdbBytes()
                      + " bytes of RDB data)");
              StringBuilder inner = new StringBuilder();
              InspectOutput.rdbText(inner, nowMs, rdb);
              for (String line : inner.toString().split("\n")) {
                sb.append("  ").append(line).append('\n');
              }
            });
  }

  static Map<String, Object> json(AofDescription a) {
    Map<String, Object> aof = new LinkedHashMap<>();
    aof.put("path", a.layout().origin().toString());
    Path manifest = a.layout().manifest();
    aof.put("manifest", manifest == null ? null : manifest.toString());
    aof.put("base_type", a.baseType());
    List<Map<String, Object>> parts = new ArrayList<>();
    AofScan scan = a.scan();
    for (int i = 0; i < scan.parts().size(); i++) {
      AofScan.Scanned p = scan.parts().get(i);
      Map<String, Object> part = new LinkedHashMap<>();
      part.put("file", p.part().file().toString());
      part.put("type", p.part().base() ? "base" : "incr");
      part.put("format", format(p.part().format()));
      part.put("gzip", p.part().gzip());
      part.put("size_bytes", a.sizes().get(i));
      part.put("commands", p.commands());
      parts.add(part);
    }
    aof.put("parts", parts);
    aof.put("base_rdb", a.baseRdb().map(InspectOutput::rdbJson).orElse(null));
    aof.put("commands_total", scan.commands());
    aof.put("commands", new LinkedHashMap<String, Object>(scan.byName()));
    aof.put("first_timestamp", timestampJson(scan.firstTimestamp()));
    aof.put("last_timestamp", timestampJson(scan.lastTimestamp()));
    Map<String, Object> cut = null;
    if (scan.cut() != null) {
      cut = new LinkedHashMap<>();
      cut.put("file", scan.cut().part().file().toString());
      cut.put("offset", scan.cut().offset());
      cut.put("commands", scan.cut().commands());
    }
    aof.put("cut", cut);
    List<Map<String, Object>> flushes = new ArrayList<>();
    for (AofScan.Flush f : scan.flushes()) {
      Map<String, Object> flush = new LinkedHashMap<>();
      flush.put("command", f.name());
      flush.put("file", f.part().file().toString());
      flush.put("offset", f.offset());
      flush.put("after_timestamp", timestampJson(f.timestamp()));
      flush.put("commands_before", f.commandsBefore());
      flushes.add(flush);
    }
    aof.put("flushes", flushes);
    return aof;
  }

  private static String format(AofLayout.Format f) {
    return switch (f) {
      case RDB_PREAMBLE -> "RDB";
      case COMMANDS -> "AOF";
      case EMPTY -> "empty";
    };
  }

  private static String timestampText(long epochSeconds) {
    return Instant.ofEpochSecond(epochSeconds) + " (epoch " + epochSeconds + ")";
  }

  /** The time of an annotation, or null for -1 (none). */
  private static Map<String, Object> timestampJson(long epochSeconds) {
    if (epochSeconds < 0) {
      return null;
    }
    Map<String, Object> ts = new LinkedHashMap<>();
    ts.put("epoch_seconds", epochSeconds);
    ts.put("iso", Instant.ofEpochSecond(epochSeconds).toString());
    return ts;
  }
}
