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
import io.github.rediskeysmigrator.core.MigrationContext;
import io.github.rediskeysmigrator.core.MigrationReport;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.core.WriteListener;
import io.github.rediskeysmigrator.metrics.MetricsEndpoint;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.Tls;
import io.github.rediskeysmigrator.sink.ErrorLog;
import io.github.rediskeysmigrator.sink.WriterTopology;
import java.io.IOException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The composition root every migrating command shares once its source is ready: open the error log,
 * open the destination's writers ({@link WriterTopology}), run the pipeline with progress, then
 * print the summary, write the JSON report and turn the outcome into an exit code.
 */
final class MigrationRunner {
  /** What a command does when its run has ended, before the summary and the report. */
  interface AfterRun {
    /** Returns the exit code to use instead of {@code exit}. */
    int apply(MigrationReport report, int exit, RedisUri destination);
  }

  /**
   * What a live command adds to a run.
   *
   * @param onReport adds to the report before the run starts (scan --live's counters)
   * @param metrics the metrics endpoint asked for, null for none
   * @param status what the endpoint serves of the live run
   * @param afterRun acts on the ended run (sync deleting its marker after a cutover)
   */
  record Extras(
      Consumer<MigrationReport> onReport,
      MetricsOptions metrics,
      LiveStatus status,
      AfterRun afterRun) {
    static final Extras NONE = new Extras(r -> {}, null, null, (r, exit, to) -> exit);
  }

  private final Context ctx;
  private final Launch launch;
  private final String command;
  private final Tls tls;
  // rdb and scan with --checkpoint: where the read points go, where the run resumes; else null.
  private ReadCheckpointOptions.Opened checkpoint;

  /** How often, at most, the checkpoint of rdb and scan is rewritten (a drained pipeline each). */
  private static final long CHECKPOINT_EVERY_MS = 1000;

  MigrationRunner(Context ctx, Launch launch, String command, Tls tls) {
    this.ctx = ctx;
    this.launch = launch;
    this.command = command;
    this.tls = tls;
  }

  /** The run records its read points in {@code opened} (null: none) and resumes where it says. */
  MigrationRunner checkpointed(ReadCheckpointOptions.Opened opened) {
    this.checkpoint = opened;
    return this;
  }

  /** The launch of a migrating command: a start that fails leaves a zero report. */
  static Launch launch(Context ctx, String command, PipelineOptions opts) {
    return new Launch(
        ctx,
        (source, destination, code, reason) -> {
          MigrationReport report = new MigrationReport(command, source, destination, opts.dryRun);
          report.finish(0, 0, code, reason);
          return report.toJson();
        });
  }

  int run(
      KeySource source, int sourceRdbVersion, WriteOptions writing, LiveOptions live, Extras extras)
      throws StartFailure, InterruptedException {
    PipelineOptions opts = writing.pipeline;
    DestinationOptions destination = writing.destination;
    MigrationConfig config;
    RedisUri to;
    EnvAddress.Resolved resolved;
    long failoverTimeout;
    try {
      resolved = destination.resolve(ctx.env());
      to = resolved.uri();
      config = opts.toConfig(resolved.explicitDb() ? to.db() : -1);
      failoverTimeout = opts.failoverTimeoutMillis();
    } catch (IllegalArgumentException e) {
      throw StartFailure.usage(e.getMessage());
    }
    launch.destination(resolved.label());
    // Every file the run writes is proved writable before anything is written anywhere.
    ReportFile reportFile = launch.report(opts.output.report);
    MigrationReport report =
        new MigrationReport(command, launch.sourceLabel(), resolved.label(), config.dryRun());
    report.failovers(launch.failovers());
    MetricsEndpoint endpoint = MetricsOptions.start(extras.metrics(), report, extras.status());
    ErrorLog errorLog;
    try {
      errorLog = ErrorLog.open(opts.errorLog, opts.errorLogMode, ctx.clock());
    } catch (IOException e) {
      close(endpoint);
      throw StartFailure.usage("cannot open the error log " + opts.errorLog + ": " + e);
    }
    if (endpoint != null) {
      ctx.err()
          .println("metrics: http://" + extras.metrics().bind + ":" + endpoint.port() + "/metrics");
    }
    extras.onReport().accept(report);
    if (checkpoint != null && !checkpoint.points().isEmpty()) {
      report.resumed(checkpoint.resumedFrom(), checkpoint.keys());
    } else if (!source.resumedFrom().isEmpty()) {
      // sync from its checkpoint: a replication offset, no key passed over.
      report.resumed(source.resumedFrom(), 0);
    }
    int exit = ExitCode.OK;
    try (errorLog) {
      Function<WriteListener, KeyWriter> writers = DryRunWriter::new;
      // The live commands as the destination's version can apply them.
      LiveTranslator translator = LiveTranslator.AS_IS;
      if (!config.dryRun()) {
        WriterTopology.Opened opened =
            destination(resolved, failoverTimeout, opts, config, live, sourceRdbVersion);
        writers = opened.writers();
        translator = opened.translator();
        config = opened.config();
      }
      Migration migration =
          new Migration(
              source,
              config,
              live.withTranslator(translator),
              writers,
              new MigrationContext(report, errorLog, ctx.clock(), ctx.sleeper()));
      if (checkpoint != null) {
        migration.checkpointReads(checkpoint.saver(), CHECKPOINT_EVERY_MS);
      }
      ProgressPrinter progress =
          opts.output.progress.shows(ctx.terminal())
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
        exit = extras.afterRun().apply(report, exit, masterNow(destination, to));
        // The summary and report must be out before a signal's hook lets the JVM go.
        exit = finish(report, exit, opts, reportFile);
      }
      return exit;
    } catch (IOException e) {
      ctx.err().println("error: cannot close the error log " + opts.errorLog + ": " + e);
      return exit;
    } finally {
      close(endpoint);
    }
  }

  private WriterTopology.Opened destination(
      EnvAddress.Resolved to,
      long failoverTimeout,
      PipelineOptions opts,
      MigrationConfig config,
      LiveOptions live,
      int version)
      throws StartFailure {
    return StartFailure.opened(
        () ->
            WriterTopology.open(
                new WriterTopology.Plan(
                    to.uri(),
                    opts.timeoutMillis(),
                    opts.writers,
                    opts.retries,
                    opts.retryBackoffMillis(),
                    to.failover(),
                    failoverTimeout,
                    launch.failovers()),
                config,
                live,
                version,
                tls,
                ctx.sleeper(),
                ctx.clock()::millis,
                ctx.err()::println));
  }

  /** The destination's master at the end of the run (behind Sentinel: the one named now). */
  private RedisUri masterNow(DestinationOptions destination, RedisUri to) {
    try {
      return destination.master(ctx.env(), tls);
    } catch (ConnectException e) {
      // What comes after the run reports the address it cannot reach.
      return to;
    }
  }

  private static void close(MetricsEndpoint endpoint) {
    if (endpoint != null) {
      endpoint.close();
    }
  }

  private int finish(MigrationReport report, int exit, PipelineOptions opts, ReportFile file) {
    if (report.stopReason() != null) {
      ctx.err().println("error: " + report.stopReason());
    }
    ctx.out().print(report.summary());
    boolean reported = file.write(report.toJson());
    if (report.errors() > 0) {
      ctx.out()
          .println(
              "Errors occurred during the execution. Check |" + opts.errorLog + "| for details");
    }
    ctx.out().flush();
    return reported ? exit : OutputCheck.reportMissing(ctx.err(), exit);
  }
}
