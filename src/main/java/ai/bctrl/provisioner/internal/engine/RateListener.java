package ai.bctrl.provisioner.internal.engine;

/** Told when a space's learned rate changes; fast, non-blocking, thread-safe. */
@FunctionalInterface
public interface RateListener {
  RateListener NONE = (spaceId, rate) -> { };

  void rateChanged(String spaceId, double rate);
}
