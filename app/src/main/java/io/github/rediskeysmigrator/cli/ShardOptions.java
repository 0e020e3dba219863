package io.github.rediskeysmigrator.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Which input files a run takes: all of them, or the one shard that an orchestrator (a Kubernetes
 * Indexed Job, say) gave this machine by its index, with the index put into the names of the files
 * the run writes.
 */
final class ShardOptions {
  @Option(
      names = "--files-from",
      paramLabel = "LIST",
      description = {
        "Read more input files from LIST, one path per line (blank lines and lines starting"
            + " with # are ignored), after any FILE given."
      })
  Path filesFrom;

  @Option(
      names = "--shard-index",
      paramLabel = "N",
      description = {
        "Migrate only the N-th input file (from 0, in the order of FILE... then --files-from),"
            + " e.g. one pod of a Kubernetes Indexed Job per shard. Default: the environment"
            + " variable "
            + ShardChoice.INDEX_VARIABLE
            + " when set, else every file. "
            + ShardChoice.INDEX_PLACEHOLDER
            + " in --report and --error-log is replaced by N."
      })
  Integer shardIndex;

  /**
   * The files this run migrates. With a shard index, only that one, and {@code {index}} in the
   * report and error log names of {@code opts} replaced by it; a note on {@code err} says which
   * shard was taken.
   *
   * @throws IllegalArgumentException for a usage error: no input, an unreadable list, an index out
   *     of range or malformed, or {@code {index}} in a name without an index
   */
  List<Path> apply(
      List<Path> files, PipelineOptions opts, Map<String, String> env, PrintStream err) {
    List<Path> all = new ArrayList<>(files);
    if (filesFrom != null) {
      all.addAll(readList(filesFrom));
    }
    if (all.isEmpty()) {
      throw new IllegalArgumentException(
          "no input files: give FILE... or --files-from LIST"
              + (filesFrom != null ? " (" + filesFrom + " lists none)" : ""));
    }
    ShardChoice shard = ShardChoice.of(shardIndex, env);
    shard.expandNames(opts);
    return shard.select(all, "input file", "", Path::toString, err);
  }

  /** The paths listed in {@code list}, one a line, relative ones as given (to the working dir). */
  static List<Path> readList(Path list) {
    List<String> lines;
    try {
      lines = Files.readAllLines(list, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("--files-from: cannot read " + list + ": " + e, e);
    }
    List<Path> files = new ArrayList<>();
    for (String line : lines) {
      String name = line.strip();
      if (!name.isEmpty() && !name.startsWith("#")) {
        files.add(Path.of(name));
      }
    }
    return files;
  }
}
