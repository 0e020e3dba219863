package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The committed option reference is exactly what the picocli model generates. */
class ReferencePagesTest {

  private static final Pattern OPTION_NAME = Pattern.compile("(?<![\\w-])(--?[A-Za-z][\\w-]*)");

  @Test
  void committedReferenceMatchesTheCode() throws IOException {
    Path dir = repositoryRoot().resolve("docs/reference");
    Map<String, String> generated = ReferencePages.render();
    List<String> stale = new ArrayList<>();
    for (Map.Entry<String, String> page : generated.entrySet()) {
      Path file = dir.resolve(page.getKey());
      if (!Files.exists(file)) {
        stale.add(page.getKey() + " (missing)");
      } else if (!Files.readString(file, StandardCharsets.UTF_8).equals(page.getValue())) {
        stale.add(page.getKey() + " (differs)");
      }
    }
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        files
            .map(f -> f.getFileName().toString())
            .filter(name -> !generated.containsKey(name))
            .forEach(name -> stale.add(name + " (no such command)"));
      }
    }
    if (!stale.isEmpty()) {
      fail(
          "docs/reference/ is out of date with the picocli model: "
              + String.join(", ", stale)
              + ". Run "
              + ReferencePages.REGENERATE
              + " and commit docs/reference/.");
    }
  }

  @Test
  void everyOptionHelpListsIsInItsCommandsPage() {
    Map<String, String> pages = ReferencePages.render();
    List<CommandLine> commands = new ArrayList<>();
    collect(ReferencePages.commandLine(), commands);
    assertTrue(commands.size() >= 8, "commands: " + commands.size());
    for (CommandLine command : commands) {
      CommandSpec spec = command.getCommandSpec();
      String page = pages.get(ReferencePages.fileName(spec));
      assertTrue(page != null, "no page for " + spec.qualifiedName());
      String help = command.getUsageMessage(CommandLine.Help.Ansi.OFF);
      TreeSet<String> names = new TreeSet<>();
      for (CommandLine.Model.OptionSpec option : spec.options()) {
        names.add(option.longestName());
      }
      Matcher m = OPTION_NAME.matcher(help);
      int listed = 0;
      while (m.find()) {
        if (names.contains(m.group(1))) {
          listed++;
          assertTrue(
              page.contains("### `" + m.group(1) + "`"),
              spec.qualifiedName() + " --help lists " + m.group(1) + " but its page does not");
        }
      }
      assertTrue(listed >= 1, spec.qualifiedName() + ": only " + listed + " options found");
      for (CommandLine.Model.OptionSpec option : spec.options()) {
        assertTrue(
            help.contains(option.longestName()) == !option.hidden(),
            option.longestName() + " shown by --help iff not hidden");
      }
    }
  }

  @Test
  void hiddenOptionsStayHidden() {
    CommandSpec spec = new CommandLine(new WithHidden()).getCommandSpec();
    List<String> listed = ReferencePages.options(spec).stream().map(o -> o.longestName()).toList();
    assertTrue(listed.contains("--shown"), listed.toString());
    assertFalse(listed.contains("--secret"), listed.toString());
  }

  @Test
  void environmentVariablesComeFromTheCode() {
    assertEquals("`PIPELINE_BATCH_SIZE`", ReferencePages.variable("--pipeline"));
    assertEquals("`JOB_COMPLETION_INDEX`", ReferencePages.variable("--shard-index"));
    assertTrue(ReferencePages.variable("--to").contains("`DESTINATION_REDIS_HOST`"));
    assertEquals(null, ReferencePages.variable("--dry-run"));
    String rdb = ReferencePages.render().get("rdb.md");
    assertTrue(rdb.contains("- Environment: `ERROR_LOG_FILENAME`"), rdb);
    assertTrue(rdb.contains("- Default: `1000`"), rdb);
  }

  @Test
  void markupInDescriptionsIsEscaped() {
    assertEquals(
        "keys like user:\\* \\| \\[db\\]", ReferencePages.escape("keys like user:* | [db]"));
  }

  @Command(name = "with-hidden")
  static final class WithHidden {
    @Option(names = "--shown", description = "Shown.")
    boolean shown;

    @Option(names = "--secret", hidden = true, description = "Hidden.")
    boolean secret;
  }

  private static void collect(CommandLine command, List<CommandLine> into) {
    into.add(command);
    command.getSubcommands().values().forEach(sub -> collect(sub, into));
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.exists(dir.resolve("README.md")) || !Files.isDirectory(dir.resolve("app"))) {
      dir = dir.getParent();
      if (dir == null) {
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
      }
    }
    return dir;
  }
}
