// Which apiserver answers to a log read mean "there is no such log" (said in words) and which are
// real errors (shown as the apiserver said them).
import { k8s, toKubeCallError } from '../../../kube/client';
import { noLogReason } from '../../../api/kubectl/reads';

const answer = (code: number, message: string) =>
  toKubeCallError(new k8s.ApiException(code, 'HTTP-Code: 400', JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'BadRequest', message, code }), {}), 'read logs of checkout/app');

describe('noLogReason', () => {
  it('says a container has not restarted when the previous terminated container is not found', () => {
    expect(noLogReason(answer(400, 'previous terminated container "app" in pod "checkout-1" not found'))).toBe('(no previous container: it has not restarted)');
  });

  it('says a container has not started, with the kubelet reason, when it is waiting to start', () => {
    expect(noLogReason(answer(400, 'container "app" in pod "checkout-1" is waiting to start: ContainerCreating'))).toBe('(no log: the container has not started: ContainerCreating)');
  });

  it('leaves any other 400, such as an out-of-range sinceSeconds, as an error to show', () => {
    expect(noLogReason(answer(400, 'v1.PodLogOptions.SinceSeconds: readUint64: overflow'))).toBeUndefined();
    expect(noLogReason(answer(400, 'a container name must be specified for pod checkout-1, choose one of: [app sidecar]'))).toBeUndefined();
  });

  it('leaves other statuses alone even when the message looks alike', () => {
    expect(noLogReason(answer(404, 'previous terminated container "app" in pod "checkout-1" not found'))).toBeUndefined();
  });
});
