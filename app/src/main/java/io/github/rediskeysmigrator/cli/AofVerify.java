package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.aof.AofLayout;
import io.github.rediskeysmigrator.aof.BadAofException;
import io.github.rediskeysmigrator.core.ExitCode;
import io.github.rediskeysmigrator.redis.Tls;
import io.github.rediskeysmigrator.source.AofCut;
import io.github.rediskeysmigrator.source.AofScan;
import io.github.rediskeysmigrator.source.AofSource;
import io.github.rediskeysmigrator.verify.AofOracle;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code verify} of an AOF source: the AOF is cut where {@code aof} stops, loaded by a throwaway
 * server ({@link AofOracle}), and that server verified as a live source, then stopped.
 */
final class AofVerify {
  private final Context ctx;
  private final OracleOptions opts;

  AofVerify(Context ctx, OracleOptions opts) {
    this.ctx = ctx;
    this.opts = opts;
  }

  /** Whether {@code plan} names an AOF source; a stop asked of any other source is exit 2. */
  boolean applies(VerifyOptions.Plan plan) throws StartFailure {
    VerifyOptions.Source src = plan.source();
    boolean aof = !src.live() && src.files().stream().anyMatch(VerifyOptions::isAof);
    if (aof && src.files().size() > 1) {
      throw StartFailure.usage("verify takes one AOF path (an appendonlydir, manifest or file)");
    }
    if (!aof && (opts.stopAsked() || opts.server != null)) {
      throw StartFailure.usage(
          "--until, --until-offset and --oracle-server apply to an AOF source only");
    }
    return aof;
  }

  /** Cuts, loads and verifies; the server is stopped and the copy deleted whatever happens. */
  int run(
      VerifyOptions.Plan plan,
      VerifyRunner runner,
      List<Integer> dbs,
      long bigKeyThreshold,
      Tls tls)
      throws StartFailure, InterruptedException {
    Path path = plan.source().files().get(0);
    AofCut cut;
    Path binary;
    try {
      AofSource.Stop stop = opts.aof.stop();
      binary =
          AofOracle.find(opts.server, ctx.env().get("PATH"))
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          opts.server != null
                              ? "--oracle-server " + opts.server + " is not an executable file"
                              : "verify of an AOF needs a redis-server to load it, and none is on"
                                  + " PATH: install the Redis version that wrote it, or pass"
                                  + " --oracle-server PATH"));
      AofScan scan = AofScan.of(AofLayout.of(path), bigKeyThreshold);
      if (scan.cut() != null) {
        ctx.err().println(scan.cut().note());
      }
      cut = AofCut.of(scan, stop, opts.aof.until != null);
    } catch (IllegalArgumentException e) {
      throw StartFailure.usage(e.getMessage());
    } catch (BadAofException e) {
      throw StartFailure.badInput(e.getMessage());
    } catch (IOException e) {
      throw StartFailure.badInput("cannot read " + path + ": " + e.getMessage());
    }
    AofOracle oracle;
    try {
      oracle = AofOracle.start(binary, cut, ctx.sleeper());
    } catch (BadAofException e) {
      throw StartFailure.badInput(e.getMessage());
    } catch (IllegalArgumentException e) {
      throw StartFailure.usage(e.getMessage());
    } catch (IOException e) {
      throw new StartFailure(ExitCode.USAGE, "cannot start the oracle " + binary + ": " + e);
    }
    try (oracle) {
      VerifyOptions.Plan onOracle =
          new VerifyOptions.Plan(
              new VerifyOptions.Source(oracle.uri(), List.of(), path.toString()),
              plan.to(),
              plan.config(),
              dbs.isEmpty() ? oracle.dbs() : dbs,
              plan.match(),
              plan.skippedExisting());
      return runner.withOracle(oracle).run(onOracle, tls);
    }
  }
}
