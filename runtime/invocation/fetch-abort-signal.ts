/**
 * An event's abort signal in the form node-fetch 2 takes, without Node's EventTarget. node-fetch only checks that
 * the signal's constructor is named `AbortSignal` (its isAbortSignal), reads `aborted`, and adds then removes one
 * 'abort' listener per request; with Node's AbortController that cost ~25 µs of CPU per request, a tenth of what a
 * webhook's worker spends per event (bench/RESULTS.md, seventh session). Each fetch of an event gets one
 * (event-scope.ts `requestSignal`); a signal of the caller's own is followed into it (sandbox/fetch.ts).
 */
type Listener = () => void;

export class FetchAbortSignal {
  aborted = false;
  reason: unknown = undefined;
  private listeners: Listener[] = [];
  private onDone: Listener | undefined;

  /** node-fetch still listens: its request has not ended (no answer yet, or an answer whose body it has not all read). */
  get listened(): boolean {
    return this.listeners.length > 0;
  }

  addEventListener(type: string, listener: Listener): void {
    if (type === 'abort' && !this.aborted) this.listeners.push(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    if (type !== 'abort') return;
    const at = this.listeners.indexOf(listener);
    if (at < 0) return;
    this.listeners.splice(at, 1);
    if (this.listeners.length === 0) this.release();
  }

  /** Called once: when node-fetch no longer listens (its request and response are over), on abort, or on release. */
  whenDone(callback: Listener): void {
    this.onDone = callback;
  }

  /** The request is over (also when node-fetch failed before it listened). */
  release(): void {
    const callback = this.onDone;
    this.onDone = undefined;
    callback?.();
  }

  /** Once: marks it aborted and calls the listeners added so far. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.release();
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) {
      try {
        listener();
      } catch (err) {
        // As Node's EventTarget does: the other listeners still run, the error is thrown on its own.
        process.nextTick(() => { throw err; });
      }
    }
  }
}

// node-fetch 2 recognises a signal by this name alone.
Object.defineProperty(FetchAbortSignal, 'name', { value: 'AbortSignal' });
