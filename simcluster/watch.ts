// Watch streams: newline-delimited JSON events replayed from the store's history, then live changes,
// with selectors applied the way the real watch cache applies them (an object leaving the selector
// arrives as DELETED, one entering it as ADDED), bookmarks, timeoutSeconds, and 410 Gone as an ERROR event.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { groupVersion, type ResourceDef } from './resources';
import { type FieldRequirement, type LabelRequirement, matchesFields, matchesLabels } from './selectors';
import { StatusError } from './status';
import type { ChangeEvent, Store } from './store';
import type { KubeObject } from './types';

export interface WatchSpec {
  def: ResourceDef;
  namespace?: string;
  labels: LabelRequirement[];
  fields: FieldRequirement[];
  /** undefined (no resourceVersion, or "0"): start with ADDED for every current object. */
  fromRv?: number;
  bookmarks: boolean;
  timeoutSeconds?: number;
}

type WireType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

class WatchStream {
  muted = false;
  private timers: NodeJS.Timeout[] = [];
  private closed = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly spec: WatchSpec,
    private readonly onClose: (s: WatchStream) => void,
  ) {}

  start(store: Store, bookmarkIntervalMs: number): void {
    const { def, namespace } = this.spec;
    this.res.on('close', () => this.cleanup());
    if (this.spec.fromRv === undefined) {
      for (const o of store.list(def, namespace)) if (this.matches(o)) this.write('ADDED', o);
    } else {
      let changes: ChangeEvent[];
      try {
        changes = store.changesSince(def, this.spec.fromRv);
      } catch (err) {
        if (!(err instanceof StatusError)) throw err;
        // The real server answers 200 and sends the Status as an ERROR event, then ends the stream.
        this.write('ERROR', err.body());
        this.end();
        return;
      }
      for (const c of changes) this.onChange(c);
    }
    if (this.spec.bookmarks) {
      const t = setInterval(() => {
        if (this.muted) return;
        this.write('BOOKMARK', { kind: def.kind, apiVersion: groupVersion(def), metadata: { resourceVersion: String(store.currentRv()) } });
      }, bookmarkIntervalMs);
      this.timers.push(t);
    }
    if (this.spec.timeoutSeconds !== undefined) this.timers.push(setTimeout(() => this.end(), this.spec.timeoutSeconds * 1000));
  }

  onChange(c: ChangeEvent): void {
    if (this.closed || this.muted || c.def !== this.spec.def) return;
    if (this.spec.namespace && c.def.namespaced && c.object.metadata.namespace !== this.spec.namespace) return;
    const now = this.matches(c.object);
    if (c.type !== 'MODIFIED') {
      if (now) this.write(c.type, c.object);
      return;
    }
    const before = c.previous ? this.matches(c.previous) : true;
    if (before && now) this.write('MODIFIED', c.object);
    else if (!before && now) this.write('ADDED', c.object);
    else if (before && !now) this.write('DELETED', c.object);
  }

  end(): void {
    if (!this.closed) this.res.end();
    this.cleanup();
  }

  destroy(): void {
    this.res.socket?.destroy();
    this.cleanup();
  }

  private matches(o: KubeObject): boolean {
    return matchesLabels(this.spec.labels, o.metadata.labels) && matchesFields(this.spec.fields, o);
  }

  private write(type: WireType, object: unknown): void {
    if (this.closed) return;
    this.res.write(`${JSON.stringify({ type, object })}\n`);
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.onClose(this);
  }
}

export class WatchHub {
  private readonly streams = new Set<WatchStream>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: Store,
    private readonly bookmarkIntervalMs: number,
  ) {
    this.unsubscribe = store.subscribe((c) => {
      for (const s of [...this.streams]) s.onChange(c);
    });
  }

  open(_req: IncomingMessage, res: ServerResponse, spec: WatchSpec): void {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const s = new WatchStream(res, spec, (x) => this.streams.delete(x));
    this.streams.add(s);
    s.start(this.store, this.bookmarkIntervalMs);
  }

  count(): number {
    return this.streams.size;
  }

  drop(graceful: boolean): void {
    for (const s of [...this.streams]) {
      if (graceful) s.end();
      else s.destroy();
    }
  }

  halfOpen(): void {
    for (const s of this.streams) s.muted = true;
  }

  close(): void {
    this.unsubscribe();
    this.drop(false);
  }
}
