package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.KeyNames;
import io.github.rediskeysmigrator.core.ReadCheckpoint;
import io.github.rediskeysmigrator.core.ReadPoint;
import io.github.rediskeysmigrator.source.FileCheckpointer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Option;

/**
 * {@code --checkpoint FILE} of {@code rdb} and {@code scan}: record how far the run got, resume.
 */
final class ReadCheckpointOptions {
  @Option(
      names = "--checkpoint",
      paramLabel = "FILE",
      description = {
        "Record in FILE how far the run got, once the destination has acknowledged it (per input"
            + " file the keys written, per source master the SCAN cursor; atomically, about every"
            + " second and at exit). When FILE exists at start, resume there: what it covers is"
            + " not read or written again. The input files (path, size, mtime), the source, --match,"
            + " --db, --db-map, --type and --rename-prefix must be those of the checkpoint, else"
            + " exit 2. A run that read everything marks FILE complete: a run after it writes"
            + " nothing."
      })
  Path checkpoint;

  /**
   * A run's checkpoint, opened.
   *
   * @param saver where the run's read points go
   * @param points where the runs before left each stream, by name; empty for a first run
   * @param keys keys the runs before acknowledged
   */
  record Opened(ReadCheckpoint saver, Map<String, ReadPoint> points, long keys) {
    /** Where the runs before left each stream, in words for the report. */
    Map<String, String> resumedFrom() {
      Map<String, String> from = new LinkedHashMap<>();
      points.forEach((stream, p) -> from.put(stream, p.describe()));
      return from;
    }
  }

  /**
   * The identity every checkpoint of {@code selection} holds: the options that decide which keys
   * are written, and under which names.
   */
  private static Map<String, String> identity(SelectionOptions selection) {
    Map<String, String> id = new LinkedHashMap<>();
    id.put("match", KeyNames.printable(selection.matchBytes()));
    id.put("db", selection.dbs.toString());
    id.put("db-map", new TreeMap<>(selection.dbMap).toString());
    id.put("type", selection.types.toString());
    id.put(
        "rename-prefix",
        String.join(",", selection.renamePrefixes)
            + (selection.renamePrefixesHex.isEmpty()
                ? ""
                : " hex " + String.join(",", selection.renamePrefixesHex)));
    return id;
  }

  /** What identifies an input file: its absolute path, size and modification time. */
  private static void inputs(Map<String, String> identity, List<Path> files) throws StartFailure {
    int i = 1;
    for (Path f : files) {
      try {
        identity.put(
            "input." + i++,
            f.toAbsolutePath().normalize()
                + " size "
                + Files.size(f)
                + " mtime "
                + Files.getLastModifiedTime(f).toMillis());
      } catch (IOException e) {
        throw StartFailure.badInput("cannot read " + f + ": " + e);
      }
    }
  }

  /**
   * Opens the checkpoint of a run of {@code command}, or null without --checkpoint; says on {@code
   * err} where the run resumes.
   *
   * @param inputs the input files of rdb, else null
   * @param source the source of scan (its address), else null
   * @throws StartFailure (exit 2) when the file is not such a checkpoint or names another run
   */
  Opened open(
      String command, PipelineOptions pipeline, List<Path> inputs, String source, PrintStream err)
      throws StartFailure {
    if (checkpoint == null) {
      return null;
    }
    Map<String, String> identity;
    try {
      identity = identity(pipeline.selection);
    } catch (IllegalArgumentException e) {
      throw StartFailure.usage(e.getMessage());
    }
    if (inputs != null) {
      inputs(identity, inputs);
    }
    if (source != null) {
      identity.put("source", source);
    }
    boolean dryRun = pipeline.dryRun;
    if (dryRun) {
      throw StartFailure.usage(
          "--checkpoint records what the destination acknowledged; a --dry-run writes nothing");
    }
    FileCheckpointer file = new FileCheckpointer(checkpoint);
    FileCheckpointer.Reads saved;
    try {
      saved = file.loadReads().orElse(null);
      OutputCheck.replaceable(checkpoint, "the checkpoint");
    } catch (IOException | IllegalArgumentException e) {
      throw StartFailure.usage("--checkpoint " + checkpoint + ": " + e.getMessage());
    }
    Map<String, ReadPoint> points = new LinkedHashMap<>();
    long keys = 0;
    if (saved != null) {
      String difference = saved.difference(command, identity);
      if (difference != null) {
        throw StartFailure.usage(
            "cannot resume from --checkpoint "
                + checkpoint
                + ": "
                + difference
                + " (delete the file to start over)");
      }
      saved.points().forEach(p -> points.put(p.stream(), p));
      keys = saved.keys();
      if (saved.complete()) {
        err.println(
            "checkpoint "
                + checkpoint
                + ": the run is already complete ("
                + keys
                + " keys); nothing to write (delete the file to run again)");
      } else {
        StringBuilder where = new StringBuilder();
        points.forEach(
            (s, p) ->
                where.append(where.length() == 0 ? "" : "; ").append(s + ": " + p.describe()));
        err.println(
            "resuming from checkpoint "
                + checkpoint
                + " ("
                + keys
                + " keys acknowledged before): "
                + (where.length() == 0 ? "nothing read yet" : where));
      }
    }
    return new Opened(file.reads(command, identity), points, keys);
  }
}
