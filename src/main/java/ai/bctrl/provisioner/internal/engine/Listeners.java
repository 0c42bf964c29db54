package ai.bctrl.provisioner.internal.engine;

import ai.bctrl.provisioner.ItemResult;
import ai.bctrl.provisioner.ProvisionerListener;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provisioner's listeners as one: each event goes to each listener in order; an exception a
 * listener throws is logged and goes no further, so no listener can change a run.
 */
public final class Listeners implements ProvisionerListener {
  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

  private final ProvisionerListener[] listeners;

  public Listeners(List<ProvisionerListener> listeners) {
    this.listeners = listeners.toArray(new ProvisionerListener[0]);
  }

  /** Whether any listener is registered (so callers can skip building events nobody reads). */
  public boolean any() {
    return listeners.length > 0;
  }

  private void each(String event, Consumer<ProvisionerListener> call) {
    for (ProvisionerListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException | LinkageError e) {
        LOG.warn("provisioner listener {} failed on {}: {}", l.getClass().getName(), event, e.toString());
      }
    }
  }

  @Override
  public void attemptStarted(AttemptStarted e) {
    each("attemptStarted", l -> l.attemptStarted(e));
  }

  @Override
  public void attemptEnded(AttemptEnded e) {
    each("attemptEnded", l -> l.attemptEnded(e));
  }

  @Override
  public void retryScheduled(RetryScheduled e) {
    each("retryScheduled", l -> l.retryScheduled(e));
  }

  @Override
  public void settled(Settled e) {
    each("settled", l -> l.settled(e));
  }

  @Override
  public void itemEnded(ItemResult r) {
    each("itemEnded", l -> l.itemEnded(r));
  }

  @Override
  public void runStopped(RunStopped e) {
    each("runStopped", l -> l.runStopped(e));
  }

  @Override
  public void rateChanged(RateChanged e) {
    each("rateChanged", l -> l.rateChanged(e));
  }
}
