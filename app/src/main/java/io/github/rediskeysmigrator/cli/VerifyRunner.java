package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.ExitCode;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.rdb.BadRdbException;
import io.github.rediskeysmigrator.rdb.RdbHeader;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.Tls;
import io.github.rediskeysmigrator.sink.Throttle;
import io.github.rediskeysmigrator.source.RdbFileSource;
import io.github.rediskeysmigrator.verify.AofOracle;
import io.github.rediskeysmigrator.verify.DestinationNodes;
import io.github.rediskeysmigrator.verify.DifferenceLog;
import io.github.rediskeysmigrator.verify.ExtraKeys;
import io.github.rediskeysmigrator.verify.RdbFileReader;
import io.github.rediskeysmigrator.verify.SourceReader;
import io.github.rediskeysmigrator.verify.Verifier;
import io.github.rediskeysmigrator.verify.VerifyConfig;
import io.github.rediskeysmigrator.verify.VerifyContext;
import io.github.rediskeysmigrator.verify.VerifyReport;
import io.github.rediskeysmigrator.verify.VerifySources;
import java.io.IOException;
import java.util.List;

/**
 * What {@code verify} does once its plan is validated: open the source and the destination's nodes,
 * compare with progress, then print the summary and write the report.
 */
final class VerifyRunner {
  private final Context ctx;
  private final Launch launch;
  private final VerifyOptions opts;
  private AofOracle oracle;

  VerifyRunner(Context ctx, Launch launch, VerifyOptions opts) {
    this.ctx = ctx;
    this.launch = launch;
    this.opts = opts;
  }

  /**
   * The source is {@code oracle}: the report says so, and it is stopped as soon as the comparison
   * ends (before a signal's hook may end the JVM).
   */
  VerifyRunner withOracle(AofOracle oracle) {
    this.oracle = oracle;
    return this;
  }

  int run(VerifyOptions.Plan plan, Tls tls) throws StartFailure, InterruptedException {
    VerifyOptions.Source src = plan.source();
    VerifyConfig config = plan.config();
    RedisUri to = plan.to();
    launch.source(src.label());
    launch.destination(to.toString());
    SourceReader reader;
    ExtraKeys extra;
    VerifySources.Live live = null;
    try {
      if (src.live()) {
        live =
            VerifySources.live(
                src.uri(),
                src.label(),
                tls,
                plan.liveDbs(),
                plan.match(),
                opts.scanCount,
                config,
                opts.extraKeys,
                ctx.clock(),
                ctx.sleeper());
        reader = live.reader();
        extra = live.extra();
      } else {
        List<RdbHeader> headers =
            RdbFileSource.checkedHeaders(src.files(), !opts.skipChecksum, ctx.err()::println);
        reader = new RdbFileReader(new RdbFileSource(headers));
        extra = opts.extraKeys ? ExtraKeys.ofFiles(config, opts.scanCount) : null;
      }
    } catch (ConnectException e) {
      throw StartFailure.connection(e.getMessage());
    } catch (BadRdbException e) {
      throw StartFailure.badInput(e.getMessage());
    } catch (IOException e) {
      throw StartFailure.badInput("cannot read the input files: " + e);
    }
    DestinationNodes dest;
    DifferenceLog diffs;
    try {
      dest = VerifySources.destination(to, tls, config, ctx.clock()::millis);
    } catch (ConnectException | IllegalArgumentException e) {
      close(live, extra);
      throw new StartFailure(
          e instanceof ConnectException ? ExitCode.CONNECTION : ExitCode.USAGE, e.getMessage());
    }
    try {
      diffs = DifferenceLog.open(config.show(), opts.diffFile);
    } catch (IOException e) {
      dest.close();
      close(live, extra);
      throw StartFailure.usage("cannot write the diff file " + opts.diffFile + ": " + e);
    }
    VerifyReport result = new VerifyReport(src.label(), to.toString(), plan.skippedExisting());
    if (oracle != null) {
      result.oracle(oracle.reportFields(), oracle.describe());
    }
    // A file source is paced here; a live one paces its own reads.
    Throttle throttle =
        new Throttle(src.live() ? 0 : config.maxRate(), System::nanoTime, ctx.sleeper());
    VerifyContext context = new VerifyContext(result, diffs, throttle, ctx.clock());
    Verifier verifier = new Verifier(reader, config, dest, extra, context);
    int exit;
    try (StopOnSignal signals = new StopOnSignal(verifier::requestStop, ctx.out())) {
      VerifyProgress printer =
          opts.output.progress.shows(ctx.terminal())
              ? new VerifyProgress(result, reader, ctx.err(), ctx.terminal(), ctx.clock())
              : null;
      try {
        exit = verifier.run();
      } finally {
        if (oracle != null) {
          oracle.close();
        }
        if (printer != null) {
          printer.close();
        }
        try {
          diffs.close();
        } catch (IOException e) {
          ctx.err().println("error: cannot write the diff file " + opts.diffFile + ": " + e);
        }
      }
      // The summary and report must be out before a signal's hook lets the JVM go.
      VerifySummary.print(ctx, result, diffs);
      exit = launch.reportFile().finish(result.toJson(), exit);
    }
    return exit;
  }

  /** Closes the source side of a run that cannot start after all. */
  private static void close(VerifySources.Live live, ExtraKeys extra) {
    if (live != null) {
      live.close();
    } else if (extra != null) {
      extra.close();
    }
  }
}
