/**
 * The run report ({@code --report}): a recorder fed by the provisioner's events and the items as
 * they end, keeping a per-second {@link ai.bctrl.provisioner.internal.report.Timeline} and bounded
 * totals in constant memory, and the writer of one self-contained HTML page from it. Nothing here
 * does I/O, blocks, or knows a secret: the caller writes the page to a file, and every text from
 * the run passes the caller's redaction on its way into the page. Words that differ between a run
 * and a teardown (the title, what a call is) are the caller's.
 */
package ai.bctrl.provisioner.internal.report;
