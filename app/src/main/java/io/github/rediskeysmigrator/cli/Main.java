package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.ExitCode;
import io.github.rediskeysmigrator.core.Sleeper;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The command line entry point; the only place that calls {@code System.exit}. */
@Command(
    name = "redis-keys-migrator",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "Move Redis keys from RDB files or a live Redis into a destination Redis, keeping every"
            + " TTL.",
    footer = {
      "",
      "Exit codes: 0 all keys written or skipped by policy; 1 finished with key errors (see the"
          + " error log); 2 usage or configuration error; 3 cannot connect or authenticate, or a"
          + " connection was lost; 4 stopped by --max-errors or --existing fail; 5 bad input file;"
          + " 6 verify found differences; 7 sync cannot resume from its checkpoint; 70 internal"
          + " error (the totals do not add up); 74 the run ended but its --report could not be"
          + " written; 130 interrupted. Every output (--report, --error-log, --checkpoint,"
          + " --metrics-port) is tried before the first write: a bad one is exit 2. The first"
          + " cause of a stop is its reason and exit code: keys failing because the connection is"
          + " lost or the destination is read-only never count as --max-errors."
    })
public final class Main implements Callable<Integer> {
  private final Context ctx;

  Main(Context ctx) {
    this.ctx = ctx;
  }

  public static void main(String[] args) {
    if ("self".equals(System.getProperty("rkm.jvm"))) {
      SelfLaunch.followParent();
    } else if (SelfLaunch.wanted(
        args, SelfLaunch.jvmArgs(), System.getenv(), System.getProperty("rkm.jvm"))) {
      Optional<Integer> code = SelfLaunch.run(args);
      if (code.isPresent()) {
        System.exit(code.get());
      }
    }
    Context ctx =
        new Context(
            System.getenv(),
            System.out,
            System.err,
            Clock.systemUTC(),
            Sleeper.SYSTEM,
            System.console() != null);
    System.exit(new Main(ctx).execute(args));
  }

  /** Parses and runs {@code args}; returns the exit code. */
  int execute(String... args) {
    CommandLine cl = new CommandLine(this);
    Map<String, Supplier<CommandLine>> commands = commands(ctx);
    // Building a command's model is picocli reflecting over its options, a noticeable part of
    // the start-up: a run names its command first, so only that one is built. Anything else
    // (usage, help, a misspelt command) gets them all, for the listing and the suggestions.
    String first = args.length > 0 ? args[0] : "";
    if (commands.containsKey(first) && !first.equals("help")) {
      cl.addSubcommand(first, commands.get(first).get());
    } else {
      commands.forEach((name, command) -> cl.addSubcommand(name, command.get()));
    }
    cl.setDefaultValueProvider(new EnvDefaults(ctx.env()));
    cl.getSubcommands()
        .values()
        .forEach(c -> c.setDefaultValueProvider(new EnvDefaults(ctx.env())));
    cl.setOut(new PrintWriter(ctx.out(), true));
    cl.setErr(new PrintWriter(ctx.err(), true));
    cl.setParameterExceptionHandler((e, a) -> badParameter(e));
    cl.getSubcommands()
        .values()
        .forEach(c -> c.setParameterExceptionHandler((e, a) -> badParameter(e)));
    if (commands.containsKey(first) && !first.equals("help")) {
      String badLevel = LogConfigurator.badLevel(ctx.env());
      if (badLevel != null) {
        ctx.err().println("error: " + badLevel);
        return ExitCode.USAGE;
      }
    }
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof InterruptedException) {
            ctx.err().println("interrupted");
            return ExitCode.INTERRUPTED;
          }
          if (e instanceof IllegalArgumentException) {
            ctx.err().println("error: " + e.getMessage());
            return ExitCode.USAGE;
          }
          // Looked up here, not in a static field: logging starts only when something logs.
          LoggerFactory.getLogger(Main.class).error("unexpected failure", e);
          ctx.err().println("error: unexpected failure: " + e);
          return ExitCode.KEY_ERRORS;
        });
    return cl.execute(args);
  }

  /** Every command by name, in the order {@code --help} lists them, each built when asked for. */
  static Map<String, Supplier<CommandLine>> commands(Context ctx) {
    Map<String, Supplier<CommandLine>> commands = new LinkedHashMap<>();
    commands.put("rdb", () -> WritingCommand.commandLine(new RdbCommand(ctx)));
    commands.put("scan", () -> WritingCommand.commandLine(new ScanCommand(ctx)));
    commands.put("sync", () -> WritingCommand.commandLine(new SyncCommand(ctx)));
    commands.put("aof", () -> WritingCommand.commandLine(new AofCommand(ctx)));
    commands.put("verify", () -> new CommandLine(new VerifyCommand(ctx)));
    commands.put("inspect", () -> new CommandLine(new InspectCommand(ctx)));
    commands.put("report", () -> ReportCommand.commandLine(ctx));
    commands.put("help", () -> new CommandLine(new CommandLine.HelpCommand()));
    return commands;
  }

  /** The whole command line, every command built, as {@code --help} and the reference show it. */
  static CommandLine fullCommandLine(Context ctx) {
    CommandLine cl = new CommandLine(new Main(ctx));
    commands(ctx).forEach((name, command) -> cl.addSubcommand(name, command.get()));
    return cl;
  }

  /**
   * The whole command tree, every command built, with the defaults {@code env} gives: what the
   * release's man pages and shell completion are generated from.
   */
  static CommandLine model(Map<String, String> env) {
    CommandLine cl =
        fullCommandLine(
            new Context(env, System.out, System.err, Clock.systemUTC(), Sleeper.SYSTEM, false));
    cl.setDefaultValueProvider(new EnvDefaults(env));
    cl.getSubcommands().values().forEach(c -> c.setDefaultValueProvider(new EnvDefaults(env)));
    return cl;
  }

  /**
   * A bad option or argument: one line saying what is wrong (the same words whether the value came
   * from the option or from its environment variable), any suggestion for a misspelt option, and
   * where the options are listed, instead of the whole usage.
   */
  private int badParameter(CommandLine.ParameterException e) {
    ctx.err().println("error: " + e.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(e, ctx.err());
    ctx.err()
        .println(
            "Run '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for help.");
    return ExitCode.USAGE;
  }

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    // No command given: show what there is.
    spec.commandLine().usage(ctx.err());
    return ExitCode.USAGE;
  }

  /** For tests: a Main over the given world. */
  static Main of(Map<String, String> env, PrintStream out, PrintStream err, Clock clock) {
    return of(env, out, err, clock, Sleeper.SYSTEM);
  }

  /** For tests: a Main over the given world, pausing through {@code sleeper}. */
  static Main of(
      Map<String, String> env, PrintStream out, PrintStream err, Clock clock, Sleeper sleeper) {
    return new Main(new Context(env, out, err, clock, sleeper, false));
  }
}
