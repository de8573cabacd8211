export { createNodeCrypto, NodeCrypto, type NodeCryptoOptions } from './node-crypto.ts';
export type { ScryptCost } from './scrypt-hash.ts';
