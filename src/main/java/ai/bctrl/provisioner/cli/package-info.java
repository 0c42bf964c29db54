/**
 * The command line: picocli commands {@code run} (the default), {@code validate} and {@code
 * sandbox}, and the one class that wires a run top to bottom ({@link
 * ai.bctrl.provisioner.cli.RunPipeline}: read, check, key, skip what the ledger has done, shard,
 * provision, record), with its summary, progress, signals and exit codes. Code here only wires and
 * reports: it holds no provisioning logic of its own, never blocks an event-loop thread, and never
 * prints a stack trace for an expected failure or a secret for any.
 */
package ai.bctrl.provisioner.cli;
