/**
 * The run's durable record: the append-only ledger (CSV or JSONL, one record per item as it ends,
 * last record per key wins), its lock file, and what a resumed run decides per item from it. Code
 * here does file I/O only on the caller's thread or its own dedicated thread, never on a Netty or
 * parallel thread, and never writes a secret: it stores exactly the {@link
 * ai.bctrl.provisioner.ItemResult} it is given, whose producers keep secrets out.
 */
package ai.bctrl.provisioner.internal.ledger;
