import { describePod } from '../../../kube/describe';
import { pod } from './pods.fixture';

describe('describe output', () => {
  it('never shows values from Secrets, only where they come from', () => {
    const p = pod('api-1', { phase: 'Running' }, {
      containers: [
        {
          name: 'app',
          env: [
            { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-creds', key: 'password' } } },
            { name: 'LOG_LEVEL', value: 'debug' },
          ],
          envFrom: [{ secretRef: { name: 'api-keys' } }],
        },
      ],
      volumes: [{ name: 'tls', secret: { secretName: 'api-tls' } }],
    });
    const text = describePod(p);
    expect(text).toContain('DB_PASSWORD:  <from secret db-creds/password>');
    expect(text).toContain('LOG_LEVEL:  debug');
    expect(text).toContain('<all keys from secret api-keys>');
    expect(text).toContain('tls:  Secret api-tls (contents not shown)');
  });
});
