package io.github.rediskeysmigrator.testing;

import io.github.rediskeysmigrator.core.ExistencePolicy;
import io.github.rediskeysmigrator.core.GlobPattern;
import io.github.rediskeysmigrator.core.KeyRenamer;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.MigrationConfig;
import io.github.rediskeysmigrator.core.MigrationConfig.Defaults;
import java.util.Map;
import java.util.Set;

/** Builds the {@link MigrationConfig}s of the engine tests: defaults but for what a test varies. */
public final class MigrationConfigs {
  private MigrationConfigs() {}

  /** Which keys go where (dbs, mapping, target db, pattern, types); every limit at its default. */
  public static MigrationConfig selecting(
      Set<Integer> dbs,
      Map<Integer, Integer> dbMap,
      int targetDb,
      String match,
      Set<KeyType> types) {
    return new MigrationConfig(
        dbs,
        dbMap,
        targetDb,
        GlobPattern.of(match),
        types,
        ExistencePolicy.SKIP,
        Defaults.PIPELINE,
        0,
        Defaults.EXISTING_LIMIT,
        0,
        Defaults.MAX_ERRORS,
        false,
        KeyRenamer.NONE,
        null);
  }

  /** The keys matching {@code match} in every db, kept where they are, with these limits. */
  public static MigrationConfig limits(
      String match,
      ExistencePolicy existing,
      int pipeline,
      int existingLimit,
      double maxRate,
      int maxErrors) {
    return new MigrationConfig(
        Set.of(),
        Map.of(),
        -1,
        GlobPattern.of(match),
        Set.of(),
        existing,
        pipeline,
        0,
        existingLimit,
        maxRate,
        maxErrors,
        false,
        KeyRenamer.NONE,
        null);
  }
}
