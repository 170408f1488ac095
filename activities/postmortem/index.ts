// Postmortem activity: compile from the final state, render, and store under the postmortem id.
// The store decides where (files or Elasticsearch); a retry stores nothing twice.
import type { IncidentState } from '../../workflows/definitions';
import type { MessageContext } from '../chat/message';
import { ErrorTypes, permanentFailure } from '../errors';
import { compilePostmortem, type PostmortemDoc } from './compile';
import { renderMarkdown, summaryLine } from './render';
import type { PostmortemStore } from './store';
import { callErrorType } from '../../metrics/incidents';
import { tracedCall } from '../../telemetry/tracing';

export type { PostmortemStore } from './store';

export interface PostmortemSettings {
  displayTimeZone?: string;
}

export function createPostmortemActivities(store: PostmortemStore, context: () => MessageContext, settings: () => PostmortemSettings = () => ({})) {
  return {
    async storePostmortem(state: IncidentState): Promise<{ id: string; location: string; summary: string; created: boolean }> {
      const ctx = context();
      let doc: PostmortemDoc;
      try {
        doc = compilePostmortem(state, {
          names: ctx.names,
          temporalUiUrl: ctx.temporalUiUrl,
          temporalNamespace: ctx.temporalNamespace,
          apiUrl: ctx.apiUrl,
          displayTimeZone: settings().displayTimeZone,
        });
      } catch (err) {
        throw permanentFailure(ErrorTypes.invalidRequest, (err as Error).message);
      }
      const stored = await tracedCall({ system: 'postmortem', platform: 'store', operation: 'put' }, () => store.put(doc, renderMarkdown(doc)), callErrorType);
      return { id: stored.id, location: stored.location, created: stored.created, summary: summaryLine(doc, ctx.apiUrl) };
    },
    /** Action items that arrived after the postmortem was compiled; a retry adds nothing twice. */
    async appendActionItems(input: { id: string; items: { text: string; by: string; at: string }[] }): Promise<void> {
      const names = context().names;
      const items = input.items.map((i) => ({ ...i, byName: names[i.by] ?? i.by }));
      await tracedCall({ system: 'postmortem', platform: 'store', operation: 'edit' }, () => store.edit(input.id, (doc) => {
        const have = new Set((doc.actionItems ?? []).map((a) => `${a.at}|${a.text}`));
        const fresh = items.filter((i) => !have.has(`${i.at}|${i.text}`));
        if (!fresh.length) return undefined;
        return { ...doc, actionItems: [...(doc.actionItems ?? []), ...fresh], reviewPrompts: doc.reviewPrompts.filter((p) => !p.startsWith('No action items were recorded')) };
      }), callErrorType);
    },
  };
}
export type PostmortemActivities = ReturnType<typeof createPostmortemActivities>;
