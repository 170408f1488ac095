// The Temporal SDK's logs in the process logger (logging/temporal.ts): workflow and activity lines
// of an incident get incidentId, workflowId and runId; text from outside is redacted.
import { createLogger } from '../../../logging';
import { runtimeLogging, temporalFields, temporalLogger } from '../../../logging/temporal';
import { capture } from './capture';

describe('SDK log attributes as log fields', () => {
  it('gives an activity line of an incident its incident id, workflow id and run id, without the task token', () => {
    const fields = temporalFields({ sdkComponent: 'activity', activityType: 'postAlert', workflowId: 'incident/prod/x', workflowRunId: 'run-1', taskToken: 'AAAA', attempt: 2 });
    expect(fields).toEqual({ sdkComponent: 'activity', activityType: 'postAlert', workflowId: 'incident/prod/x', runId: 'run-1', incidentId: 'incident/prod/x', attempt: 2 });
  });

  it('gives a workflow line its incident id too, and none to a workflow that is not an incident', () => {
    expect(temporalFields({ sdkComponent: 'workflow', workflowId: 'incident/prod/x', runId: 'run-2' })).toMatchObject({ incidentId: 'incident/prod/x', runId: 'run-2' });
    expect(temporalFields({ sdkComponent: 'workflow', workflowId: 'nightly-report', runId: 'run-3' })).not.toHaveProperty('incidentId');
  });

  it('logs an error as err with its message and stack redacted', () => {
    const f = temporalFields({ error: new Error('POST failed: authorization: Bearer abcdefghijkl') });
    expect(f.err).toMatchObject({ type: 'Error', message: 'POST failed: authorization: Bearer [REDACTED]' });
    expect(JSON.stringify(f)).not.toContain('abcdefghijkl');
  });
});

describe('the Runtime logger', () => {
  it('writes SDK entries at their level with the message redacted and the attributes as fields', () => {
    const out = capture();
    const logger = temporalLogger(createLogger({ service: 'worker', destination: out.destination, env: { LOG_LEVEL: 'trace' } }));
    logger.info('Worker state changed', { sdkComponent: 'worker', state: 'RUNNING' });
    logger.log('WARN', 'retrying with password=hunter2hunter2', { sdkComponent: 'core' });
    logger.trace('t');
    logger.debug('d');
    logger.error('e');
    expect(out.entries().map((e) => [e.level, e.msg])).toEqual([[30, 'Worker state changed'], [40, 'retrying with password=[REDACTED]'], [10, 't'], [20, 'd'], [50, 'e']]);
    expect(out.entries()[0]).toMatchObject({ sdkComponent: 'worker', state: 'RUNNING', service: 'worker' });
  });

  it('forwards core lines at the process level, but core DEBUG only with LOG_LEVEL=trace', () => {
    expect(runtimeLogging('info').filter.core).toBe('INFO');
    expect(runtimeLogging('debug').filter.core).toBe('INFO');
    expect(runtimeLogging('trace').filter.core).toBe('DEBUG');
    expect(runtimeLogging('warn').filter.core).toBe('WARN');
    expect(runtimeLogging('error').filter.core).toBe('ERROR');
    expect(runtimeLogging('info').forward).toEqual({});
  });
});
