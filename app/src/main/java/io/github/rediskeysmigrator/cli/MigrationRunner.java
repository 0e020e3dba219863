package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.DryRunWriter;
import io.github.rediskeysmigrator.core.ExitCode;
import io.github.rediskeysmigrator.core.KeySource;
import io.github.rediskeysmigrator.core.KeyWriter;
import io.github.rediskeysmigrator.core.LiveOptions;
import io.github.rediskeysmigrator.core.LiveStatus;
import io.github.rediskeysmigrator.core.LiveTranslator;
import io.github.rediskeysmigrator.core.Migration;
import io.github.rediskeysmigrator.core.MigrationConfig;
import io.github.rediskeysmigrator.core.MigrationReport;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.core.WriteListener;
import io.github.rediskeysmigrator.metrics.MetricsEndpoint;
import io.github.rediskeysmigrator.redis.ClusterDatabases;
import io.github.rediskeysmigrator.redis.ClusterSlots;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.RedisConnector;
import io.github.rediskeysmigrator.redis.ServerInfo;
import io.github.rediskeysmigrator.redis.Tls;
import io.github.rediskeysmigrator.sink.ClusterWriter;
import io.github.rediskeysmigrator.sink.ErrorLog;
import io.github.rediskeysmigrator.sink.LiveTranslation;
import io.github.rediskeysmigrator.sink.PartitionedWriter;
import io.github.rediskeysmigrator.sink.PipelinedWriter;
import io.github.rediskeysmigrator.sink.Throttle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.function.Function;
import redis.clients.jedis.Connection;

/**
 * The part every migrating command shares once its source is ready: open the error log, connect to
 * the destination and check its version, run the pipeline with progress, then print the summary,
 * write the JSON report and turn the outcome into an exit code.
 */
final class MigrationRunner {
  private final Context ctx;
  private final Tls tls;

  MigrationRunner(Context ctx, Tls tls) {
    this.ctx = ctx;
    this.tls = tls;
  }

  /**
   * Runs one migration.
   *
   * @param command the command's name, for the report
   * @param sourceLabel the source as the report shows it
   * @param source the keys
   * @param sourceRdbVersion newest RDB version of the source's payloads; when the destination
   *     cannot RESTORE them, a note says they will be restamped or rewritten
   */
  private java.util.function.Consumer<MigrationReport> reportHook = r -> {};

  /** Lets the command add to the report of the run before it starts (scan --live's counters). */
  MigrationRunner onReport(java.util.function.Consumer<MigrationReport> hook) {
    this.reportHook = this.reportHook.andThen(hook);
    return this;
  }

  private MetricsOptions metrics;
  // The report's path failed its check at start: nothing is ever written there.
  private boolean reportRefused;
  private LiveStatus liveStatus;

  /** Serves the run's metrics while it lasts, when {@code options} ask for an endpoint. */
  MigrationRunner serveMetrics(MetricsOptions options, LiveStatus status) {
    this.metrics = options;
    this.liveStatus = status;
    return this;
  }

  /** What a command does when its run has ended, before the summary and the report. */
  interface AfterRun {
    /** Returns the exit code to use instead of {@code exit}. */
    int apply(MigrationReport report, int exit, RedisUri destination);
  }

  private AfterRun afterRun = (r, exit, to) -> exit;

  /** Lets the command act on the ended run (sync deleting its marker after a cutover). */
  MigrationRunner afterRun(AfterRun hook) {
    this.afterRun = hook;
    return this;
  }

  int run(
      String command,
      String sourceLabel,
      KeySource source,
      int sourceRdbVersion,
      PipelineOptions opts,
      DestinationOptions destination)
      throws InterruptedException {
    return run(command, sourceLabel, source, sourceRdbVersion, opts, destination, LiveOptions.NONE);
  }

  /** Runs one migration whose source may stream live commands ({@code sync}). */
  int run(
      String command,
      String sourceLabel,
      KeySource source,
      int sourceRdbVersion,
      PipelineOptions opts,
      DestinationOptions destination,
      LiveOptions live)
      throws InterruptedException {
    MigrationConfig config;
    RedisUri to;
    try {
      EnvAddress.Resolved resolved = destination.resolve(ctx.env());
      to = resolved.uri();
      config = opts.toConfig(resolved.explicitDb() ? to.db() : -1);
    } catch (IllegalArgumentException e) {
      return failBeforeStart(command, sourceLabel, "", opts, ExitCode.USAGE, e.getMessage());
    }

    try {
      // Every file the run writes is proved writable before anything is written anywhere.
      OutputCheck.writable(opts.report, "the report");
    } catch (IllegalArgumentException e) {
      reportRefused = true;
      return failBeforeStart(
          command, sourceLabel, to.toString(), opts, ExitCode.USAGE, e.getMessage());
    }

    MigrationReport report =
        new MigrationReport(command, sourceLabel, to.toString(), config.dryRun());
    MetricsEndpoint endpoint = null;
    if (metrics != null && metrics.enabled()) {
      try {
        endpoint =
            MetricsEndpoint.start(metrics.bind, metrics.port, () -> report, () -> liveStatus);
      } catch (IOException | RuntimeException e) {
        return failBeforeStart(
            command,
            sourceLabel,
            to.toString(),
            opts,
            ExitCode.USAGE,
            "cannot serve metrics on " + metrics.bind + ":" + metrics.port + ": " + e.getMessage());
      }
    }

    ErrorLog errorLog;
    try {
      errorLog = ErrorLog.open(opts.errorLog, opts.errorLogMode, ctx.clock());
    } catch (IOException e) {
      if (endpoint != null) {
        endpoint.close();
      }
      return failBeforeStart(
          command,
          sourceLabel,
          to.toString(),
          opts,
          ExitCode.USAGE,
          "cannot open the error log " + opts.errorLog + ": " + e);
    }
    if (endpoint != null) {
      ctx.err().println("metrics: http://" + metrics.bind + ":" + endpoint.port() + "/metrics");
    }
    reportHook.accept(report);
    int exit = ExitCode.OK;
    try (errorLog) {
      Function<WriteListener, KeyWriter> writers;
      // The live commands as the destination's version can apply them.
      LiveTranslator translator = LiveTranslator.AS_IS;
      if (config.dryRun()) {
        writers = DryRunWriter::new;
      } else {
        Connection conn;
        ServerInfo server;
        try {
          // Always db 0 at first: a cluster refuses SELECT, and the writer selects what it needs.
          conn = RedisConnector.connect(to, 0, "destination", tls, opts.timeoutMillis());
          server = ServerInfo.query(conn);
        } catch (ConnectException e) {
          return failBeforeStart(
              command, sourceLabel, to.toString(), opts, ExitCode.CONNECTION, e.getMessage());
        }
        translator = new LiveTranslation(server);
        if (!server.restores(sourceRdbVersion)) {
          ctx.err()
              .println(
                  "note: the source has RDB version "
                      + sourceRdbVersion
                      + " and the destination ("
                      + server
                      + ") restores payloads of "
                      + server.restorableVersions()
                      + "; a payload whose value type it reads is restamped with its version and"
                      + " restored, any other is rewritten as plain commands");
        }
        boolean cluster = ClusterSlots.isCluster(conn);
        if (cluster && opts.writers > 1) {
          conn.close();
          return failBeforeStart(
              command,
              sourceLabel,
              to.toString(),
              opts,
              ExitCode.USAGE,
              "--writers is for a single-node destination; a Redis Cluster destination already"
                  + " gets one connection per master");
        }
        // A Redis Cluster has db 0 only; a Valkey 9 cluster as many as its cluster-databases.
        ClusterDatabases clusterDbs = cluster ? ClusterDatabases.query(conn) : null;
        String refused = cluster ? clusterDbs.refusal(config) : null;
        if (refused != null) {
          conn.close();
          return failBeforeStart(
              command, sourceLabel, to.toString(), opts, ExitCode.USAGE, refused);
        }
        if (cluster) {
          // A key's slot, for renamed commands that must keep their keys in one slot.
          config = config.withClusterSlot(ClusterSlots::slot);
        }
        PipelinedWriter.Settings settings =
            new PipelinedWriter.Settings(
                config.pipeline(),
                config.existing(),
                config.sleepMillis(),
                0,
                live.destinationMarker(),
                opts.retries,
                opts.retryBackoffMillis());
        Throttle throttle = new Throttle(config.maxRate(), System::nanoTime, ctx.sleeper());
        // The checkpoint marker records one stream's offset on one connection: the other
        // connections (cluster masters, --writers beyond the first) go without it.
        PipelinedWriter.Settings noMarker =
            new PipelinedWriter.Settings(
                settings.pipeline(),
                settings.policy(),
                settings.sleepMillis(),
                0,
                null,
                settings.retries(),
                settings.retryBackoffMillis());
        if (cluster) {
          writers =
              listener ->
                  new ClusterWriter(
                      listener,
                      () -> ClusterSlots.query(conn),
                      (master, l) -> {
                        RedisUri node = to.withAddress(master.getHost(), master.getPort());
                        return new PipelinedWriter(
                            connectOrFail(node, tls, opts.timeoutMillis()),
                            server,
                            noMarker,
                            l,
                            throttle,
                            ctx.sleeper(),
                            ctx.clock()::millis,
                            () ->
                                RedisConnector.connect(
                                    node, 0, "destination", tls, opts.timeoutMillis()));
                      },
                      ctx.sleeper(),
                      live.keys(),
                      clusterDbs);
        } else if (opts.writers > 1) {
          writers =
              listener ->
                  new PartitionedWriter(
                      opts.writers,
                      listener,
                      live.keys(),
                      live.destinationMarker() != null,
                      (i, l) ->
                          new PipelinedWriter(
                              i == 0 ? conn : connectOrFail(to, tls, opts.timeoutMillis()),
                              server,
                              i == 0 ? settings : noMarker,
                              l,
                              throttle,
                              ctx.sleeper(),
                              ctx.clock()::millis,
                              () ->
                                  RedisConnector.connect(
                                      to, 0, "destination", tls, opts.timeoutMillis())));
        } else {
          writers =
              listener ->
                  new PipelinedWriter(
                      conn,
                      server,
                      settings,
                      listener,
                      throttle,
                      ctx.sleeper(),
                      ctx.clock()::millis,
                      () ->
                          RedisConnector.connect(to, 0, "destination", tls, opts.timeoutMillis()));
        }
      }
      Migration migration =
          new Migration(
              source,
              config,
              writers,
              errorLog,
              report,
              ctx.clock(),
              ctx.sleeper(),
              live.withTranslator(translator));
      boolean showProgress =
          opts.progress.equals("always") || (opts.progress.equals("auto") && ctx.terminal());
      ProgressPrinter progress =
          showProgress
              ? new ProgressPrinter(report, source, ctx.err(), ctx.terminal(), ctx.clock())
              : null;
      try (StopOnSignal signals = new StopOnSignal(migration::requestStop, ctx.out())) {
        try {
          exit = migration.run();
        } finally {
          if (progress != null) {
            progress.close();
          }
        }
        exit = afterRun.apply(report, exit, to);
        // The summary and report must be out before a signal's hook lets the JVM go.
        exit = finish(report, exit, opts);
      }
      return exit;
    } catch (IOException e) {
      ctx.err().println("error: cannot close the error log " + opts.errorLog + ": " + e);
      return exit;
    } finally {
      if (endpoint != null) {
        endpoint.close();
      }
    }
  }

  private static Connection connectOrFail(RedisUri node, Tls tls, int timeoutMillis) {
    try {
      return RedisConnector.connect(node, 0, "destination", tls, timeoutMillis);
    } catch (ConnectException e) {
      throw new IllegalStateException("destination " + node + ": " + e.getMessage(), e);
    }
  }

  private int finish(MigrationReport report, int exit, PipelineOptions opts) {
    if (report.stopReason() != null) {
      ctx.err().println("error: " + report.stopReason());
    }
    ctx.out().print(report.summary());
    boolean reported = writeReport(opts, report);
    if (report.errors() > 0) {
      ctx.out()
          .println(
              "Errors occurred during the execution. Check |" + opts.errorLog + "| for details");
    }
    ctx.out().flush();
    return reported ? exit : OutputCheck.reportMissing(ctx.err(), exit);
  }

  /**
   * Proves the report can be written, the first thing a command does once its options are read: a
   * bad {@code --report} is then exit 2 with one line, before any input file is read or any server
   * asked, so no other failure at start can come with a second line about the report.
   *
   * @return true when there is no report or it can be written; false after the line on stderr
   */
  boolean reportWritable(PipelineOptions opts) {
    try {
      OutputCheck.writable(opts.report, "the report");
      return true;
    } catch (IllegalArgumentException e) {
      reportRefused = true;
      ctx.err().println("error: " + e.getMessage());
      return false;
    }
  }

  /**
   * Ends a run that never started writing: one line on stderr and, when asked for, a report with
   * zero counts and the reason, so scripts always find one.
   */
  int failBeforeStart(
      String command,
      String sourceLabel,
      String destinationLabel,
      PipelineOptions opts,
      int code,
      String message) {
    ctx.err().println("error: " + message);
    MigrationReport report =
        new MigrationReport(command, sourceLabel, destinationLabel, opts.dryRun);
    report.finish(0, 0, code, message);
    writeReport(opts, report);
    return code;
  }

  /** Writes the JSON report when one is asked for; false (and one line on stderr) if it failed. */
  private boolean writeReport(PipelineOptions opts, MigrationReport report) {
    if (opts.report == null || reportRefused) {
      return true;
    }
    try {
      Files.writeString(opts.report, report.toJson(), StandardCharsets.UTF_8);
      return true;
    } catch (IOException e) {
      ctx.err().println("error: cannot write the report " + opts.report + ": " + e);
      return false;
    }
  }
}
