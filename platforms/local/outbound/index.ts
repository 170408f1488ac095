// The local chat's outbound side: the worker posts to the api's local chat service over HTTP.
import type { OutboundPlatform } from '../../seams';
import { createLocalChat } from './adapter';

export const localOutbound: OutboundPlatform<'local'> = {
  create: (section) => createLocalChat({ url: section.url }),
};
