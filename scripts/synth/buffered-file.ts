// A line-buffered output file: cheap synchronous appends, occasional awaited flushes, bounded memory.
import { type FileHandle, open } from 'node:fs/promises';

// Big enough that a flush is one syscall per ~hundreds of rows, small enough for dozens of open files.
const FLUSH_BYTES = 256 * 1024;

/**
 * Appends lines in memory and writes them out in chunks, so the generator can interleave rows across
 * many files without holding any file whole (1M-enterprise worlds) and without one await per row.
 *
 * @example
 * const f = await BufferedFile.create('/tmp/x.csv', 'a,b');
 * f.line('1,2');
 * await f.flushIfFull();
 * await f.close();
 */
export class BufferedFile {
  private parts: string[] = [];
  private size = 0;

  private constructor(private readonly handle: FileHandle) {}

  /**
   * Creates (truncates) the file, optionally starting with a header line.
   *
   * @example
   * const f = await BufferedFile.create('out.csv', 'entity_id,x');
   */
  static async create(file: string, header?: string, mode = 0o644): Promise<BufferedFile> {
    const out = new BufferedFile(await open(file, 'w', mode));
    if (header !== undefined) out.line(header);
    return out;
  }

  /**
   * Queues one line (a newline is appended).
   *
   * @example
   * f.line('91110105…,0');
   */
  line(text: string): void {
    this.parts.push(text, '\n');
    this.size += text.length + 1;
  }

  /**
   * Writes the buffer if it has grown past the flush threshold.
   *
   * @example
   * if (i % 1024 === 0) await f.flushIfFull();
   */
  async flushIfFull(): Promise<void> {
    if (this.size >= FLUSH_BYTES) await this.flush();
  }

  /**
   * Writes whatever is buffered.
   *
   * @example
   * await f.flush();
   */
  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    // writeFile loops until the whole chunk is down; a bare write() may be partial.
    await this.handle.writeFile(chunk);
  }

  /**
   * Flushes and closes the file.
   *
   * @example
   * await f.close();
   */
  async close(): Promise<void> {
    await this.flush();
    await this.handle.close();
  }
}
