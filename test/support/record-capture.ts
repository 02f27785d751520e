import type { RequestRecord, RequestRecordSink } from '../../lambda/observe/request-record.js';

/** A request-record sink that keeps what it gets, for tests to read by request id. */
export class RecordCapture implements RequestRecordSink {
  readonly written: Array<{ record: RequestRecord; model: string }> = [];

  write(record: RequestRecord, dimensions: { readonly model: string }): void {
    this.written.push({ record, model: dimensions.model });
  }

  /** The record of one request; waits briefly, as the record follows the caller's last byte. */
  async of(requestId: string | null | undefined, timeoutMs = 2_000): Promise<RequestRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.written.filter((entry) => entry.record.requestId === requestId);
      if (found.length > 1) throw new Error(`${found.length} records for ${requestId}`);
      if (found[0]) return found[0].record;
      if (Date.now() > deadline) throw new Error(`no record for request ${requestId}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  modelOf(requestId: string): string | undefined {
    return this.written.find((entry) => entry.record.requestId === requestId)?.model;
  }
}
