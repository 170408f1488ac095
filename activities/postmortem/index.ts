// Postmortem activity: compile from the final state and store under the postmortem id.
import type { IncidentState } from '../../workflows/definitions';
import { compilePostmortem, renderMarkdown } from './compile';
import type { FilePostmortemStore } from './file-store';
import type { MessageContext } from '../chat/message';

export interface PostmortemStore {
  put(doc: ReturnType<typeof compilePostmortem>, markdown: string): Promise<{ id: string; location: string }>;
}

export function createPostmortemActivities(store: PostmortemStore | FilePostmortemStore, context: () => MessageContext) {
  return {
    async storePostmortem(state: IncidentState): Promise<{ id: string; location: string; summary: string }> {
      const ctx = context();
      const links = ctx.temporalUiUrl
        ? [{ label: 'Temporal history', url: `${ctx.temporalUiUrl}/namespaces/${encodeURIComponent(ctx.temporalNamespace ?? 'default')}/workflows/${encodeURIComponent(state.id)}` }]
        : [];
      const doc = compilePostmortem(state, ctx.names, links);
      const stored = await store.put(doc, renderMarkdown(doc));
      const mtta = doc.timeToAcknowledgeMs === undefined ? 'not acknowledged' : `${Math.round(doc.timeToAcknowledgeMs / 1000)}s to acknowledge`;
      return { ...stored, summary: `Postmortem ${doc.id}: ${mtta}, ${Math.round(doc.timeToResolveMs / 1000)}s to resolve, ${doc.escalations} escalation(s), ${doc.handoffs} handoff(s).` };
    },
  };
}
export type PostmortemActivities = ReturnType<typeof createPostmortemActivities>;
