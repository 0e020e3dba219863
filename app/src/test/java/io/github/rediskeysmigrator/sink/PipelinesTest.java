package io.github.rediskeysmigrator.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PipelinesTest {
  @Test
  void reportsFullWhenThePipelineBeingBuiltReachesItsSize() {
    Pipelines p = new Pipelines(2);
    assertFalse(p.add("a"));
    assertTrue(p.add("b"));
  }

  @Test
  void repliesComeInTheOrderTheSlotsWereSent() {
    Pipelines p = new Pipelines(3);
    p.add("a");
    p.add("b");
    p.rotate();
    assertFalse(p.building());
    assertEquals("a", p.nextAnswered());
    assertEquals("b", p.nextAnswered());
    assertFalse(p.inFlight());
  }

  @Test
  void unansweredSlotsAreTheRestInFlightThenThoseBeingBuilt() {
    Pipelines p = new Pipelines(3);
    p.add("a");
    p.add("b");
    p.rotate();
    p.add("c");
    assertEquals("a", p.nextAnswered());
    assertEquals(List.of("b", "c"), p.takeUnanswered());
    assertFalse(p.inFlight());
    assertFalse(p.building());
    assertEquals(List.of(), p.takeUnanswered());
  }
}
