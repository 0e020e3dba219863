package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.Sleeper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes the option reference ({@code docs/reference/}, one markdown page per command) from the
 * picocli model, so the docs cannot drift from {@code --help}. Run by {@code
 * scripts/gen-reference.sh}; {@code ReferencePagesTest} fails when the committed pages differ.
 */
public final class ReferencePages {
  static final String ROOT = "redis-keys-migrator";
  static final String INDEX = "README.md";
  static final String REGENERATE = "scripts/gen-reference.sh";

  private ReferencePages() {}

  /** Writes every page into the directory given as the only argument, removing stale pages. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: ReferencePages OUTPUT_DIR");
    }
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    Map<String, String> pages = render();
    try (Stream<Path> old = Files.list(dir)) {
      for (Path file : old.filter(f -> f.toString().endsWith(".md")).toList()) {
        if (!pages.containsKey(file.getFileName().toString())) {
          Files.delete(file);
        }
      }
    }
    for (Map.Entry<String, String> page : pages.entrySet()) {
      Files.writeString(dir.resolve(page.getKey()), page.getValue(), StandardCharsets.UTF_8);
    }
    System.out.println("wrote " + pages.size() + " pages into " + dir);
  }

  /** File name to content: an index, then one page per command and subcommand. */
  static Map<String, String> render() {
    CommandLine root = commandLine();
    List<CommandLine> all = new ArrayList<>();
    collect(root, all);
    Map<String, String> pages = new LinkedHashMap<>();
    pages.put(INDEX, index(all));
    for (CommandLine command : all) {
      pages.put(fileName(command.getCommandSpec()), page(command.getCommandSpec()));
    }
    return pages;
  }

  /** The full command line over an empty environment, so defaults are the code's own. */
  static CommandLine commandLine() {
    PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
    Context ctx = new Context(Map.of(), nowhere, nowhere, Clock.systemUTC(), Sleeper.SYSTEM, false);
    return Main.fullCommandLine(ctx);
  }

  /** The page a command's reference lives in. */
  static String fileName(CommandSpec spec) {
    String path = spec.qualifiedName("-");
    return (path.equals(ROOT) ? ROOT : path.substring(ROOT.length() + 1)) + ".md";
  }

  private static void collect(CommandLine command, List<CommandLine> into) {
    if (command.getCommandSpec().usageMessage().hidden()) {
      return;
    }
    into.add(command);
    for (CommandLine sub : command.getSubcommands().values()) {
      collect(sub, into);
    }
  }

  private static String index(List<CommandLine> all) {
    StringBuilder md = new StringBuilder();
    md.append(generatedNote());
    md.append("# Option reference\n\n");
    md.append("One page per command, generated from the code (the same model `--help` prints).\n");
    md.append("Regenerate with `").append(REGENERATE).append("`.\n\n");
    for (CommandLine command : all) {
      CommandSpec spec = command.getCommandSpec();
      link(md, spec.qualifiedName(), spec);
    }
    return md.toString();
  }

  private static String page(CommandSpec spec) {
    StringBuilder md = new StringBuilder();
    md.append(generatedNote());
    md.append("# `").append(spec.qualifiedName()).append("`\n\n");
    md.append("- [Usage](#usage)\n");
    if (!spec.positionalParameters().isEmpty()) {
      md.append("- [Parameters](#parameters)\n");
    }
    md.append("- [Options](#options)\n");
    if (!spec.subcommands().isEmpty()) {
      md.append("- [Commands](#commands)\n");
    }
    if (spec.usageMessage().footer().length > 0) {
      md.append("- [Notes](#notes)\n");
    }
    md.append("\n[All commands](").append(INDEX).append(")\n\n");

    md.append("## Usage\n\n```\n");
    Help help = new Help(spec, Help.defaultColorScheme(Help.Ansi.OFF));
    md.append(help.synopsis(0).stripTrailing()).append("\n```\n\n");
    for (String paragraph : spec.usageMessage().description()) {
      for (String part : text(paragraph).strip().split("\n+")) {
        if (!part.isBlank()) {
          md.append(escape(part.strip())).append("\n\n");
        }
      }
    }

    if (!spec.positionalParameters().isEmpty()) {
      md.append("## Parameters\n\n");
      for (PositionalParamSpec param : spec.positionalParameters()) {
        if (param.hidden()) {
          continue;
        }
        md.append("### `").append(param.paramLabel()).append("`\n\n");
        md.append("- Position: ").append(param.index()).append('\n');
        md.append("- Arity: ").append(param.arity()).append('\n');
        appendDefault(md, defaultOf(param));
        md.append('\n').append(escape(description(param.description(), param))).append("\n\n");
      }
    }

    md.append("## Options\n\n");
    for (OptionSpec option : options(spec)) {
      md.append("### `").append(option.longestName()).append("`\n\n");
      md.append("- Names: ");
      md.append(String.join(", ", Stream.of(option.names()).map(n -> "`" + n + "`").toList()));
      md.append('\n');
      if (option.typeInfo().isBoolean() && option.arity().max == 0) {
        md.append("- Takes no value\n");
      } else {
        md.append("- Value: `").append(option.paramLabel()).append('`');
        if (option.isMultiValue()) {
          md.append(" (repeatable)");
        }
        md.append('\n');
      }
      appendDefault(md, defaultOf(option));
      String variable = variable(option.longestName());
      if (variable != null) {
        md.append("- Environment: ").append(variable).append('\n');
      }
      md.append('\n').append(escape(description(option.description(), option))).append("\n\n");
    }

    if (!spec.subcommands().isEmpty()) {
      md.append("## Commands\n\n");
      for (CommandLine sub : spec.subcommands().values()) {
        CommandSpec subSpec = sub.getCommandSpec();
        if (subSpec.usageMessage().hidden()) {
          continue;
        }
        link(md, subSpec.name(), subSpec);
      }
      md.append('\n');
    }

    List<String> footer = new ArrayList<>();
    for (String line : spec.usageMessage().footer()) {
      if (!line.isBlank()) {
        footer.add(escape(text(line)));
      }
    }
    if (!footer.isEmpty()) {
      md.append("## Notes\n\n").append(String.join("\n\n", footer)).append("\n");
    }
    return md.toString().stripTrailing() + "\n";
  }

  /** The options {@code --help} lists, in its order. */
  static List<OptionSpec> options(CommandSpec spec) {
    List<OptionSpec> options = new ArrayList<>();
    for (OptionSpec option : spec.options()) {
      if (!option.hidden()) {
        options.add(option);
      }
    }
    Comparator<OptionSpec> order =
        new Help(spec, Help.defaultColorScheme(Help.Ansi.OFF)).createDefaultOptionSort();
    if (order != null) {
      options.sort(order);
    }
    return options;
  }

  /**
   * The environment variable an option falls back to, as the code reads it: the original script's
   * (EnvDefaults), the address of --from / --to (EnvAddress) and the Kubernetes Job index.
   */
  static String variable(String longestName) {
    String plain = EnvDefaults.VARIABLES.get(longestName);
    if (plain != null) {
      return "`" + plain + "`";
    }
    return switch (longestName) {
      case "--from" ->
          "`SOURCE_REDIS_HOST`, `SOURCE_REDIS_PORT`, `SOURCE_REDIS_DB_INDEX`,"
              + " `SOURCE_REDIS_PASSWORD`";
      case "--to" ->
          "`DESTINATION_REDIS_HOST`, `DESTINATION_REDIS_PORT`, `DESTINATION_REDIS_DB_INDEX`,"
              + " `DESTINATION_REDIS_PASSWORD`";
      case "--shard-index" -> "`" + ShardChoice.INDEX_VARIABLE + "`";
      default -> null;
    };
  }

  private static String defaultOf(CommandLine.Model.ArgSpec arg) {
    if (arg.defaultValue() != null) {
      return arg.defaultValue();
    }
    Object initial = arg.initialValue();
    if (initial == null
        || Boolean.FALSE.equals(initial)
        || (initial instanceof Collection<?> c && c.isEmpty())
        || (initial instanceof Map<?, ?> m && m.isEmpty())) {
      return null;
    }
    return String.valueOf(initial);
  }

  private static void appendDefault(StringBuilder md, String value) {
    if (value != null && !value.isEmpty()) {
      md.append("- Default: `").append(value).append("`\n");
    }
  }

  private static String description(CommandSpec spec) {
    String[] lines = spec.usageMessage().description();
    return lines.length == 0 ? "" : text(lines[0]);
  }

  private static String description(String[] lines, CommandLine.Model.ArgSpec arg) {
    String value = defaultOf(arg);
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      String text = text(line);
      text = text.replace("${DEFAULT-VALUE}", value == null ? "" : value);
      Iterable<String> candidates = arg.completionCandidates();
      if (candidates != null) {
        text = text.replace("${COMPLETION-CANDIDATES}", String.join(", ", candidates));
      }
      out.add(text);
    }
    return String.join(" ", out);
  }

  /** A description line as the terminal shows it, without markup or format escapes. */
  private static String text(String line) {
    return Help.Ansi.OFF.string(line).replace("%n", "\n").replace("%%", "%");
  }

  private static String firstSentence(String text) {
    // A sentence ends at a full stop before a capital, so "e.g. one" does not end one.
    String[] sentences = text.strip().split("(?<=\\.)\\s+(?=[A-Z])", 2);
    return escape(sentences[0]);
  }

  /**
   * Keeps markdown from reading a description's `*`, `<`, brackets or `|` as markup; its backticks
   * stay, as the code spans they are meant to be.
   */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      if ("\\*<[]|".indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  private static String generatedNote() {
    return "<!-- Generated from the picocli model by " + REGENERATE + "; do not edit. -->\n\n";
  }

  /** A list item linking {@code name} to {@code spec}'s page, with its first sentence. */
  private static void link(StringBuilder md, String name, CommandSpec spec) {
    md.append("- [`")
        .append(name)
        .append("`](")
        .append(fileName(spec))
        .append("): ")
        .append(firstSentence(description(spec)))
        .append('\n');
  }
}
