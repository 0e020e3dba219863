package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.source.Shards;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The one shard an orchestrator (a Kubernetes Indexed Job, say) gave this run, by its index: from
 * {@code --shard-index}, else from {@code JOB_COMPLETION_INDEX}, else none (the run takes every
 * shard). A shard is an input file for {@code rdb}, a master of a cluster source for {@code scan}
 * and {@code sync}.
 *
 * @param index the shard's index from 0, or null when the run takes every shard
 * @param origin where the index came from, for messages
 */
record ShardChoice(Integer index, String origin) {
  /** The variable Kubernetes sets in every pod of an Indexed Job to the pod's completion index. */
  static final String INDEX_VARIABLE = "JOB_COMPLETION_INDEX";

  /** Replaced by the shard index in --report, --error-log and --checkpoint. */
  static final String INDEX_PLACEHOLDER = "{index}";

  /**
   * The index given by {@code option}, else by the environment.
   *
   * @throws IllegalArgumentException when the variable is not a whole number
   */
  static ShardChoice of(Integer option, Map<String, String> env) {
    if (option != null) {
      return new ShardChoice(option, "--shard-index");
    }
    String value = env.get(INDEX_VARIABLE);
    if (value == null || value.isBlank()) {
      return new ShardChoice(null, null);
    }
    try {
      return new ShardChoice(Integer.valueOf(value.trim()), INDEX_VARIABLE);
    } catch (NumberFormatException e) {
      // Word for word what picocli says of the same value in --shard-index.
      throw new IllegalArgumentException(
          "Invalid value for option '--shard-index': '" + value.trim() + "' is not an int", e);
    }
  }

  /**
   * Every shard when no index is set, else the one it names, with a note on {@code err} saying
   * which one was taken.
   *
   * @param noun what a shard is, singular and plural ({@code "input file"}, {@code "master"})
   * @param where said after the count when the index is out of range, e.g. {@code " in the
   *     cluster"}
   * @throws IllegalArgumentException when the index is out of range
   */
  <T> List<T> select(
      List<T> all, String noun, String where, Function<T, String> name, PrintStream err) {
    if (index == null) {
      return all;
    }
    int n = all.size();
    if (index < 0 || index >= n) {
      throw new IllegalArgumentException(
          origin
              + " "
              + index
              + " is out of range: "
              + n
              + " "
              + noun
              + (n == 1 ? "" : "s")
              + where
              + " (indexes 0 to "
              + (n - 1)
              + ")");
    }
    T shard = all.get(index);
    err.println(
        "shard "
            + index
            + " of "
            + n
            + (origin.equals(INDEX_VARIABLE) ? " (from " + INDEX_VARIABLE + ")" : "")
            + ": "
            + name.apply(shard));
    return List.of(shard);
  }

  /**
   * {@code path} with {@code {index}} replaced by the index.
   *
   * @throws IllegalArgumentException when {@code path} has the placeholder but no index is set
   */
  Path expand(Path path, String option) {
    if (path == null || !path.toString().contains(INDEX_PLACEHOLDER)) {
      return path;
    }
    if (index == null) {
      throw new IllegalArgumentException(
          option
              + " "
              + path
              + " contains "
              + INDEX_PLACEHOLDER
              + " but no shard index is set (--shard-index or "
              + INDEX_VARIABLE
              + ")");
    }
    return Path.of(path.toString().replace(INDEX_PLACEHOLDER, Integer.toString(index)));
  }

  /** This choice as the source classes take it, its notes going to {@code err}. */
  Shards shards(PrintStream err) {
    return new Shards() {
      @Override
      public List<RedisUri> masters(List<RedisUri> all) {
        return select(all, "master", " in the cluster", RedisUri::toString, err);
      }

      @Override
      public void singleNode(RedisUri from) {
        select(List.of(from), "master", " (the source is not a cluster)", String::valueOf, err);
      }
    };
  }

  /**
   * The choice of {@code option} or the environment, with {@code {index}} replaced in the report
   * and error log names of {@code opts}.
   */
  static ShardChoice checked(Integer option, Map<String, String> env, PipelineOptions opts)
      throws StartFailure {
    try {
      ShardChoice shard = of(option, env);
      shard.expandNames(opts);
      return shard;
    } catch (IllegalArgumentException e) {
      throw StartFailure.usage(e.getMessage());
    }
  }

  /** {@code {index}} replaced in the report and error log names of {@code opts}. */
  void expandNames(PipelineOptions opts) {
    opts.output.report = expand(opts.output.report, "--report");
    opts.errorLog = expand(opts.errorLog, "--error-log");
  }
}
