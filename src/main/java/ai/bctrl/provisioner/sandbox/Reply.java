package ai.bctrl.provisioner.sandbox;

/** What a call came to and how it reaches the client; decided before anything is written. */
record Reply(Answer answer, Delivery delivery) {

  /** How an answer reaches the client. */
  enum Delivery {
    /** Write the answer. */
    SEND,
    /** Drop the connection with a reset; the answer, if any, is never sent. */
    DROP,
    /** Send the answer's head and half its body, then close. */
    TRUNCATE
  }

  static Reply send(Answer a) {
    return new Reply(a, Delivery.SEND);
  }

  static Reply drop() {
    return new Reply(null, Delivery.DROP);
  }
}
