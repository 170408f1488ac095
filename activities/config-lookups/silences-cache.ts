// The worker's in-memory copy of the active silences, refreshed by one query of the `silences`
// workflow every silences.refreshInterval. routeAnomaly reads it synchronously, so checking
// silences adds no Temporal round trip and no activity to an incident when none matches. A failed
// refresh keeps the last copy (and says so once): a Temporal hiccup must not unsilence everything.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { SILENCES_WORKFLOW_ID, silencesQuery, type Silence } from '../../workflows/silences-definitions';

export interface SilenceSource {
  current(): Silence[];
}

/** No silences (a worker built without a Temporal client, e.g. option inspection). */
export const NO_SILENCES: SilenceSource = { current: () => [] };

export class SilenceCache implements SilenceSource {
  private silences: Silence[] = [];
  private timer?: NodeJS.Timeout;
  private failing = false;
  private stopped = false;
  private gone: () => boolean = () => false;

  constructor(
    private readonly client: Client,
    private readonly log: (m: string) => void = (m) => console.warn(m),
  ) {}

  current(): Silence[] {
    return this.silences;
  }

  /** Reads the silences now; a workflow that was never started means none. */
  async refresh(): Promise<void> {
    try {
      this.silences = await this.client.workflow.getHandle(SILENCES_WORKFLOW_ID).query(silencesQuery);
      this.failing = false;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        this.silences = [];
        return;
      }
      if (this.stopped || this.gone()) return; // the worker is shutting down: its connection goes first
      if (!this.failing) this.log(`silences: keeping the last ${this.silences.length} known silence(s): refreshing them failed: ${(err as Error).message}`);
      this.failing = true;
    }
  }

  /** Refreshes every `intervalMs` until stop() or until `gone()` says the worker has stopped. */
  start(intervalMs: number, gone: () => boolean = () => false): void {
    this.gone = gone;
    const tick = async () => {
      if (this.stopped || gone()) return;
      await this.refresh();
      if (!this.stopped && !gone()) this.timer = setTimeout(tick, intervalMs).unref();
    };
    void tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
