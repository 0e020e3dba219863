package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.rediskeysmigrator.core.ExistencePolicy;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** Checks that the choice options read their words in any case and refuse others in theirs. */
class ChoiceTest {

  @Test
  void readsEveryChoiceInAnyCase() {
    assertEquals(Progress.NEVER, new Progress.Converter().convert("never"));
    assertEquals(Progress.ALWAYS, new Progress.Converter().convert(" Always "));
    assertEquals(FullResync.RESTART, new FullResync.Converter().convert("restart"));
    assertEquals(ExistencePolicy.REPLACE, new PipelineOptions.Policy().convert("REPLACE"));
  }

  @Test
  void refusesAnyOtherValueWithTheOptionsOwnWords() {
    TypeConversionException e =
        assertThrows(TypeConversionException.class, () -> new Progress.Converter().convert("x"));
    assertEquals("--progress must be auto, always or never, got 'x'", e.getMessage());
    e =
        assertThrows(
            TypeConversionException.class, () -> new FullResync.Converter().convert("later"));
    assertEquals("--on-full-resync must be stop or restart, got 'later'", e.getMessage());
    e =
        assertThrows(
            TypeConversionException.class, () -> new PipelineOptions.Policy().convert("keep"));
    assertEquals("--existing must be skip, replace or fail, got 'keep'", e.getMessage());
  }

  @Test
  void progressShowsOnATerminalOnlyWhenAuto() {
    assertEquals(true, Progress.AUTO.shows(true));
    assertEquals(false, Progress.AUTO.shows(false));
    assertEquals(true, Progress.ALWAYS.shows(false));
    assertEquals(false, Progress.NEVER.shows(true));
  }
}
