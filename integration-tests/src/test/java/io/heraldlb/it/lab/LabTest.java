package io.heraldlb.it.lab;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that runs against one {@link Lab}, built before its first test and removed after its
 * last. Take the lab as a parameter ({@code @BeforeAll static void init(Lab lab)} or any test
 * method). The real control plane is built first if needed ({@link KubeBinaries}). Skipped, with
 * the reason, where the machine cannot build a lab (not root, no {@code ip netns}, tools missing).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("lab")
@ExtendWith(LabExtension.class)
public @interface LabTest {
  /** How many node namespaces. */
  int nodes() default 3;

  /** Which API: the real control plane (kube-proxy on every node), or the embedded one. */
  LabApi.Kind kube() default LabApi.Kind.REAL;

  /**
   * On the real control plane, the class fails when the API server refused any request of
   * HeraldLB's ServiceAccounts (a grant missing from deploy/'s RBAC). Off only for a test that
   * makes refused requests on purpose.
   */
  boolean refusalsFail() default true;
}
