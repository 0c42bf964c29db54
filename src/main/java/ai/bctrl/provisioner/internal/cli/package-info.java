/**
 * The command line: picocli commands {@code run} (the default), {@code validate}, {@code sandbox}
 * and {@code teardown}, and the one class that wires a run top to bottom ({@link
 * ai.bctrl.provisioner.internal.cli.RunPipeline}: read, check, key, keep this shard, record invalid rows,
 * skip what the ledger has done, provision, record), and a teardown the same way ({@link
 * ai.bctrl.provisioner.internal.cli.TeardownPipeline}), each stage its own small class, with the
 * run's lifecycle (lock and resources, stop and watchdog, progress, summary and exit codes) in
 * helpers beside it. Code here only wires and reports: it holds no provisioning logic of its own,
 * never blocks an event-loop thread, and never prints a stack trace for an expected failure or a
 * secret for any.
 */
package ai.bctrl.provisioner.internal.cli;
