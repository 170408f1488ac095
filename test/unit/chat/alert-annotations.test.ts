// An alert's annotations (Alertmanager's summary, description and runbook_url) travel from the
// intake schema into the incident state and onto the neutral message every platform renders.
import { buildIncidentMessage, renderText } from '../../../activities/chat/message';
import { parseAnomaly } from '../../../intake/schema';
import { applyOccurrence, initialState } from '../../../workflows/state';
import { anomaly } from '../../helpers/anomaly';
import { CONTEXT } from '../platforms/slack/fixtures';

const AT = '2026-03-02T10:15:00.000Z';
const annotations = { summary: 'Checkout restarts often', description: 'More than 5 restarts in 10m.', runbookUrl: 'https://runbooks.example.com/checkout' };

describe('alert annotations', () => {
  it('are accepted by the intake schema, and a runbook link that is not http(s) is refused by name', () => {
    const ok = parseAnomaly({ ...anomaly(), annotations });
    expect(ok).toMatchObject({ ok: true, anomaly: { annotations } });
    const bad = parseAnomaly({ ...anomaly(), annotations: { runbookUrl: 'javascript:alert(1)' } });
    expect(bad).toEqual({ ok: false, fields: [{ path: 'annotations.runbookUrl', message: 'annotations.runbookUrl must be an http:// or https:// address' }] });
    expect(parseAnomaly({ ...anomaly(), annotations: { summary: 'x', owner: 'me' } })).toMatchObject({ ok: false, fields: [{ path: 'annotations.owner' }] });
  });

  it('start the incident state and are replaced by a later occurrence that carries any', () => {
    const s = initialState('incident/c/f', { ...anomaly(), annotations }, AT);
    expect(s.annotations).toEqual(annotations);
    applyOccurrence(s, anomaly(), AT);
    expect(s.annotations).toEqual(annotations);
    applyOccurrence(s, { ...anomaly(), annotations: { summary: 'Now failing readiness too' } }, AT);
    expect(s.annotations).toEqual({ summary: 'Now failing readiness too' });
  });

  it('are absent from the state of an anomaly without them', () => {
    expect('annotations' in initialState('incident/c/f', anomaly(), AT)).toBe(false);
  });

  it('show in the message: summary and description as fields, the runbook as the first link and in the text', () => {
    const m = buildIncidentMessage(initialState('incident/c/f', { ...anomaly(), annotations }, AT), CONTEXT);
    expect(m).toMatchObject({ alertSummary: annotations.summary, alertDescription: annotations.description, runbookUrl: annotations.runbookUrl });
    expect(m.links[0]).toEqual({ label: 'Runbook', url: annotations.runbookUrl });
    const text = renderText(m).split('\n');
    expect(text[1]).toBe('summary: Checkout restarts often');
    expect(text).toEqual(expect.arrayContaining(['description: More than 5 restarts in 10m.', 'runbook: https://runbooks.example.com/checkout']));
  });
});
