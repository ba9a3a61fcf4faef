// Cursor pages as the SDK hands them out: await a list call for its first page, or iterate it with
// `for await` for every item of every page.

/**
 * One page of a list: its items and the cursor of the next page (null at the end).
 *
 * @example
 * const page: Page<Job> = await lab.jobs.list({ limit: 20 }); if (page.nextCursor === null) console.log('last page');
 */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * A list call: a promise of its first page that is also an async iterable over all items (the
 * next page is fetched when the current one is used up; a page may be empty while a cursor
 * follows, as audit pages can be).
 *
 * @example
 * const first = await lab.jobs.list({ limit: 20 }); // { data, nextCursor }
 * for await (const job of lab.jobs.list()) console.log(job.id, job.status);
 */
export class PagePromise<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  private first: Promise<Page<T>> | null = null;

  constructor(private readonly fetchPage: (cursor: string | null) => Promise<Page<T>>) {}

  /** The first page, fetched once however often the list is awaited. */
  private firstPage(): Promise<Page<T>> {
    this.first ??= this.fetchPage(null);
    return this.first;
  }

  // biome-ignore lint/suspicious/noThenProperty: awaiting a list call gives its first page, by design
  then<A = Page<T>, B = never>(
    onFulfilled?: ((page: Page<T>) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.firstPage().then(onFulfilled, onRejected);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    let page = await this.firstPage();
    for (;;) {
      yield* page.data;
      if (page.nextCursor === null) return;
      page = await this.fetchPage(page.nextCursor);
    }
  }

  /** Every item of every page, in order. */
  async all(): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this) out.push(item);
    return out;
  }
}
