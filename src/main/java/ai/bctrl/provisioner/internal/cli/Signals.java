package ai.bctrl.provisioner.internal.cli;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Catches SIGINT and SIGTERM for the life of a run, in place of the JVM's default (run shutdown
 * hooks and die), so the run can stop starting calls, drain, flush the ledger and print its
 * summary. The handler gets the signal's name ({@code INT}/{@code TERM}) and how many signals have
 * come so far (1 for the first).
 *
 * <p>Uses {@code sun.misc.Signal} (module {@code jdk.unsupported}) through reflection, so the build
 * stays free of javac's "internal proprietary API" warnings; where it is missing, the JVM's default
 * handling stays.
 */
final class Signals implements AutoCloseable {
  private final List<Object> signals = new ArrayList<>();
  private final List<Object> previous = new ArrayList<>();
  private Method handle;
  private int count;

  private Signals() {}

  /** Installs the handler for INT and TERM; {@link #close()} puts the previous handlers back. */
  static Signals install(BiConsumer<String, Integer> handler) {
    Signals s = new Signals();
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      s.handle = signalClass.getMethod("handle", signalClass, handlerClass);
      Method getName = signalClass.getMethod("getName");
      Object proxy = Proxy.newProxyInstance(
          Signals.class.getClassLoader(),
          new Class<?>[] {handlerClass},
          (p, method, args) -> {
            if (method.getName().equals("handle") && args != null && args.length == 1) {
              int n;
              synchronized (s) {
                n = ++s.count;
              }
              handler.accept((String) getName.invoke(args[0]), n);
              return null;
            }
            if (method.getName().equals("hashCode")) {
              return System.identityHashCode(p);
            }
            if (method.getName().equals("equals")) {
              return p == args[0];
            }
            return "Signals.handler";
          });
      for (String name : new String[] {"INT", "TERM"}) {
        Object sig = signalClass.getConstructor(String.class).newInstance(name);
        try {
          s.previous.add(s.handle.invoke(null, sig, proxy));
          s.signals.add(sig);
        } catch (java.lang.reflect.InvocationTargetException e) {
          // this platform does not let us handle it: keep the JVM's default
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // no sun.misc.Signal: keep the JVM's default handling
    }
    return s;
  }

  @Override
  public void close() {
    for (int i = 0; i < signals.size(); i++) {
      try {
        handle.invoke(null, signals.get(i), previous.get(i));
      } catch (ReflectiveOperationException | RuntimeException e) {
        // nothing more to undo
      }
    }
    signals.clear();
    previous.clear();
  }
}
