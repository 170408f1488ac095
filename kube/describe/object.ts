// `kubectl describe` for any other object, custom resources included: metadata, scalar spec and
// status fields, lists of messages and conditions.
import { conditionsBlock, oneLine } from '../format';
import { header, type Meta } from './header';

const SCALAR = (v: unknown) => ['string', 'number', 'boolean'].includes(typeof v);

/** Any object (custom resources included): metadata, scalar spec fields, phase, conditions, messages. */
export function describeObject(obj: { apiVersion?: string; kind?: string; metadata?: Meta; spec?: unknown; status?: unknown }): string {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  const status = (obj.status ?? {}) as Record<string, unknown>;
  const scalars = (o: Record<string, unknown>, skip: string[] = []) =>
    Object.entries(o).filter(([k, v]) => SCALAR(v) && !skip.includes(k)).slice(0, 15).map(([k, v]) => `  ${k}: ${oneLine(String(v), 300)}`);
  const lists = Object.entries(status)
    .filter(([k, v]) => Array.isArray(v) && k !== 'conditions' && (v as unknown[]).every(SCALAR))
    .map(([k, v]) => `  ${k}: ${oneLine((v as unknown[]).join('; '), 400)}`);
  const parts = [header(obj.metadata, [['Kind', obj.kind], ['API Version', obj.apiVersion]])];
  const specLines = scalars(spec);
  if (specLines.length) parts.push('Spec:', ...specLines);
  const statusLines = [...scalars(status), ...lists];
  if (statusLines.length) parts.push('Status:', ...statusLines);
  if (Array.isArray(status.conditions)) parts.push('Conditions:', conditionsBlock(status.conditions as any));
  return parts.join('\n');
}
