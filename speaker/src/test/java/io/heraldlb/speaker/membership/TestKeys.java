package io.heraldlb.speaker.membership;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Speaker group keys made for the tests only (src/test/resources/membership): {@code good} is the
 * group's, {@code other} a stranger's. Refusals are collected.
 */
final class TestKeys {
  final List<String> refusals = Collections.synchronizedList(new ArrayList<>());

  static Path dir(String name) {
    try {
      return Path.of(TestKeys.class.getResource("/membership/" + name + "/tls.crt").toURI())
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  MembershipKeys load(String name) {
    try {
      return MembershipKeys.load(
          dir(name), (reason, detail) -> refusals.add(reason + ": " + detail), w -> {});
    } catch (MembershipKeys.KeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
