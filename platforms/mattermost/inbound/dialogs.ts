// The two interactive dialogs behind the Hand off and Resolve buttons. The incident (and where the
// alert is) rides in the dialog's `state`, signed for the dialog and the person it was opened for,
// which Mattermost echoes untouched with the submission.
import type { Config } from '../../../config/schema';
import { DIALOG_FIELDS, DIALOG_HANDOFF, DIALOG_RESOLVE, signDialogState, type DialogState } from '../shared/actions';

/** Mattermost's dialog limits. */
const MAX_OPTIONS = 100;
const MAX_TEXTAREA = 3000;

export interface DialogTarget extends DialogState {
  /** The Mattermost user the dialog is for (its trigger's user). */
  user: string;
}

/** Roster people a Mattermost user can hand to: those with a Mattermost identity (or an email, when mapped by email). */
function candidates(config: Config): { text: string; value: string }[] {
  const byEmail = config.platforms.mattermost?.lookupUsersByEmail === true;
  return config.people
    .filter((p) => p.chat.mattermost || (byEmail && p.email))
    .slice(0, MAX_OPTIONS)
    .map((p) => ({ text: p.name, value: p.id }));
}

export function handoffDialog(config: Config, secret: string, t: DialogTarget): Record<string, unknown> {
  const options = candidates(config);
  const to = options.length
    ? { display_name: 'New responder', name: DIALOG_FIELDS.to, type: 'select', options, placeholder: 'Someone on the roster' }
    : { display_name: 'New responder', name: DIALOG_FIELDS.to, type: 'text', placeholder: 'Their roster id, e.g. bob' };
  return {
    callback_id: DIALOG_HANDOFF,
    title: 'Hand off incident',
    introduction_text: `Who takes over \`${t.incidentId}\`? They are paged and must acknowledge.`,
    elements: [
      to,
      { display_name: 'Note', name: DIALOG_FIELDS.note, type: 'textarea', optional: true, max_length: 2000, placeholder: 'What they should know' },
    ],
    submit_label: 'Hand off',
    notify_on_cancel: false,
    state: signDialogState(secret, DIALOG_HANDOFF, t.user, t),
  };
}

export function resolveDialog(secret: string, t: DialogTarget): Record<string, unknown> {
  return {
    callback_id: DIALOG_RESOLVE,
    title: 'Resolve incident',
    introduction_text: `Resolve \`${t.incidentId}\`.`,
    elements: [{ display_name: 'What fixed it?', name: DIALOG_FIELDS.summary, type: 'textarea', max_length: MAX_TEXTAREA, placeholder: 'e.g. rolled back to v41' }],
    submit_label: 'Resolve',
    notify_on_cancel: false,
    state: signDialogState(secret, DIALOG_RESOLVE, t.user, t),
  };
}
