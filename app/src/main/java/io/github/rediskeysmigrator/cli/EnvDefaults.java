package io.github.rediskeysmigrator.cli;

import java.util.Map;
import picocli.CommandLine;

/**
 * Takes option defaults from the original script's environment variables, so its users can switch
 * without relearning. An unset or empty variable leaves the option's own default.
 */
final class EnvDefaults implements CommandLine.IDefaultValueProvider {

  /**
   * Option name to the original script's variable (and SCAN_MATCH_PATTERN_HEX, ours: its pattern as
   * bytes in hex). docs/compatibility.md says the same.
   */
  static final Map<String, String> VARIABLES =
      Map.of(
          "--match", "SCAN_MATCH_PATTERN",
          "--match-hex", "SCAN_MATCH_PATTERN_HEX",
          "--scan-count", "SCAN_BATCH_SIZE",
          "--pipeline", "PIPELINE_BATCH_SIZE",
          "--existing-limit", "MAX_PROCESSED_EXISTING_KEYS_LIMIT",
          "--sleep", "SLEEP_TIME",
          "--error-log", "ERROR_LOG_FILENAME",
          "--error-log-mode", "FILEMOD",
          "--max-errors", "MAX_ERRORED_KEYS_LIMIT");

  private final Map<String, String> env;

  EnvDefaults(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
    if (argSpec instanceof CommandLine.Model.OptionSpec option) {
      String variable = VARIABLES.get(option.longestName());
      if (variable != null) {
        String value = env.get(variable);
        if (value != null && !value.isBlank()) {
          return value.trim();
        }
      }
    }
    return null;
  }
}
