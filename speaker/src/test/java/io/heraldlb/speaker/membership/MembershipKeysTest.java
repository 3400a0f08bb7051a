package io.heraldlb.speaker.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MembershipKeysTest {
  @TempDir Path empty;

  static String refusal(Path dir) {
    return assertThrows(
            MembershipKeys.KeyException.class,
            () -> MembershipKeys.load(dir, (r, d) -> {}, w -> {}))
        .getMessage();
  }

  @Test
  void withoutAKeyTheMessageSaysHowToMakeOne() {
    String message = refusal(empty);
    assertTrue(message.startsWith("no speaker group key in " + empty), message);
    assertTrue(
        message.contains("kubectl -n heraldlb-system create secret tls heraldlb-membership"));
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() {
    String message = refusal(TestKeys.dir("mismatched"));
    assertTrue(message.contains("does not belong to the certificate"), message);
  }

  @Test
  void anOldStyleEcKeySaysHowToConvertIt() {
    String message = refusal(TestKeys.dir("sec1"));
    assertTrue(message.contains("openssl pkcs8 -topk8 -nocrypt"), message);
  }

  @Test
  void trustsItsOwnCertificateUnlessTrustedCertificatesAreGiven() throws Exception {
    MembershipKeys alone = new TestKeys().load("good");
    assertEquals(2, alone.fingerprints().size());
    assertEquals(alone.fingerprints().get(0), alone.fingerprints().get(1));
    MembershipKeys rotating = new TestKeys().load("rotating-good");
    assertEquals(3, rotating.fingerprints().size());
  }

  /** The key the Helm chart makes: RSA in PKCS#1, taken into PKCS#8. */
  @Test
  void anRsaKeyInPkcs1IsReadAsTheChartWritesIt() throws Exception {
    MembershipKeys keys = new TestKeys().load("rsa-pkcs1");
    assertEquals(2, keys.fingerprints().size());
  }
}
