package io.heraldlb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heraldlb.config.LabelSelector.Operator;
import io.heraldlb.config.LabelSelector.Requirement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorTest {
  private static LabelSelector of(Requirement... requirements) {
    return new LabelSelector(Map.of(), List.of(requirements));
  }

  @Test
  void inNeedsTheLabelWithOneOfTheValues() {
    LabelSelector s = of(new Requirement("tier", Operator.IN, List.of("web", "api")));
    assertTrue(s.matches(Map.of("tier", "api")));
    assertFalse(s.matches(Map.of("tier", "db")));
    assertFalse(s.matches(Map.of()));
    assertFalse(s.matches(null));
  }

  @Test
  void notInAndDoesNotExistMatchObjectsWithoutTheLabel() {
    LabelSelector notIn = of(new Requirement("tier", Operator.NOT_IN, List.of("db")));
    assertTrue(notIn.matches(Map.of("tier", "web")));
    assertTrue(notIn.matches(Map.of()));
    assertTrue(notIn.matches(null));
    assertFalse(notIn.matches(Map.of("tier", "db")));
    LabelSelector absent = of(new Requirement("canary", Operator.DOES_NOT_EXIST, List.of()));
    assertTrue(absent.matches(null));
    assertFalse(absent.matches(Map.of("canary", "")));
  }

  @Test
  void existsAcceptsAnEmptyValue() {
    LabelSelector s = of(new Requirement("canary", Operator.EXISTS, List.of()));
    assertTrue(s.matches(Map.of("canary", "")));
    assertFalse(s.matches(Map.of("other", "x")));
  }

  @Test
  void labelsAndExpressionsMustAllHold() {
    LabelSelector s =
        new LabelSelector(
            Map.of("app", "shop"),
            List.of(new Requirement("tier", Operator.IN, List.of("web", "api"))));
    assertTrue(s.matches(Map.of("app", "shop", "tier", "web")));
    assertFalse(s.matches(Map.of("app", "blog", "tier", "web")));
    assertFalse(s.matches(Map.of("app", "shop")));
    assertEquals("app=shop,tier in (api,web)", s.toString());
  }

  @Test
  void theEmptySelectorMatchesEverything() {
    assertTrue(LabelSelector.EVERYTHING.matches(null));
    assertTrue(LabelSelector.EVERYTHING.isEmpty());
    assertFalse(of(new Requirement("a", Operator.EXISTS, List.of())).isEmpty());
  }

  @Test
  void refusesWhatTheApiServerRefuses() {
    assertEquals(
        "operator In needs at least one value",
        new Requirement("tier", Operator.IN, List.of()).check());
    assertEquals(
        "operator Exists takes no values",
        new Requirement("tier", Operator.EXISTS, List.of("x")).check());
    assertEquals(
        "'-x' is not a valid label key", new Requirement("-x", Operator.EXISTS, List.of()).check());
    assertEquals(
        "'a b' is not a valid label value",
        new Requirement("tier", Operator.NOT_IN, List.of("a b")).check());
    assertNull(new Requirement("example.com/tier", Operator.NOT_IN, List.of("a")).check());
  }

  @Test
  void readsOperatorsAsKubernetesSpellsThem() {
    assertEquals(Operator.NOT_IN, Operator.fromKubernetesName("NotIn"));
    assertEquals(Operator.DOES_NOT_EXIST, Operator.fromKubernetesName("DoesNotExist"));
    assertNull(Operator.fromKubernetesName("notin"));
  }
}
