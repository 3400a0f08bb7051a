package io.heraldlb.it.lab;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Builds a {@link Lab} per {@link LabTest} class, hands it to the tests, and removes it. */
public final class LabExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(LabExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    List<String> missing = LabPreconditions.missing();
    Assumptions.assumeTrue(
        missing.isEmpty(), () -> "network-namespace lab skipped: " + String.join("; ", missing));
    LabTest spec = context.getRequiredTestClass().getAnnotation(LabTest.class);
    long start = System.nanoTime();
    Lab lab = Lab.builder().nodes(spec.nodes()).kube(spec.kube()).start();
    System.out.printf(
        "lab %s up in %d ms (%d nodes, %s API %s, logs %s)%n",
        lab.run(),
        Duration.ofNanos(System.nanoTime() - start).toMillis(),
        spec.nodes(),
        spec.kube() == LabApi.Kind.REAL ? "real" : "embedded",
        lab.api().url(),
        lab.logDir());
    context.getStore(STORE).put(Lab.class, lab);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Lab lab = context.getStore(STORE).remove(Lab.class, Lab.class);
    if (lab == null) {
      return;
    }
    List<AuditLog.Request> refused =
        lab.kind() == LabApi.Kind.REAL
            ? AuditLog.refusedForGood(lab.controlPlane().auditLog())
            : List.of();
    long start = System.nanoTime();
    lab.close();
    System.out.printf(
        "lab %s down in %d ms%n",
        lab.run(), Duration.ofNanos(System.nanoTime() - start).toMillis());
    boolean mustFail = context.getRequiredTestClass().getAnnotation(LabTest.class).refusalsFail();
    if (mustFail && !refused.isEmpty()) {
      throw new AssertionError(
          "the API server refused HeraldLB's ServiceAccounts (a grant missing from deploy/): "
              + refused);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Lab.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Lab lab = context.getStore(STORE).get(Lab.class, Lab.class);
    if (lab == null) {
      throw new LabException("no lab: is the test class annotated with @LabTest?");
    }
    return lab;
  }
}
