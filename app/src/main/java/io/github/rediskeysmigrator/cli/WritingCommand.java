package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.redis.Tls;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * The skeleton of the commands that write keys into a destination (aof, rdb, scan, sync): their
 * {@link WriteOptions}, one {@link Launch} around the start, and the {@link MigrationRunner} that
 * runs what the start opened.
 */
abstract class WritingCommand implements Callable<Integer> {
  final Context ctx;
  private final String name;

  /**
   * Added by {@link #commandLine} after the command's own options, so that its help lists what it
   * reads before where it writes.
   */
  final WriteOptions writing = new WriteOptions();

  WritingCommand(Context ctx, String name) {
    this.ctx = ctx;
    this.name = name;
  }

  /**
   * The command line of {@code command}: its own options, then its {@link WriteOptions}, then
   * --help and --version.
   */
  static CommandLine commandLine(WritingCommand command) {
    CommandLine cl = new CommandLine(command).addMixin("writing", command.writing);
    cl.getCommandSpec().mixinStandardHelpOptions(true);
    return cl;
  }

  @Override
  public final Integer call() throws InterruptedException {
    Launch launch = MigrationRunner.launch(ctx, name, writing.pipeline);
    return launch.run(() -> start(launch));
  }

  /** Checks the options, opens the source and runs it; a start that fails throws. */
  abstract int start(Launch launch) throws StartFailure, InterruptedException;

  /** The TLS settings, checked, then the report file proved writable: the first checks of all. */
  final Tls tlsThenReport(Launch launch) throws StartFailure {
    Tls tls = writing.tls.checked(ctx.err());
    launch.report(writing.pipeline.output.report);
    return tls;
  }

  /** The runner of this command, once its source is open. */
  final MigrationRunner runner(Launch launch, Tls tls) {
    return new MigrationRunner(ctx, launch, name, tls);
  }
}
