// The two modals behind the Hand off and Resolve buttons. The incident (and where to answer) rides
// in private_metadata, which Slack returns untouched with the submission.
import type { ModalView } from '@slack/types';
import { VIEW_HANDOFF, VIEW_RESOLVE } from '../shared/actions';

export const HANDOFF_TO = { block: 'handoff_to', action: 'to' } as const;
export const HANDOFF_NOTE = { block: 'handoff_note', action: 'note' } as const;
export const RESOLVE_SUMMARY = { block: 'resolve_summary', action: 'summary' } as const;

export interface ViewContext {
  incidentId: string;
  /** Where answers go (ephemeral to the submitter). */
  channel?: string;
  threadTs?: string;
  /** The alert message whose button opened the form: its thread gets the action's line. */
  rootTs?: string;
}

export function handoffModal(ctx: ViewContext): ModalView {
  return {
    type: 'modal',
    callback_id: VIEW_HANDOFF,
    private_metadata: JSON.stringify(ctx),
    title: { type: 'plain_text', text: 'Hand off incident' },
    submit: { type: 'plain_text', text: 'Hand off' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `Who takes over \`${ctx.incidentId}\`? They are paged and must acknowledge.` } },
      { type: 'input', block_id: HANDOFF_TO.block, label: { type: 'plain_text', text: 'New responder' }, element: { type: 'users_select', action_id: HANDOFF_TO.action, placeholder: { type: 'plain_text', text: 'Pick someone on the roster' } } },
      {
        type: 'input',
        block_id: HANDOFF_NOTE.block,
        optional: true,
        label: { type: 'plain_text', text: 'Note' },
        element: { type: 'plain_text_input', action_id: HANDOFF_NOTE.action, multiline: true, max_length: 2000, placeholder: { type: 'plain_text', text: 'What they should know' } },
      },
    ],
  };
}

export function resolveModal(ctx: ViewContext): ModalView {
  return {
    type: 'modal',
    callback_id: VIEW_RESOLVE,
    private_metadata: JSON.stringify(ctx),
    title: { type: 'plain_text', text: 'Resolve incident' },
    submit: { type: 'plain_text', text: 'Resolve' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: RESOLVE_SUMMARY.block,
        label: { type: 'plain_text', text: 'What fixed it?' },
        element: { type: 'plain_text_input', action_id: RESOLVE_SUMMARY.action, multiline: true, max_length: 3000, placeholder: { type: 'plain_text', text: 'e.g. rolled back to v41' } },
      },
    ],
  };
}

export function readViewContext(privateMetadata: string | undefined): ViewContext | undefined {
  try {
    const v = JSON.parse(privateMetadata ?? '') as Partial<ViewContext>;
    return typeof v.incidentId === 'string' ? { incidentId: v.incidentId, channel: v.channel, threadTs: v.threadTs, rootTs: v.rootTs } : undefined;
  } catch {
    return undefined;
  }
}
