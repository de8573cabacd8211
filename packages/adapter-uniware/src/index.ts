export {
  CANCEL_PATH,
  cancelEndpointOf,
  DEFAULT_MAX_RESPONSE_BYTES,
  type UniwareClientConfig,
} from './uniware-client-config.ts';
export { createUniwareHttpClient, UniwareHttpClient } from './uniware-http-client.ts';
