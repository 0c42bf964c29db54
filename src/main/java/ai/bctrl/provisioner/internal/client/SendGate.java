package ai.bctrl.provisioner.internal.client;

/**
 * What a create call passes at the last moment, with its connection in hand, on the thread that
 * writes its request, right before writing it: the start of a call is taken when the call can
 * really go out, so the time it took to get a connection (opened anew, or slow to come on a busy
 * machine) never bunches starts together. The engine's gate spaces the sends as its rate asks
 * and counts the call as started.
 */
public interface SendGate {

  /** A gate that never waits and never says no. */
  SendGate OPEN = () -> 0;

  /**
   * Passes the gate if the call may send now: returns 0, and the call sends at once. Otherwise
   * returns how long to wait (nanoseconds) before asking again, nothing taken. Throws when the call
   * must not send at all (the run is stopping): nothing is sent then, and the call ends with that
   * same exception.
   */
  long tryPass();
}
