package io.heraldlb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property: for any input at all, {@link ConfigParser#parse} returns a result (never throws), and
 * an invalid result always carries at least one error with a message. Inputs are random text and
 * mutations (byte flips, deletions, duplications, splices) of valid configurations in both formats.
 */
class ConfigParserPropertyTest {
  private static final int ROUNDS = Integer.getInteger("heraldlb.fuzz.rounds", 20_000);

  private static final List<String> SEEDS =
      List.of(
          ConfigParserTest.FULL_EXAMPLE,
          "pools { a { addresses = [\"10.0.0.0/8\", \"2001:db8::/64\"], priority = 3 } }",
          "pools { a = ${b}, b { addresses = [\"1.2.3.4-1.2.3.9\"] } }",
          "address-pools:\n- name: x\n  protocol: layer2\n  addresses: [192.168.1.240/28, 10.0.0.1-10.0.0.9]\n",
          "address-pools: [{name: y, protocol: bgp, addresses: ['::1-::9']}]\npeers: []\n");

  private static final String ALPHABET =
      "{}[]()\"',:=.-/# \n\t$?!&*|>0123456789abcdefxyz:poolsaddresses";

  /**
   * Property: every configuration that parses, in either format, written out by {@link PoolWriter}
   * parses back to the same pools (what {@code migrate} relies on).
   */
  @Test
  void whatParsesIsWrittenBackToTheSamePools() {
    Random random = new Random(0x5eed5L);
    int checked = 0;
    for (int i = 0; i < ROUNDS; i++) {
      String seed = ROUND_TRIP_SEEDS.get(random.nextInt(ROUND_TRIP_SEEDS.size()));
      String input = i % 8 == 0 ? seed : mutate(seed, random);
      String key =
          input.startsWith("address-pools") ? ConfigParser.LEGACY_KEY : ConfigParser.NATIVE_KEY;
      if (!(ConfigParser.parse(Map.of(key, input)) instanceof ParseResult.Valid valid)) {
        continue;
      }
      checked++;
      String written = PoolWriter.hocon(valid.config());
      ParseResult back = ConfigParser.parse(Map.of(ConfigParser.NATIVE_KEY, written));
      if (!(back instanceof ParseResult.Valid again)) {
        fail("written form of " + quote(input) + " does not parse: " + back + "\n" + written);
        return;
      }
      assertEquals(valid.config().pools(), again.config().pools(), () -> written);
    }
    assertTrue(checked > ROUNDS / 20, "too few valid mutations to mean anything: " + checked);
  }

  private static final List<String> ROUND_TRIP_SEEDS =
      List.of(
          ConfigParserTest.FULL_EXAMPLE,
          """
          pools {
            team {
              addresses = ["10.0.0.0/28", "2001:db8::1-2001:db8::9"]
              namespace-selector { match-labels { team = shop } }
              service-selector {
                match-labels { app = shop, "example.com/tier" = "" }
                match-expressions = [
                  { key = tier, operator = In, values = [web, api] }
                  { key = canary, operator = DoesNotExist }
                ]
              }
              node-selector { match-expressions = [{ key = zone, operator = NotIn, values = [b] }] }
              priority = 7
              allow-cross-namespace-sharing = true
            }
          }
          """,
          "address-pools:\n- name: x\n  protocol: layer2\n  addresses: [192.168.1.240/28, 10.0.0.1-10.0.0.9]\n  auto-assign: false\n  avoid-buggy-ips: true\n");

  @Test
  void neverThrowsOnRandomOrMutatedInput() {
    Random random = new Random(0x4e7a1dL);
    for (int i = 0; i < ROUNDS; i++) {
      String input =
          i % 4 == 0 ? randomText(random) : mutate(SEEDS.get(random.nextInt(SEEDS.size())), random);
      String key = random.nextBoolean() ? ConfigParser.NATIVE_KEY : ConfigParser.LEGACY_KEY;
      ParseResult result;
      try {
        result = ConfigParser.parse(Map.of(key, input));
      } catch (Throwable t) {
        fail("parse threw on input " + quote(input), t);
        return;
      }
      assertNotNull(result);
      if (result instanceof ParseResult.Invalid invalid) {
        assertTrue(!invalid.errors().isEmpty(), () -> "no errors for " + quote(input));
        invalid.errors().forEach(e -> assertNotNull(e.message()));
        // The parser's safety net must never be what handled the input.
        invalid
            .errors()
            .forEach(
                e ->
                    assertTrue(
                        !e.message().startsWith("cannot parse the configuration"),
                        () -> "unexpected exception for " + quote(input) + ": " + e));
      }
    }
  }

  private static String randomText(Random random) {
    StringBuilder sb = new StringBuilder();
    int n = random.nextInt(120);
    for (int i = 0; i < n; i++) {
      sb.append(
          random.nextInt(10) == 0
              ? (char) random.nextInt(0x3000)
              : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  private static String mutate(String seed, Random random) {
    StringBuilder sb = new StringBuilder(seed);
    int edits = 1 + random.nextInt(6);
    for (int e = 0; e < edits && sb.length() > 0; e++) {
      int at = random.nextInt(sb.length());
      switch (random.nextInt(5)) {
        case 0 -> sb.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        case 1 -> sb.deleteCharAt(at);
        case 2 -> sb.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        case 3 -> {
          int end = Math.min(sb.length(), at + random.nextInt(30));
          sb.insert(random.nextInt(sb.length()), sb.substring(at, end));
        }
        default -> sb.setLength(at);
      }
    }
    return sb.toString();
  }

  private static String quote(String s) {
    return "\"" + s.replace("\n", "\\n") + "\"";
  }
}
