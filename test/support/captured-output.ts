/**
 * Captures everything written to stdout and stderr (where Powertools' logger and metrics write) while a test
 * runs, so it can read the lines or search them for secrets.
 */
export class CapturedOutput {
  private readonly chunks: string[] = [];
  private restore: (() => void) | undefined;

  start(): this {
    const stdout = process.stdout.write.bind(process.stdout);
    const stderr = process.stderr.write.bind(process.stderr);
    const keep = (chunk: unknown): boolean => {
      this.chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return true;
    };
    process.stdout.write = keep as typeof process.stdout.write;
    process.stderr.write = keep as typeof process.stderr.write;
    this.restore = () => {
      process.stdout.write = stdout;
      process.stderr.write = stderr;
    };
    return this;
  }

  stop(): void {
    this.restore?.();
    this.restore = undefined;
  }

  get text(): string {
    return this.chunks.join('');
  }

  /** Every line that parses as a JSON object. */
  jsonLines(): Array<Record<string, any>> {
    return this.text
      .split('\n')
      .filter((line) => line.trim().startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, any>);
  }
}
