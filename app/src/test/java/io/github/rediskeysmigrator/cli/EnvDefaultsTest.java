package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.ExitCode;
import io.github.rediskeysmigrator.rdb.Crc64;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Checks that the original script's environment variables become option defaults, shown in the help
 * and validated like the options themselves, through the real command line.
 */
class EnvDefaultsTest {
  /** Nothing listens here: a run that wrongly tries to connect fails fast with exit 3. */
  private static final String NOWHERE = "redis://127.0.0.1:1/0";

  @TempDir Path dir;

  /** An empty RDB file with a valid checksum. */
  private Path emptyRdb() throws IOException {
    byte[] body = "REDIS0009\u00ff".getBytes(StandardCharsets.ISO_8859_1);
    byte[] file = Arrays.copyOf(body, body.length + 8);
    long crc = Crc64.of(body);
    for (int i = 0; i < 8; i++) {
      file[body.length + i] = (byte) (crc >>> (8 * i));
    }
    return Files.write(dir.resolve("empty.rdb"), file);
  }

  private Tool.Result rdb(Map<String, String> env, String... args) throws IOException {
    String[] all = new String[args.length + 5];
    all[0] = "rdb";
    all[1] = "--to=" + NOWHERE;
    all[2] = "--error-log=" + dir.resolve("errors.log");
    all[3] = "--progress=never";
    all[4] = "--report=" + dir.resolve("report.json");
    System.arraycopy(args, 0, all, 5, args.length);
    return Tool.run(env, all);
  }

  /** The help text of {@code option}, up to the next option's line, whitespace collapsed. */
  private static String helpOf(Tool.Result result, String option) {
    List<String> lines = (result.out() + result.err()).lines().toList();
    StringBuilder sb = null;
    for (String line : lines) {
      boolean optionLine = isOptionLine(line);
      if (sb != null && optionLine) {
        break;
      }
      if (optionLine && line.strip().startsWith(option + "=")) {
        sb = new StringBuilder();
      }
      if (sb != null) {
        sb.append(' ').append(line.strip());
      }
    }
    assertNotNull(sb, () -> option + " not in help: " + result);
    return sb.toString().strip();
  }

  /** Option names start a help line at a small indent; descriptions continue at a deep one. */
  private static boolean isOptionLine(String line) {
    int indent = line.length() - line.stripLeading().length();
    return indent > 0 && indent < 10 && line.stripLeading().startsWith("-");
  }

  private static void assertMentions(String text, String... parts) {
    for (String part : parts) {
      assertTrue(text.contains(part), () -> "'" + part + "' not in: " + text);
    }
  }

  @Test
  void helpShowsTheVariableAsTheDefault() {
    Tool.Result r = Tool.run(Map.of("PIPELINE_BATCH_SIZE", "77"), "rdb", "--help");
    assertEquals(ExitCode.OK, r.exit(), r::toString);
    assertMentions(helpOf(r, "--pipeline"), "PIPELINE_BATCH_SIZE; default: 77)");
    assertTrue(r.out().contains("default: 77"), r::toString);
  }

  @Test
  void helpCommandShowsTheVariableToo() {
    Tool.Result r = Tool.run(Map.of("PIPELINE_BATCH_SIZE", "77"), "help", "rdb");
    assertEquals(ExitCode.OK, r.exit(), r::toString);
    assertMentions(helpOf(r, "--pipeline"), "PIPELINE_BATCH_SIZE; default: 77)");
  }

  @Test
  void helpShowsTheBuiltInDefaultWithoutTheVariable() {
    Tool.Result r = Tool.run(Map.of(), "rdb", "--help");
    assertMentions(helpOf(r, "--pipeline"), "default: 1000)");
  }

  @Test
  void blankVariableKeepsTheBuiltInDefault() {
    Tool.Result r = Tool.run(Map.of("PIPELINE_BATCH_SIZE", "  "), "rdb", "--help");
    assertMentions(helpOf(r, "--pipeline"), "default: 1000)");
  }

  @Test
  void everyVariableOfTheOriginalScriptShowsInTheHelp() {
    Map<String, String> env =
        Map.of(
            "SCAN_MATCH_PATTERN", "user:*",
            "PIPELINE_BATCH_SIZE", "77",
            "MAX_PROCESSED_EXISTING_KEYS_LIMIT", "55",
            "SLEEP_TIME", "0.5",
            "ERROR_LOG_FILENAME", "errs.log",
            "FILEMOD", "a",
            "MAX_ERRORED_KEYS_LIMIT", "33");
    Tool.Result r = Tool.run(env, "rdb", "--help");
    assertMentions(helpOf(r, "--match"), "default: user:*)");
    assertMentions(helpOf(r, "--pipeline"), "default: 77)");
    assertMentions(helpOf(r, "--existing-limit"), "default: 55)");
    assertMentions(helpOf(r, "--sleep"), "default: 0.5;");
    assertMentions(helpOf(r, "--error-log"), "default: errs.log)");
    assertMentions(helpOf(r, "--error-log-mode"), "default: a)");
    assertMentions(helpOf(r, "--max-errors"), "default: 33)");
  }

  /** A bad variable is a usage error whose message names the option (and what was wrong). */
  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "PIPELINE_BATCH_SIZE    | abc  | --pipeline 'abc'",
        "MAX_ERRORED_KEYS_LIMIT | many | --max-errors 'many'",
        "FILEMOD                | x    | --error-log-mode FILEMOD 'x'",
        "SLEEP_TIME             | -1   | --sleep SLEEP_TIME",
      })
  void badVariableIsAUsageErrorNamingTheOption(String variable, String value, String mentions)
      throws IOException {
    Tool.Result r = rdb(Map.of(variable, value), emptyRdb().toString());
    assertEquals(ExitCode.USAGE, r.exit(), r::toString);
    assertMentions(r.err(), mentions.split(" "));
  }

  @Test
  void commandLineOptionBeatsABadVariable() throws IOException {
    Path missing = dir.resolve("missing.rdb");
    Tool.Result r = rdb(Map.of("PIPELINE_BATCH_SIZE", "abc"), "--pipeline=5", missing.toString());
    assertEquals(ExitCode.BAD_INPUT, r.exit(), r::toString);
  }

  @Test
  void missingFileExitsFiveWithoutAnyServer() throws IOException {
    Path missing = dir.resolve("missing.rdb");
    Tool.Result r = rdb(Map.of(), missing.toString());
    assertEquals(ExitCode.BAD_INPUT, r.exit(), r::toString);
    assertMentions(r.err(), missing.toString(), "no such file");
  }

  @Test
  void oneMissingFileAmongSeveralStopsTheRunBeforeAnyServer() throws IOException {
    Path missing = dir.resolve("shard-2.rdb");
    Tool.Result r = rdb(Map.of(), emptyRdb().toString(), missing.toString());
    assertEquals(ExitCode.BAD_INPUT, r.exit(), r::toString);
    assertMentions(r.err(), missing.toString());
  }

  @Test
  void corruptFileExitsFiveWithoutAnyServer() throws IOException {
    Path file = emptyRdb();
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 1] ^= 0x01;
    Files.write(file, bytes);
    Tool.Result r = rdb(Map.of(), file.toString());
    assertEquals(ExitCode.BAD_INPUT, r.exit(), r::toString);
    assertMentions(r.err(), "checksum mismatch");
  }

  @Test
  void badDestinationPortVariableIsAUsageError() throws IOException {
    Tool.Result r =
        Tool.run(
            Map.of("DESTINATION_REDIS_PORT", "sixthousand"),
            "rdb",
            "--error-log=" + dir.resolve("errors.log"),
            emptyRdb().toString());
    assertEquals(ExitCode.USAGE, r.exit(), r::toString);
    assertMentions(r.err(), "DESTINATION_REDIS_PORT");
  }

  @Test
  void providerAnswersOnlyForMappedOptionsWithAValue() {
    EnvDefaults defaults =
        new EnvDefaults(Map.of("PIPELINE_BATCH_SIZE", " 77 ", "SLEEP_TIME", "", "OTHER", "1"));
    assertEquals("77", defaults.defaultValue(OptionSpec.builder("--pipeline").build()));
    assertNull(defaults.defaultValue(OptionSpec.builder("--sleep").build()));
    assertNull(defaults.defaultValue(OptionSpec.builder("--max-errors").build()));
    assertNull(defaults.defaultValue(OptionSpec.builder("--to").build()));
    assertNull(defaults.defaultValue(PositionalParamSpec.builder().build()));
  }

  @Test
  void everyDocumentedVariableIsMapped() {
    assertEquals(
        Map.of(
            "--match", "SCAN_MATCH_PATTERN",
            "--match-hex", "SCAN_MATCH_PATTERN_HEX",
            "--scan-count", "SCAN_BATCH_SIZE",
            "--pipeline", "PIPELINE_BATCH_SIZE",
            "--existing-limit", "MAX_PROCESSED_EXISTING_KEYS_LIMIT",
            "--sleep", "SLEEP_TIME",
            "--error-log", "ERROR_LOG_FILENAME",
            "--error-log-mode", "FILEMOD",
            "--max-errors", "MAX_ERRORED_KEYS_LIMIT"),
        EnvDefaults.VARIABLES);
  }
}
