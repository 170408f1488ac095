import { startStack, type Stack } from '../../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 60_000);
afterAll(async () => stack?.stop());

describe('the api metrics endpoint', () => {
  it('counts answered requests by route pattern and status in Prometheus text format', async () => {
    await stack.request('/healthz');
    await stack.request('/api/incidents/incident%2Fx%2Fy');
    const res = await stack.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('# TYPE api_http_requests_total counter');
    expect(text).toMatch(/api_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1/);
    // The incident id is not a label value: the route pattern is.
    expect(text).not.toContain('incident%2Fx');
    expect(text).toMatch(/route="\/api\/incidents\/\*?:?[a-z]*[^"]*",status="401"/);
  });
});
