export type { UniwareClient } from './uniware-client.ts';
