package ai.bctrl.provisioner.sandbox;

/** The calls that faults and the rate limit strike, and that the stats count faults for. */
enum Call {
  CREATE,
  STOP,
  DELETE
}
