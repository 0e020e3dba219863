package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.aof.AofLayout;
import io.github.rediskeysmigrator.inspect.AofDescription;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

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
    for (AofDescription.PartDescription p : a.parts()) {
      InspectOutput.line(
          sb,
          label,
          String.format(
              Locale.ROOT,
              "%-4s  %-5s %10d bytes  %s%s, %d commands",
              p.part().base() ? "base" : "incr",
              format(p.part().format()),
              p.sizeBytes(),
              p.part().file().getFileName(),
              p.part().gzip() ? " (gzip)" : "",
              p.commands()));
      label = "";
    }
    InspectOutput.line(sb, "base type", a.baseType());
    InspectOutput.line(sb, "commands", a.commandTotal() + " in all");
    a.commands()
        .forEach(
            (name, n) ->
                InspectOutput.line(sb, "", String.format(Locale.ROOT, "%10d  %s", n, name)));
    if (a.firstTimestamp().isEmpty()) {
      InspectOutput.line(
          sb, "timestamps", "none (Redis writes #TS: lines only with aof-timestamp-enabled yes)");
    } else {
      InspectOutput.line(sb, "first #TS", timestampText(a.firstTimestamp()));
      InspectOutput.line(sb, "last #TS", timestampText(a.lastTimestamp()));
    }
    InspectOutput.line(
        sb,
        "truncated",
        a.truncated()
            .map(
                t ->
                    String.format(
                        Locale.ROOT,
                        "yes: %s breaks off inside the command at byte %d; Redis drops those"
                            + " last %d bytes with aof-load-truncated yes",
                        t.file().getFileName(),
                        t.offset(),
                        t.bytesDropped()))
            .orElse("no"));
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
    for (AofDescription.PartDescription p : a.parts()) {
      Map<String, Object> part = new LinkedHashMap<>();
      part.put("file", p.part().file().toString());
      part.put("type", p.part().base() ? "base" : "incr");
      part.put("format", format(p.part().format()));
      part.put("gzip", p.part().gzip());
      part.put("size_bytes", p.sizeBytes());
      part.put("commands", p.commands());
      parts.add(part);
    }
    aof.put("parts", parts);
    aof.put("base_rdb", a.baseRdb().map(InspectOutput::rdbJson).orElse(null));
    aof.put("commands_total", a.commandTotal());
    aof.put("commands", new LinkedHashMap<String, Object>(a.commands()));
    aof.put("first_timestamp", timestampJson(a.firstTimestamp()));
    aof.put("last_timestamp", timestampJson(a.lastTimestamp()));
    aof.put(
        "truncated",
        a.truncated()
            .map(
                t -> {
                  Map<String, Object> cut = new LinkedHashMap<>();
                  cut.put("file", t.file().toString());
                  cut.put("offset", t.offset());
                  cut.put("bytes_dropped", t.bytesDropped());
                  return (Object) cut;
                })
            .orElse(null));
    return aof;
  }

  private static String format(AofLayout.Format f) {
    return switch (f) {
      case RDB_PREAMBLE -> "RDB";
      case COMMANDS -> "AOF";
      case EMPTY -> "empty";
    };
  }

  private static String timestampText(OptionalLong epochSeconds) {
    long s = epochSeconds.getAsLong();
    return Instant.ofEpochSecond(s) + " (epoch " + s + ")";
  }

  private static Map<String, Object> timestampJson(OptionalLong epochSeconds) {
    if (epochSeconds.isEmpty()) {
      return null;
    }
    Map<String, Object> ts = new LinkedHashMap<>();
    ts.put("epoch_seconds", epochSeconds.getAsLong());
    ts.put("iso", Instant.ofEpochSecond(epochSeconds.getAsLong()).toString());
    return ts;
  }
}
