/**
 * The bctrl API's data: the create request, the runtime it returns and the error body, as records
 * and enums with their wire names. Pure data: nothing here does I/O or knows about the pipeline.
 */
package ai.bctrl.provisioner.model;
