/**
 * A request's cancellation as the client passes it down: a flag and one callback slot. An
 * AbortController, its signal and their listeners cost more per request than a scrape's
 * whole request head, and the built-in HTTP/1.1 path needs none of it; an AbortSignal is
 * made only when a path asks for one (undici, an authorization source).
 */
export class Cancel {
  aborted = false;
  #onAbort: (() => void) | null = null;
  #ac: AbortController | null = null;

  /** Marks the request canceled and calls the callback, once. */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const f = this.#onAbort;
    this.#onAbort = null;
    f?.();
    this.#ac?.abort();
  }

  /** Sets the callback called on abort (the one holder of the request at a time). */
  setOnAbort(f: () => void): void {
    this.#onAbort = f;
  }

  /** Clears the callback if it is still `f` (a later holder may have set its own). */
  clearOnAbort(f: () => void): void {
    if (this.#onAbort === f) this.#onAbort = null;
  }

  /** An AbortSignal that aborts with this (made on first use). */
  get signal(): AbortSignal {
    if (this.#ac === null) {
      this.#ac = new AbortController();
      if (this.aborted) this.#ac.abort();
    }
    return this.#ac.signal;
  }
}
